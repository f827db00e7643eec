# SPDX-License-Identifier: GPL-2.0
#
# xen-dmop: out-of-tree build, static checks and the Xen VM test runs.
#
#   make                 build the modules for KDIR (default: the running kernel;
#                        when its headers are absent, for every Debian series below)
#   make deps            install what everything below needs (apt-get, idempotent)
#   make check           build + lint + host tests + VM suite on every series
#   make demo            boot Xen in QEMU and show our modules serving a real guest
#   make vm-6.1          the VM suite on one series (IMPL=intree runs it on the distro's modules)
#   make modules-fault-6.1  the allocation-failure injection test build (scripts/vm/run --impl fault)
#   make vionotify       the virtio-mmio-style backend of the e2e run (tools/vionotify)
#   make lint            sparse (C=2) on every series, checkpatch --strict, make docs
#   make docs            Documentation/ built with Sphinx -W (ioctl references pulled from
#                        the uapi headers' kernel-doc), kernel-doc -Wall on our sources
#   make bench           in-tree vs our drivers, paired rounds in VM boots per series (ioctls,
#                        then a guest's emulated I/O and the IOEVENTFD/IRQFD fast path),
#                        95 % intervals, met/missed/inconclusive
#   make check-debug     the VM suite on a debug dom0 kernel (KASAN, lockdep, kmemleak...)
#   make soak            the VM suite many times per series: its pass rate
#   make stubdom         the Linux stubdomain image (kernel + initramfs of Debian packages,
#                        QEMU, our modules) per series, into build/stubdom/SERIES/ (cached)
#   make check-stubdom   QEMU in that stubdomain serving a real guest, in the VM, per series
#                        (make check runs it too)
#   make demo-stubdom    the same told as a story (6.12)
#   make deb             Debian packages (debian/) into build/deb/, checked by lintian
#   make deb-vm          the VM suite on what the packages install (DKMS-built
#                        modules, dmop-utils' dmop, libdmop1), on every series
#   make clean

SERIES   ?= 6.1 6.12
IMPL     ?= ours
BUILD    := build
VERSION  := $(shell cat VERSION)
KDIR     ?= /lib/modules/$(shell uname -r)/build
TOOLS    := $(BUILD)/tools
SHELL    := /bin/bash

export XEN_DMOP_VERSION := $(VERSION)

.PHONY: all modules deps tools check lint sparse checkpatch selftests host-tests \
	libdmop vionotify docs demo bench clean dkms-check deb deb-vm install uninstall $(addprefix modules-,$(SERIES)) \
	$(addprefix modules-fault-,$(SERIES)) $(addprefix modules-debug-,$(SERIES)) \
	$(addprefix modules-kasan-,$(SERIES)) \
	$(addprefix vm-,$(SERIES)) check-debug soak stubdom check-stubdom demo-stubdom $(addprefix stubdom-,$(SERIES))

# `make` with no KDIR: the running kernel if its headers exist, else every series.
all:
ifneq ($(wildcard $(KDIR)/Makefile),)
	$(MAKE) modules
else
	@echo "xen-dmop: no headers at $(KDIR); building for the Debian series: $(SERIES)"
	$(MAKE) $(addprefix modules-,$(SERIES))
endif

# In-place build against KDIR (what dkms and distribution packagers call).
modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

# One build tree per series: a symlink farm of the sources, objects beside them.
# $(call kmod-build,SERIES,OUTDIR,EXTRA KBUILD ARGS[,KDIR SCRIPT])
define kmod-build
	@kdir=$$($(or $(4),scripts/kdir) $(1)) || exit 1; \
	out=$(2); mkdir -p $$out; \
	cp -asf $(CURDIR)/Kbuild $(CURDIR)/VERSION $(CURDIR)/drivers $(CURDIR)/include $$out/; \
	find $$out -type l \( -xtype l -o ! \( -name '*.[ch]' -o -name Kbuild -o -name VERSION \) \) -delete; \
	$(MAKE) -C $$kdir M=$(CURDIR)/$$out W=1 $(KFLAGS) $(3) modules 2>&1 | tee $$out/build.log; \
	test $${PIPESTATUS[0]} -eq 0 || exit 1; \
	if grep -E 'warning:|error:' $$out/build.log; then echo "xen-dmop: warnings in the $(1) build ($(2))"; exit 1; fi ; \
	scripts/check-symvers $$kdir $$out/Module.symvers
endef

$(addprefix modules-,$(SERIES)): modules-%:
	$(call kmod-build,$*,$(BUILD)/$*/kmod,)

# The allocation-failure injection test build (drivers/xen/xdm-fault-inject.h),
# for `scripts/vm/run --impl fault`; never installed.
$(addprefix modules-fault-,$(SERIES)): modules-fault-%:
	$(call kmod-build,$*,$(BUILD)/$*/kmod-fault,XEN_DMOP_FAULT_INJECT=1)

# Against the debug dom0 kernels (lockdep, kmemleak, UBSAN...; and the KASAN
# flavour, a PVH dom0): built once and cached by scripts/debug-kernel/build.
$(addprefix modules-debug-,$(SERIES)): modules-debug-%:
	$(call kmod-build,$*,$(BUILD)/$*/kmod-debug,,scripts/debug-kernel/kdir)
$(addprefix modules-kasan-,$(SERIES)): modules-kasan-%:
	$(call kmod-build,$*-kasan,$(BUILD)/$*/kmod-kasan,,scripts/debug-kernel/kdir)

deps:
	@scripts/deps

tools:
	@scripts/linux-source-tools $(TOOLS)

# sparse on every series: a forced rebuild with C=2; any sparse finding fails.
sparse:
	@for s in $(SERIES); do \
		for t in modules modules-fault; do \
			$(MAKE) --no-print-directory $$t-$$s KFLAGS="C=2 CHECK=sparse" || exit 1; \
		done; \
	done

checkpatch: tools
	@scripts/checkpatch $(TOOLS)

docs: tools
	@scripts/docs-check $(BUILD)/docs $(TOOLS)

lint: sparse checkpatch docs

selftests: tools
	$(MAKE) -C selftests OUT=$(CURDIR)/$(BUILD)/selftests TOOLS=$(CURDIR)/$(TOOLS)

# The userspace library and the dmop command (tools/libdmop).
libdmop:
	$(MAKE) -C tools/libdmop OUT=$(CURDIR)/$(BUILD)/libdmop

# The virtio-mmio-style backend of the end-to-end run (scripts/vm/e2e/stage
# builds it too), static, on libdmop.a.
vionotify:
	$(MAKE) -C tools/vionotify OUT=$(CURDIR)/$(BUILD)/vionotify LIBDMOP=$(CURDIR)/$(BUILD)/libdmop

host-tests: selftests
	$(MAKE) -C tools/libdmop check OUT=$(CURDIR)/$(BUILD)/libdmop
	@scripts/host-tests $(BUILD)/selftests

$(addprefix vm-,$(SERIES)): vm-%: modules-% selftests libdmop
	scripts/vm/run --series $* --impl $(IMPL) --mode check

check: deps
	$(MAKE) $(addprefix modules-,$(SERIES)) $(addprefix modules-fault-,$(SERIES)) libdmop
	$(MAKE) lint
	$(MAKE) host-tests
	@scripts/vm/check-all $(SERIES)

# The suite, the fuzzer, fail_nth_test and the end-to-end run on a debug dom0
# kernel (KASAN, lockdep, kmemleak, UBSAN, fault injection) per series; builds
# the kernels on first use. Hours, not minutes: not part of make check.
check-debug: deps
	$(MAKE) $(addprefix modules-debug-,$(SERIES)) $(addprefix modules-kasan-,$(SERIES)) \
		selftests libdmop
	@scripts/vm/check-debug $(SERIES)

# The Linux stubdomain image of a series (scripts/vm/stubdom/build: rebuilt
# only when an input changed), and the run that proves it in the VM: an HVM
# guest served by QEMU inside it, on our drivers in dom0 and in the
# stubdomain (also a step of make check's scripts/vm/check-all).
$(addprefix stubdom-,$(SERIES)): stubdom-%: modules-% libdmop
	@scripts/vm/stubdom/build $*
stubdom: $(addprefix stubdom-,$(SERIES))

check-stubdom: deps
	$(MAKE) $(addprefix modules-,$(SERIES)) selftests libdmop
	@rc=0; for s in $(SERIES); do scripts/vm/run --series $$s --mode stubdom || rc=1; done; exit $$rc

demo-stubdom: deps
	$(MAKE) modules-6.12 selftests libdmop
	scripts/vm/run --series 6.12 --impl ours --mode demo-stubdom

# The VM suite SOAK_RUNS times in a row per series (SOAK_TESTS=a_test:b_test to
# narrow it, SOAK_REPEAT=K to run them K times per boot): the pass rate, and
# each failure with its test and console line.
SOAK_RUNS ?= 30
SOAK_REPEAT ?= 1
soak: deps
	$(MAKE) $(addprefix modules-,$(SERIES)) selftests libdmop
	@scripts/vm/soak --runs $(SOAK_RUNS) --repeat $(SOAK_REPEAT) $(if $(SOAK_TESTS),--tests $(SOAK_TESTS)) $(SERIES)

# Benchmarks: paired rounds (in-tree and ours back to back, order alternating)
# in one boot per series, until every target is decided or BENCH_SECONDS run
# out (at most BENCH_ROUNDS rounds). Then, in a second boot per series, what
# the guest feels: BENCH_GUEST_ROUNDS paired rounds of an HVM guest timing PIO
# and MMIO reads through a restricted QEMU on each driver
# (scripts/vm/mode-bench-guest; 0 leaves them out), and BENCH_NOTIFY_ROUNDS
# paired rounds, on ours, of a tools/vionotify guest with the IOEVENTFD/IRQFD
# fast path and one without (0 leaves them out). The report (medians of
# per-round ratios, 95 % intervals, verdicts) is printed and kept with a JSON
# copy in build/bench/. Not a test: a verdict never fails it. About 18.5
# minutes for both series here (12.5 before the notify rounds).
# BENCH_GUEST_SMP=2 gives the guest boot two emulated CPUs (dom0 then
# answers a notification on a CPU of its own; one such boot hung, see
# Documentation/dev-tools/benchmarks.rst).
BENCH_SECONDS ?= 200
BENCH_ROUNDS ?= 200
BENCH_GUEST_ROUNDS ?= 6
BENCH_NOTIFY_ROUNDS ?= 10
BENCH_GUEST_SMP ?= 1
bench: deps
	$(MAKE) $(addprefix modules-,$(SERIES)) selftests libdmop
	$(MAKE) -C bench OUT=$(CURDIR)/$(BUILD)/bench
	@for s in $(SERIES); do \
		scripts/vm/run --series $$s --mode bench --timeout $$(($(BENCH_SECONDS) + 300)) \
			--args "dmop.rounds=$(BENCH_ROUNDS) dmop.seconds=$(BENCH_SECONDS)" >/dev/null; \
		rc=$$?; \
		cp $(BUILD)/vm/$$s-ours-bench.log $(BUILD)/bench/$$s.log; \
		if [ $$(($(BENCH_GUEST_ROUNDS) + $(BENCH_NOTIFY_ROUNDS))) -gt 0 ]; then \
			scripts/vm/run --series $$s --mode bench-guest --smp $(BENCH_GUEST_SMP) \
				--timeout $$((($(BENCH_GUEST_ROUNDS) + $(BENCH_NOTIFY_ROUNDS)) * 150 + 300)) \
				--args "dmop.guest_rounds=$(BENCH_GUEST_ROUNDS) dmop.notify_rounds=$(BENCH_NOTIFY_ROUNDS)" \
				>/dev/null || rc=1; \
			cat $(BUILD)/vm/$$s-ours-bench-guest.log >>$(BUILD)/bench/$$s.log; \
		fi; \
		scripts/bench/report $(BUILD)/bench/$$s.log $(BUILD)/bench/$$s.json $$s \
			| tee $(BUILD)/bench/$$s.md || exit 1; \
		[ $$rc -eq 0 ] || { echo "bench: a $$s VM run failed: $(BUILD)/vm/$$s-ours-bench*.log"; exit 1; }; \
	done

demo: deps
	$(MAKE) modules-6.1 selftests libdmop
	scripts/vm/run --series 6.1 --impl ours --mode demo

dkms-check: deps
	@scripts/dkms-check $(SERIES)

# xen-dmop-dkms, libdmop1, libdmop-dev, dmop-utils: dpkg-buildpackage from a
# copy of the tree under build/deb/ (the .debs land there), then lintian.
deb:
	@scripts/deps deb
	@scripts/deb $(BUILD)/deb

deb-vm: deb selftests
	@for s in $(SERIES); do scripts/deb-vm $$s || exit 1; done

# Install: modules into updates/ (searched before the distro's kernel/ by depmod,
# so `modprobe xen-privcmd` loads ours), uapi headers under include/xen-dmop/,
# libdmop (library, header, pkg-config file, dmop command, man pages).
DESTDIR ?=
PREFIX  ?= /usr/local
MODDIR  ?= /lib/modules/$(notdir $(patsubst %/build,%,$(KDIR)))
install: modules
	install -D -m 644 drivers/xen/xen-privcmd.ko $(DESTDIR)$(MODDIR)/updates/xen-dmop/xen-privcmd.ko
	install -D -m 644 drivers/xen/xen-evtchn.ko $(DESTDIR)$(MODDIR)/updates/xen-dmop/xen-evtchn.ko
	install -d $(DESTDIR)$(PREFIX)/include/xen-dmop/xen
	install -m 644 include/uapi/xen/*.h $(DESTDIR)$(PREFIX)/include/xen-dmop/xen/
	$(MAKE) -C tools/libdmop install OUT=$(CURDIR)/$(BUILD)/libdmop DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)
	$(if $(DESTDIR),,depmod -a $(notdir $(MODDIR)))

uninstall:
	rm -rf $(DESTDIR)$(MODDIR)/updates/xen-dmop $(DESTDIR)$(PREFIX)/include/xen-dmop
	-$(MAKE) -C tools/libdmop uninstall DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)
	$(if $(DESTDIR),,depmod -a $(notdir $(MODDIR)))

clean:
	rm -rf $(BUILD)
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
