; SPDX-License-Identifier: GPL-2.0
;
; The end-to-end guest: a 512-byte boot sector that SeaBIOS loads from the
; emulated IDE disk (hda) served by the restricted QEMU.
;
; It reads the disk's second sector (written by the dom0 just before `xl
; create`: a per-run nonce, NUL-terminated) and writes one line
;
;   XEN-DMOP-E2E guest: booted from the emulated disk, nonce=<nonce>
;
; to COM1 (0x3f8, QEMU's emulated 16550: lands in the serial file) and to
; port 0xe9 (Xen's HVM debug port: shows as a "(dN)" line in xl dmesg), then
; idles. The nonce proves the line was produced in this run from data QEMU
; read off the disk, not left over from somewhere else.
;
; Build: nasm -f bin -I ./ -o bootsect.bin bootsect.asm (com1.inc)

	bits	16
	org	0x7c00

NONCE	equ	0x7e00			; sector 2 is read here
NONCEMAX equ	64			; longest nonce printed

start:
	cli
	xor	ax, ax
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	mov	sp, 0x7c00
	sti
	cld
	mov	[drive], dl		; the BIOS passes the boot drive in DL

	call	com1_init

	; Sector 2 (CHS 0/0/2) into NONCE, with one retry after a reset.
	mov	byte [tries], 2
.read:
	mov	ax, 0x0201		; AH=2 read, AL=1 sector
	mov	cx, 0x0002		; cylinder 0, sector 2
	xor	dh, dh			; head 0
	mov	dl, [drive]
	mov	bx, NONCE
	int	0x13
	jnc	.have_nonce
	xor	ah, ah			; reset the drive and try again
	mov	dl, [drive]
	int	0x13
	dec	byte [tries]
	jnz	.read
	mov	si, msg_ioerr
	call	puts
	jmp	halt

.have_nonce:
	mov	byte [NONCE + NONCEMAX], 0	; bound the nonce whatever the disk holds
	mov	si, msg_hello
	call	puts
	mov	si, NONCE
	call	puts
	mov	si, msg_eol
	call	puts

	; Idle for good without powering off: a vCPU that halts with interrupts
	; off is down, and Xen powers the guest off when its last vCPU goes down;
	; so mask every PIC line instead and halt with interrupts on. Nothing
	; wakes the vCPU then, which keeps the emulated host quiet while the dom0
	; runs its checks.
halt:
	mov	al, 0xff
	out	0x21, al		; master PIC: mask IRQ 0-7 (the PIT's IRQ 0 too)
	out	0xa1, al		; slave PIC: mask IRQ 8-15
.idle:
	sti
	hlt
	jmp	.idle

%include "com1.inc"

msg_hello	db	"XEN-DMOP-E2E guest: booted from the emulated disk, nonce=", 0
msg_ioerr	db	"XEN-DMOP-E2E guest: reading sector 2 failed", 13, 10, 0
msg_eol		db	13, 10, 0
drive		db	0
tries		db	0

	times	510 - ($ - $$) db 0
	dw	0xaa55
