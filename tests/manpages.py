#!/usr/bin/env python3
"""Each command's man page against its --help: every option either one names
must be in the other, so an option added to one cannot be forgotten in the
other. Usage: manpages.py TASDID MANDIR (MANDIR holds the .scd sources).

Options are the tokens -x / --long-name not glued to a word (so
"end-to-end" or "tasdid-post" are not options). A new command needs its page
(the list comes from 'tasdid --help'); a new option needs a line in both."""
import os
import re
import subprocess
import sys

OPTION = re.compile(r'(?<![\w\\-])--?[A-Za-z][A-Za-z0-9-]*')


def options(text):
    return set(OPTION.findall(text))


def main():
    tasdid, mandir = sys.argv[1], sys.argv[2]
    top = subprocess.run([tasdid, '--help'], capture_output=True, text=True,
                         check=True).stdout
    commands = re.findall(r'^  (\S+)\s', top, re.M)
    assert len(commands) >= 12, commands
    failures = 0
    pages = [('tasdid', [tasdid, '--help'])]
    pages += [('tasdid-' + c, [tasdid, c, '--help']) for c in commands]
    for page, argv in pages:
        path = os.path.join(mandir, page + '.1.scd')
        if not os.path.exists(path):
            print(f'{page}: no man page {path}')
            failures += 1
            continue
        got = subprocess.run(argv, capture_output=True, text=True)
        if got.returncode != 0:
            print(f'{page}: {" ".join(argv[1:])} exited {got.returncode}')
            failures += 1
            continue
        in_help = options(got.stdout)
        with open(path, encoding='utf-8') as f:
            in_man = options(f.read())
        for o in sorted(in_help - in_man):
            print(f'{page}: {o} is in --help but not in {path}')
            failures += 1
        for o in sorted(in_man - in_help):
            print(f'{page}: {o} is in {path} but not in --help')
            failures += 1
        print(f'{page}: {len(in_help)} options, help and page agree'
              if in_help == in_man else f'{page}: differ')
    print(f'{failures} failures')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
