#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host test of scripts/vm/judge: every way a VM run can go wrong must fail it,
# and a clean run must pass. TAP output.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
judge=$here/scripts/vm/judge
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 bad=0 mode=check

good_tap='DMOP-BOOTED impl=ours mode=check kernel=6.1.0-56-amd64
TAP version 13
1..3
ok 1 selftests: xen-dmop: load ours drivers
# selftests: xen-dmop: env_test
# # Totals: pass:4 fail:0 xfail:0 xpass:0 skip:0 error:0
ok 2 selftests: xen-dmop: env_test
ok 3 selftests: xen-dmop: unload drivers
DMOP-END rc=0'

# case NAME WANT(pass|fail) QEMU_RC LOG-TEXT [WORDS THE VERDICT MUST SAY]
case_() {
	local name=$1 want=$2 rc=$3 text=$4 says=${5:-} got
	n=$((n + 1))
	printf '%s\n' "$text" >"$tmp/log"
	if "$judge" "$tmp/log" "$mode" "$rc" test >"$tmp/out" 2>&1; then got=pass; else got=fail; fi
	if [ -n "$says" ] && ! grep -qF "$says" "$tmp/out"; then
		echo "not ok $n judge: $name (the verdict does not say \"$says\")"
		sed 's/^/# /' "$tmp/out"
		bad=$((bad + 1))
	elif [ "$got" = "$want" ]; then
		echo "ok $n judge: $name"
	else
		echo "not ok $n judge: $name (wanted $want, got $got)"
		sed 's/^/# /' "$tmp/out"
		bad=$((bad + 1))
	fi
}

echo "TAP version 13"
echo "1..18"
case_ "clean run passes" pass 0 "$good_tap"
case_ "never booted fails" fail 0 "(XEN) Xen version 4.17
Kernel panic - not syncing: VFS: Unable to mount root fs"
case_ "timeout fails" fail 124 "${good_tap%DMOP-END*}"
case_ "missing end marker fails" fail 0 "${good_tap%DMOP-END*}"
case_ "failed subtest fails" fail 0 "${good_tap/fail:0 xfail/fail:1 xfail}"
case_ "skipped subtest fails" fail 0 "${good_tap/skip:0/skip:2}"
case_ "skipped program fails" fail 0 "${good_tap/ok 2 selftests: xen-dmop: env_test/ok 2 selftests: xen-dmop: env_test # SKIP}"
case_ "kernel WARNING fails" fail 0 "$good_tap
[   12.3] WARNING: CPU: 0 PID: 1 at drivers/xen/privcmd-main.c:10"
case_ "user process segfault fails" fail 0 "$good_tap
[   94.7] exe[575]: segfault at 1 ip 00000000004a4d02 sp 00007ffef40b7118 error 4 in busybox[a4d02,401000+184000]" "a user process crashed"
case_ "user process trap fails" fail 0 "$good_tap
[   39.1] traps: xl[649] trap invalid opcode ip:7f0a sp:7ffc error:0 in libc.so.6" "a user process crashed"
case_ "Xen crash fails" fail 0 "$good_tap
(XEN) Domain 0 crashed: rebooting machine"
case_ "stale int3 names its document" fail 0 "${good_tap%DMOP-END*}
[    5.876608] Oops: int3: 0000 [#1] PREEMPT SMP NOPTI
[    5.880001] Kernel panic - not syncing: Fatal exception in interrupt
(XEN) Hardware Dom0 crashed: rebooting machine in 5 seconds." "Live code patching under TCG"
case_ "dom0 panic is named" fail 0 "${good_tap%DMOP-END*}
[    9.1] Kernel panic - not syncing: Fatal exception
(XEN) Hardware Dom0 crashed: rebooting machine in 5 seconds." "dom0 panicked"
lockdep_gntdev='======================================================
WARNING: possible circular locking dependency detected
xenstored/71 is trying to acquire lock:
ffff88801000a678 (&priv->lock){+.+.}-{3:3}, at: gntdev_mmap+0x59/0x3d0 [xen_gntdev]
       gntdev_ioctl+0x6ac/0x9e0 [xen_gntdev]
Call Trace:
 <TASK>
 gntdev_mmap+0x59/0x3d0 [xen_gntdev]
 </TASK>'
case_ "known report of the distro's gntdev is named, not failed" pass 0 "${good_tap%DMOP-END*}
$lockdep_gntdev
DMOP-END rc=0" "known report gntdev-lock-order"
case_ "a lockdep report of our driver fails" fail 0 "${good_tap%DMOP-END*}
${lockdep_gntdev//gntdev_mmap/privcmd_mmap}
DMOP-END rc=0"
case_ "crashed test program fails" fail 0 "${good_tap/ok 2 selftests: xen-dmop: env_test/not ok 2 selftests: xen-dmop: env_test # exit=139}"
bare_tap='DMOP-BOOTED impl=ours mode=bare kernel=6.1.0-56-amd64
TAP version 13
1..2
ok 1 bare: xen-privcmd refuses to load outside Xen (ENODEV)
ok 2 bare: xen-privcmd logs why it refused
DMOP-END rc=0'
mode=bare
case_ "clean bare run passes" pass 0 "$bare_tap"
case_ "bare run with a module that loaded fails" fail 0 "${bare_tap/ok 1 bare/not ok 1 bare}"
mode=check
echo "# judge: $((n - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
