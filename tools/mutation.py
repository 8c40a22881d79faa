"""`make mutation`: mutation testing of the pure core (mutmut, configured in pyproject.toml's [tool.mutmut]).

mutmut names a mutant after its file's path (`src/` stripped), while the tests import the Lambda package as
`mitosis` (it lives in `lambdas/mitosis`). So the run happens in a staging copy, `build/mutation/`, laid out the
way mutmut expects: `src/mitosis` (a copy of `lambdas/mitosis`), `tests/unit`, `pyproject.toml` and the README
(which a unit test reads). mutmut then works in `build/mutation/mutants/`.

Prints, per module, the mutants, how many the fast tests kill, how many are equivalent (listed with their reason
in docs/equivalent-mutants.toml, matched by module, function and the mutated line, not by mutmut's numbering,
which moves whenever the code does), and the score: killed / (mutants - equivalent). Then every survivor that is
not listed, with its diff. Fails when a module is below its threshold. See docs/mutation.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGE = ROOT / "build" / "mutation"
EQUIVALENTS = ROOT / "docs" / "equivalent-mutants.toml"
MUTMUT = Path(sys.executable).parent / "mutmut"
# The minimum score per module (percent of the mutants that are not equivalent). A module not listed is reported.
THRESHOLDS = {
    "mitosis.planner": 95.0,
    "mitosis.status": 100.0,
}
KILLED = {"killed", "timeout", "caught by type check"}


@dataclass(frozen=True)
class Mutant:
    name: str  # mitosis.planner.xǁProgressǁ_discards__mutmut_7
    status: str

    @property
    def module(self) -> str:
        return re.sub(r"\.(x_|xǁ).*$", "", self.name)

    @property
    def function(self) -> str:
        """`Progress._discards`, `plan_refresh`: the function as the source names it."""
        mangled = self.name[len(self.module) + 1:].partition("__mutmut_")[0]
        if mangled.startswith("xǁ"):
            return ".".join(part for part in mangled[2:].split("ǁ") if part)
        return mangled[2:]


@dataclass(frozen=True)
class Change:
    """What a mutant changes: the original lines and the mutated ones, stripped, as its diff shows them."""

    original: str
    mutated: str


def stage() -> None:
    """A fresh copy of what the run needs, laid out as mutmut expects (see the module docstring)."""
    shutil.rmtree(STAGE, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "lambdas" / "mitosis", STAGE / "src" / "mitosis", ignore=ignore)
    shutil.copytree(ROOT / "tests" / "unit", STAGE / "tests" / "unit", ignore=ignore)
    shutil.copy2(ROOT / "tests" / "__init__.py", STAGE / "tests" / "__init__.py")
    shutil.copy2(ROOT / "pyproject.toml", STAGE / "pyproject.toml")
    shutil.copy2(ROOT / "README.md", STAGE / "README.md")  # tests/unit/test_recovery.py reads it


def mutmut(*args: str, log: Path | None = None) -> str:
    """Run mutmut in the staging copy; its output (a spinner, for `run`) goes to `log` when given."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    if log is not None:
        with log.open("w") as out:
            ran = subprocess.run([str(MUTMUT), *args], cwd=STAGE, env=env, stdout=out, stderr=subprocess.STDOUT)
        if ran.returncode != 0:
            sys.exit(f"mutmut {' '.join(args)} failed ({ran.returncode}); see {log}")
        return ""
    done = subprocess.run([str(MUTMUT), *args], cwd=STAGE, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"mutmut {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


def results() -> list[Mutant]:
    mutants = []
    for line in mutmut("results", "--all", "true").splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and "__mutmut_" in name:
            mutants.append(Mutant(name=name, status=status))
    return mutants


# Run in the staging copy: the diff of each named mutant, as `mutmut show` prints it, in one process (a `mutmut show`
# per survivor would start mutmut once per survivor).
_DIFFS = """
import json, sys
from mutmut.mutation.data import SourceFileMutationData
from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.utils.file_utils import walk_mutatable_files
wanted, diffs = set(json.load(sys.stdin)), {}
for path in walk_mutatable_files():
    data = SourceFileMutationData(path=path)
    data.load()
    for name in wanted & set(data.exit_code_by_key):
        diffs[name] = get_diff_for_mutant(name, path=path)
json.dump(diffs, sys.stdout)
"""


def diffs_of(names: list[str]) -> dict[str, str]:
    done = subprocess.run([sys.executable, "-c", _DIFFS], cwd=STAGE, input=json.dumps(names), capture_output=True,
                          text=True)
    if done.returncode != 0:
        sys.exit(f"reading the mutants' diffs failed:\n{done.stderr}")
    return dict(json.loads(done.stdout))


def change(diff: str) -> Change:
    removed = [line[1:].strip() for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:].strip() for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    return Change(original="\n".join(removed), mutated="\n".join(added))


@dataclass(frozen=True)
class Equivalent:
    module: str
    function: str
    original: str
    mutated: str
    reason: str

    def matches(self, mutant: Mutant, diff: Change) -> bool:
        return (self.module, self.function, self.original.strip(), self.mutated.strip()) == \
            (mutant.module, mutant.function, diff.original, diff.mutated)


def equivalents(path: Path = EQUIVALENTS) -> list[Equivalent]:
    entries = tomllib.loads(path.read_text())["equivalent"] if path.exists() else []
    found = [Equivalent(**entry) for entry in entries]
    unexplained = [e for e in found if not e.reason.strip()]
    if unexplained:
        sys.exit(f"{path}: every equivalent mutant needs its reason ({unexplained[0]})")
    return found


def report(mutants: list[Mutant], listed: list[Equivalent]) -> bool:
    """Print scores and survivors; whether every module reaches its threshold."""
    diffs = diffs_of([m.name for m in mutants if m.status not in KILLED])
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    survivors: list[tuple[Mutant, str]] = []
    used: set[Equivalent] = set()
    for mutant in mutants:
        counts[mutant.module]["mutants"] += 1
        if mutant.status in KILLED:
            counts[mutant.module]["killed"] += 1
            continue
        diff = diffs[mutant.name]
        match = next((e for e in listed if e.matches(mutant, change(diff))), None)
        if match is not None:
            counts[mutant.module]["equivalent"] += 1
            used.add(match)
        else:
            counts[mutant.module]["survived"] += 1
            survivors.append((mutant, diff))
    ok = True
    print(f"{'module':<24}{'mutants':>9}{'killed':>8}{'equivalent':>12}{'survived':>10}{'score':>9}{'minimum':>9}")
    for module in sorted(counts):
        c = counts[module]
        counted = c["mutants"] - c["equivalent"]
        score = 100.0 * c["killed"] / counted if counted else 100.0
        minimum = THRESHOLDS.get(module)
        short = minimum is not None and score < minimum
        ok = ok and not short
        print(f"{module:<24}{c['mutants']:>9}{c['killed']:>8}{c['equivalent']:>12}{c['survived']:>10}"
              f"{score:>8.1f}%{(f'{minimum:.0f}%' if minimum is not None else '-'):>9}{'  BELOW' if short else ''}")
    missing = [m for m in THRESHOLDS if m not in counts]
    if missing:
        print(f"\nNo mutants of {', '.join(missing)}: is [tool.mutmut] in pyproject.toml still right?")
        ok = False
    stale = [e for e in listed if e not in used]
    if stale:
        print(f"\n{len(stale)} listed equivalent mutant(s) matched no survivor (killed now, or the code changed):")
        for e in stale:
            print(f"  {e.module} {e.function}: {e.original!r} -> {e.mutated!r}")
    print(f"\n{len(survivors)} survivor(s) not listed as equivalent" + (":" if survivors else "."))
    for mutant, diff in survivors:
        print(f"\n# {mutant.name}: {mutant.status}")
        print("\n".join(line for line in diff.splitlines() if not line.startswith(("---", "+++"))))
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 1, help="mutants tested at once")
    parser.add_argument("--report-only", action="store_true", help="report the last run again, without running")
    args = parser.parse_args(argv)
    if not args.report_only:
        started = time.monotonic()
        stage()
        log = STAGE / "mutmut-run.log"
        print(f"mutmut run in {STAGE.relative_to(ROOT)} ({args.max_children} at once; progress in "
              f"{log.relative_to(ROOT)})", flush=True)
        mutmut("run", "--max-children", str(args.max_children), log=log)
        print(f"done in {time.monotonic() - started:.0f} s\n", flush=True)
    return 0 if report(results(), equivalents()) else 1


if __name__ == "__main__":
    sys.exit(main())
