#!/usr/bin/env python3
"""check-layers.py — the shape of the code cannot erode silently (issue 16).

Reads every #include under app/core/, widgets/, app/ and include/custodian/
and fails on

  - an include that climbs the layer order: a file may include headers of
    its own folder and of the folders BELOW it, never of a folder above;
  - a source or header outside the folders of the order (a new folder must
    be placed in the order first);
  - a file above the model (widgets/, and app/ outside app/core/: the
    views, the window, custodian-cli) that includes libpq-fe.h, names
    PGconn, calls libpq (PQexec…) or holds SQL text (a string that starts
    a statement: SELECT, INSERT INTO, UPDATE … SET, BEGIN…), apart from
    the views allow-listed below, and an allow-listed file that no longer
    does (so the list only shrinks);
  - a header a view includes, directly or through other headers, that
    includes libpq or libharu (a header that only passes a PGconn along
    includes custodian/cst-db-types.h instead).

The order is read from ONE place: the fenced ```layers block of DESIGN.md,
lowest layer first.  A public header in include/custodian/ belongs to the
folder of its source (cst-foo.h to cst-foo.c, or to the cst-foo-*.c files).

  check-layers.py SOURCE_ROOT               check the tree
  check-layers.py --self-test SOURCE_ROOT   prove the checks can fail: plant
                                            violations in a copy, expect each
                                            to be caught, and the clean copy
                                            to pass
  check-layers.py --graph SOURCE_ROOT       print which folder includes which
                                            (how many includes), to place a
                                            new file or find a cycle
"""
import os
import re
import shutil
import sys
import tempfile

# Includes that climb, each with why (none today: keep it that way).  The
# check below fails on an entry the tree no longer needs.
ALLOWED_CLIMBS = set()

# Views that hold a database connection or include libpq (none: every view
# asks the model; the check fails on an entry the tree no longer needs).
PGCONN_ALLOWED = set()

# Headers that no source of the same name explains.
HEADER_OWNERS = {
    'custodian.h': 'app/core/workflow',        # the umbrella: the whole model
    'cst-enum-types.h': 'app/core/base',       # generated from cst-enums-types.h
    'cst-enums-types.h': 'app/core/base',
    'cst-db-types.h': 'app/core/db',           # libpq's types, declared only
    'cst-request-repo-first.h': 'app/core/requests',   # beside cst-request-repo.c
    'cst-pdf-libharu.h': 'app/core/pdf',       # the toolkit's libharu side
    'cst-pdf-pages.h': 'app/core/pdf',         # the cairo writer's pages for the screen
    'cst-statement-pages.h': 'app/core/statements',  # cst-statement-pdf.c's preview
    'cst-redaction-words-cache.h': 'app/core/packet',  # cst-redaction-words.c's cache
}

# What a view must not see through the headers it includes.
HIDDEN_LIBRARY_RE = re.compile(r'^\s*#\s*include\s*<(libpq-fe\.h|hpdf[\w]*\.h)>', re.M)

SCANNED = ('app', 'widgets')
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
PGCONN_RE = re.compile(r'\bPGconn\b|libpq-fe\.h|\bPQ[a-z]\w*\s*\(')
# A C string that starts an SQL statement (the model's queries all do).
SQL_RE = re.compile(r'"\s*(SELECT|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|'
                    r'WITH\s+\w+\s+AS|BEGIN|COMMIT|ROLLBACK|LISTEN|NOTIFY|CALL|'
                    r'SET\s+(ROLE|LOCAL|SESSION))\b')


def above_the_model(path):
    """The views, the window and custodian-cli: they ask the model."""
    return path.startswith('widgets/') or (path.startswith('app/')
                                           and not path.startswith('app/core/'))


def read_layers(root):
    """The folders of the ```layers block of DESIGN.md, lowest first."""
    text = open(os.path.join(root, 'DESIGN.md'), encoding='utf-8').read()
    match = re.search(r'^```layers\n(.*?)^```', text, re.M | re.S)
    if not match:
        raise SystemExit('DESIGN.md has no ```layers block')
    layers = []
    for line in match.group(1).splitlines():
        line = line.split('#', 1)[0].strip()
        if line:
            layers.append(line.split()[0].rstrip('/'))
    return layers


def source_files(root):
    """Every .c and .h under app/ and widgets/, relative to root."""
    for top in SCANNED:
        for dirpath, _dirs, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                if name.endswith(('.c', '.h')):
                    yield os.path.relpath(os.path.join(dirpath, name), root)


def public_header_owner(name, sources):
    """The folder of a public header: its source's, by name."""
    if name in HEADER_OWNERS:
        return HEADER_OWNERS[name]
    stem = name[:-2]
    owners = {os.path.dirname(p) for p in sources
              if p.startswith('app/core/')
              and os.path.basename(p) in (stem + '.c',)}
    if not owners:
        owners = {os.path.dirname(p) for p in sources
                  if p.startswith('app/core/') and p.endswith('.c')
                  and os.path.basename(p).startswith(stem + '-')}
    if len(owners) != 1:
        return None
    return owners.pop()


def check(root, edges=None):
    """The list of problems in the tree at root (empty when it keeps its shape).

    With edges (a dict), also counts the includes from folder to folder."""
    layers = read_layers(root)
    rank = {folder: i for i, folder in enumerate(layers)}
    sources = list(source_files(root))
    problems = []

    # Where each header lives: the folder of the file of that name.
    local = {}
    for path in sources:
        if path.endswith('.h'):
            local.setdefault(os.path.basename(path), os.path.dirname(path))

    files = [(p, os.path.dirname(p)) for p in sources]
    pub_dir = os.path.join(root, 'include', 'custodian')
    for name in sorted(os.listdir(pub_dir)):
        if name.endswith('.h'):
            owner = public_header_owner(name, sources)
            if owner is None:
                problems.append(f'include/custodian/{name}: no source names its folder '
                                '(add it to HEADER_OWNERS in tests/data/check-layers.py)')
            else:
                files.append((f'include/custodian/{name}', owner))

    for path, folder in files:
        if folder not in rank:
            problems.append(f'{path}: folder {folder} is not in the layer order of DESIGN.md')
            continue
        text = open(os.path.join(root, path), encoding='utf-8').read()
        if above_the_model(path):
            offends = bool(PGCONN_RE.search(text))
            if offends and path not in PGCONN_ALLOWED:
                problems.append(f'{path}: above the model, includes libpq-fe.h, names PGconn '
                                'or calls libpq (database work belongs in the model: an _async for a view, '
                                'an _at function for custodian-cli)')
            if SQL_RE.search(text) and path not in PGCONN_ALLOWED:
                problems.append(f'{path}: above the model, holds SQL text '
                                '(queries belong in the model)')
            if not offends and path in PGCONN_ALLOWED:
                problems.append(f'{path}: no longer names PGconn; take it off PGCONN_ALLOWED')
        for bracket, target in INCLUDE_RE.findall(text):
            if (bracket == '<' and not target.startswith('custodian/')) or target == 'config.h':
                continue
            name = os.path.basename(target)
            if target.startswith('custodian/'):
                owner = public_header_owner(name, sources)
            else:
                owner = local.get(name, HEADER_OWNERS.get(name))
            if owner is None:
                problems.append(f'{path}: includes "{target}", which no layer holds')
                continue
            if owner not in rank:
                continue  # reported above for the header's own file
            if edges is not None and owner != folder:
                edges[(folder, owner)] = edges.get((folder, owner), 0) + 1
            if rank[owner] > rank[folder] and (path, target) not in ALLOWED_CLIMBS:
                problems.append(f'{path} ({folder}) includes "{target}" from {owner}, '
                                'a layer above its own')

    problems += hidden_libraries(root, sources, local)

    for path, target in sorted(ALLOWED_CLIMBS):
        full = os.path.join(root, path)
        if not os.path.exists(full) or f'"{target}"' not in open(full, encoding='utf-8').read():
            problems.append(f'{path}: no longer includes {target}; take it off ALLOWED_CLIMBS')
    return problems


def hidden_libraries(root, sources, local):
    """Each view that reaches a header including libpq or libharu.

    Follows the includes of every file under widgets/ through the headers
    of the tree (public ones and those beside the sources).  A view still on
    PGCONN_ALLOWED may see libpq (it holds a connection), never libharu."""
    def resolve(target):
        if target.startswith('custodian/'):
            return os.path.join('include', target)
        folder = local.get(os.path.basename(target))
        return os.path.join(folder, os.path.basename(target)) if folder else None

    texts = {}
    def text_of(path):
        if path not in texts:
            full = os.path.join(root, path)
            texts[path] = open(full, encoding='utf-8').read() if os.path.exists(full) else ''
        return texts[path]

    problems = []
    for view in (p for p in sources if p.startswith('widgets/')):
        seen, todo = {view}, [view]
        while todo:
            path = todo.pop()
            if path != view:
                for library in HIDDEN_LIBRARY_RE.findall(text_of(path)):
                    if library == 'libpq-fe.h' and view in PGCONN_ALLOWED:
                        continue
                    remedy = ('include custodian/cst-db-types.h instead' if library == 'libpq-fe.h'
                              else 'libharu belongs in custodian/cst-pdf-libharu.h')
                    problems.append(f'{view}: sees <{library}> through {path} ({remedy})')
            for bracket, target in INCLUDE_RE.findall(text_of(path)):
                if bracket == '<' and not target.startswith('custodian/'):
                    continue
                header = resolve(target)
                if header and header not in seen:
                    seen.add(header)
                    todo.append(header)
    return problems


def plant(root, path, text):
    full = os.path.join(root, path)
    with open(full, 'a', encoding='utf-8') as f:
        f.write(text)


def self_test(root):
    """Each kind of violation, planted in a copy of the tree, is caught."""
    cases = [
        ('a model file including a header from a layer above',
         'app/core/base/cst-error.c', '#include "custodian/cst-request-store.h"\n', 'a layer above'),
        ('the same with angle brackets',
         'app/core/db/cst-db.c', '#include <custodian/cst-demo.h>\n', 'a layer above'),
        ('a private header from a layer above',
         'app/core/pdf/cst-pdf.c', '#include "cst-request-private.h"\n', 'a layer above'),
        ('a shared widget including a feature view',
         'widgets/common/cst-plain-text.c', '#include "cst-request-detail.h"\n', 'a layer above'),
        ('a public header including one above its own layer',
         'include/custodian/cst-input.h', '#include "custodian/cst-fee-repo.h"\n', 'a layer above'),
        ('a view including libpq',
         'widgets/requests/cst-request-list-page.c', '#include <libpq-fe.h>\n', 'PGconn'),
        ('a view naming PGconn',
         'widgets/common/cst-due-badge.h', 'typedef struct pg_conn PGconn;\n', 'PGconn'),
        ('custodian-cli including libpq',
         'app/cst-cli-audit.c', '#include <libpq-fe.h>\n', 'PGconn'),
        ('the window naming PGconn',
         'app/cst-window.c', 'static PGconn *planted;\n', 'PGconn'),
        ('the application calling libpq',
         'app/cst-application.c', 'static void planted (void *c) { PQfinish (c); }\n', 'PGconn'),
        ('custodian-cli holding SQL text',
         'app/cst-cli.c', 'static const char *planted = "SELECT count(*) FROM requests";\n', 'SQL'),
        ('a view holding SQL text',
         'widgets/requests/cst-request-list-page.c',
         'static const char *planted = "UPDATE requests SET status = $1";\n', 'SQL'),
        ('a public header a view sees including libpq',
         'include/custodian/cst-request.h', '#include <libpq-fe.h>\n', 'sees <libpq-fe.h>'),
        ('a public header a view sees including libharu',
         'include/custodian/cst-request.h', '#include <hpdf.h>\n', 'sees <hpdf.h>'),
        ('a model file in a folder the order does not name',
         'app/core/stray/cst-stray.c', '#include "custodian/cst-error.h"\n', 'not in the layer order'),
    ]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        def fresh():
            copy = os.path.join(tmp, 'tree')
            shutil.rmtree(copy, ignore_errors=True)
            os.makedirs(copy)
            shutil.copy(os.path.join(root, 'DESIGN.md'), copy)
            for top in ('app', 'widgets', 'include'):
                shutil.copytree(os.path.join(root, top), os.path.join(copy, top),
                                ignore=shutil.ignore_patterns('*.build', '*.in'))
            return copy

        clean = check(fresh())
        print(('ok' if not clean else 'not ok') + ' 1 - the tree as it is passes')
        failures += bool(clean)
        for i, (what, path, text, expect) in enumerate(cases, start=2):
            copy = fresh()
            os.makedirs(os.path.dirname(os.path.join(copy, path)), exist_ok=True)
            plant(copy, path, text)
            problems = check(copy)
            caught = any(path in p and expect in p for p in problems)
            print(('ok' if caught else 'not ok') + f' {i} - caught: {what}')
            failures += not caught
        # An allow-listed view that does not name PGconn must leave the list.
        copy = fresh()
        victim = 'widgets/requests/cst-request-detail.c'
        PGCONN_ALLOWED.add(victim)
        try:
            caught = any(victim in p and 'PGCONN_ALLOWED' in p for p in check(copy))
        finally:
            PGCONN_ALLOWED.discard(victim)
        n = len(cases) + 2
        print(('ok' if caught else 'not ok') + f' {n} - caught: an allow-list entry that is no longer needed')
        failures += not caught
        print(f'1..{n}')
    return failures == 0


def main(argv):
    if len(argv) == 3 and argv[1] == '--self-test':
        return 0 if self_test(argv[2]) else 1
    if len(argv) == 3 and argv[1] == '--graph':
        edges = {}
        check(argv[2], edges)
        rank = {folder: i for i, folder in enumerate(read_layers(argv[2]))}
        for (src, dst), n in sorted(edges.items(), key=lambda e: (rank[e[0][0]], rank[e[0][1]])):
            print(f'{src} -> {dst} ({n}){"  CLIMBS" if rank[dst] > rank[src] else ""}')
        return 0
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    problems = check(argv[1])
    for p in problems:
        print(p)
    if not problems:
        print('every include keeps to the layer order of DESIGN.md')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
