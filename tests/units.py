#!/usr/bin/env python3
"""The systemd units as built (prefix substituted): systemd-analyze verify
must pass without a word of warning, and every service's
systemd-analyze security exposure must be at most 2.5 ("OK" or better).

Neither needs a running systemd: both run with --root on a scratch tree
holding the units, the binary at the units' ExecStart path, /bin/sh and a
copy of the host's own units (verify resolves sysinit.target and friends
there). Usage: units.py TASDID BINDIR UNIT..."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

EXPOSURE_MAX = 2.5


def make_root(root, tasdid, bindir, units):
    unitdir = os.path.join(root, 'etc/systemd/system')
    os.makedirs(unitdir)
    os.makedirs(root + bindir)
    shutil.copy(tasdid, root + bindir + '/tasdid')
    os.makedirs(os.path.join(root, 'bin'))
    shutil.copy('/bin/sh', os.path.join(root, 'bin/sh'))
    shutil.copytree('/usr/lib/systemd/system',
                    os.path.join(root, 'usr/lib/systemd/system'),
                    symlinks=True)
    for u in units:
        shutil.copy(u, unitdir)
    return [os.path.join(unitdir, os.path.basename(u)) for u in units]


def main():
    tasdid, bindir, units = sys.argv[1], sys.argv[2], sys.argv[3:]
    if shutil.which('systemd-analyze') is None:
        print('SKIP: systemd-analyze is not installed (Debian package '
              'systemd; ./run installs it)')
        return 77
    failures = 0
    with tempfile.TemporaryDirectory() as root:
        paths = make_root(root, tasdid, bindir, units)
        got = subprocess.run(['systemd-analyze', 'verify', '--man=no',
                              '--root=' + root] + paths,
                             capture_output=True, text=True)
        out = (got.stdout + got.stderr).strip()
        if got.returncode != 0 or out:
            print(f'systemd-analyze verify: exit {got.returncode}\n{out}')
            failures += 1
        else:
            print(f'systemd-analyze verify: {len(paths)} units clean')
        for u in units:
            name = os.path.basename(u)
            if not name.endswith('.service'):
                continue
            got = subprocess.run(['systemd-analyze', 'security',
                                  '--offline=yes', '--root=' + root,
                                  '--no-pager', name],
                                 capture_output=True, text=True)
            m = re.search(r'Overall exposure level for \S+: (\d+\.\d)',
                          got.stdout)
            if not m:
                print(f'{name}: no exposure level\n{got.stdout}{got.stderr}')
                failures += 1
                continue
            level = float(m.group(1))
            print(f'{name}: exposure {level}')
            if level > EXPOSURE_MAX:
                failures += 1
                print(f'{name}: exposure {level} > {EXPOSURE_MAX}:\n'
                      + '\n'.join(l for l in got.stdout.split('\n')
                                  if '\u2717' in l))
    print(f'{failures} failures')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
