#!/usr/bin/env bash
# The Python suite (python_tests, through our CFFI shim in .venv-olm) under valgrind memcheck.
# CPython itself reports uninitialised values that valgrind cannot model (its own suppression
# file is not shipped here), so the run fails only on an error whose stack passes through this
# library or the _libolm module: invalid reads or writes, uninitialised use. Leak checking is
# left to the C programs (tests/valgrind), where every allocation is ours.
set -euo pipefail
cd "$(dirname "$0")/../.."
logdir=$(mktemp -d)
trap 'rm -rf "$logdir"' EXIT
PYTHONMALLOC=malloc OLM_LIBRARY="$PWD/target/release/libolm.so" \
  OLM_PYTHON_README="$PWD/.venv-olm/share/python-olm/README.md" \
  valgrind --tool=memcheck --leak-check=no --error-exitcode=0 --log-file="$logdir/vg.%p.log" \
  .venv-olm/bin/python -m pytest -q -p no:cacheprovider python_tests
python3 - "$logdir" <<'PY'
import glob, re, sys
ours = re.compile(r"libolm|_libolm|olm::|/src/(core|ffi)/")
errors = contexts = 0
for path in glob.glob(sys.argv[1] + "/vg.*.log"):
    for block in re.split(r"\n==\d+== \n", open(path).read()):
        if re.search(r"Invalid (read|write)|uninitialised|Conditional jump|Invalid free", block):
            contexts += 1
            if ours.search(block):
                errors += 1
                print(block)
print(f"python under memcheck: {contexts} error contexts in all, {errors} through this library")
print(f"{1 if errors == 0 else 0} passed, {1 if errors else 0} failed")
sys.exit(1 if errors else 0)
PY
