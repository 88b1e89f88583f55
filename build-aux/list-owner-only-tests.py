#!/usr/bin/env python3
"""List the test cases that reach the database only as its owner.

    build-aux/list-owner-only-tests.py tests/db/*.c tests/gui/*.c

A test case (g_test_add_func, g_test_add_data_func, g_test_add) is listed
when its function, or its fixture's setup, connects as the owner
(cst_test_db_connect, db->conninfo, cst_test_db_new) and never as an
ordinary login of a role (cst_test_db_connect_as, cst_test_db_create_login,
cst_test_gui_open_window_as, ...).  Calls into the file's own functions are
followed.  Row-level security and the grants hide mistakes from the owner,
so each one listed should either test what only the owner does (migrating,
tampering with the audit log, the triggers that hold even for the owner) or
be moved to the role that does the work.  A heuristic, not a test: it
prints one "file<TAB>path<TAB>function" line per case.
"""
import re
import sys
import pathlib

ROLE_CALL = (r'cst_test_db_connect_as|cst_test_gui_open_window_as|cst_embedded_server_get_conninfo|'
             r'cst_test_db_create_login|open_password_window|ensure_password_login|'
             r'custodian_password_test')
OWNER = re.compile(r'cst_test_db_connect\b|->conninfo|cst_test_db_new|cst_test_db_seed_demo')


def functions(src):
    """Each top-level function's body by name (GNU style: name at column 0)."""
    out = {}
    for m in re.finditer(r'^(\w+)\s*\(([^;{]*?)\)\s*\n\{', src, re.M):
        start = m.end()
        depth, i = 1, start
        while depth and i < len(src):
            depth += {'{': 1, '}': -1}.get(src[i], 0)
            i += 1
        out[m.group(1)] = src[start:i]
    return out


def closure(names, funcs, seen=None):
    """The bodies of @names and of the file's functions they call."""
    seen = set() if seen is None else seen
    text = ''
    for name in names:
        if name in seen or name not in funcs:
            continue
        seen.add(name)
        body = funcs[name]
        text += body + closure(re.findall(r'\b(\w+)\b', body), funcs, seen)
    return text


def registrations(main):
    flat = re.sub(r'\s+', ' ', main)
    for m in re.finditer(r'g_test_add_func \("([^"]+)", (\w+)\)', flat):
        yield m.group(1), [m.group(2)]
    for m in re.finditer(r'g_test_add_data_func(?:_full)? \("([^"]+)", [^;]*?, (\w+)(?:, \w+)?\);', flat):
        yield m.group(1), [m.group(2)]
    for m in re.finditer(r'g_test_add \("([^"]+)", \w+, [^,]+, (\w+), (\w+), (\w+)\)', flat):
        yield m.group(1), [m.group(2), m.group(3), m.group(4)]


def main():
    total = listed = 0
    for path in sorted(sys.argv[1:]):
        src = pathlib.Path(path).read_text()
        funcs = functions(src)
        main_text = closure(['main'], funcs)
        # Globals main fills with a role's login count as the role.
        role_globals = re.findall(r'(\w+)\s*=\s*cst_test_db_create_login', main_text)
        role = re.compile(ROLE_CALL + ''.join(r'|\b%s\b' % g for g in role_globals))
        for name, fns in registrations(funcs.get('main', '')):
            total += 1
            text = closure(fns, funcs)
            uses_db = OWNER.search(text) or (OWNER.search(main_text) and re.search(r'\bdb\b|conninfo', text))
            if uses_db and not role.search(text):
                listed += 1
                print('%s\t%s\t%s' % (path, name, fns[0] if len(fns) == 1 else fns[1]))
    print('# %d of %d test cases reach the database only as the owner' % (listed, total), file=sys.stderr)


if __name__ == '__main__':
    main()
