; SPDX-License-Identifier: GPL-2.0
;
; The guest of the vionotify run (scripts/vm/e2e/scenario.sh, tools/vionotify):
; boot code that SeaBIOS loads off the emulated IDE disk, and that drives a
; virtio-mmio-style register page at BASE served by tools/vionotify (an ioreq
; server of its own; QEMU still serves the disk and COM1):
;
;   1. reads MagicValue (BASE + 0x000) and Version (BASE + 0x004);
;   2. with interrupts off, NNOTIFY 32-bit writes of queue 0 to QueueNotify
;      (BASE + 0x050), each timed with the TSC: the writes the kernel's
;      ioeventfd completes without the backend (or the backend, without it);
;   3. writes 0xf to Status (BASE + 0x070);
;   4. NIRQ times: writes BASE + 0x080 (vionotify's "raise": it answers, then
;      raises ISA IRQ 5 through its irqfd or a DMOP) and halts until the IRQ 5
;      handler ran; the handler acknowledges with a write to InterruptACK
;      (BASE + 0x064, the backend lowers the line) and then EOIs the PIC.
;      The time from the write to the handler's first instruction is the
;      interrupt's latency. An interrupt taken before the HLT instead of at
;      it (the STI shadow lost below us, see irq_handler) is counted as
;      "early".
;
; It prints on COM1 (and port 0xe9), numbers in hexadecimal:
;
;   VIONOTIFY tsc_khz=<khz>
;   VIONOTIFY magic=<magic> version=<version>
;   VIONOTIFY notify n=<n> sum=<hi><lo> min=<c> max=<c>
;   VIONOTIFY irq n=<n> sum=<hi><lo> min=<c> max=<c>
;   VIONOTIFY-DONE magic=<magic> notifies=<n> irqs=<n> early=<n>
;
; or "VIONOTIFY error <what>" and nothing more. An interrupt that never comes
; leaves the guest halted: the dom0 notices by the missing last line.
;
; Build: nasm -f bin -I ./ -o vionotify_guest.bin vionotify_guest.asm
; (com1.inc, util.inc)

	bits	16
	org	0x7c00

BASE	equ	0xfe000000		; must match tools/vionotify's --base
REG_MAGIC	equ	0x000
REG_VERSION	equ	0x004
REG_NOTIFY	equ	0x050
REG_ACK		equ	0x064
REG_STATUS	equ	0x070
REG_RAISE	equ	0x080
; Enough samples that one boot's means are steady (make bench, its notify
; rounds): a write costs ~0.35 ms under TCG, a raise ~0.5 ms, so ~0.5 s.
NNOTIFY	equ	1024			; must match VIO_NOTIFIES (scripts/vm/e2e/vionotify.sh)
NIRQ	equ	256			; must match VIO_IRQS
IRQ	equ	5
; SeaBIOS leaves the master PIC at vector base 8
IRQ_VECTOR equ	0x08 + IRQ
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
	mov	ax, 0x0200 | SECTORS	; AH=2 read, AL=sectors; DL: the boot drive
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

; Idle for good without powering off (as selftests/e2e/bootsect.asm does).
halt:
	mov	al, 0xff
	out	0x21, al
	out	0xa1, al
.idle:
	sti
	hlt
	jmp	.idle

msg_disk	db	"VIONOTIFY error reading sectors 2 and up", 10, 0

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

	call	unreal
	mov	esi, BASE
	mov	eax, [fs:esi + REG_MAGIC]
	mov	[magic], eax
	mov	si, msg_magic
	call	puts			; (clobbers AL)
	mov	eax, [magic]
	call	puthex32
	mov	si, msg_version
	call	puts
	mov	esi, BASE
	mov	eax, [fs:esi + REG_VERSION]
	call	puthex32
	call	eol

	; The notify writes, interrupts off: nothing but the write is timed.
	call	stats_reset
	mov	ecx, NNOTIFY
	cli
.notify:
	mov	esi, BASE
	rdtsc
	mov	edi, eax
	mov	dword [fs:esi + REG_NOTIFY], 0
	rdtsc
	sub	eax, edi
	call	stats_add
	dec	ecx
	jnz	.notify
	sti
	mov	si, msg_notify
	mov	eax, NNOTIFY
	call	report

	mov	esi, BASE
	mov	dword [fs:esi + REG_STATUS], 0xf

	; IRQ 5: our handler in the IVT, the only line the PIC lets through.
	cli
	mov	word [IRQ_VECTOR * 4], irq_handler
	mov	word [IRQ_VECTOR * 4 + 2], 0
	mov	al, ~(1 << IRQ) & 0xff
	out	0x21, al
	mov	al, 0xff
	out	0xa1, al
	call	stats_reset
	mov	ecx, NIRQ
.raise:
	mov	byte [got], 0
	mov	esi, BASE
	rdtsc
	mov	[t0], eax
	mov	dword [fs:esi + REG_RAISE], 1
.wait:
	sti				; STI's shadow: no interrupt before HLT
..@wait_hlt:			; a label that keeps .wait and .raise local
	hlt
	cli
	cmp	byte [got], 0
	je	.wait
	mov	eax, [t1]
	sub	eax, [t0]
	call	stats_add
	inc	dword [irqs]
	dec	ecx
	jnz	.raise
	mov	al, 0xff		; every line masked again
	out	0x21, al
	sti
	mov	si, msg_irq
	mov	eax, NIRQ
	call	report

	mov	si, msg_done
	call	puts
	mov	eax, [magic]
	call	puthex32
	mov	si, msg_notifies
	call	puts
	mov	eax, NNOTIFY
	call	puthex32
	mov	si, msg_irqs
	call	puts
	mov	eax, [irqs]
	call	puthex32
	mov	si, msg_early
	call	puts
	mov	eax, [early]
	call	puthex32
	call	eol
	jmp	halt

fail:
	push	si
	mov	si, msg_error
	call	puts
	pop	si
	call	puts
	jmp	halt

; IRQ 5: the time first; then acknowledge the device (the backend lowers the
; line before it answers) and only then EOI, since hvmloader makes the PCI
; IRQs (5 among them) level-triggered: an EOI with the line still up would
; deliver the same interrupt again.
;
; STI's shadow should keep the interrupt from coming between .wait's STI and
; HLT, but under QEMU's TCG, on the SVM it emulates for Xen, it sometimes
; does not hold: the interrupt is taken with HLT as its return address, IRET
; halts the guest again and nothing wakes it (seen as a hang after hundreds
; of interrupts, with the PIC idle: Documentation/dev-tools/testing.rst).
; So an interrupt that would return to that HLT returns past it, and counts.
irq_handler:
	push	bp
	mov	bp, sp
	cmp	word [bp + 2], ..@wait_hlt	; the IP that IRET returns to
	jne	.ip_ok
	inc	word [bp + 2]		; HLT is one byte
	inc	dword [cs:early]
.ip_ok:
	pop	bp
	push	eax
	push	edx
	push	esi
	rdtsc
	mov	[cs:t1], eax
	mov	esi, BASE
	mov	dword [fs:esi + REG_ACK], 1
	mov	al, 0x20		; non-specific EOI to the master PIC
	out	0x20, al
	mov	byte [cs:got], 1
	pop	esi
	pop	edx
	pop	eax
	iret

stats_reset:
	xor	eax, eax
	mov	[sum], eax
	mov	[sum + 4], eax
	mov	[max], eax
	dec	eax
	mov	[min], eax
	ret

; stats_add: one sample (cycles) in EAX
stats_add:
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
	ret

; report: the line named at SI for EAX samples, from the stats
report:
	push	eax
	call	puts
	mov	si, msg_n
	call	puts
	pop	eax
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
	jmp	eol

%include "com1.inc"
%include "util.inc"

msg_error	db	"VIONOTIFY error ", 0
msg_khz		db	"VIONOTIFY tsc_khz=", 0
msg_magic	db	"VIONOTIFY magic=", 0
msg_version	db	" version=", 0
msg_notify	db	"VIONOTIFY notify", 0
msg_irq		db	"VIONOTIFY irq", 0
msg_n		db	" n=", 0
msg_sum		db	" sum=", 0
msg_min		db	" min=", 0
msg_max		db	" max=", 0
msg_done	db	"VIONOTIFY-DONE magic=", 0
msg_notifies	db	" notifies=", 0
msg_irqs	db	" irqs=", 0
msg_early	db	" early=", 0

	align	4
sum	dd	0, 0
min	dd	0
max	dd	0
magic	dd	0
irqs	dd	0
early	dd	0
t0	dd	0
t1	dd	0
got	db	0

	times	(1 + SECTORS) * 512 - ($ - $$) db 0
