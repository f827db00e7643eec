#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-only
"""libdmop's ABI check (see README in this directory).

  abi.py dump SO HEADERS OUT.txt OUT.abi   record SO's ABI (model and abidw XML)
  abi.py check SO HEADERS MAP ABIDIR       judge SO against MAP and ABIDIR

The model is what a program built against libdmop.h depends on: the
exported symbols with their version nodes, the signature of every exported
function, and the layout of every type reachable from them (struct members
with offsets and types, enumerators, typedefs). It is read from abidw's
dump of the built library (DWARF), so nothing is listed by hand.
"""
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET


class AbiError(Exception):
    pass


def abidw(so, headers, out):
    subprocess.run(['abidw', '--no-corpus-path', '--no-comp-dir-path', '--no-show-locs',
                    '--headers-dir', headers, '--drop-private-types', '--out-file', out, so],
                   check=True)


class Model:
    """The ABI of one build, as comparable Python values."""

    def __init__(self, xml_path):
        root = ET.parse(xml_path).getroot()
        self.soname = root.get('soname', '')
        self.symbols = {}       # name -> version node ('' when unversioned)
        for sym in root.iter('elf-symbol'):
            if sym.get('is-defined') != 'yes':
                continue
            ver = sym.get('version', '')
            if ver and sym.get('is-default-version') != 'yes':
                ver += ' (not default)'
            self.symbols[sym.get('name')] = ver
        self.byid = {}
        for el in root.iter():
            if el.get('id') and el.tag != 'subrange':
                # a full definition wins over a declaration of the same id
                if el.get('id') not in self.byid or el.get('is-declaration-only') != 'yes':
                    self.byid[el.get('id')] = el
        self.defs = {}          # 'struct x' -> its defining element
        for el in root.iter():
            if el.tag in ('class-decl', 'union-decl', 'enum-decl') and \
                    el.get('is-declaration-only') != 'yes' and el.get('name'):
                self.defs[self.kind(el) + ' ' + el.get('name')] = el
        self.functions = {}     # name -> signature
        self.types = {}         # 'struct x' / 'typedef x' / ... -> description
        decls = {}
        for fn in root.iter('function-decl'):
            sym = fn.get('elf-symbol-id')
            name = sym.split('@')[0] if sym else fn.get('name')
            # abidw may keep only a caller's declaration of a function defined
            # in another unit: it has the same types, without elf-symbol-id
            if sym or name not in decls:
                decls[name] = fn
        for name in self.symbols:
            fn = decls.get(name)
            if fn is None:
                self.functions[name] = '<no declaration in the dump>'
                continue
            ret = self.ts(fn.find('return').get('type-id'))
            params = [self.ts(p.get('type-id')) if not p.get('is-variadic') else '...'
                      for p in fn.findall('parameter')]
            self.functions[name] = '%s (%s)' % (ret, ', '.join(params))

    @staticmethod
    def kind(el):
        if el.tag == 'enum-decl':
            return 'enum'
        if el.tag == 'union-decl':
            return 'union'
        return 'struct'

    def ts(self, tid):
        """A type's name as C spells it; records the named types it reaches."""
        if tid is None:
            return '?'
        el = self.byid.get(tid)
        if el is None:
            return '<%s>' % tid
        tag = el.tag
        if tag == 'type-decl':
            name = el.get('name')
            self.types.setdefault('type ' + name, 'size %s' % el.get('size-in-bits'))
            return name
        if tag == 'typedef-decl':
            name = el.get('name')
            key = 'typedef ' + name
            if key not in self.types:
                self.types[key] = '?'
                self.types[key] = self.ts(el.get('type-id'))
            return name
        if tag == 'pointer-type-def':
            return self.ts(el.get('type-id')) + '*'
        if tag == 'qualified-type-def':
            quals = [q for q in ('const', 'volatile') if el.get(q) == 'yes']
            return ' '.join(quals + [self.ts(el.get('type-id'))])
        if tag == 'array-type-def':
            dims = ''.join('[%s]' % ('' if s.get('length') == 'infinite' else s.get('length'))
                           for s in el.findall('subrange'))
            return self.ts(el.get('type-id')) + dims
        if tag in ('class-decl', 'union-decl', 'enum-decl'):
            name = self.kind(el) + ' ' + (el.get('name') or '<anonymous>')
            if name not in self.types:
                self.types[name] = None
                self.types[name] = self.describe(self.defs.get(name, el))
            return name
        if tag == 'function-type':
            ret = self.ts(el.find('return').get('type-id'))
            params = [self.ts(p.get('type-id')) for p in el.findall('parameter')]
            return '%s (*)(%s)' % (ret, ', '.join(params))
        return '<%s>' % tag

    def describe(self, el):
        if el.get('is-declaration-only') == 'yes':
            return {'opaque': True}
        if el.tag == 'enum-decl':
            return {'size': int(self.byid[el.find('underlying-type').get('type-id')]
                                .get('size-in-bits', '0')),
                    'enumerators': {e.get('name'): int(e.get('value'))
                                    for e in el.findall('enumerator')}}
        members = []
        for dm in el.findall('data-member'):
            var = dm.find('var-decl')
            members.append((var.get('name'), int(dm.get('layout-offset-in-bits')) // 8,
                            self.ts(var.get('type-id'))))
        return {'size': int(el.get('size-in-bits', '0')) // 8, 'members': members}

    def lines(self):
        out = ['soname ' + self.soname]
        out += ['symbol %s %s' % (n, v) for n, v in sorted(self.symbols.items())]
        out += ['function %s: %s' % (n, s) for n, s in sorted(self.functions.items())]
        for name, d in sorted(self.types.items()):
            if not isinstance(d, dict):
                out.append('%s: %s' % (name, d))
            elif d.get('opaque'):
                out.append('%s: opaque' % name)
            elif 'enumerators' in d:
                out.append('%s: size %d' % (name, d['size']))
                out += ['%s: %s = %d' % (name, e, v) for e, v in
                        sorted(d['enumerators'].items(), key=lambda x: x[1])]
            else:
                out.append('%s: size %d' % (name, d['size']))
                out += ['%s: member %s at %d: %s' % (name, m, off, t)
                        for m, off, t in d['members']]
        return out


def read_lines(path):
    with open(path) as f:
        return [l.rstrip('\n') for l in f if l.strip() and not l.startswith('#')]


class Recorded:
    """A model read back from its .txt form."""

    def __init__(self, path):
        self.symbols, self.functions, self.types, self.soname = {}, {}, {}, ''
        for line in read_lines(path):
            if line.startswith('soname '):
                self.soname = line[7:]
            elif line.startswith('symbol '):
                _, name, ver = line.split(' ', 2)
                self.symbols[name] = ver
            elif line.startswith('function '):
                name, sig = line[9:].split(': ', 1)
                self.functions[name] = sig
            else:
                name, rest = line.split(': ', 1)
                if name.startswith(('typedef ', 'type ')):
                    self.types[name] = rest
                    continue
                d = self.types.setdefault(name, {})
                if rest == 'opaque':
                    d['opaque'] = True
                elif rest.startswith('size '):
                    d['size'] = int(rest[5:])
                elif rest.startswith('member '):
                    m = re.match(r'member (\S+) at (\d+): (.*)', rest)
                    d.setdefault('members', []).append((m.group(1), int(m.group(2)),
                                                        m.group(3)))
                else:
                    e, v = rest.split(' = ')
                    d.setdefault('enumerators', {})[e] = int(v)


def parse_map(path):
    """The version nodes of a linker version script, in order."""
    text = re.sub(r'/\*.*?\*/', '', open(path).read(), flags=re.S)
    nodes = []
    for m in re.finditer(r'(\w[\w.]*)\s*\{(.*?)\}\s*([\w.]*)\s*;', text, flags=re.S):
        body = m.group(2)
        glob = re.search(r'global:(.*?)(local:|$)', body, flags=re.S)
        syms = re.findall(r'([\w*]+)\s*;', glob.group(1)) if glob else []
        local = re.search(r'local:\s*\*\s*;', body) is not None
        nodes.append({'name': m.group(1), 'symbols': syms, 'parent': m.group(3),
                      'local_all': local})
    return nodes


def nm_symbols(so):
    """Defined dynamic symbols as nm prints them: {name: version or ''}, nodes."""
    out = subprocess.run(['nm', '-D', '--defined-only', '--with-symbol-versions', so],
                         check=True, capture_output=True, text=True).stdout
    syms, nodes = {}, set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        kind, name = parts[1], parts[2]
        base, _, ver = name.partition('@@')
        if not ver:
            base, _, ver = name.partition('@')
        if kind == 'A' and (base == ver or not ver):
            # the symbol a version node defines
            nodes.add(base)
            continue
        syms[base] = ver
    return syms, nodes


def compare_exact(old, new, label):
    """Everything the same: the ABI of the last released node."""
    errs = []
    for name in sorted(set(old.symbols) | set(new.symbols)):
        if old.symbols.get(name) != new.symbols.get(name):
            errs.append('symbol %s: %s in %s, %s now' % (
                name, old.symbols.get(name, 'absent'), label, new.symbols.get(name, 'absent')))
    for name in sorted(set(old.functions) | set(new.functions)):
        if old.functions.get(name) != new.functions.get(name):
            errs.append('function %s: "%s" in %s, "%s" now' % (
                name, old.functions.get(name, 'absent'), label,
                new.functions.get(name, 'absent')))
    for name in sorted(set(old.types) | set(new.types)):
        if old.types.get(name) != new.types.get(name):
            errs.append('%s: %s in %s, %s now' % (name, old.types.get(name, 'absent'), label,
                                                  new.types.get(name, 'absent')))
    return errs


def compare_compatible(old, new, label):
    """What a program built against an older node needs of the library now."""
    errs = []
    for name, ver in sorted(old.symbols.items()):
        if new.symbols.get(name) != ver:
            errs.append('symbol %s of %s: %s now (a released symbol keeps its node)' % (
                name, label, new.symbols.get(name, 'gone')))
    for name, sig in sorted(old.functions.items()):
        if new.functions.get(name) != sig:
            errs.append('function %s: "%s" in %s, "%s" now' % (
                name, sig, label, new.functions.get(name, 'gone')))
    for name, d in sorted(old.types.items()):
        n = new.types.get(name)
        if not isinstance(d, dict) or d.get('opaque') or n is None:
            if n != d and not (isinstance(d, dict) and d.get('opaque')):
                errs.append('%s: %s in %s, %s now' % (name, d, label, n or 'gone'))
            continue
        if 'enumerators' in d:
            for e, v in d['enumerators'].items():
                if n.get('enumerators', {}).get(e) != v:
                    errs.append('%s: %s = %d in %s, changed now' % (name, e, v, label))
            if n.get('size') != d['size']:
                errs.append('%s: size %d in %s, %s now' % (name, d['size'], label, n.get('size')))
            continue
        old_m = {m[0]: m for m in d.get('members', [])}
        new_m = {m[0]: m for m in n.get('members', [])}
        for m in d.get('members', []):
            if new_m.get(m[0]) != m:
                errs.append('%s: member %s at %d (%s) in %s, %s now: released fields never '
                            'move or change' % (name, m[0], m[1], m[2], label,
                                                new_m.get(m[0], 'gone')))
        if n.get('size', 0) < d['size']:
            errs.append('%s: shrank from %d to %d bytes' % (name, d['size'], n.get('size', 0)))
        if n.get('size', 0) > d['size'] or set(new_m) - set(old_m):
            first = d.get('members', [None])[0]
            if not first or first[0] != 'sz' or first[1] != 0:
                errs.append('%s grew (%d to %d bytes) but carries no sz: only structs whose '
                            'first field is sz may grow' % (name, d['size'], n.get('size', 0)))
            for m in n.get('members', []):
                if m[0] not in old_m and m[1] < d['size']:
                    errs.append('%s: new member %s at %d, inside the %d bytes of %s: new '
                                'fields go past the released size' % (name, m[0], m[1],
                                                                       d['size'], label))
    return errs


def check(so, headers, map_path, abidir):
    errs = []
    nodes = parse_map(map_path)
    if not nodes:
        raise AbiError('%s: no version node' % map_path)
    names = [n['name'] for n in nodes]
    if not nodes[0]['local_all']:
        errs.append('%s: node %s lacks "local: *;": symbols outside the map would be exported'
                    % (map_path, names[0]))
    for prev, node in zip(nodes, nodes[1:]):
        if node['parent'] != prev['name']:
            errs.append('%s: node %s must inherit %s' % (map_path, node['name'], prev['name']))
    mapped = {}
    for node in nodes:
        for s in node['symbols']:
            if s in mapped:
                errs.append('%s: %s is in %s and %s' % (map_path, s, mapped[s], node['name']))
            mapped[s] = node['name']
    # what the dynamic symbol table says, independent of abidw
    syms, vnodes = nm_symbols(so)
    for name, ver in sorted(syms.items()):
        if not ver:
            errs.append('%s is exported outside any version node' % name)
        elif ver not in names:
            errs.append('%s is exported in node %s, which the map does not have' % (name, ver))
        elif mapped.get(name) != ver:
            errs.append('%s is exported in %s, the map puts it in %s' % (
                name, ver, mapped.get(name, 'no node')))
    for name in sorted(set(mapped) - set(syms)):
        errs.append('%s is in the map (%s) but not exported' % (name, mapped[name]))
    if vnodes != set(names):
        errs.append('version nodes in the library %s, in the map %s' % (sorted(vnodes), names))

    with tempfile.TemporaryDirectory() as tmp:
        xml = os.path.join(tmp, 'now.abi')
        abidw(so, headers, xml)
        now = Model(xml)
        recorded = {}
        for f in sorted(os.listdir(abidir)):
            if f.endswith('.txt'):
                rec = Recorded(os.path.join(abidir, f))
                if rec.soname != now.soname:
                    errs.append('abi/%s is for %s, the library is %s: a new soname starts a '
                                'new abi/' % (f, rec.soname, now.soname))
                recorded[f[:-4]] = rec
        for name in names:
            if name not in recorded:
                errs.append('node %s has no recorded ABI (abi/%s.txt): a node is released '
                            'with its record (make -C tools/libdmop abi-dump)' % (name, name))
        for name in sorted(set(recorded) - set(names)):
            errs.append('abi/%s.txt records a node the map no longer has: released nodes never '
                        'go away' % name)
        latest = names[-1]
        if latest in recorded:
            diff = compare_exact(recorded[latest], now, latest)
            for e in diff:
                errs.append('changed since %s was released, without a new version node: %s'
                            % (latest, e))
            # abigail's own judgement of the same, from the stored dump
            xml_rec = os.path.join(abidir, latest + '.abi')
            if not diff and os.path.exists(xml_rec):
                r = subprocess.run(['abidiff', '--no-show-locs', xml_rec, xml],
                                   capture_output=True, text=True)
                if r.returncode:
                    errs.append('abidiff %s: exit %d:\n%s' % (xml_rec, r.returncode, r.stdout))
            elif not os.path.exists(xml_rec):
                errs.append('abi/%s.abi (the abidw dump of %s) is missing' % (latest, latest))
        for name in names[:-1]:
            if name in recorded:
                errs += compare_compatible(recorded[name], now, name)
    return errs, now, names


def main():
    if len(sys.argv) == 6 and sys.argv[1] == 'dump':
        so, headers, txt, xml = sys.argv[2:]
        abidw(so, headers, xml)
        m = Model(xml)
        with open(txt, 'w') as f:
            f.write('# libdmop ABI as released (abi/abi.py dump); never edit by hand\n')
            f.write('\n'.join(m.lines()) + '\n')
        return 0
    if len(sys.argv) == 6 and sys.argv[1] == 'check':
        so, headers, map_path, abidir = sys.argv[2:]
        try:
            errs, now, names = check(so, headers, map_path, abidir)
        except AbiError as e:
            errs, names = [str(e)], []
        for e in errs:
            print('abi-check: ' + e)
        if errs:
            print('abi-check: FAILED: %d problem(s)' % len(errs))
            return 1
        print('abi-check: %s matches abi/%s.txt; %d symbols in %s' % (
            os.path.basename(so), names[-1], len(now.symbols), ', '.join(names)))
        return 0
    print(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main())
