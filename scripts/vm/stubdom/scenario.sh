# SPDX-License-Identifier: GPL-2.0
# The stubdomain scenario in the dom0 (busybox sh), sourced by
# /dmop/mode-stubdom (TAP 13, judged like a check run) and
# /dmop/mode-demo-stubdom (the same steps told as a story), after
# /e2e/scenario.sh, whose helpers it uses (ok, notok, check, say, step, show,
# wait_for, e2e_make_disk, e2e_stop_daemon). Staged at /stubdom/scenario.sh.
#
# An HVM guest whose device model is QEMU in a Linux stubdomain built from
# Debian packages (scripts/vm/stubdom/build): `xl create` makes the stubdomain
# <guest>-dm, its /init reads QEMU's arguments from xenstore and starts it; the
# guest boots the e2e boot sector from an IDE disk QEMU emulates (the image,
# attached to the stubdomain by dom0's blkback through a loop device) and
# prints this run's nonce on COM1, which QEMU sends to the stubdomain's
# console 3, which the one QEMU libxl runs in dom0 (for the stubdomain's
# consoles) writes to a file. Then: who serves what, the restriction proof run
# as root inside the stubdomain, `xl destroy`, and the domU-mode edges in a
# plain PV domU.

STUB_GUEST=stub-guest
STUB_DM=$STUB_GUEST-dm
STUB_DIR=/run/stubdom
STUB_SERIAL=$STUB_DIR/serial.log
STUB_LOG=/var/log/xen/qemu-dm-$STUB_GUEST.log
STUB_DOMU=domu-edges
# The stubdomain's kernel boots and QEMU starts within libxl's 30 s; the guest
# then needs its own 20-30 s under TCG.
STUB_TIMEOUT=${STUB_TIMEOUT:-180}

stub_n() {
	cut -d' ' -f1 /proc/uptime
}
# stub_secs T0 T1: seconds between two /proc/uptime readings
stub_secs() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'
}

# The same daemons as the e2e run; xenconsoled also logs guests' consoles
# (/var/log/xen/console/guest-<name>.log), for the plain domU's output.
stub_start_toolstack() {
	mkdir -p /var/log/xen/console /var/lib/xen /var/lib/xenstored /run/xen /run/xenstored \
		"$E2E_DIR" "$STUB_DIR"
	say "\$ xenstored; xen-init-dom0; xenconsoled --log=guest"
	xenstored --pid-file /run/xenstored.pid || return 1
	wait_for 20 xenstore-exists / || return 1
	xen-init-dom0 >"$E2E_DIR/init-dom0.log" 2>&1 || { show "$E2E_DIR/init-dom0.log"; return 1; }
	xenconsoled --pid-file=/run/xenconsoled.pid --log=guest || return 1
	wait_for 10 test -s /run/xenconsoled.pid || return 1
	[ "$(xenstore-read /local/domain/0/name)" = Domain-0 ]
}

# stub_qemus: "PID ARGS" of every QEMU running in dom0
stub_qemus() {
	local p

	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/exe" 2>/dev/null)" = /usr/libexec/xen-qemu-system-i386 ] || continue
		echo "${p#/proc/} $(tr '\0' ' ' <"$p/cmdline")"
	done
}

# stub_guest_cfg SECOND: the guest's xl.cfg; SECOND is the domain the test
# program in the stubdomain must not reach (on its kernel command line). The
# stubdomain gets 160 MiB: with libxl's default 128, 6.12 fits but 6.1 ran out
# of memory unpacking the image.
stub_guest_cfg() {
	cat <<EOF
name = "$STUB_GUEST"
type = "hvm"
memory = 64
vcpus = 1
device_model_version = "qemu-xen"
device_model_stubdomain_override = 1
stubdomain_kernel = "/stubdom/vmlinuz"
stubdomain_ramdisk = "/stubdom/${STUB_RAMDISK:-initrd-test.xz}"
stubdomain_cmdline = "console=hvc0 rootfstype=ramfs rdinit=${STUB_RDINIT:-/init.test} dmop.second=$1"
stubdomain_memory = ${STUB_MEMORY:-160}
disk = [ 'format=raw, vdev=hda, access=rw, script=/stubdom/block-loop, target=/e2e/disk.img' ]
boot = "c"
serial = "file:$STUB_SERIAL"
vnc = 0
sdl = 0
xen_platform_pci = 0
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
EOF
}

stub_domu_cfg() {
	cat <<EOF
name = "$STUB_DOMU"
type = "pv"
kernel = "/stubdom/vmlinuz"
ramdisk = "/stubdom/domu-initrd.xz"
cmdline = "console=hvc0 rdinit=/init"
memory = 96
vcpus = 1
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
EOF
}

stub_serial_line() {
	grep -q "XEN-DMOP-E2E guest: booted from the emulated disk, nonce=$E2E_NONCE" \
		"$STUB_SERIAL" 2>/dev/null
}

stub_diagnose() {
	say "xl create said:"
	show "$STUB_DIR/xl-create.log" 2>/dev/null
	for f in "$STUB_LOG" /var/log/xen/xl-$STUB_GUEST.log /var/log/xen/qmp-proxy-$STUB_DM.log; do
		[ -f "$f" ] || continue
		say "$f:"
		tail -n 150 "$f" | tr -d '\r' | show
	done
}

# The stubdomain's log console, for the judge too: a kernel warning inside
# the stubdomain fails the run like one in dom0.
stub_show_log() {
	say "$STUB_LOG (the stubdomain's console 0):"
	tr -d '\r' <"$STUB_LOG" | show
}

# stub_xs_gone PATH...: none of these xenstore paths exists
stub_xs_gone() {
	local p

	for p in "$@"; do
		! xenstore-exists "$p" 2>/dev/null || { say "still in xenstore: $p"; return 1; }
	done
}

# stub_pid_file PID FILE: whether process PID has FILE open
stub_pid_file() {
	local fd

	for fd in /proc/"$1"/fd/*; do
		[ "$(readlink "$fd" 2>/dev/null)" = "$2" ] && return 0
	done
	return 1
}

stub_one_helper() {
	[ "$(stub_qemus | wc -l)" = 1 ] && [ "$(stub_qemus | cut -d' ' -f1)" = "$STUB_HELPER" ]
}
stub_helper_cmdline() {
	local cmd

	cmd=" $(tr '\0' ' ' <"/proc/$STUB_HELPER/cmdline") "
	case $cmd in *" -xen-domid $STUB_DMID "*) ;; *) return 1 ;; esac
	case $cmd in *" -xen-attach "*) ;; *) return 1 ;; esac
	case $cmd in *" xenpv "* | *" xenpv,"*) ;; *) return 1 ;; esac
}
stub_no_qemu_for_guest() {
	! stub_qemus | grep -q -- "-xen-domid $STUB_DOMID "
}
stub_relations() {
	[ "$(xenstore-read "/local/domain/$STUB_DOMID/image/device-model-domid")" = "$STUB_DMID" ] &&
		[ "$(xenstore-read "/local/domain/$STUB_DMID/target")" = "$STUB_DOMID" ]
}
stub_disk_blkback() {
	xenstore-exists "/local/domain/0/backend/vbd/$STUB_DMID/768/physical-device" &&
		! xenstore-exists "/local/domain/0/backend/qdisk/$STUB_DMID"
}
stub_helper_files() {
	stub_pid_file "$STUB_HELPER" "$STUB_SERIAL" && stub_pid_file "$STUB_HELPER" "$STUB_LOG"
}
stub_proxy_runs() {
	tr '\0' ' ' <"/proc/$STUB_PROXY/cmdline" 2>/dev/null | grep -q vchan-socket-proxy
}

# The guest's device model is in the stubdomain; dom0 runs one QEMU, for the
# stubdomain's consoles only. Sets STUB_HELPER (that QEMU) and STUB_PROXY.
stub_who_serves_what() {
	STUB_HELPER=$(xenstore-read "/local/domain/$STUB_DMID/image/device-model-pid" 2>/dev/null)
	STUB_PROXY=$(xenstore-read "/local/domain/$STUB_DMID/image/qmp-proxy-pid" 2>/dev/null)
	say "dom0's QEMU processes now:"
	stub_qemus | fold -w 110 | show
	check "dom0 runs one QEMU, libxl's helper for the stubdomain (pid $STUB_HELPER)" stub_one_helper
	check "its command line names the stubdomain ($STUB_DMID), -xen-attach, -machine xenpv: it serves the stubdomain's PV devices" \
		stub_helper_cmdline
	check "no QEMU in dom0 serves the guest ($STUB_DOMID)" stub_no_qemu_for_guest
	check "xenstore: the guest's device model is domain $STUB_DMID, whose target is the guest" \
		stub_relations
	say "the stubdomain's devices, backends in dom0:"
	xenstore-ls -f /local/domain/0/backend 2>/dev/null | grep "/$STUB_DMID/" |
		grep -E '/(params|physical-device|output|node) ' | show
	check "its disk is served by dom0's blkback (a vbd on $(xenstore-read \
"/local/domain/0/backend/vbd/$STUB_DMID/768/node" 2>/dev/null), no qdisk)" stub_disk_blkback
	check "the helper QEMU writes the guest's serial file (the stubdomain's console 3) and the log console (0)" \
		stub_helper_files
	check "the QMP proxy (vchan-socket-proxy, pid $STUB_PROXY) runs in dom0" stub_proxy_runs
}

# stub_test_passed RC: the program ran, every test of it passed
stub_test_passed() {
	[ "$1" = 0 ] && tr -d '\r' <"$STUB_LOG" | grep -q '^# PASSED: [1-9][0-9]* / [1-9][0-9]* tests passed'
}

# Kernel reports of a user process that crashed (on stdin: a kernel log).
STUB_CRASH='segfault at|traps: |general protection fault|Aborted|Segmentation fault'
stub_stub_no_crash() {
	! tr -d '\r' <"$STUB_LOG" | grep -qE "$STUB_CRASH"
}
stub_dom0_no_crash() {
	! dmesg | grep -qE "$STUB_CRASH"
}

stub_refused_nothing() {
	! tr -d '\r' <"$STUB_LOG" | grep '^STUBDOM-TRACE' | grep -q _denied
}

# The stubdomain's side, from its log console: QEMU's files (the image's own
# `dmop status`), what QEMU was refused (nothing), the proof run as root.
stub_inside() {
	local rc

	if ! wait_for 120 grep -q '^STUBDOM-TEST-END' "$STUB_LOG"; then
		notok "the restriction proof ran in the stubdomain (no STUBDOM-TEST-END in $STUB_LOG)"
		return 1
	fi
	say "inside the stubdomain (its log console, $STUB_LOG):"
	tr -d '\r' <"$STUB_LOG" | grep -v -e '^STUBDOM-T' -e '^\[' | show
	check "QEMU in the stubdomain runs restricted: \`dmop status\` there shows its files restricted to domain $STUB_DOMID" \
		grep -q "privcmd restricted to domain $STUB_DOMID" "$STUB_LOG"
	say "what our drivers refused in the stubdomain before the proof (trace events *_denied):"
	tr -d '\r' <"$STUB_LOG" | sed -n 's/^STUBDOM-TRACE //p' | grep _denied | show
	check "QEMU and the QMP server were refused nothing, from their start" stub_refused_nothing
	tr -d '\r' <"$STUB_LOG" | grep -E "$STUB_CRASH" | show
	check "no process crashed in the stubdomain" stub_stub_no_crash
	say "the stubdomain's memory, QEMU running:"
	tr -d '\r' <"$STUB_LOG" | sed -n 's/^STUBDOM-MEM //p' | show
	# The program's own TAP, one level down, so that the judge counts its totals.
	tr -d '\r' <"$STUB_LOG" | sed -n '/^STUBDOM-TEST-BEGIN/,/^STUBDOM-TEST-END/p' |
		if [ "${E2E_NARRATE:-0}" = 1 ]; then
			sed -n -e 's/^\(not ok\|ok\) [0-9]* [a-z_]*\.\([a-z_]*\).*/    \1: \2/p' \
				-e 's/^# \(.*refused.*\|QEMU (pid.*\)/    \1/p'
		else
			sed 's/^/# /'
		fi
	rc=$(tr -d '\r' <"$STUB_LOG" | sed -n 's/^STUBDOM-TEST-END rc=//p')
	check "stubdom_restrict_test, run as root in the stubdomain (exit $rc)" stub_test_passed "$rc"
}

stub_domains_gone() {
	! xl domid "$STUB_GUEST" >/dev/null 2>&1 && ! xl domid "$STUB_DM" >/dev/null 2>&1
}
stub_helpers_gone() {
	! kill -0 "${STUB_HELPER:-0}" 2>/dev/null && ! kill -0 "${STUB_PROXY:-0}" 2>/dev/null &&
		[ "$(stub_qemus | wc -l)" = 0 ]
}
stub_loop_detached() {
	! losetup -a 2>/dev/null | grep -q /e2e/disk.img
}

stub_destroy() {
	local uuid dmuuid

	uuid=$(xenstore-read "/local/domain/$STUB_DOMID/vm")
	dmuuid=$(xenstore-read "/local/domain/$STUB_DMID/vm")
	step "xl destroy $STUB_GUEST: both domains, the helper QEMU, the QMP proxy, xenstore, the disk"
	check "xl destroy $STUB_GUEST" xl destroy "$STUB_GUEST" || return 1
	check "the guest and its stubdomain are gone" wait_for 15 stub_domains_gone
	check "the helper QEMU ($STUB_HELPER) and the QMP proxy ($STUB_PROXY) are gone: no QEMU in dom0" \
		wait_for 15 stub_helpers_gone
	check "nothing of either is left in xenstore" wait_for 10 stub_xs_gone \
		"/local/domain/$STUB_DOMID" "/local/domain/$STUB_DMID" "$uuid" "$dmuuid" \
		"/libxl/$STUB_DOMID" "/libxl/$STUB_DMID" \
		"/local/domain/0/backend/vbd/$STUB_DMID" "/local/domain/0/backend/console/$STUB_DMID" \
		"/local/domain/0/device-model/$STUB_DOMID" "/local/domain/0/device-model/$STUB_DMID"
	check "the disk image's loop device is detached" wait_for 10 stub_loop_detached
}

stub_domu_passed() {
	[ "$1" = 0 ] && tr -d '\r' <"$2" | grep -q '^# PASSED: [1-9][0-9]* / [1-9][0-9]* tests passed'
}

stub_domu_gone() {
	! xl domid "$STUB_DOMU" >/dev/null 2>&1
}

# The plain domU, paused since the start: unpaused, it runs the domU-mode
# edge tests and powers off.
stub_domu_edges() {
	local log=/var/log/xen/console/guest-$STUB_DOMU.log rc

	step "The domU-mode edges, in the plain PV domU $STUB_DOMU (no target in its xenstore)"
	check "xl unpause $STUB_DOMU" xl unpause "$STUB_DOMU" || return 1
	if ! wait_for 120 grep -q '^DOMU-TEST-END' "$log"; then
		notok "domu_mode_test ran in $STUB_DOMU (no DOMU-TEST-END in $log)"
		tr -d '\r' <"$log" 2>/dev/null | tail -n 40 | show
		return 1
	fi
	tr -d '\r' <"$log" | grep -v '^\[' | sed -n '/^DOMU-TEST-BEGIN/,/^DOMU-TEST-END/p' |
		if [ "${E2E_NARRATE:-0}" = 1 ]; then
			sed -n -e 's/^\(not ok\|ok\) [0-9]* \([a-z_]*\).*/    \1: \2/p' -e 's/^# \(unlocked.*\)/    \1/p'
		else
			sed 's/^/# /'
		fi
	say "its kernel log lines of our drivers:"
	tr -d '\r' <"$log" | grep -e 'xen-dmop' -e 'Lockdown:' | show
	rc=$(tr -d '\r' <"$log" | sed -n 's/^DOMU-TEST-END rc=//p')
	check "domu_mode_test in a plain domU (exit $rc)" stub_domu_passed "$rc" "$log"
	check "$STUB_DOMU powered itself off" wait_for 20 stub_domu_gone
}

stub_create_clean() {
	! grep -q 'libxl: error' "$STUB_DIR/xl-create.log"
}

stub_run() {
	local t0 t1 second

	step "Load our xen-privcmd and xen-evtchn, the distro's xenfs, gntdev, gntalloc, blkback, loop"
	if load_xen_drivers "${DMOP_IMPL:-ours}" && insmod /lib/modules/intree/xen-blkback.ko &&
		insmod /lib/modules/intree/loop.ko; then
		ok "load our drivers ($(cat /sys/module/xen_privcmd/version)) and dom0's disk backend"
	else
		notok "load our drivers and dom0's disk backend"
		return 1
	fi
	step "Start the unmodified Debian toolstack"
	check "xenstored, xen-init-dom0 and xenconsoled run" stub_start_toolstack ||
		{ stub_teardown; return 1; }

	step "A second guest, which the stubdomain must not reach: a paused PV domU"
	stub_domu_cfg >"$STUB_DIR/domu.cfg"
	if xl create -p "$STUB_DIR/domu.cfg" >"$STUB_DIR/domu-create.log" 2>&1; then
		second=$(xl domid "$STUB_DOMU")
		ok "xl create -p $STUB_DOMU: domain $second, paused"
	else
		show "$STUB_DIR/domu-create.log"
		notok "xl create -p $STUB_DOMU"
		stub_teardown
		return 1
	fi

	step "Create the guest, its device model in a Linux stubdomain"
	e2e_make_disk || { notok "write the guest disk"; stub_teardown; return 1; }
	stub_guest_cfg "$second" >"$STUB_DIR/guest.cfg"
	grep . "$STUB_DIR/guest.cfg" | show
	say "dom0's QEMU processes before: $(stub_qemus | wc -l)"
	t0=$(stub_n)
	if ! xl -v create "$STUB_DIR/guest.cfg" >"$STUB_DIR/xl-create.log" 2>&1 ||
		! STUB_DOMID=$(xl domid "$STUB_GUEST" 2>/dev/null) ||
		! STUB_DMID=$(xl domid "$STUB_DM" 2>/dev/null); then
		notok "xl create of a guest with device_model_stubdomain_override = 1"
		stub_diagnose
		stub_teardown
		return 1
	fi
	t1=$(stub_n)
	ok "xl create: guest $STUB_GUEST is domain $STUB_DOMID, stubdomain $STUB_DM is domain $STUB_DMID ($(stub_secs "$t0" "$t1") s)"
	check "xl create left no error (libxl reached QEMU over QMP and let the guest run)" \
		stub_create_clean

	step "Wait for the guest's line: COM1 -> QEMU in the stubdomain -> its hvc3 -> dom0's helper QEMU -> file"
	if wait_for "$STUB_TIMEOUT" stub_serial_line; then
		t1=$(stub_n)
		grep XEN-DMOP-E2E "$STUB_SERIAL" | tr -d '\r' | show
		STUB_GREETING_SECS=$(stub_secs "$t0" "$t1")
		ok "the guest's boot sector line with this run's nonce arrived ($STUB_GREETING_SECS s after xl create)"
	else
		notok "the guest's line with this run's nonce arrived (waited ${STUB_TIMEOUT}s)"
		stub_diagnose
	fi

	step "Who serves what"
	stub_who_serves_what
	step "Inside the stubdomain"
	stub_inside
	stub_destroy
	stub_domu_edges
	dmesg | grep -E "$STUB_CRASH" | show
	check "no process crashed in dom0" stub_dom0_no_crash
	stub_teardown
}

stub_teardown() {
	local d

	for d in "$STUB_GUEST" "$STUB_DOMU"; do
		xl domid "$d" >/dev/null 2>&1 || continue
		check "xl destroy $d" xl destroy "$d"
	done
	step "Stop the toolstack and unload the drivers"
	e2e_stop_daemon /run/xenconsoled.pid
	e2e_stop_daemon /run/xenstored.pid
	rmmod xen_blkback loop 2>/dev/null
	if unload_xen_drivers; then
		ok "unload the drivers"
	else
		notok "unload the drivers"
		lsmod | show
	fi
}
