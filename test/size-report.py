#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Size report of a ctbox build: stripped bytes, code per layer and module, largest symbols.
#
# Usage: test/size-report.py [--budget] [--variants PREFIX] BUILD [-- SETUP_ARGS...]
#   BUILD       a built tree (meson setup + ninja); its ctbox.map says which object every
#               byte came from (meson.build links with -Wl,-Map)
#   --variants  also configure and build PREFIX-conntrack (-Dapplets=conntrack),
#               PREFIX-conntrackd (-Dapplets=conntrackd) and PREFIX-udp (-Dchannels=udp)
#               with SETUP_ARGS (the ctbox target only; run their tests separately) and
#               check that each leaves out the code it deselects
#   --budget    fail above the budgets of the static musl minsize router binary:
#               the conntrack applet alone (the -Dapplets=conntrack variant) and the
#               whole binary (both applets, both channels)
# Tools: the build's compiler prefix (mips-linux-gnu-gcc -> mips-linux-gnu-nm, ...);
# env NM, STRIP, SIZE override. Exit: 0, 1 over budget or a check failed, 2 usage/build.
import bisect, json, os, re, shutil, subprocess, sys, tempfile

BUDGET_CONNTRACK = 176000	# the conntrack applet alone
BUDGET_WHOLE = 240000		# both applets, both channels
# Below this much code of its own, the conntrackd applet is the placeholder of issue 5.
CONNTRACKD_PLACEHOLDER = 2048

VARIANTS = [
    ('conntrack', ['-Dapplets=conntrack'], 'conntrack applet alone'),
    ('conntrackd', ['-Dapplets=conntrackd'], 'conntrackd applet alone'),
    ('udp', ['-Dchannels=udp'], 'both applets, udp channel only'),
]

# Output sections by what they cost: code, read-only data (incl. unwind tables), data, bss.
KIND = [
    (re.compile(r'^\.(text|init|fini|plt|iplt|MIPS\.stubs)\b'), 'code'),
    (re.compile(r'^\.(rodata|eh_frame|gcc_except_table|ARM\.ex|MIPS\.abiflags|reginfo|note)'),
     'rodata'),
    (re.compile(r'^\.(data|tdata|init_array|fini_array|got|sdata|lit)'), 'data'),
    (re.compile(r'^\.(bss|tbss|sbss|scommon)'), 'bss'),
]

failures = []


def fail(msg):
    failures.append(msg)
    print('FAIL: ' + msg)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def options(build):
    with open(os.path.join(build, 'meson-info', 'intro-buildoptions.json')) as f:
        return {o['name']: o['value'] for o in json.load(f)}


def tools(build):
    """nm/strip/size for the build's target, from its C compiler's name."""
    with open(os.path.join(build, 'meson-info', 'intro-targets.json')) as f:
        cc = next(t['target_sources'][0]['compiler'][0] for t in json.load(f)
                  if t['name'] == 'ctbox')
    base = os.path.basename(cc)
    prefix = ''
    if base.endswith('-gcc') and base != 'musl-gcc':
        prefix = os.path.join(os.path.dirname(cc), base[:-3])
    return {t: os.environ.get(t.upper()) or prefix + t for t in ('nm', 'strip', 'size')}


def module_of(path):
    """ctbox.p/applets_ct_args.c.o -> applets/ct_args.c; libc.a(printf.lo) -> libc."""
    path = path.strip()
    # meson's static libraries are thin archives: the map names the member object
    m = re.search(r'(?:^|/)([^/]+)/lib[^/]*\.a\.p/(?:src_)?([^/]+)\.c\.o$', path)
    if m:
        layer = 'libmnl' if 'libmnl' in path else m.group(1)
        return layer + '/' + m.group(2) + '.c'
    m = re.match(r'^(.*)\((.*)\)$', path)
    lib, member = (m.group(1), m.group(2)) if m else (None, path)
    if lib:
        name = os.path.basename(lib)
        if 'libmnl' in lib:
            return 'libmnl/' + member.replace('.c.o', '.c')
        if name.startswith('libct'):
            return os.path.dirname(lib).split('/')[-1] + '/' + member.replace('.c.o', '.c')
        if name.startswith('libgcc'):
            return 'libgcc'
        return 'libc'
    if path.startswith('ctbox.p/'):
        obj = path[len('ctbox.p/'):].replace('.c.o', '.c')
        layer, _, rest = obj.partition('_')
        return layer + '/' + rest
    if re.search(r'crt[^/]*\.o$', path):
        return 'crt'
    return 'other:' + os.path.basename(path)


def layer_of(module):
    if module.startswith('applets/'):
        name = module[len('applets/'):]
        if name == 'main.c':
            return 'applets: dispatch'
        if name == 'conntrackd.c' or name.startswith('ctd_'):
            return 'applets: conntrackd'
        return 'applets: conntrack'
    return module.split('/')[0]


def parse_map(path):
    """[(kind, size, module, addr, section)] for every input section the link kept."""
    out = []
    with open(path, errors='replace') as f:
        lines = f.read().split('\n')
    try:
        i = lines.index('Linker script and memory map')
    except ValueError:
        sys.exit('%s: not a GNU ld map' % path)
    kind = None
    pending = None
    full = re.compile(r'^ (\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$')
    cont = re.compile(r'^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$')
    for line in lines[i + 1:]:
        if line.startswith('/DISCARD/'):
            break
        if line and not line[0].isspace():
            name = line.split()[0]
            kind = next((k for r, k in KIND if r.match(name)), None)
            pending = None
            continue
        if kind is None:
            continue
        m = full.match(line)
        if m:
            sec, addr, size, obj = m.groups()
        elif pending:
            m = cont.match(line)
            if not m:
                pending = None
                continue
            addr, size, obj = m.groups()
            sec = pending
        else:
            m = re.match(r'^ (\.\S+)$', line)
            pending = m.group(1) if m else None
            continue
        pending = None
        if sec == '*fill*' or sec.startswith('*('):
            continue
        size = int(size, 16)
        if size:
            out.append((kind, size, module_of(obj), int(addr, 16), sec))
    return out


def stripped_size(build, t):
    with tempfile.TemporaryDirectory() as tmp:
        dst = os.path.join(tmp, 'ctbox')
        run([t['strip'], '-o', dst, os.path.join(build, 'ctbox')])
        return os.path.getsize(dst)


def sizeof_table(build, t):
    lib = os.path.join(build, 'test', 'tools', 'libctsizes.a')
    if not os.path.exists(lib):
        return {}
    sizes = {}
    for line in run([t['nm'], '-S', lib]).splitlines():
        f = line.split()
        if len(f) == 4 and f[3].startswith('sizeof_'):
            sizes[f[3][len('sizeof_'):]] = int(f[1], 16)
    return sizes


def fmt(n):
    return '{:,}'.format(n)


def analyse(build, t):
    """Everything the report needs about one build."""
    secs = parse_map(os.path.join(build, 'ctbox.map'))
    mods = {}
    for kind, size, mod, _, _ in secs:
        d = mods.setdefault(mod, {'code': 0, 'rodata': 0, 'data': 0, 'bss': 0})
        d[kind] += size
    return {'stripped': stripped_size(build, t), 'mods': mods, 'secs': secs,
            'opts': options(build)}


def largest_symbols(build, t, secs, n=15):
    spans = sorted((addr, addr + size, mod) for _, size, mod, addr, _ in secs)
    starts = [s[0] for s in spans]
    syms = []
    for line in run([t['nm'], '-S', '--size-sort', os.path.join(build, 'ctbox')]).splitlines():
        f = line.split()
        if len(f) != 4:
            continue
        addr, size, typ, name = int(f[0], 16), int(f[1], 16), f[2], f[3]
        mod = '?'
        k = bisect.bisect_right(starts, addr) - 1
        if k >= 0 and spans[k][0] <= addr < spans[k][1]:
            mod = spans[k][2]
        syms.append((size, typ, name, mod, addr))
    # One line per object: aliases (weak pthread_create, strong __pthread_create) share it.
    seen = {}
    for s in sorted(syms, key=lambda s: (s[4], s[2].startswith('_'), s[2])):
        seen.setdefault(s[4], s[:4])
    return sorted(seen.values(), reverse=True)[:n]


def report(build, t, a):
    o = a['opts']
    total = {'code': 0, 'rodata': 0, 'data': 0, 'bss': 0}
    for d in a['mods'].values():
        for k in total:
            total[k] += d[k]
    print('== size report: %s (%s, static=%s, buildtype=%s, applets=%s, channels=%s)' % (
        build, os.path.basename(t['nm'])[:-2].rstrip('-') or 'host', o['static'],
        o['buildtype'], ','.join(o['applets']), ','.join(o['channels'])))
    print('binary: %s bytes stripped; from the link map: code %s, rodata %s, data %s, bss %s'
          % (fmt(a['stripped']), fmt(total['code']), fmt(total['rodata']),
             fmt(total['data']), fmt(total['bss'])))
    own = sum(d['code'] + d['rodata'] + d['data'] for m, d in a['mods'].items()
              if m.split('/')[0] in ('applets', 'core', 'proto', 'channels'))
    print("ctbox's own code, rodata and data (applets, core, proto, channels): %s bytes"
          % fmt(own))
    layers = {}
    for mod, d in a['mods'].items():
        ld = layers.setdefault(layer_of(mod), {'code': 0, 'rodata': 0, 'data': 0, 'bss': 0})
        for k in d:
            ld[k] += d[k]
    print('per layer and applet (code / rodata / data+bss):')
    for name, d in sorted(layers.items(), key=lambda x: -(x[1]['code'] + x[1]['rodata'])):
        print('  %-22s %9s %9s %9s' % (name, fmt(d['code']), fmt(d['rodata']),
                                          fmt(d['data'] + d['bss'])))
    print('per module (code / rodata / data+bss), ctbox and libmnl:')
    own = [(m, d) for m, d in a['mods'].items() if '/' in m]
    for mod, d in sorted(own, key=lambda x: -(x[1]['code'] + x[1]['rodata'])):
        print('  %-30s %8s %8s %8s' % (mod, fmt(d['code']), fmt(d['rodata']),
                                         fmt(d['data'] + d['bss'])))
    print('15 largest symbols:')
    for size, typ, name, mod in largest_symbols(build, t, a['secs']):
        print('  %7s %s %-36s %s' % (fmt(size), typ, name, mod))
    sizes = sizeof_table(build, t)
    if sizes:
        print('sizeof: ' + ', '.join('%s %d' % (k, v) for k, v in sizes.items()))


def build_variant(prefix, name, extra, setup):
    d = '%s-%s' % (prefix, name)
    args = setup + extra
    if os.path.exists(os.path.join(d, 'build.ninja')):
        cmd = ['meson', 'setup', '--reconfigure', d] + args
    else:
        cmd = ['meson', 'setup', d] + args
    for c in (cmd, ['ninja', '-C', d, 'ctbox', 'test/tools/libctsizes.a']):
        r = subprocess.run(c, capture_output=True, text=True)
        if r.returncode:
            sys.stdout.write(r.stdout[-4000:] + r.stderr[-4000:])
            sys.exit('size-report: %s failed' % ' '.join(c))
    return d


def own_code(a, pred):
    return sum(d['code'] + d['rodata'] + d['data'] for m, d in a['mods'].items() if pred(m))


def main(argv):
    budget = False
    prefix = None
    setup = []
    if '--' in argv:
        setup = argv[argv.index('--') + 1:]
        argv = argv[:argv.index('--')]
    args = []
    while argv:
        x = argv.pop(0)
        if x == '--budget':
            budget = True
        elif x == '--variants' and argv:
            prefix = argv.pop(0)
        else:
            args.append(x)
    if len(args) != 1:
        print('usage: size-report.py [--budget] [--variants PREFIX] BUILD [-- SETUP_ARGS...]')
        return 2
    build = args[0]
    t = tools(build)
    for tool in t.values():
        if not shutil.which(tool):
            print('size-report: %s not found' % tool)
            return 2
    full = analyse(build, t)
    report(build, t, full)
    whole = set(full['opts']['applets']) == {'conntrack', 'conntrackd'} and \
        set(full['opts']['channels']) == {'mcast', 'udp'}

    var = {}
    if prefix:
        print('variants (stripped bytes; compile-time selection):')
        print('  %-48s %9s' % ('both applets, both channels', fmt(full['stripped'])))
        for name, extra, what in VARIANTS:
            d = build_variant(prefix, name, extra, setup)
            var[name] = a = analyse(d, t)
            gone = sorted(set(full['mods']) - set(a['mods']))
            gone = [m for m in gone if '/' in m]
            print('  %-48s %9s  %+7d  left out: %s' % (
                '%s (%s)' % (what, ' '.join(extra)), fmt(a['stripped']),
                a['stripped'] - full['stripped'], ', '.join(gone) or 'nothing'))
        # A deselected applet or channel must leave no object of its own in the binary.
        checks = [
            ('conntrack', lambda m: m == 'applets/conntrackd.c' or m.startswith('channels/'),
             'conntrackd applet or a channel'),
            ('conntrackd', lambda m: m == 'applets/conntrack.c' or m.startswith('applets/ct_'),
             'conntrack applet'),
            ('udp', lambda m: 'mcast' in m, 'multicast channel'),
        ]
        for name, pred, what in checks:
            left = [m for m in var[name]['mods'] if pred(m)]
            if left:
                fail('-D%s build still links the %s: %s' % (
                    VARIANTS[[v[0] for v in VARIANTS].index(name)][1][0][2:], what,
                    ', '.join(sorted(left))))

    if budget:
        if 'conntrack' in var:
            n = var['conntrack']['stripped']
            ok = n <= BUDGET_CONNTRACK
            print('budget: conntrack applet alone %s <= %s: %s' % (
                fmt(n), fmt(BUDGET_CONNTRACK), 'ok' if ok else 'OVER'))
            if not ok:
                fail('conntrack applet alone is %s bytes, budget %s' % (
                    fmt(n), fmt(BUDGET_CONNTRACK)))
        if whole:
            n = full['stripped']
            ok = n <= BUDGET_WHOLE
            ctd = own_code(full, lambda m: layer_of(m) == 'applets: conntrackd')
            note = ''
            if ctd < CONNTRACKD_PLACEHOLDER:
                note = ' (conntrackd is still a placeholder: %s bytes of its own)' % fmt(ctd)
            print('budget: whole binary %s <= %s: %s%s' % (
                fmt(n), fmt(BUDGET_WHOLE), 'ok' if ok else 'OVER', note))
            if not ok:
                fail('whole binary is %s bytes, budget %s' % (fmt(n), fmt(BUDGET_WHOLE)))
        else:
            print('budget: whole binary not checked (%s does not build both applets and '
                  'both channels)' % build)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
