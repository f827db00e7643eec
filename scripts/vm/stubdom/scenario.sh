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
# program in the stubdomain must not reach (on its kernel command line).
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
stubdomain_cmdline = "console=hvc0 rdinit=${STUB_RDINIT:-/init.test} dmop.second=$1"
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

stub_run() {
	local t0 t1 second rc

	step "Load our xen-privcmd and xen-evtchn, the distro's xenfs, gntdev, gntalloc, blkback, loop"
	if load_xen_drivers ours && insmod /lib/modules/intree/xen-blkback.ko &&
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
	if ! xl -v create "$STUB_DIR/guest.cfg" >"$STUB_DIR/xl-create.log" 2>&1; then
		notok "xl create of a guest with device_model_stubdomain_override = 1"
		stub_diagnose
		stub_teardown
		return 1
	fi
	t1=$(stub_n)
	STUB_DOMID=$(xl domid "$STUB_GUEST")
	STUB_DMID=$(xl domid "$STUB_DM")
	ok "xl create: guest $STUB_GUEST is domain $STUB_DOMID, stubdomain $STUB_DM is domain $STUB_DMID ($(stub_secs "$t0" "$t1") s)"
	xl list | show

	step "Wait for the guest's line: COM1 -> QEMU in the stubdomain -> hvc3 -> dom0"
	if wait_for "$STUB_TIMEOUT" stub_serial_line; then
		t1=$(stub_n)
		grep XEN-DMOP-E2E "$STUB_SERIAL" | tr -d '\r' | show
		ok "the guest's boot sector line with this run's nonce arrived ($(stub_secs "$t0" "$t1") s after xl create)"
	else
		notok "the guest's line with this run's nonce arrived (waited ${STUB_TIMEOUT}s)"
		stub_diagnose
	fi

	stub_show_log
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
