#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host test of the benchmark's statistics (scripts/bench/report), its in-VM
stopping rule (scripts/bench/decide.awk) and round loop (scripts/vm/mode-bench),
on synthetic logs: no VM, no timing. TAP output. Run by bench_report.sh.

The synthetic rounds carry a common per-round factor of up to +-40 % (the
drift that made unpaired medians useless) which pairing must cancel, plus a
small independent noise per value, or a large one where a data set is meant
to be noisy. Seeds are fixed: every run sees the same data.
"""
import importlib.machinery
import importlib.util
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

# Loading the report must leave no __pycache__ in the tree.
sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", ".."))
REPORT = os.path.join(TOP, "scripts", "bench", "report")
DECIDE = os.path.join(TOP, "scripts", "bench", "decide.awk")
TARGETS = os.path.join(TOP, "bench", "targets")
MODE = os.path.join(TOP, "scripts", "vm", "mode-bench")
LIB = os.path.join(TOP, "scripts", "vm", "lib.sh")

loader = importlib.machinery.SourceFileLoader("bench_report", REPORT)
spec = importlib.util.spec_from_loader("bench_report", loader)
report = importlib.util.module_from_spec(spec)
loader.exec_module(report)

with open(TARGETS) as f:
    TARGET_LIST = report.parse_targets(f)

# In-tree values (per round, before the drift), and ours as a factor of them.
INTREE = {
    "hypercall_floor": (15.0, "us"),
    "dm_op_nr_vcpus": (25.0, "us"),
    "dm_op_set_isa_irq_level": (25.0, "us"),
    "dm_op_nr_vcpus_restricted": (25.0, "us"),
    "dm_op_1thread": (40000.0, "ops/s"),
    "dm_op_2threads": (71200.0, "ops/s"),
    "mmapbatch_v2_batch1": (6000.0, "pages/s"),
    "mmapbatch_v2_batch64": (138000.0, "pages/s"),
    "mmapbatch_v2_batch1024": (206000.0, "pages/s"),
    "mmap_resource_ioreq_page": (150.0, "us"),
    "evtchn_roundtrip": (68.0, "us"),
}
# Every target clear of its limit on the good side.
GOOD = {
    "hypercall_floor": 1.0,
    "dm_op_nr_vcpus": 0.64,
    "dm_op_set_isa_irq_level": 0.7,
    "dm_op_nr_vcpus_restricted": 0.63,
    "dm_op_nr_vcpus_allowlist": 0.625,
    "dm_op_1thread": 1.0,
    "dm_op_2threads": 1.07,
    "mmapbatch_v2_batch1": 1.05,
    "mmapbatch_v2_batch64": 1.05,
    "mmapbatch_v2_batch1024": 1.05,
    "mmap_resource_ioreq_page": 0.95,
    "evtchn_roundtrip": 0.95,
}


def generate(rounds, seed, ours=None, wide=None, skip=()):
    """A console log: alternating-order rounds of BENCH lines among other
    console output. ours: factors overriding GOOD; wide: {metric: spread} of
    an extra independent noise on ours' value; skip: (impl, round) that
    printed nothing (a failed run)."""
    rnd = random.Random(seed)
    fac = dict(GOOD, **(ours or {}))
    wide = wide or {}
    out = ["DMOP-BOOTED impl=ours mode=bench kernel=6.1.0-56-amd64 cpus=2"]
    for r in range(1, rounds + 1):
        drift = rnd.uniform(0.6, 1.4)
        order = ["intree", "ours"] if r % 2 else ["ours", "intree"]
        out.append(f"BENCH-ROUND {r} order: {' '.join(order)}")
        for impl in order:
            if (impl, r) in skip:
                out.append(f"BENCH-ERROR {impl} round {r}: exit 1")
                continue
            for m, (base, unit) in INTREE.items():
                v = base * drift * rnd.uniform(0.99, 1.01)
                if impl == "ours":
                    v *= fac[m] * rnd.uniform(1 - wide.get(m, 0), 1 + wide.get(m, 0))
                out.append(f"BENCH {impl} {r} {m} {v:.3f} {unit}")
                if impl == "ours" and m == "dm_op_nr_vcpus_restricted":
                    v = base * drift * fac["dm_op_nr_vcpus_allowlist"] * rnd.uniform(0.99, 1.01)
                    out.append(f"BENCH ours {r} dm_op_nr_vcpus_allowlist {v:.3f} us")
            # Console noise the parser must ignore.
            out.append("[   12.345678] xen:events: some kernel line")
    out.append("BENCH-STOP time budget (200 s) after %d rounds, 199 s" % rounds)
    out.append("DMOP-END rc=0")
    return out


def generate_guest(rounds, seed, pio=1.0, mmio=1.0):
    """The second boot's log (scripts/vm/mode-bench-guest): per round and
    driver the guest's lines and its two BENCH lines; ours at PIO and MMIO
    times in-tree's, each +-2 %."""
    rnd = random.Random(seed)
    out = ["DMOP-BOOTED impl=ours mode=bench-guest kernel=6.1.0-56-amd64 cpus=1"]
    for r in range(1, rounds + 1):
        drift = rnd.uniform(0.8, 1.2)
        order = ["intree", "ours"] if r % 2 else ["ours", "intree"]
        out.append(f"BENCH-GUEST-ROUND {r} order: {' '.join(order)}")
        for impl in order:
            out.append(f"GUEST-IO {impl} {r}: XEN-DMOP-GUEST-IO pio n=00001000 sum=000000010d44d9e3")
            for m, base, f in (("guest_pio_us", 390, pio), ("guest_mmio_us", 430, mmio)):
                v = base * drift * rnd.uniform(0.98, 1.02) * (f if impl == "ours" else 1)
                out.append(f"BENCH {impl} {r} {m} {v:.3f} us")
    out.append(f"BENCH-GUEST-STOP {rounds} rounds, 150 s")
    out.append("DMOP-END rc=0")
    return out


def generate_notify(rounds, seed, notify=0.95, irq=1.3, irq_wide=0.0, skip=()):
    """The notify rounds after the guest rounds (mode-bench-guest): per round
    a vionotify guest with the fast path and one on the loop, ours only, the
    order alternating; the fast path at NOTIFY and IRQ times the loop's (each
    +-2 %, the interrupt's +-IRQ_WIDE more). skip: (mode, round) that failed."""
    rnd = random.Random(seed)
    out = []
    metrics = {"fastpath": (("ioeventfd_notify_us", 330 * notify), ("irqfd_inject_us", 450 * irq)),
               "loop": (("userspace_notify_us", 330), ("dmop_inject_us", 450))}
    for r in range(1, rounds + 1):
        drift = rnd.uniform(0.8, 1.2)
        order = ["fastpath", "loop"] if r % 2 else ["loop", "fastpath"]
        out.append(f"BENCH-NOTIFY-ROUND {r} order: {' '.join(order)}")
        for mode in order:
            out.append(f"VIONOTIFY-GUEST ours {r} {mode}: VIONOTIFY notify n=00000400 sum=0000000001234567")
            if (mode, r) in skip:
                out.append(f"BENCH-ERROR notify {mode} round {r}: the guest did not finish in 150 s")
                continue
            for m, base in metrics[mode]:
                w = irq_wide if m == "irqfd_inject_us" else 0
                v = base * drift * rnd.uniform(0.98, 1.02) * rnd.uniform(1 - w, 1 + w)
                out.append(f"BENCH ours {r} {m} {v:.3f} us")
    out.append(f"BENCH-NOTIFY-STOP {rounds} rounds, 240 s")
    out.append("DMOP-END rc=0")
    return out


n = 0
bad = 0


def ok(cond, what, detail=""):
    global n, bad
    n += 1
    if cond:
        print(f"ok {n} bench: {what}")
    else:
        bad += 1
        print(f"not ok {n} bench: {what}")
        for line in str(detail).splitlines():
            print(f"# {line}")


def analyse(lines):
    vals, units, errors, _ = report.parse_log(lines)
    return report.analyse(vals, units, TARGET_LIST), errors


def target(rep, name):
    return next(t for t in rep["targets"] if t["name"] == name)


def verdicts(rep):
    return {t["name"]: t["verdict"] for t in rep["targets"]}


tmp = tempfile.mkdtemp()


def run_report(lines, series="6.1"):
    log = os.path.join(tmp, "log")
    with open(log, "w") as f:
        f.write("\n".join(lines) + "\n")
    p = subprocess.run([REPORT, log, os.path.join(tmp, "out.json"), series],
                       capture_output=True, text=True)
    with open(os.path.join(tmp, "out.json")) as f:
        return p, json.load(f)


# awk implementations to hold decide.awk to: the VM's (busybox) and the host's.
AWKS = [a for a in (["busybox", "awk"], ["awk"])
        if shutil.which(a[0]) and subprocess.run(a + ["BEGIN{}"]).returncode == 0]


def decide(lines, awk):
    log = os.path.join(tmp, "lines")
    with open(log, "w") as f:
        f.write("\n".join(lines) + "\n")
    p = subprocess.run(awk + ["-f", DECIDE, TARGETS, log], capture_output=True, text=True)
    return p.returncode == 0, p.stdout + p.stderr


def main():
    print("TAP version 13")

    # The order-statistic interval: k and its coverage (exact binomial values).
    ok(report.order_ci(5) == (0, None), "n=5: no 95 % interval")
    k, c = report.order_ci(6)
    ok(k == 1 and abs(c - (1 - 2 / 64)) < 1e-12, "n=6: [min, max], coverage 1 - 2/64", (k, c))
    ok(report.order_ci(10)[0] == 2, "n=10: [x(2), x(9)]", report.order_ci(10))
    ok(report.order_ci(20)[0] == 6, "n=20: [x(6), x(15)]", report.order_ci(20))
    ok(report.order_ci(7, 0.99)[0] == 0 and report.order_ci(8, 0.99)[0] == 1,
       "99 %: none at n=7, [min, max] at n=8")
    ok(all(report.order_ci(m)[1] >= 0.95 for m in range(6, 200)), "coverage >= 95 % for n in 6..199")
    mid, lo, hi, _ = report.median_ci([5, 1, 4, 2, 3, 9, 7, 8, 6, 10])
    ok((mid, lo, hi) == (5.5, 2, 9), "median and interval of 1..10", (mid, lo, hi))
    ok(report.verdict(0.9, 1.0, "lower", 1.0) == "met" and
       report.verdict(1.01, 1.2, "lower", 1.0) == "missed" and
       report.verdict(0.9, 1.1, "lower", 1.0) == "inconclusive" and
       report.verdict(1.0, 1.1, "higher", 1.0) == "met" and
       report.verdict(0.8, 0.99, "higher", 1.0) == "missed" and
       report.verdict(0.9, 1.1, "higher", 1.0) == "inconclusive" and
       report.verdict(None, None, "lower", 1.0) == "inconclusive",
       "verdict: met, missed or inconclusive on each side of the limit")

    # Pairing: a round one driver lost is left out of every ratio.
    rep, errors = analyse(generate(12, 1, skip={("ours", 3)}))
    ok(target(rep, "DM_OP small ours / in-tree")["rounds"] == 11 and len(errors) == 1,
       "a round without ours is not paired", rep["targets"][0])
    vals, _, _, _ = report.parse_log(generate(4, 1))
    ok(report.paired(vals, "ours:dm_op_nr_vcpus", "intree:dm_op_nr_vcpus") ==
       [vals[("ours", r, "dm_op_nr_vcpus")] / vals[("intree", r, "dm_op_nr_vcpus")] for r in range(1, 5)],
       "one ratio per round, ours and in-tree of the same round")

    # Clean: all met, despite the +-40 % drift between rounds.
    clean = generate(20, 2)
    rep, _ = analyse(clean)
    v = verdicts(rep)
    ok(rep["judged"] and rep["control"]["state"] == "clean", "clean: the control is clean", rep["control"])
    ok(all(x == "met" for k, x in v.items()
           if "reference" not in k and "in-tree)" not in k and not k.startswith("guest")
           and not k.startswith(("notify:", "interrupt:"))),
       "clean: every ioctl target met", v)
    ok(v["guest PIO read ours / in-tree"] == "no data", "clean: no guest boot, no guest verdict", v)
    ok(v["2 threads / 1 thread (in-tree)"] == "missed", "clean: the in-tree reference 1.78 < 1.8 is missed", v)
    ok(rep["stop_rule"]["decided"], "clean: the stopping rule would stop")
    p, js = run_report(clean)
    ok(p.returncode == 0 and js["judged"] and js["rounds"] == 20 and
       re.search(r"\| DM_OP small ours / in-tree \| 0\.6\d\d \| \[0\.6\d\d, 0\.6\d\d\] \| <= 0\.75 \| 20 \| met \|",
                 p.stdout) and
       "Stopped: time budget" in p.stdout,
       "clean: the Markdown carries median, interval, verdict, stop reason", p.stdout + p.stderr)
    row = next(x for x in js["rows"] if x["metric"] == "dm_op_nr_vcpus")
    ok(row["ci_low"] <= row["ours_vs_intree"] <= row["ci_high"] and row["rounds"] == 20 and
       row["coverage"] >= 0.95, "clean: a JSON row holds ratio, interval, coverage, rounds", row)

    # The guest-felt boot's log after the ioctl boot's: paired per guest round,
    # gated by the first boot's control, named in the stop line.
    p, js = run_report(clean + generate_guest(6, 8, pio=0.9, mmio=1.1))
    g = {t["name"]: t for t in js["targets"]}
    ok(p.returncode == 0 and g["guest PIO read ours / in-tree"]["verdict"] == "met" and
       g["guest MMIO read ours / in-tree"]["verdict"] == "missed" and
       g["guest PIO read ours / in-tree"]["rounds"] == 6 and
       "guest-felt I/O (its own boot): 6 rounds" in p.stdout and js["rounds"] == 20,
       "guest boot: 6 paired rounds judged (0.9 met, 1.1 missed), the stop line names it",
       p.stdout + p.stderr)
    p, js = run_report(clean + generate_guest(5, 9))
    ok(next(t for t in js["targets"] if t["name"].startswith("guest PIO"))["verdict"] == "inconclusive",
       "guest boot: 5 rounds give no interval: inconclusive")

    # The fast path's rounds (ours only), after the guest rounds: each target
    # pairs two of our metrics in the same round, whatever the drift.
    NOTIFY, IRQ = "notify: IOEVENTFD / userspace loop", "interrupt: IRQFD / backend DMOP"
    data = clean + generate_guest(6, 8) + generate_notify(6, 10, notify=0.95, irq=0.8)
    p, js = run_report(data)
    g = {t["name"]: t for t in js["targets"]}
    ok(p.returncode == 0 and g[NOTIFY]["verdict"] == "missed" and g[NOTIFY]["rounds"] == 6 and
       0.9 < g[NOTIFY]["ci_low"] <= g[NOTIFY]["value"] <= g[NOTIFY]["ci_high"] < 1.0 and
       g[IRQ]["verdict"] == "met" and g[IRQ]["ci_high"] < 0.9,
       "fast path: notify at 0.95 of the loop misses <= 0.333, the interrupt at 0.8 meets <= 1.0",
       json.dumps({k: g[k] for k in (NOTIFY, IRQ)}))
    vals, _, _, _ = report.parse_log(data)
    ok(all(js[m] == report.statistics.median([vals[("ours", r, m)] for r in range(1, 7)]) and
           js["fast_path"][m]["rounds"] == 6 and
           js["fast_path"][m]["ci_low"] <= js[m] <= js["fast_path"][m]["ci_high"]
           for m in report.FAST_PATH),
       "fast path: the JSON's top-level ioeventfd_notify_us, userspace_notify_us, irqfd_inject_us, "
       "dmop_inject_us are the medians over rounds, with intervals under fast_path",
       {m: (js[m], js["fast_path"][m]) for m in report.FAST_PATH})
    row = next(x for x in js["rows"] if x["metric"] == "ioeventfd_notify_us")
    ok(row["intree"] is None and row["ours_vs_intree"] is None and row["rounds"] == 6,
       "fast path: its rows have no in-tree side and count their rounds", row)
    ok("fast path (guest boot, ours): 6 rounds, 240 s" in p.stdout and
       re.search(r"^\| ioeventfd_notify_us \| \d+\.\d \| \[\d+\.\d, \d+\.\d\] \| 6 \|$", p.stdout, re.M) and
       re.search(r"^\| notify: IOEVENTFD / userspace loop \| 0\.9\d\d \| .* \| <= 0\.333 \| 6 \| missed \|$",
                 p.stdout, re.M),
       "fast path: the Markdown names its stop line, its medians and its verdicts", p.stdout)
    p, js = run_report(clean + generate_notify(6, 11, notify=0.3, irq=1.0, irq_wide=0.3))
    g = {t["name"]: t for t in js["targets"]}
    ok(g[NOTIFY]["verdict"] == "met" and g[IRQ]["verdict"] == "inconclusive",
       "fast path: notify at 0.3 met; an interrupt scattered around 1.0 inconclusive",
       json.dumps({k: g[k] for k in (NOTIFY, IRQ)}))
    p, js = run_report(clean + generate_notify(6, 12, skip={("fastpath", 4)}))
    g = {t["name"]: t for t in js["targets"]}
    ok(p.returncode == 1 and g[NOTIFY]["rounds"] == 5 and g[NOTIFY]["verdict"] == "inconclusive" and
       js["fast_path"]["userspace_notify_us"]["rounds"] == 6 and
       "BENCH-ERROR notify fastpath round 4" in p.stdout,
       "fast path: a failed guest is an error, its round unpaired; 5 rounds give no interval",
       json.dumps(g[NOTIFY]) + p.stdout[-300:])
    p, js = run_report(clean)
    ok(all(js[m] is None and js["fast_path"][m]["rounds"] == 0 for m in report.FAST_PATH) and
       {t["name"]: t["verdict"] for t in js["targets"]}[NOTIFY] == "no data" and
       "Fast path" not in p.stdout,
       "fast path: not measured: null keys, no data, no table", {m: js[m] for m in report.FAST_PATH})
    rep, _ = analyse(generate(20, 3, ours={"hypercall_floor": 1.08}) + generate_notify(6, 13))
    ok(all(t["verdict"] == "not judged" for t in rep["targets"] if t["name"] in (NOTIFY, IRQ)),
       "fast path: gated by the ioctl boot's control like every target", verdicts(rep))

    # Missed: ours' small DM_OP at 0.85 of in-tree, clearly above 0.75.
    rep, _ = analyse(generate(20, 3, ours={"dm_op_nr_vcpus": 0.85}))
    v = verdicts(rep)
    ok(rep["judged"] and v["DM_OP small ours / in-tree"] == "missed" and
       v["DM_OP small / floor (ours)"] == "missed", "missed: 0.85 vs <= 0.75 is missed", v)
    ok(v["evtchn round trip ours / in-tree"] == "met", "missed: the other targets stay met", v)
    ok(rep["stop_rule"]["decided"], "missed: a clear miss is decided too")

    # Noisy target: ours' small DM_OP scattered +-30 % around 0.74 (limit 0.75).
    noisy = generate(20, 4, ours={"dm_op_nr_vcpus": 0.74}, wide={"dm_op_nr_vcpus": 0.3})
    rep, _ = analyse(noisy)
    t = target(rep, "DM_OP small ours / in-tree")
    ok(rep["judged"] and t["verdict"] == "inconclusive" and t["ci_low"] < 0.75 < t["ci_high"],
       "noisy: a wide interval across the limit is inconclusive", t)
    ok(not rep["stop_rule"]["decided"], "noisy: the stopping rule goes on")
    p, js = run_report(noisy)
    ok(p.returncode == 0 and "| inconclusive |" in p.stdout, "noisy: the Markdown says inconclusive", p.stdout)

    # Noisy control: the same hypercall, +-25 % apart: nothing judged.
    ctl = generate(20, 5, ours={"dm_op_nr_vcpus": 0.85}, wide={"hypercall_floor": 0.25})
    rep, _ = analyse(ctl)
    ok(not rep["judged"] and rep["machine"] == "too noisy", "noisy control: too noisy", rep["control"])
    ok(all(t["verdict"] == "not judged" for t in rep["targets"]),
       "noisy control: no target gets met or missed", verdicts(rep))
    ok(not rep["stop_rule"]["decided"], "noisy control: the stopping rule goes on")
    p, js = run_report(ctl)
    ok("too noisy to judge" in p.stdout and js["machine"] == "too noisy" and
       "| missed |" not in p.stdout and "| met |" not in p.stdout,
       "noisy control: the Markdown says so instead of judging", p.stdout)

    # A narrow control off 1.0 is no noise, but still no judging.
    rep, _ = analyse(generate(20, 6, ours={"hypercall_floor": 1.08}))
    ok(not rep["judged"] and rep["machine"] == "control off 1.0", "control at 1.08: not judged", rep["control"])

    # Too few rounds for any interval.
    rep, _ = analyse(generate(5, 7))
    ok(not rep["judged"] and rep["machine"] == "too few rounds", "5 rounds: too few to judge", rep["control"])

    # The in-VM stopping rule answers as the report does, round by round.
    if not AWKS:
        ok(True, "# SKIP no awk on this host")
    for awk in AWKS:
        agree = []
        for data in (clean, noisy, ctl):
            for r in range(1, 21):
                lines = [x for x in data if not x.startswith("BENCH ") or int(x.split()[2]) <= r]
                rep, _ = analyse(lines)
                got, why = decide(lines, awk)
                if got != rep["stop_rule"]["decided"]:
                    agree.append((r, got, why))
        ok(not agree, f"decide.awk ({' '.join(awk)}) agrees with the report after each of 20 rounds", agree)
        got7, _ = decide([x for x in clean if not x.startswith("BENCH ") or int(x.split()[2]) <= 7], awk)
        got8, _ = decide([x for x in clean if not x.startswith("BENCH ") or int(x.split()[2]) <= 8], awk)
        ok(not got7 and got8, f"decide.awk ({' '.join(awk)}): clean data decided from 8 rounds (99 %)")
        _, why = decide(noisy, awk)
        ok("ours:dm_op_nr_vcpus/intree:dm_op_nr_vcpus" in why and "control" not in why,
           f"decide.awk ({' '.join(awk)}) names what is still open", why)

    mode_bench_tests()
    print(f"1..{n}")
    shutil.rmtree(tmp)
    return 1 if bad else 0


def mode_bench(data, budget=1000, rounds=200, min_rounds=10, fail=()):
    """Runs scripts/vm/mode-bench against stubs: drivers that only log their
    loading, a dmop_bench that prints the round's lines of DATA and advances a
    fake uptime by 10 s, busybox's sh and awk when there is one (as in the VM)."""
    d = tempfile.mkdtemp(dir=tmp)
    for f in (DECIDE, TARGETS):
        shutil.copy(f, d)
    with open(os.path.join(d, "lib.sh"), "w") as f:
        # The real helpers, the drivers' loading stubbed.
        f.write(f'. {LIB}\n'
                'load_xen_drivers() { echo "$1" >>"$DMOP_DIR/loads"; }\n'
                'unload_xen_drivers() { :; }\n')
    for line in data:
        w = line.split()
        if len(w) == 6 and w[0] == "BENCH":
            with open(os.path.join(d, f"{w[1]}.{w[2]}"), "a") as f:
                f.write(line + "\n")
    with open(os.path.join(d, "dmop_bench"), "w") as f:
        f.write('#!/bin/sh\nread -r t _ <"$DMOP_DIR/clock"\n'
                'echo "$((${t%.*} + 10)).00 0.00" >"$DMOP_DIR/clock"\n'
                'cat "$DMOP_DIR/$1.$2" 2>/dev/null\n'
                'case " $DMOP_FAIL " in *" $1.$2 "*) exit 1 ;; esac\n')
    with open(os.path.join(d, "clock"), "w") as f:
        f.write("0.00 0.00\n")
    os.chmod(os.path.join(d, "dmop_bench"), 0o755)
    sh = ["sh"]
    if shutil.which("busybox"):
        os.symlink(shutil.which("busybox"), os.path.join(d, "awk"))
        sh = ["busybox", "sh"]
    env = dict(os.environ, DMOP_DIR=d, DMOP_BENCH_DIR=d, DMOP_BENCH_WORK=d,
               DMOP_BENCH_CLOCK=os.path.join(d, "clock"),
               DMOP_BENCH_SECONDS=str(budget), DMOP_BENCH_ROUNDS=str(rounds),
               DMOP_BENCH_MIN=str(min_rounds), DMOP_FAIL=" ".join(fail),
               PATH=d + os.pathsep + os.environ["PATH"])
    p = subprocess.run(sh + [MODE], env=env, capture_output=True, text=True)
    with open(os.path.join(d, "loads")) as f:
        loads = f.read().split()
    return p, loads


def mode_bench_tests():
    clean = generate(40, 8)
    noisy = generate(40, 9, ours={"dm_op_nr_vcpus": 0.74}, wide={"dm_op_nr_vcpus": 0.3})

    p, loads = mode_bench(clean)
    ok(p.returncode == 0 and "BENCH-STOP decided after 10 rounds" in p.stdout,
       "mode-bench: clean rounds stop once decided, not before the minimum (10)", p.stdout[-600:] + p.stderr)
    ok(loads[:6] == ["intree", "ours", "ours", "intree", "intree", "ours"] and len(loads) == 20,
       "mode-bench: in-tree and ours back to back, order alternating", loads)
    ok(p.stdout.count("BENCH-ROUND") == 10 and "BENCH-ROUND 2 order: ours intree" in p.stdout,
       "mode-bench: each round names its order")
    rep, _ = analyse(p.stdout.splitlines())
    ok(rep["rounds"] == 10 and rep["judged"], "mode-bench: its output is the report's input", rep["rounds"])

    # 20 fake seconds a round: rounds at 0, 20, 40, 60, 80 fit 100 s, the sixth would not.
    p, _ = mode_bench(noisy, budget=100)
    ok("BENCH-STOP time budget (100 s) after 5 rounds, 100 s" in p.stdout,
       "mode-bench: undecided rounds stop before overrunning the budget", p.stdout[-400:])
    p, _ = mode_bench(noisy, rounds=12)
    ok("BENCH-STOP round cap (12) after 12 rounds" in p.stdout and
       re.search(r"^BENCH-DECIDE undecided:.* ours:dm_op_nr_vcpus/intree:dm_op_nr_vcpus", p.stdout, re.M),
       "mode-bench: the round cap, and what was left open", p.stdout[-400:])
    p, _ = mode_bench(clean, rounds=3, fail=("ours.2",))
    ok(p.returncode != 0 and "BENCH-ERROR ours round 2: exit 1" in p.stdout,
       "mode-bench: a failed benchmark run is an error, the rounds go on", p.stdout[-400:])


if __name__ == "__main__":
    sys.exit(main())
