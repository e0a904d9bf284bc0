#!/usr/bin/env bash
# Mutation testing with mutmut: one package in, its killed/survived counts out.
#
#   scripts/mutation.sh rules|mermaid|formatter|edit [MUTANT_GLOB...]
#
# Copies the working tree (tracked and new files, not ignored ones) to
# $MUTATION_DIR/<package> (default: /tmp/crmdsl-mutation), narrows the [tool.mutmut]
# section of pyproject.toml there to the package and the tests that guard it, and runs
# `mutmut run` in that copy, so the checkout itself never gets a mutants/ folder. The
# results start afresh each run (mutmut would keep a verdict when only the tests
# changed); MUTATION_KEEP=1 keeps them, to retry only what changed. MUTATION_JOBS
# (default 2) is how many mutants run at once; MUTATION_REV=HEAD tests the last commit
# instead of the working tree (while other work in progress breaks tests).
#
# Not part of the normal test run: it takes minutes (mermaid) to an hour or more
# (rules, edit) of CPU. See docs/testing.md for the figures and the equivalent mutants.
# Exit code: 0 when the run finished (survivors are reported, not failed on), 2 on a
# usage error, mutmut's own code when it fails.
set -euo pipefail

usage() {
  echo "usage: scripts/mutation.sh rules|mermaid|formatter|edit [MUTANT_GLOB...]" >&2
  exit 2
}

[[ $# -ge 1 ]] || usage
package=$1
shift

case $package in
  rules)
    mutate='"crmdsl/rules/*"'
    # (the timing test of lint work is left out: a slower mutant is not a wrong one)
    tests='"tests/rules", "tests/lint/test_lint_suppress.py", "tests/edit/test_fixes.py", "--deselect", "tests/rules/test_units.py::test_lint_work_grows_linearly_with_the_map"' ;;
  mermaid)
    mutate='"crmdsl/views/mermaid_text.py"'
    tests='"tests/views/test_mermaid_text.py", "tests/views/test_mermaid_safe.py"' ;;
  formatter)
    mutate='"crmdsl/formatter/*"'
    tests='"tests/format"' ;;
  edit)
    mutate='"crmdsl/edit/*"'
    tests='"tests/edit"' ;;
  *) usage ;;
esac

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${PYTHON:-$root/.venv/bin/python}
mutmut=$(dirname "$python")/mutmut
work=${MUTATION_DIR:-/tmp/crmdsl-mutation}/$package
jobs=${MUTATION_JOBS:-2}

if [[ ! -x $mutmut ]]; then
  echo "mutmut is not installed next to $python: pip install -e '.[dev]'" >&2
  exit 2
fi

# A fresh copy of the sources (keeping mutmut's mutants/ folder only with MUTATION_KEEP=1):
# the working tree, or the commit named by MUTATION_REV (e.g. HEAD) when it is set.
mkdir -p "$work"
if [[ ${MUTATION_KEEP:-} == 1 ]]; then
  find "$work" -mindepth 1 -maxdepth 1 ! -name mutants -exec rm -rf {} +
else
  find "$work" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
fi
if [[ -n ${MUTATION_REV:-} ]]; then
  git -C "$root" archive "$MUTATION_REV" | tar -C "$work" -xf -
else
  (cd "$root" && git ls-files -z --cached --others --exclude-standard \
    | xargs -0 -I{} sh -c 'test -e "{}" && printf "%s\0" "{}"' \
    | tar --null -T - -cf -) | tar -C "$work" -xf -
fi

# Narrow the mutmut config of the copy to this package and its tests.
"$python" - "$work/pyproject.toml" "$mutate" "$tests" <<'EOF'
import re
import sys
from pathlib import Path

path, mutate, tests = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
text = path.read_text(encoding="utf-8")
text, n = re.subn(r"(?ms)^only_mutate = \[.*?\]$", f"only_mutate = [{mutate}]", text)
text, m = re.subn(
    r"(?m)^pytest_add_cli_args_test_selection = \[.*\]$",
    f"pytest_add_cli_args_test_selection = [{tests}]",
    text,
)
if (n, m) != (1, 1):
    sys.exit("scripts/mutation.sh: pyproject.toml has no [tool.mutmut] section to narrow")
path.write_text(text, encoding="utf-8")
EOF

echo "mutation testing of $package in $work ($jobs at once; $(nproc) cores here)"
cd "$work"
# mutmut imports the mutated copy under mutants/; the editable install must not win. The
# folder must exist before mutmut starts, or Python skips it for the whole run.
mkdir -p "$work/mutants"
export PYTHONPATH="$work/mutants${PYTHONPATH:+:$PYTHONPATH}"
"$mutmut" run --max-children "$jobs" "$@" > mutmut-run.log 2>&1 || {
  code=$?
  tail -40 mutmut-run.log >&2
  echo "mutmut run failed (exit $code); the whole log is $work/mutmut-run.log" >&2
  exit "$code"
}
echo "mutmut ran for ${SECONDS} s"
"$mutmut" export-cicd-stats > /dev/null
"$python" - <<'EOF'
import json
from pathlib import Path

stats = json.loads(Path("mutants/mutmut-cicd-stats.json").read_text(encoding="utf-8"))
keys = ["total", "killed", "survived", "timeout", "no_tests", "suspicious", "skipped"]
print("  ".join(f"{key}: {stats.get(key, 0)}" for key in keys))
EOF
echo "survivors (mutmut show NAME in $work to read one):"
"$mutmut" results | grep -v ': killed$' || true
