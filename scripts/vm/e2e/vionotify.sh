# SPDX-License-Identifier: GPL-2.0
# The vionotify steps of the end-to-end run (issue 15 item 4), sourced by
# /dmop/mode-e2e after /e2e/scenario.sh (whose helpers they use) and run by
# e2e_run on our drivers. Staged at /e2e/vionotify.sh by scripts/vm/e2e/stage.
#
# An HVM guest (its boot code: selftests/e2e/vionotify_guest.asm) drives a
# virtio-mmio-style page that tools/vionotify serves as an ioreq server of
# its own (QEMU still serves the disk and COM1). vionotify is started while
# the guest is paused, sets up, drops to uid 65534 and says "ready"; then the
# guest runs: QueueNotify writes, other register accesses, interrupts raised
# and acknowledged. Twice: with the kernel's fast path (IOEVENTFD completes
# the notify writes, an irqfd raises the IRQ) and with --no-fastpath (all on
# vionotify's ioreq loop, the IRQ by a DMOP). The counts vionotify prints
# must say which path served what.

VIO_GUEST=vionotify-guest
VIO_DIR=/run/vionotify
VIO_SERIAL=$VIO_DIR/serial.log
# As in selftests/e2e/vionotify_guest.asm.
VIO_NOTIFIES=1024
VIO_IRQS=256
VIO_MAGIC=74726976
VIO_UID=65534

# vio_guest_field KIND KEY: a hex field of the guest's line "VIONOTIFY KIND ..."
# (or of VIONOTIFY-DONE with KIND final), in decimal
vio_guest_field() {
	local v

	v=$(tr -d '\r' <"$VIO_SERIAL" | awk -v kind="$1" -v key="$2" '
		($1 == "VIONOTIFY" && $2 == kind) || ($1 == "VIONOTIFY-DONE" && kind == "final") ||
		($1 == "VIONOTIFY" && kind == key) {
			for (i = 2; i <= NF; i++)
				if (index($i, key "=") == 1) { print substr($i, length(key) + 2); exit }
		}')
	[ -n "$v" ] && echo $((0x$v))
}

# vio_field KEY: a field of vionotify's summary line
vio_field() {
	grep '^vionotify: notifies_eventfd=' "$VIO_OUT" | tail -n 1 | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# vio_ready_or_dead PID: vionotify said "ready", or exited (a zombie too)
vio_ready_or_dead() {
	grep -q '^vionotify: ready' "$VIO_OUT" && return 0
	[ -r "/proc/$1/stat" ] || return 0
	sed 's/.*) //' "/proc/$1/stat" | grep -q '^Z'
}

# vio_guest_done: the guest's last line is complete in its serial file, or
# it said "error". QEMU writes the file as the UART sends, so a "VIONOTIFY-DONE"
# may be there before the rest of its line: wait for its last field, whole.
vio_guest_done() {
	grep -q -e '^VIONOTIFY-DONE .* early=[0-9a-f]\{8\}' -e '^VIONOTIFY error' "$VIO_SERIAL"
}

vio_guest_gone() {
	! xl domid "$VIO_GUEST" >/dev/null 2>&1 &&
		! xenstore-exists "/local/domain/$VIO_DOMID" 2>/dev/null
}

# vio_mean_us KIND: the guest's mean cycles per sample of KIND, in µs
vio_mean_us() {
	local khz n sum

	khz=$(vio_guest_field tsc_khz tsc_khz) n=$(vio_guest_field "$1" n) sum=$(vio_guest_field "$1" sum)
	[ -n "$khz" ] && [ "$khz" -gt 0 ] && [ -n "$n" ] && [ "$n" -gt 0 ] && [ -n "$sum" ] || { echo "?"; return; }
	awk -v s="$sum" -v n="$n" -v k="$khz" 'BEGIN { printf "%.1f", s / n / k * 1000 }'
}

# vio_prepare: the guest's xl config and disk in $VIO_DIR, no serial file yet
# (also used by the notify rounds of scripts/vm/mode-bench-guest)
vio_prepare() {
	mkdir -p "$VIO_DIR"
	rm -f "$VIO_SERIAL"
	sed -e "s|^name = .*|name = \"$VIO_GUEST\"|" \
		-e "s|target=/e2e/disk.img|target=$VIO_DIR/disk.img|" \
		-e "s|^serial = .*|serial = \"file:$VIO_SERIAL\"|" /e2e/guest.cfg >"$VIO_DIR/guest.cfg" &&
		cp /e2e/vionotify_guest.bin "$VIO_DIR/disk.img" && truncate -s 1M "$VIO_DIR/disk.img"
}

# vio_run MODE: one guest served by vionotify, MODE fastpath or loop
vio_run() {
	local mode="$1" flag="" rc n pid uid

	[ "$mode" = fastpath ] || flag=--no-fastpath
	step "vionotify${flag:+ $flag}: a guest's virtio-mmio page served by a libdmop ioreq server ($mode)"
	VIO_OUT=$VIO_DIR/vionotify-$mode.out
	vio_prepare || { notok "vionotify ($mode): write the guest's config and disk"; return 1; }
	if ! xl create -p "$VIO_DIR/guest.cfg" >"$VIO_DIR/xl-create.log" 2>&1; then
		notok "vionotify ($mode): xl create -p of the guest"
		show "$VIO_DIR/xl-create.log"
		return 1
	fi
	VIO_DOMID=$(xl domid "$VIO_GUEST")
	say "\$ vionotify ${flag:+$flag }$VIO_DOMID    (the guest is paused)"
	/e2e/vionotify $flag "$VIO_DOMID" >"$VIO_OUT" 2>&1 &
	pid=$!
	if ! wait_for 20 vio_ready_or_dead "$pid" || ! grep -q '^vionotify: ready' "$VIO_OUT"; then
		kill -TERM "$pid" 2>/dev/null
		wait "$pid"
		rc=$?
		show "$VIO_OUT"
		notok "vionotify ($mode) set up for domain $VIO_DOMID (exit $rc, no 'ready' line: $(tail -n 1 "$VIO_OUT"))"
		vio_destroy "$mode"
		return 1
	fi
	show "$VIO_OUT"
	uid=$(e2e_status_field "$pid" Uid)
	check "vionotify ($mode) set up for domain $VIO_DOMID and runs as uid $VIO_UID, no capabilities" \
		test "$uid" = "$VIO_UID $VIO_UID $VIO_UID $VIO_UID" -a \
		"$(e2e_status_field "$pid" CapEff)" = 0000000000000000
	dmop status "$pid" 2>&1 | show
	check "vionotify ($mode): xl unpause" xl unpause "$VIO_GUEST"
	wait_for 120 vio_guest_done || vio_show_stuck "$pid" 120
	tr -d '\r' <"$VIO_SERIAL" 2>/dev/null | grep '^VIONOTIFY' | show
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	show "$VIO_OUT"
	check "vionotify ($mode) ended on SIGTERM with exit 0 (exit $rc)" test "$rc" = 0

	n=$(vio_guest_field final irqs)
	check "vionotify ($mode): the guest read the magic $VIO_MAGIC, made $VIO_NOTIFIES notify writes and saw $VIO_IRQS interrupts (its line: magic=$(vio_guest_field final magic | awk '{ printf "%x", $1 }') irqs=$n)" \
		test "$(vio_guest_field final magic)" = $((0x$VIO_MAGIC)) -a "$n" = "$VIO_IRQS" -a \
		"$(vio_guest_field final notifies)" = "$VIO_NOTIFIES"
	if [ "$mode" = fastpath ]; then
		check "vionotify (fastpath): every notify write completed in the kernel and reached the eventfd, none reached the loop (notifies_eventfd=$(vio_field notifies_eventfd) notifies_loop=$(vio_field notifies_loop))" \
			test "$(vio_field notifies_eventfd)" = "$VIO_NOTIFIES" -a "$(vio_field notifies_loop)" = 0
	else
		check "vionotify (loop): every notify write reached the ioreq loop, none the eventfd (notifies_eventfd=$(vio_field notifies_eventfd) notifies_loop=$(vio_field notifies_loop))" \
			test "$(vio_field notifies_loop)" = "$VIO_NOTIFIES" -a "$(vio_field notifies_eventfd)" = 0
	fi
	n=$(vio_field other_accesses)
	check "vionotify ($mode): the other register accesses reached the ioreq loop (other_accesses=$n)" \
		test "${n:-0}" -gt 0
	check "vionotify ($mode): $VIO_IRQS interrupts raised ($( [ "$mode" = fastpath ] && echo "irqfd" || echo "DMOP")), as many as the guest saw (irqs=$(vio_field irqs))" \
		test "$(vio_field irqs)" = "$VIO_IRQS"
	say "vionotify ($mode), the guest's TSC: a notify write $(vio_mean_us notify) µs, write-to-interrupt $(vio_mean_us irq) µs (means); $(vio_guest_field final early) of its interrupts came before its HLT (STI shadow lost under TCG, returned past it)"

	vio_destroy "$mode"
}

# vio_show_stuck PID SECONDS: what a guest that did not finish waits for: its
# vCPU, its interrupt controllers as Xen holds them, both sides' counts and
# dom0's event channel interrupts (also for scripts/vm/mode-bench-guest)
vio_show_stuck() {
	say "vionotify: the guest did not finish in $2 s; its state:"
	xl vcpu-list "$VIO_GUEST" 2>&1 | show
	xen-hvmctx "$VIO_DOMID" 2>&1 | awk '/^ *(PIC|IOAPIC|LAPIC|CPU|IRQ)/ { p = 6 } p-- > 0' | show
	xl debug-keys q >/dev/null 2>&1 && xl dmesg 2>&1 | grep -A8 "VCPU information and callbacks for d$VIO_DOMID" | show
	dmop status "$1" 2>&1 | show
	cat "/proc/$1/fdinfo/"* 2>/dev/null | grep -e '^privcmd\.' -e '^evtchn\.' | show
	grep -i xen /proc/interrupts | show
	tr -d '\r' <"$VIO_SERIAL" 2>/dev/null | tail -n 3 | show
}

vio_destroy() {
	check "vionotify ($1): xl destroy $VIO_GUEST" xl destroy "$VIO_GUEST" &&
		check "vionotify ($1): the guest is gone" wait_for 15 vio_guest_gone
}

# e2e_vionotify: both modes, after the e2e guest is gone (one guest at a time
# keeps the emulated host fast)
e2e_vionotify() {
	if xl domid "$E2E_GUEST" >/dev/null 2>&1; then
		check "xl destroy $E2E_GUEST (before vionotify)" xl destroy "$E2E_GUEST" &&
			check "the e2e guest and its QEMU are gone" wait_for 15 e2e_guest_gone || return 1
	fi
	# VIO_MODES=loop (on the dom0 command line: --args) runs one of them
	for m in ${VIO_MODES:-fastpath loop}; do
		vio_run "$m"
	done
}
