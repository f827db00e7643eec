// SPDX-License-Identifier: GPL-2.0
/* xen-dmop evtchn: fail_nth/fail_hits of the fault-injection test build. */
#include "xdm-fault-inject-params.c"
