# SPDX-License-Identifier: GPL-2.0
# awk [-v conf=0.99] -f decide.awk TARGETS LOG: the benchmark's stopping rule,
# run in the VM after each round (scripts/vm/mode-bench). Exits 0 when more
# rounds would change no verdict: the control's 95 % interval lies within its
# band and every target's interval at CONF is clear of its limit. Exits 1
# otherwise. Prints one line saying which.
#
# The same per-round pairing and order-statistic interval as scripts/bench/report
# (which states the method), in POSIX awk without libm: the VM has busybox awk
# only, built without maths. selftests/host/bench_report.sh holds the two to
# the same answer.

# The largest k for which [x(k), x(n+1-k)] covers the median with probability
# at least c, 0 if none (n too small).
function order_k(n, c,    alpha, pmf, cdf, i, k) {
	alpha = 1 - c
	pmf = 1
	for (i = 0; i < n; i++)
		pmf = pmf * 0.5
	cdf = 0
	k = 0
	for (i = 0; i < n; i++) {
		cdf += pmf
		if (2 * cdf > alpha)
			break
		k = i + 1
		pmf = pmf * (n - i) / (i + 1)
	}
	return k
}

# Fills x[1..n] with the sorted per-round ratios of target t; returns n.
function ratios(t,    r, n, i, j, v) {
	n = 0
	for (r in rounds) {
		if (!((num[t], r) in val) || !((den[t], r) in val) || val[den[t], r] == 0)
			continue
		v = val[num[t], r] / val[den[t], r]
		for (i = n; i > 0 && x[i] > v; i--)
			x[i + 1] = x[i]
		x[i + 1] = v
		n++
	}
	return n
}

BEGIN {
	if (conf == "")
		conf = 0.99
}

FNR == NR {
	if ($1 ~ /^#/ || NF < 6)
		next
	nt++
	role[nt] = $1; num[nt] = $2; den[nt] = $3; better[nt] = $4; limit[nt] = $5 + 0
	name[nt] = $6
	next
}

$1 == "BENCH" && NF == 6 {
	val[$2 ":" $4, $3 + 0] = $5 + 0
	rounds[$3 + 0] = 1
}

END {
	open = ""
	for (t = 1; t <= nt; t++) {
		if (role[t] == "reference")
			continue
		n = ratios(t)
		if (role[t] == "control") {
			k = order_k(n, 0.95)
			if (!k || x[k] < 1 - limit[t] || x[n + 1 - k] > 1 + limit[t])
				open = open " control"
			continue
		}
		# A target no round measured (e.g. ours-only metric) holds nothing up.
		if (!n)
			continue
		k = order_k(n, conf)
		lo = x[k]; hi = x[n + 1 - k]
		if (!k || (better[t] == "lower" && hi > limit[t] && lo <= limit[t]) ||
		    (better[t] == "higher" && lo < limit[t] && hi >= limit[t]))
			open = open " " num[t] "/" den[t]
	}
	if (open == "") {
		print "decided"
		exit 0
	}
	print "undecided:" open
	exit 1
}
