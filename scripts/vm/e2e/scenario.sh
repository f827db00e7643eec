# SPDX-License-Identifier: GPL-2.0
# The end-to-end scenario in the dom0 (busybox sh), sourced by /dmop/mode-e2e
# (TAP 13, judged like a check run) and /dmop/mode-demo (the same steps with a
# narrative). Staged at /e2e/scenario.sh by scripts/vm/e2e/stage.
#
# The unmodified Debian toolstack (xenstored, xen-init-dom0, xenconsoled, xl)
# runs on the chosen xen-privcmd/xen-evtchn; `xl create` of an HVM guest with
# dm_restrict=1 makes libxl start Debian's QEMU deprivileged; the guest's boot
# sector (selftests/e2e/bootsect.asm) prints a per-run nonce it reads off the
# emulated disk to COM1, which QEMU writes to a file. Then the restriction of
# QEMU's files is proven from the outside (depriv_qemu_test), the guest is
# destroyed and the modules must unload.

XENBIN=/usr/lib/xen-4.17/bin
export PATH=$XENBIN:$PATH
E2E_GUEST=e2e-guest
E2E_DIR=/run/e2e
E2E_SERIAL=$E2E_DIR/serial.log
# xen-qemuuser-range-base in /etc/passwd (scripts/vm/e2e/stage): QEMU runs as
# this uid + domid, with this gid.
E2E_UID_BASE=131072
E2E_GID=131072
# TCG: Xen's boot takes about 10 s, the guest's hvmloader + SeaBIOS about 20 s.
E2E_GUEST_TIMEOUT=${E2E_GUEST_TIMEOUT:-150}

e2e_n=0 e2e_failed=0

# Narrative: plain text in the demo, TAP comments in the e2e run.
say() {
	if [ "${E2E_NARRATE:-0}" = 1 ]; then echo "$*"; else echo "# $*"; fi
}
step() {
	if [ "${E2E_NARRATE:-0}" = 1 ]; then printf '\n==> %s\n' "$*"; else echo "# == $*"; fi
}
# show FILE...: quote files (or stdin) indented under the narrative
show() {
	if [ "${E2E_NARRATE:-0}" = 1 ]; then sed 's/^/    /' "$@"; else sed 's/^/#   /' "$@"; fi
}
ok() {
	e2e_n=$((e2e_n + 1))
	echo "ok $e2e_n e2e: $*"
}
notok() {
	e2e_n=$((e2e_n + 1))
	e2e_failed=$((e2e_failed + 1))
	echo "not ok $e2e_n e2e: $*"
}
# check DESCRIPTION COMMAND...: one TAP line from the command's exit status
check() {
	local what=$1
	shift
	if "$@"; then
		ok "$what"
		return 0
	fi
	notok "$what"
	return 1
}
# wait_for SECONDS COMMAND...: poll every half second until the command succeeds
wait_for() {
	local tries=$(($1 * 2))
	shift
	while [ "$tries" -gt 0 ]; do
		"$@" && return 0
		tries=$((tries - 1))
		sleep 0.5
	done
	return 1
}

# e2e_status_field PID KEY: the values of one /proc/PID/status line
e2e_status_field() {
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s ' \t' ' '
}

e2e_diagnose() {
	say "xl create said:"
	show "$E2E_DIR/xl-create.log" 2>/dev/null
	for f in /var/log/xen/qemu-dm-$E2E_GUEST.log /var/log/xen/xl-$E2E_GUEST.log; do
		[ -f "$f" ] || continue
		say "$f:"
		tail -n 30 "$f" | show
	done
}

e2e_start_toolstack() {
	mkdir -p /var/log/xen /var/lib/xen /var/lib/xenstored /run/xen /run/xenstored "$E2E_DIR"
	say "\$ xenstored --pid-file /run/xenstored.pid"
	xenstored --pid-file /run/xenstored.pid || return 1
	wait_for 20 xenstore-exists / || return 1
	say "\$ xen-init-dom0"
	xen-init-dom0 >"$E2E_DIR/init-dom0.log" 2>&1 || { show "$E2E_DIR/init-dom0.log"; return 1; }
	say "\$ xenconsoled --pid-file=/run/xenconsoled.pid"
	xenconsoled --pid-file=/run/xenconsoled.pid || return 1
	wait_for 10 test -s /run/xenconsoled.pid || return 1
	[ "$(xenstore-read /local/domain/0/name)" = Domain-0 ]
}

# e2e_stop_daemon PIDFILE: stop one daemon this scenario started, wait for it
e2e_stop_daemon() {
	local pid

	pid=$(cat "$1" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || return 0
	wait_for 10 sh -c "! kill -0 $pid 2>/dev/null"
}

# Guest disk: the boot sector, then the run's nonce in sector 2, 1 MiB in all.
e2e_make_disk() {
	E2E_NONCE=$(cat /proc/sys/kernel/random/uuid)
	cp /e2e/bootsect.bin /e2e/disk.img &&
		printf '%s\0' "$E2E_NONCE" | dd of=/e2e/disk.img bs=512 seek=1 conv=notrunc 2>/dev/null &&
		truncate -s 1M /e2e/disk.img
}

e2e_qemu_has_arg() {
	tr '\0' '\n' <"/proc/$E2E_QEMU/cmdline" | grep -qx -- "$1"
}

# The restriction flags libxl passes for dm_restrict=1.
e2e_qemu_restricted_cmdline() {
	e2e_qemu_has_arg -xen-domid-restrict &&
		e2e_qemu_has_arg "/var/run/xen/qemu-root-$E2E_DOMID" &&
		e2e_qemu_has_arg "$((E2E_UID_BASE + E2E_DOMID)):$E2E_GID" &&
		e2e_qemu_has_arg -chroot && e2e_qemu_has_arg -runas
}

e2e_qemu_uid_ok() {
	local uid=$((E2E_UID_BASE + E2E_DOMID))

	[ "$(e2e_status_field "$E2E_QEMU" Uid)" = "$uid $uid $uid $uid" ] &&
		[ "$(e2e_status_field "$E2E_QEMU" Gid)" = "$E2E_GID $E2E_GID $E2E_GID $E2E_GID" ] &&
		[ "$(e2e_status_field "$E2E_QEMU" CapEff)" = 0000000000000000 ] &&
		! e2e_status_field "$E2E_QEMU" Groups | grep -qw 0
}

e2e_serial_line() {
	grep -q "XEN-DMOP-E2E guest: booted from the emulated disk, nonce=$E2E_NONCE" \
		"$E2E_SERIAL" 2>/dev/null
}

e2e_debugport_line() {
	xl dmesg 2>/dev/null | grep "(d$E2E_DOMID)" | grep -q "XEN-DMOP-E2E guest: .*nonce=$E2E_NONCE"
}

# e2e_qemu_files: "FD TARGET" for each of QEMU's files on /dev/xen/*
e2e_qemu_files() {
	local fd t

	for fd in /proc/"$E2E_QEMU"/fd/*; do
		t=$(readlink "$fd") || continue
		case $t in /dev/xen/*) echo "${fd##*/} $t" ;; esac
	done
}

# e2e_expected_ops KIND: the sub-ops of /e2e/expected-dmops marked KIND
# (must, may, or "." for both), one per line
e2e_expected_ops() {
	grep -v '^#' /e2e/expected-dmops | awk -v k="$1" 'NF >= 2 && $2 ~ k { print $1 }'
}

# e2e_sub_op_number NAME: Xen 4.17's number of a DMOP sub-op (dm_op.h)
e2e_sub_op_number() {
	echo "create_ioreq_server get_ioreq_server_info map_io_range_to_ioreq_server
		unmap_io_range_from_ioreq_server set_ioreq_server_state destroy_ioreq_server
		track_dirty_vram set_pci_intx_level set_isa_irq_level set_pci_link_route
		modified_memory set_mem_type inject_event inject_msi map_mem_type_to_ioreq_server
		remote_shutdown relocate_memory pin_memory_cacheattr set_irq_level nr_vcpus" |
		tr -s ' \t\n' '\n' | grep -n -x -- "$1" | cut -d: -f1
}

# HOOK(audit): issue 7 point 3. Which DMOP sub-ops did the real QEMU issue for
# its guest? Read from its privcmd fdinfo counters through `dmop policy` (the
# library's one fdinfo parser), shown with `dmop status`, and checked against
# the expected set in the repo (selftests/e2e/expected-dmops): an op QEMU used
# that is not listed, or a "must" op it did not use, fails the run. Sets
# E2E_POLICY (the observed set, comma-separated) for the allowlisted rerun.
e2e_audit_dmops() {
	local impl=${DMOP_IMPL:-ours} used op kind u verdict bad=0 rc

	E2E_POLICY=
	if ! command -v dmop >/dev/null; then
		notok "audit: the dmop command is in the initramfs (build it: make libdmop)"
		return 1
	fi
	say "\$ dmop status $E2E_QEMU"
	dmop status "$E2E_QEMU" | show
	say "\$ dmop policy $E2E_QEMU"
	used=$(dmop policy "$E2E_QEMU" 2>"$E2E_DIR/policy.err")
	rc=$?
	show "$E2E_DIR/policy.err"
	if [ "$impl" != ours ]; then
		# the in-tree driver publishes no counters: dmop says so (exit 4)
		check "audit: dmop policy of QEMU exits 4 on the in-tree privcmd (no per-sub-op counters)" \
			test "$rc" = 4
		say "DIFF: the in-tree privcmd publishes no per-sub-op DMOP counters: QEMU's DMOP use cannot be audited"
		return 0
	fi
	if [ "$rc" != 0 ] || [ -z "$used" ]; then
		notok "audit: dmop policy of QEMU (exit $rc)"
		return 1
	fi
	echo "$used" | show
	say "QEMU's DMOP sub-ops against /e2e/expected-dmops:"
	{
		printf '%-36s %-8s %-5s %s\n' sub-op expected used verdict
		for op in $(e2e_expected_ops . ; echo "$used" | tr , '\n'); do echo "$op"; done |
			awk '!seen[$0]++' | while read -r op; do
			kind=$(grep -v '^#' /e2e/expected-dmops | awk -v o="$op" '$1 == o { print $2 }')
			if echo "$used" | tr , '\n' | grep -qx -- "$op"; then u=yes; else u=no; fi
			case $kind/$u in
			must/yes | may/*) verdict=ok ;;
			must/no) verdict="MISSING (must)" ;;
			*) kind=-; verdict="UNEXPECTED" ;;
			esac
			printf '%-36s %-8s %-5s %s\n' "$op" "$kind" "$u" "$verdict"
		done
	} >"$E2E_DIR/audit-table"
	show "$E2E_DIR/audit-table"
	bad=$(grep -c -e 'MISSING' -e 'UNEXPECTED' "$E2E_DIR/audit-table")
	if [ "$bad" = 0 ]; then
		ok "audit: QEMU issued only expected DMOP sub-ops and every 'must' one ($used)"
	else
		notok "audit: QEMU's DMOP sub-ops differ from /e2e/expected-dmops in $bad line(s) (table above)"
	fi
	E2E_POLICY=$used
}

# The allowlisted rerun: the same guest, created paused, its QEMU narrowed from
# outside to the sub-ops seen in the first run (`dmop allowlist`, pidfd_getfd on
# QEMU's privcmd files: the allowlist is on the shared open file), then unpaused.
# It must still boot, and a sub-op outside the list through QEMU's file must be
# refused and counted (allowlist_qemu_test).
e2e_allowlisted_run() {
	local nums op rc

	e2e_make_disk || { notok "write the guest disk"; return 1; }
	say "\$ xl create -p /e2e/guest.cfg    (paused; this run's nonce $E2E_NONCE)"
	if ! xl -v create -p /e2e/guest.cfg >"$E2E_DIR/xl-create.log" 2>&1; then
		notok "xl create -p of the guest for the allowlisted run"
		e2e_diagnose
		return 1
	fi
	E2E_DOMID=$(xl domid "$E2E_GUEST")
	E2E_QEMU=$(xenstore-read "/local/domain/$E2E_DOMID/image/device-model-pid" 2>/dev/null)
	if [ -z "$E2E_QEMU" ] || [ ! -d "/proc/$E2E_QEMU" ]; then
		notok "xl create -p: no device model running"
		e2e_diagnose
		return 1
	fi
	ok "xl create -p: domain $E2E_DOMID paused, QEMU pid $E2E_QEMU"
	say "\$ dmop allowlist $E2E_QEMU $E2E_POLICY"
	dmop allowlist "$E2E_QEMU" "$E2E_POLICY" >"$E2E_DIR/allowlist.log" 2>&1
	rc=$?
	show "$E2E_DIR/allowlist.log"
	check "dmop allowlist narrowed QEMU's privcmd file(s) before the guest runs (exit $rc)" \
		test "$rc" = 0 || return 1
	dmop status "$E2E_QEMU" | show
	say "\$ xl unpause $E2E_GUEST"
	check "xl unpause" xl unpause "$E2E_GUEST" || return 1
	if wait_for "$E2E_GUEST_TIMEOUT" e2e_serial_line; then
		grep XEN-DMOP-E2E "$E2E_SERIAL" | tr -d '\r' | show
		ok "the guest booted under QEMU's DMOP allowlist: its line with the new nonce arrived through COM1"
	else
		notok "the guest booted under QEMU's DMOP allowlist (no line with the new nonce in ${E2E_GUEST_TIMEOUT}s)"
		show "$E2E_SERIAL" 2>/dev/null
		uniq -c "/var/log/xen/qemu-dm-$E2E_GUEST.log" | tail -n 20 | show
	fi
	say "after the boot:"
	dmop status "$E2E_QEMU" | show
	nums=
	for op in $(echo "$E2E_POLICY" | tr , ' '); do
		nums=$nums${nums:+,}$(e2e_sub_op_number "$op")
	done
	say "allowlist_qemu_test: QEMU's files carry the list ($nums); a sub-op outside it is refused and counted"
	(E2E_QEMU_PID=$E2E_QEMU E2E_DOMID=$E2E_DOMID E2E_ALLOWLIST=$nums /e2e/allowlist_qemu_test 2>&1
		echo "rc=$?" >"$E2E_DIR/allowlist.rc") | if [ "${E2E_NARRATE:-0}" = 1 ]; then
		sed -n -e 's/^\(not ok\|ok\) [0-9]* qemu\./\1: /p' -e '/refused/p' | show
	else
		sed 's/^/# /'
	fi
	rc=$(sed 's/rc=//' "$E2E_DIR/allowlist.rc")
	check "allowlist_qemu_test (exit $rc)" test "$rc" = 0
}

# On the in-tree drivers: no allowlist to set from outside (exit 4, ENOTTY).
e2e_allowlist_intree() {
	local rc

	dmop allowlist "$E2E_QEMU" nr_vcpus >"$E2E_DIR/allowlist.log" 2>&1
	rc=$?
	show "$E2E_DIR/allowlist.log"
	check "audit: dmop allowlist on QEMU exits 4 on the in-tree privcmd (no allowlist ioctl)" \
		test "$rc" = 4
	say "DIFF: the in-tree privcmd has no DMOP allowlist: QEMU cannot be narrowed below its restriction"
}

e2e_run() {
	local impl=${DMOP_IMPL:-ours} ver rc t0 t1

	step "Load the drivers: xen-privcmd and xen-evtchn ($impl), the distro's xenfs, xen-gntdev, xen-gntalloc"
	if ! load_xen_drivers "$impl"; then
		notok "load $impl xen-privcmd/xen-evtchn and the distro's xenfs/gntdev/gntalloc"
		return 1
	fi
	ver=$(cat /sys/module/xen_privcmd/version 2>/dev/null || echo "in-tree, $(uname -r)")
	ok "load $impl xen-privcmd/xen-evtchn ($ver) and the distro's xenfs/gntdev/gntalloc"

	step "Start the unmodified Debian toolstack (xen-utils-4.17)"
	check "xenstored, xen-init-dom0 and xenconsoled run on our drivers" e2e_start_toolstack ||
		{ e2e_teardown; return 1; }

	step "Create the guest: hvmloader, SeaBIOS, then a boot sector from an emulated IDE disk"
	e2e_make_disk || { notok "write the guest disk"; e2e_teardown; return 1; }
	say "disk: /e2e/disk.img = boot sector (selftests/e2e/bootsect.asm) + this run's nonce $E2E_NONCE"
	say "\$ xl create /e2e/guest.cfg    (dm_restrict = 1)"
	grep -v '^#' /e2e/guest.cfg | grep . | show
	# The time from `xl create` to the guest's greeting (README, next to the
	# stubdomain's, which scripts/vm/stubdom/scenario.sh measures the same way).
	t0=$(cut -d' ' -f1 /proc/uptime)
	if ! xl -v create /e2e/guest.cfg >"$E2E_DIR/xl-create.log" 2>&1; then
		notok "xl create of an HVM guest with dm_restrict=1"
		e2e_diagnose
		e2e_teardown
		return 1
	fi
	E2E_DOMID=$(xl domid "$E2E_GUEST")
	E2E_QEMU=$(xenstore-read "/local/domain/$E2E_DOMID/image/device-model-pid" 2>/dev/null)
	if [ -z "$E2E_QEMU" ] || [ ! -d "/proc/$E2E_QEMU" ]; then
		notok "xl create of an HVM guest with dm_restrict=1 (no device model running)"
		e2e_diagnose
		e2e_teardown
		return 1
	fi
	ok "xl create of an HVM guest with dm_restrict=1: domain $E2E_DOMID, QEMU pid $E2E_QEMU"

	step "The device model libxl started"
	{ tr '\0' ' ' <"/proc/$E2E_QEMU/cmdline"; echo; } | fold -w 100 | show
	check "QEMU was started with -xen-domid-restrict, -chroot /var/run/xen/qemu-root-$E2E_DOMID, -runas $((E2E_UID_BASE + E2E_DOMID)):$E2E_GID" \
		e2e_qemu_restricted_cmdline

	step "Wait for the guest's line on its serial port (a file written by QEMU)"
	if wait_for "$E2E_GUEST_TIMEOUT" e2e_serial_line; then
		say "$E2E_SERIAL:"
		grep XEN-DMOP-E2E "$E2E_SERIAL" | tr -d '\r' | show
		t1=$(cut -d' ' -f1 /proc/uptime)
		ok "the guest's boot sector line with this run's nonce arrived through QEMU's COM1 ($(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s after xl create)"
	else
		notok "the guest's boot sector line with this run's nonce arrived through QEMU's COM1 (waited ${E2E_GUEST_TIMEOUT}s)"
		say "serial file so far:"
		show "$E2E_SERIAL" 2>/dev/null
		xl dmesg | grep "(d$E2E_DOMID)" | tail -n 20 | show
		e2e_diagnose
	fi
	if e2e_debugport_line; then
		say "xl dmesg (Xen's port 0xe9):"
		xl dmesg | grep "(d$E2E_DOMID)" | grep XEN-DMOP-E2E | show
	fi
	check "the same line reached Xen's debug port 0xe9 (xl dmesg)" e2e_debugport_line

	step "Who QEMU runs as"
	for k in Uid Gid Groups CapEff NoNewPrivs; do
		say "$k: $(e2e_status_field "$E2E_QEMU" "$k")"
	done
	say "root directory: $(readlink "/proc/$E2E_QEMU/root")"
	check "QEMU runs as uid $((E2E_UID_BASE + E2E_DOMID)) gid $E2E_GID, no root group, no capabilities" \
		e2e_qemu_uid_ok
	check "QEMU is chrooted to /var/run/xen/qemu-root-$E2E_DOMID" \
		test "$(readlink "/proc/$E2E_QEMU/root")" = "/run/xen/qemu-root-$E2E_DOMID"

	step "QEMU's own log (/var/log/xen/qemu-dm-$E2E_GUEST.log)"
	# Expected here: "xen be core: can't open evtchn device" (its PV backends
	# start after the restriction; see the admin guide's known limits).
	uniq -c "/var/log/xen/qemu-dm-$E2E_GUEST.log" | show

	step "QEMU's privcmd and evtchn files (their fdinfo)"
	e2e_qemu_files | while read -r fd t; do
		say "fd $fd -> $t: $(grep -v -e '^pos:' -e '^flags:' -e '^mnt_id:' -e '^ino:' \
			"/proc/$E2E_QEMU/fdinfo/$fd" | tr '\t\n' '  ')"
	done

	# before the negative proof, whose DMOPs through QEMU's files would count too
	step "Audit of QEMU's DMOP usage (its privcmd fdinfo counters, through dmop)"
	e2e_audit_dmops

	step "Negative proof: QEMU's own files, used as QEMU's uid, reach nothing but domain $E2E_DOMID"
	say "depriv_qemu_test takes copies of QEMU's open privcmd/evtchn files (pidfd_getfd: the same"
	say "open files, so the same restriction), becomes uid $((E2E_UID_BASE + E2E_DOMID)) and tries:"
	(E2E_QEMU_PID=$E2E_QEMU E2E_DOMID=$E2E_DOMID /e2e/depriv_qemu_test 2>&1
		echo "rc=$?" >"$E2E_DIR/depriv.rc") | if [ "${E2E_NARRATE:-0}" = 1 ]; then
		# the demo shows the verdicts, not the harness's chatter
		sed -n -e 's/^\(not ok\|ok\) [0-9]* depriv\./\1: /p' -e '/DIFF\|HOOK\|Expected/p' | show
	else
		sed 's/^/# /'
	fi
	rc=$(sed 's/rc=//' "$E2E_DIR/depriv.rc")
	check "depriv_qemu_test (exit $rc)" test "$rc" = 0

	if [ "$impl" != ours ]; then
		e2e_allowlist_intree
	elif [ -n "$E2E_POLICY" ]; then
		step "The same guest again, its QEMU narrowed to that DMOP allowlist before it runs"
		check "xl destroy $E2E_GUEST (first run)" xl destroy "$E2E_GUEST" &&
			check "the first run's domain and QEMU are gone" wait_for 15 e2e_guest_gone &&
			e2e_allowlisted_run
	fi
	# mode-e2e: a guest served by tools/vionotify (/e2e/vionotify.sh); it
	# needs our drivers' allowlist, irqfd and ioeventfd
	if [ "$impl" = ours ] && [ "${E2E_VIONOTIFY:-0}" = 1 ]; then
		e2e_vionotify
	fi

	e2e_teardown
}

e2e_guest_gone() {
	! xl domid "$E2E_GUEST" >/dev/null 2>&1 && ! kill -0 "$E2E_QEMU" 2>/dev/null &&
		! xenstore-exists "/local/domain/$E2E_DOMID" 2>/dev/null
}

# Destroy what exists, stop the daemons, unload the modules; each step checked.
e2e_teardown() {
	if xl domid "$E2E_GUEST" >/dev/null 2>&1; then
		step "xl destroy $E2E_GUEST"
		check "xl destroy $E2E_GUEST" xl destroy "$E2E_GUEST"
		check "the domain, its QEMU and its xenstore directory are gone" wait_for 15 e2e_guest_gone
	fi
	step "Stop the toolstack and unload the drivers"
	e2e_stop_daemon /run/xenconsoled.pid
	e2e_stop_daemon /run/xenstored.pid
	if unload_xen_drivers; then
		ok "unload the drivers"
	else
		notok "unload the drivers"
		lsmod | show
	fi
}
