#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host test of the benchmark's statistics, stopping rule and round loop on
# synthetic logs (bench_report_test.py); never runs the benchmark itself.
exec python3 "$(dirname "$0")/bench_report_test.py"
