#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-only
"""The ABI check must fail when it should: altered copies of libdmop.

  selftest.py SRCDIR ROOT WORKDIR

Each variant copies the library's sources, changes them the way a careless
patch would (or, for the control, the way the ABI rules allow), builds the
shared library, records a new node's ABI where the variant releases one,
and runs abi.py check on it. A variant meant to fail must fail with its
reason; the control must pass. Prints one line per variant.
"""
import os
import re
import shutil
import subprocess
import sys

PROBE_SRC = ('src/sz.c', '\nint dmop_sz_check(', '''
DMOP_EXPORT int dmop_abi_probe(void);
DMOP_EXPORT int dmop_abi_probe(void)
{
	return 0;
}

int dmop_sz_check(''')
PROBE_HDR = ('include/libdmop.h', '\n#ifdef __cplusplus\n}', '''
int dmop_abi_probe(void);

#ifdef __cplusplus
}''')


def newest_node(src):
    """The last version node of the tree's map, and the name of the next one."""
    with open(os.path.join(src, 'libdmop.map')) as f:
        names = re.findall(r'^(LIBDMOP_(\d+)\.(\d+))\s*\{', f.read(), flags=re.M)
    name, major, minor = names[-1]
    return name, 'LIBDMOP_%s.%d' % (major, int(minor) + 1)


def audit_tail(src):
    """The last member line of struct dmop_audit in the tree's header."""
    with open(os.path.join(src, 'include', 'libdmop.h')) as f:
        text = f.read()
    body = text[text.index('struct dmop_audit {'):]
    body = body[:body.index('\n};') + 4]
    return body.splitlines()[-2] + '\n};'


def variants(src):
    """(what, edits, record the next node, expected: None = passes, else the failure)"""
    last, nxt = newest_node(src)
    # appended to the map: a None "old" text means append
    node_next = ('libdmop.map', None, '''
%s {
	global:
		dmop_abi_probe;
} %s;
''' % (nxt, last))
    tail = audit_tail(src)
    audit_grow = ('include/libdmop.h', tail,
                  tail[:-len('\n};')] + '\n\tuint64_t probe_counter;\n};')
    return nxt, [
        ('a field appended to struct dmop_audit without a new version node',
         [audit_grow], False,
         'changed since %s was released, without a new version node: struct dmop_audit'
         % last),
        ('a field added to struct dmop_buf (no sz), with a new node %s' % nxt,
         [('include/libdmop.h', '\tvoid *ptr;\n\tsize_t size;\n};',
           '\tvoid *ptr;\n\tsize_t size;\n\tuint64_t flags;\n};'),
          PROBE_SRC, PROBE_HDR, node_next], True,
         'struct dmop_buf grew (16 to 24 bytes) but carries no sz'),
        ('a field inserted into struct dmop_setup_opts, with a new node %s' % nxt,
         [('include/libdmop.h', '\tuint32_t flags;\n\tuint16_t domid;\n\tuid_t uid;',
           '\tuint32_t flags;\n\tuint32_t probe_mode;\n\tuint16_t domid;\n\tuid_t uid;'),
          PROBE_SRC, PROBE_HDR, node_next], True,
         'struct dmop_setup_opts: member domid at 8 (uint16_t) in LIBDMOP_1.0'),
        ('a function added to the released node LIBDMOP_1.0',
         [PROBE_SRC, PROBE_HDR,
          ('libdmop.map', '\t\tdmop_step_name;\n', '\t\tdmop_step_name;\n\t\tdmop_abi_probe;\n')],
         False,
         'changed since %s was released, without a new version node: symbol dmop_abi_probe'
         % last),
        ('a function exported outside any version node',
         [PROBE_SRC, PROBE_HDR, ('libdmop.map', '\tlocal:\n\t\t*;\n', '')], False,
         'dmop_abi_probe is exported outside any version node'),
        ('a released function\'s parameter type changed',
         [('include/libdmop.h', 'int dmop_restrict(struct dmop_handle *h, uint16_t domid);',
           'int dmop_restrict(struct dmop_handle *h, uint32_t domid);'),
          ('src/handle.c', 'DMOP_EXPORT int dmop_restrict(struct dmop_handle *h, uint16_t domid)',
           'DMOP_EXPORT int dmop_restrict(struct dmop_handle *h, uint32_t domid)')], False,
         'function dmop_restrict: "int (struct dmop_handle*, uint16_t)" in LIBDMOP_1.0'),
        ('control: a new node %s with a function and a field appended to '
         'struct dmop_audit (it carries sz), its ABI recorded' % nxt,
         [audit_grow, PROBE_SRC, PROBE_HDR, node_next], True, None),
    ]


def edit(path, old, new):
    with open(path) as f:
        text = f.read()
    if old is None:
        with open(path, 'a') as f:
            f.write(new)
        return
    if text.count(old) != 1:
        raise SystemExit('abi selftest: %s: the text to alter is not there once: %r'
                         % (path, old))
    with open(path, 'w') as f:
        f.write(text.replace(old, new))


def run_variant(src, root, work, n, edits, record, node):
    tree = os.path.join(work, 'v%d' % n)
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(tree)
    for d in ('include', 'src', 'abi'):
        shutil.copytree(os.path.join(src, d), os.path.join(tree, d))
    for f in ('Makefile', 'VERSION', 'libdmop.map'):
        shutil.copy(os.path.join(src, f), tree)
    for f, old, new in edits:
        edit(os.path.join(tree, f), old, new)
    out = os.path.join(tree, 'out')
    build = subprocess.run(['make', '-s', '-C', tree, 'ROOT=' + root, 'OUT=' + out,
                            'CFLAGS=-O0 -g', out + '/libdmop.so'],
                           capture_output=True, text=True)
    if build.returncode:
        raise SystemExit('abi selftest: variant %d does not build:\n%s%s'
                         % (n, build.stdout, build.stderr))
    so = os.path.realpath(os.path.join(out, 'libdmop.so'))
    abi = os.path.join(tree, 'abi')
    if record:
        subprocess.run([os.path.join(abi, 'abi.py'), 'dump', so, os.path.join(tree, 'include'),
                        os.path.join(abi, node + '.txt'),
                        os.path.join(abi, node + '.abi')], check=True)
    return subprocess.run([os.path.join(abi, 'abi.py'), 'check', so,
                           os.path.join(tree, 'include'), os.path.join(tree, 'libdmop.map'),
                           abi], capture_output=True, text=True)


# A program built against the header of the tree (the newest release), run on
# the control's library (the next node, struct dmop_audit longer by a field):
# the library must fill the fields the old struct has and write nothing past
# its sz. (A program built against 1.0 itself: tests/lib_test.c.)
OLD_CALLER = r'''
#include <stdio.h>
#include <string.h>
#include <libdmop.h>

int main(void)
{
	unsigned char buf[sizeof(struct dmop_audit) + 64];
	struct dmop_audit *a = (struct dmop_audit *)buf;

	memset(buf, 0xaa, sizeof(buf));
	memset(a, 0, sizeof(*a));
	a->sz = sizeof(*a);
	if (dmop_fdinfo_parse("privcmd.dm_ops:\t5\nevtchn.denied:\t7\n", a))
		return 1;
	if (a->sz != sizeof(*a) || a->dm_ops != 5 || a->evtchn_denied != 7)
		return 2;
	for (size_t i = sizeof(*a); i < sizeof(buf); i++)
		if (buf[i] != 0xaa)
			return 3;
	return 0;
}
'''


def old_caller_runs(src, work, n):
    tree = os.path.join(work, 'v%d' % n)
    prog = os.path.join(tree, 'old_caller')
    with open(prog + '.c', 'w') as f:
        f.write(OLD_CALLER)
    out = os.path.join(tree, 'out')
    subprocess.run(['cc', '-o', prog, prog + '.c', '-I', os.path.join(src, 'include'),
                    '-L', out, '-ldmop'], check=True)
    r = subprocess.run([prog], env=dict(os.environ, LD_LIBRARY_PATH=out))
    return r.returncode


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    src, root, work = sys.argv[1:]
    bad = 0
    node, table = variants(src)
    for n, (what, edits, record, expect) in enumerate(table, 1):
        r = run_variant(src, root, work, n, edits, record, node)
        if expect is None:
            ok = r.returncode == 0
            verdict = 'passes, as it should' if ok else 'FAILS, but the rules allow it'
            rc = old_caller_runs(src, work, n)
            if ok and rc:
                ok = False
                verdict = 'passes, but a program built against the tree fails on it (exit %d)' % rc
            elif ok:
                verdict += '; a program built against the tree runs on it unchanged'
        else:
            ok = r.returncode != 0 and expect in r.stdout
            verdict = ('fails, as it should: "%s"' % expect) if ok else \
                ('NOT CAUGHT (exit %d; expected "%s")' % (r.returncode, expect))
        print('abi-check selftest %d: %s: %s' % (n, what, verdict))
        if not ok:
            print(r.stdout + r.stderr)
            bad += 1
    print('abi-check selftest: %d passed, %d failed' % (len(table) - bad, bad))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
