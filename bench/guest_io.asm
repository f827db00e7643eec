; SPDX-License-Identifier: GPL-2.0
;
; The guest side of `make bench`'s emulated-I/O metrics (scripts/vm/mode-bench-guest):
; boot code that SeaBIOS loads off the emulated IDE disk, and that times, with
; its own TSC, accesses that only the device model can answer:
;
;   pio   IN from COM1's line status register (0x3fd, QEMU's 16550)
;   mmio  a 16-bit read of the stdvga's VBE ID register in its MMIO BAR
;         (BAR 2 + 0x500, QEMU's "qemu extended regs"), reached through
;         unreal mode (the BAR lies above 1 MiB)
;
; Each access is the whole ioreq path: vmexit, Xen's ioreq to the device
; model's ioreq server, the event channel to QEMU, QEMU's answer, the event
; channel back, vmentry. Interrupts are off while timing. Per kind it prints
; one line with the count, the sum, minimum and maximum of the cycles per
; access and the last value read (so the dom0 can check QEMU answered), and
; one line with a histogram (bucket b = floor(log2(cycles)), count), all
; numbers hexadecimal:
;
;   XEN-DMOP-GUEST-IO tsc_khz=<khz>        (Xen's CPUID leaf base+3, ECX)
;   XEN-DMOP-GUEST-IO pio n=<n> sum=<hi><lo> min=<c> max=<c> val=<v>
;   XEN-DMOP-GUEST-IO pio hist <b>:<count> ...
;   XEN-DMOP-GUEST-IO mmio ... (the same two lines)
;   XEN-DMOP-GUEST-IO done
;
; or "XEN-DMOP-GUEST-IO error <what>" and nothing more. Lines go to COM1 (the
; serial file) and to port 0xe9 (Xen's debug port, xl dmesg).
;
; Sector 1 loads the rest of the program (sectors 2 and up) at 0x7e00.
;
; Build: nasm -f bin -I ../selftests/e2e/ -o guest_io.bin guest_io.asm (com1.inc,
; util.inc)

	bits	16
	org	0x7c00

NACCESS	equ	4096			; timed accesses per kind
SECTORS	equ	3			; sectors after the first

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
	mov	ax, 0x0200 | SECTORS	; AH=2 read, AL=sectors
	mov	cx, 0x0002		; cylinder 0, sector 2
	xor	dh, dh
	mov	bx, stage2
	int	0x13
	jnc	stage2
	mov	si, msg_disk
.fail:
	lodsb				; no UART set up yet: the debug port only
	test	al, al
	jz	halt
	out	DEBUGIO, al
	jmp	.fail

; Idle for good without powering off (as selftests/e2e/bootsect.asm does):
; mask every PIC line and halt with interrupts on.
halt:
	mov	al, 0xff
	out	0x21, al
	out	0xa1, al
.idle:
	sti
	hlt
	jmp	.idle

msg_disk	db	"XEN-DMOP-GUEST-IO error reading sectors 2 and up", 10, 0
drive		db	0

	times	510 - ($ - $$) db 0
	dw	0xaa55

stage2:
	call	com1_init
	call	tsc_khz
	jc	fail
	mov	si, msg_khz
	call	puts
	call	puthex32
	call	eol

	; PIO: COM1's line status register; idle, it has THRE (0x20) set.
	mov	bx, pio_read
	call	measure
	mov	si, msg_pio
	call	report

	; MMIO: find the stdvga (1234:1111) on bus 0, its BAR 2, and read the
	; VBE ID register (0xb0c0-0xb0c5 in QEMU).
	mov	si, msg_novga
	call	find_vga
	jc	fail
	call	unreal
	mov	bx, mmio_read
	call	measure
	mov	si, msg_mmio
	call	report

	mov	si, msg_done
	call	puts
	jmp	halt

fail:
	push	si
	mov	si, msg_error
	call	puts
	pop	si
	call	puts
	jmp	halt

pio_read:
	mov	dx, COM1 + 5
	in	al, dx
	movzx	eax, al
	ret

mmio_read:
	mov	ax, [fs:esi]
	movzx	eax, ax
	ret

; measure: time NACCESS calls of the access routine at BX (it returns the
; value read in EAX and may use DX and ESI). Fills stats.
measure:
	xor	eax, eax
	mov	di, stats
	mov	cx, stats_len / 2
	rep	stosw
	mov	dword [min], 0xffffffff
	mov	ecx, NACCESS
	cli
.next:
	push	ecx
	rdtsc
	mov	edi, eax
	call	bx
	mov	[val], eax
	rdtsc
	sub	eax, edi		; cycles: the low halves suffice (< 2^32)
	add	[sum], eax
	adc	dword [sum + 4], 0
	cmp	eax, [min]
	jae	.notmin
	mov	[min], eax
.notmin:
	cmp	eax, [max]
	jbe	.notmax
	mov	[max], eax
.notmax:
	xor	ecx, ecx
	bsr	ecx, eax		; ZF (and ECX unchanged) when 0 cycles
	inc	dword [hist + ecx * 4]
	pop	ecx
	dec	ecx
	jnz	.next
	sti
	ret

; report: the two lines for the kind named at SI from stats
report:
	push	si
	call	puts
	mov	si, msg_n
	call	puts
	mov	eax, NACCESS
	call	puthex32
	mov	si, msg_sum
	call	puts
	mov	eax, [sum + 4]
	call	puthex32
	mov	eax, [sum]
	call	puthex32
	mov	si, msg_min
	call	puts
	mov	eax, [min]
	call	puthex32
	mov	si, msg_max
	call	puts
	mov	eax, [max]
	call	puthex32
	mov	si, msg_val
	call	puts
	mov	eax, [val]
	call	puthex32
	call	eol
	pop	si
	call	puts
	mov	si, msg_hist
	call	puts
	xor	bx, bx
.bucket:
	mov	eax, [hist + bx]
	test	eax, eax
	jz	.skip
	mov	al, ' '
	call	putc
	mov	ax, bx
	shr	ax, 2
	call	puthex8
	mov	al, ':'
	call	putc
	mov	eax, [hist + bx]
	call	puthex32
.skip:
	add	bx, 4
	cmp	bx, 32 * 4
	jb	.bucket
	jmp	eol

; pci_read: EAX = config dword BL (register) of bus 0 device CL
pci_read:
	movzx	eax, cl
	shl	eax, 11
	or	al, bl
	or	eax, 0x80000000
	mov	dx, 0xcf8
	out	dx, eax
	mov	dx, 0xcfc
	in	eax, dx
	ret

; find_vga: ESI = the VBE ID register's address in the stdvga's BAR 2.
; CF when there is none (SI kept: the caller's message).
find_vga:
	xor	cx, cx
.dev:
	xor	bl, bl
	call	pci_read
	cmp	eax, 0x11111234		; device 1111, vendor 1234
	je	.found
	inc	cl
	cmp	cl, 32
	jb	.dev
	stc
	ret
.found:
	mov	bl, 0x18		; BAR 2
	call	pci_read
	and	eax, 0xfffffff0
	jz	.none
	lea	esi, [eax + 0x500]
	clc
	ret
.none:
	stc
	ret

%include "com1.inc"
%include "util.inc"

msg_error	db	"XEN-DMOP-GUEST-IO error ", 0
msg_novga	db	"no stdvga (1234:1111) with a BAR 2 on bus 0", 13, 10, 0
msg_khz		db	"XEN-DMOP-GUEST-IO tsc_khz=", 0
msg_pio		db	"XEN-DMOP-GUEST-IO pio", 0
msg_mmio	db	"XEN-DMOP-GUEST-IO mmio", 0
msg_n		db	" n=", 0
msg_sum		db	" sum=", 0
msg_min		db	" min=", 0
msg_max		db	" max=", 0
msg_val		db	" val=", 0
msg_hist	db	" hist", 0
msg_done	db	"XEN-DMOP-GUEST-IO done", 13, 10, 0

	align	4
stats:
sum	dd	0, 0
min	dd	0
max	dd	0
val	dd	0
hist	times 32 dd 0
stats_len equ $ - stats

	times	(1 + SECTORS) * 512 - ($ - $$) db 0
