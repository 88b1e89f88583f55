#!/usr/bin/env python3
"""Counts the instructions of one hot path and checks them against its budget.

Usage: check-budget.py BUDGETS NAME OUT_DIR VALGRIND DRIVER

Runs DRIVER under callgrind with instrumentation off until the driver turns
it on (cst_perf_measure(), tests/perf/cst-perf.c) and counts only what runs
inside the function perf_measured: set-up and warm-up are excluded.
Instruction counts do not depend on the machine's load, so the check is
the same on a busy CI machine as on a quiet one.

Fails when the count is more than 10% above the budget of [NAME] in
BUDGETS (a regression), and also when it is more than 30% below it (an
improvement: record the new budget, with its reason and date, in the same
commit).  The profile stays in OUT_DIR/callgrind.out.NAME for
callgrind_annotate.
"""
import configparser
import os
import re
import subprocess
import sys

ABOVE = 1.10
BELOW = 0.70

# Test environments that change what malloc and GLib do, and so the count,
# without being what the app runs with (meson sets MALLOC_PERTURB_ to a
# random value for every test).
SCRUBBED = ('MALLOC_PERTURB_', 'MALLOC_CHECK_', 'G_SLICE', 'G_DEBUG')


def count_instructions(valgrind, driver, out_file):
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    command = [valgrind, '--tool=callgrind', '--instr-atstart=no', '--collect-atstart=no',
               '--toggle-collect=perf_measured', '--callgrind-out-file=' + out_file, driver]
    run = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True)
    if run.returncode != 0:
        sys.stdout.write(run.stdout)
        sys.exit('%s failed under callgrind (exit %d)' % (os.path.basename(driver), run.returncode))
    # The header's "summary:" stays 0 when collection is toggled; the
    # closing "totals:" line has the count.
    with open(out_file, encoding='utf-8', errors='replace') as f:
        for line in f:
            m = re.match(r'totals:\s+(\d+)', line)
            if m:
                return int(m.group(1))
    sys.exit('no instruction total in ' + out_file)


def main():
    budgets_path, name, out_dir, valgrind, driver = sys.argv[1:6]
    budgets = configparser.ConfigParser(interpolation=None)
    budgets.read(budgets_path, encoding='utf-8')
    if not budgets.has_section(name):
        sys.exit('%s has no budget [%s]' % (budgets_path, name))
    budget = budgets.getint(name, 'instructions')
    out_file = os.path.join(out_dir, 'callgrind.out.' + name)
    counted = count_instructions(valgrind, driver, out_file)
    ratio = counted / budget
    print('%s: %d instructions, budget %d (%s: %s), %.1f%% of it'
          % (name, counted, budget, budgets.get(name, 'date'), budgets.get(name, 'reason'),
             100 * ratio))
    if counted == 0:
        sys.exit('nothing was counted: is perf_measured inlined or renamed?')
    if ratio > ABOVE:
        sys.exit('%s grew %.1f%% above its budget (at most %d%%): find what grew with '
                 'callgrind_annotate %s, or, for an intended change, record the new budget '
                 'in %s with its reason and date' % (name, 100 * (ratio - 1), 100 * (ABOVE - 1),
                                                     out_file, budgets_path))
    if ratio < BELOW:
        sys.exit('%s fell %.1f%% below its budget: record the new budget in %s with its reason '
                 'and date, so a later regression is caught' % (name, 100 * (1 - ratio), budgets_path))


if __name__ == '__main__':
    main()
