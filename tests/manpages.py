#!/usr/bin/env python3
"""Each command's man page against its --help: every option either one names
must be in the other, so an option added to one cannot be forgotten in the
other; and tasdid.ini(5) against the keys lib/config.c accepts, both ways.
Usage: manpages.py TASDID MANDIR CONFIG_C [MESON_BUILD] (MANDIR holds the
.scd sources; MESON_BUILD, doc/man/meson.build, must list every command so
its page is built and installed).

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


def config_keys(config_c):
    """{section type: set of keys} that lib/config.c accepts."""
    with open(config_c, encoding='utf-8') as f:
        src = f.read()
    keys = {}
    for sec, key in re.findall(r'\{"(\w+)", "(\w+)"\}', src):
        keys.setdefault(sec, set()).add(key)

    def strcmp_keys(start, end):
        i = src.index(start)
        block = src[i:src.index(end, i + len(start))]
        return set(re.findall(r'strcmp\(key, "(\w+)"\)', block))
    keys['biller'] = strcmp_keys('static void biller_key', '\n}\n')
    keys['bank'] = strcmp_keys('case SEC_BANK', 'case SEC_TERMINAL')
    keys['terminal'] = strcmp_keys('case SEC_TERMINAL', 'break;')
    i = src.index('bankfile_keys[] = {')
    keys['bankfile'] = set(re.findall(
        r'"(\w+)"', src[i:src.index('};', i)]))
    return keys


def check_ini_page(path, config_c):
    """Every key lib/config.c accepts is named in its section of the page,
    and every key the page lists (a line starting *key*) is accepted."""
    with open(path, encoding='utf-8') as f:
        page = f.read().replace('\\_', '_')
    sections = {}
    for m in re.finditer(r'^## \[(\w+)[^\n]*\n(.*?)(?=^#|\Z)', page,
                         re.M | re.S):
        sections[m.group(1)] = m.group(2)
    failures = 0
    for sec, keys in sorted(config_keys(config_c).items()):
        text = sections.get(sec)
        if text is None:
            print(f'tasdid.ini: section [{sec}] (lib/config.c) has no '
                  f'"## [{sec}]" heading in {path}')
            failures += 1
            continue
        named = set(re.findall(r'\*(\w+)\*', text))
        listed = set(re.findall(r'^\*(\w+)\* \(', text, re.M))
        for k in sorted(keys - named):
            print(f'tasdid.ini: [{sec}] {k} is accepted by lib/config.c '
                  f'but not described in {path}')
            failures += 1
        for k in sorted(listed - keys):
            print(f'tasdid.ini: [{sec}] {k} is described in {path} but '
                  f'lib/config.c does not accept it')
            failures += 1
    n = sum(len(k) for k in config_keys(config_c).values())
    print(f'tasdid.ini: {n} keys checked, {failures} failures')
    return failures


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
            print(f'{page}: option {o} is in "{" ".join(argv[1:])}" but not '
                  f'in {path}: describe it under OPTIONS')
            failures += 1
        for o in sorted(in_man - in_help):
            print(f'{page}: option {o} is in {path} but not in '
                  f'"{" ".join(argv[1:])}": remove it or add it to the help')
            failures += 1
        print(f'{page}: {len(in_help)} options, help and page agree'
              if in_help == in_man else f'{page}: differ')
    if len(sys.argv) > 3:
        failures += check_ini_page(os.path.join(mandir, 'tasdid.ini.5.scd'),
                                   sys.argv[3])
    if len(sys.argv) > 4:
        with open(sys.argv[4], encoding='utf-8') as f:
            listed = set(re.findall(r"'([a-z-]+)'", f.read().split(
                'man_commands =')[1].split(']')[0]))
        for c in sorted(set(commands) - listed):
            print(f'tasdid-{c}: add \'{c}\' to man_commands in {sys.argv[4]} '
                  'so its page is built and installed')
            failures += 1
    print(f'{failures} failures')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
