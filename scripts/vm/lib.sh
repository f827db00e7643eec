# SPDX-License-Identifier: GPL-2.0
# Shell helpers shared by the dom0 modes (sourced, busybox sh).

# load_xen_drivers IMPL: our or the distro's privcmd/evtchn, then the distro's
# xenfs, gntdev and gntalloc on top (xenfs imports xen_privcmd_fops from privcmd).
load_xen_drivers() {
	insmod "/lib/modules/$1/xen-privcmd.ko" || return 1
	insmod "/lib/modules/$1/xen-evtchn.ko" || return 1
	insmod /lib/modules/intree/xenfs.ko || return 1
	insmod /lib/modules/intree/xen-gntdev.ko || return 1
	insmod /lib/modules/intree/xen-gntalloc.ko || return 1
	mkdir -p /proc/xen && mount -t xenfs xenfs /proc/xen
}

# unload_xen_drivers: the reverse, for whatever got loaded; fails if any
# loaded module refuses to go (a leaked reference shows up here).
unload_xen_drivers() {
	umount /proc/xen 2>/dev/null
	for m in xen_gntalloc xen_gntdev xenfs xen_evtchn xen_privcmd; do
		[ -d "/sys/module/$m" ] || continue
		rmmod "$m" || return 1
	done
}

# reverse WORDS...: the words in reverse order (the benchmark modes alternate
# the drivers' order between rounds).
reverse() {
	out=
	for w in "$@"; do out="$w${out:+ $out}"; done
	echo "$out"
}

# pin_task_name_recording: start the tracer's task-name recording once, for
# the whole run. The first enabled trace event starts it (probes on
# sched_switch and sched_wakeup) and the last disabled one stops it, and each
# time the scheduler's jump labels are live-patched while the other vCPU runs
# them: under QEMU's multi-threaded TCG that can leave a stale int3 in the
# other vCPU's translated code and kill or hang dom0 ("Oops: int3", a soft
# lockup in text_poke_bp(); Documentation/dev-tools/testing.rst). With one
# event enabled for good in an instance of its own, the tests' enabling and
# disabling of our events only patch our modules' sites, which no other CPU
# runs at that moment. The pin is itself such a patch: it is made while
# CPU 1 is offline, so that no other vCPU runs the sites being patched.
pin_task_name_recording() {
	local pin=/sys/kernel/tracing/instances/dmop-pin
	local cpu1=/sys/devices/system/cpu/cpu1/online offline=0 rc=0

	if [ -w "$cpu1" ] && [ "$(cat "$cpu1")" = 1 ]; then
		if echo 0 >"$cpu1"; then
			offline=1
		else
			echo "init: cannot take CPU 1 offline to pin task-name recording"
			rc=1
		fi
	fi
	if [ "$rc" = 0 ]; then
		mkdir -p "$pin" && echo 1 >"$pin/events/mce/mce_record/enable" ||
			{ echo "init: cannot pin task-name recording in $pin"; rc=1; }
	fi
	if [ "$offline" = 1 ] && ! echo 1 >"$cpu1"; then
		echo "init: cannot bring CPU 1 back online"
		rc=1
	fi
	return "$rc"
}

# Leak checks on a kernel with kmemleak (the debug kernel; scripts/debug-kernel/):
# kmemleak_forget at boot drops what the boot itself left (not ours to judge),
# kmemleak_report at the end scans twice (an object must stay unreferenced
# across both, and be older than kmemleak's 5 s minimum) and prints what it
# found, which the judge counts ("unreferenced object").
KMEMLEAK=/sys/kernel/debug/kmemleak
kmemleak_forget() {
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	[ -e "$KMEMLEAK" ] || return 0
	echo scan >"$KMEMLEAK" && echo clear >"$KMEMLEAK"
}
kmemleak_report() {
	[ -e "$KMEMLEAK" ] || return 0
	sleep 6
	echo scan >"$KMEMLEAK" && echo scan >"$KMEMLEAK"
	echo "DMOP-KMEMLEAK-BEGIN"
	cat "$KMEMLEAK"
	echo "DMOP-KMEMLEAK-END"
}
