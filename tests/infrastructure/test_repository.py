"""The repository stands alone: no tracked file points outside it (to a workspace folder beside the clone, or to
files that only lived there), every relative link of the documentation resolves, and the example latency file
holds the simulator's defaults, as docs/simulation.md says."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import asdict
from pathlib import Path

import pytest

from simulator.latency import Latency

ROOT = Path(__file__).resolve().parents[2]
# Built from parts, so this file does not name them itself.
OUTSIDE = ["../" "shared", *(name + ".md" for name in ("SIMULATION", "AWS-" "NOTES", "ORIGINAL", "DESIGN")),
           "check_" "report"]
LINK = re.compile(r"\]\((?!https?://|mailto:|#)([^)\s#]+)(?:#[^)]*)?\)")


def tracked_files() -> list[Path]:
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [ROOT / name for name in listed.decode().split("\0") if name]


def test_no_tracked_file_points_outside_the_repository() -> None:
    found = []
    for path in tracked_files():
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", "replace")
        for number, line in enumerate(text.splitlines(), 1):
            found += [f"{path.relative_to(ROOT)}:{number}: {name}" for name in OUTSIDE if name in line]
    assert not found, "files that point outside the repository (use docs/ instead):\n" + "\n".join(found)


def test_every_relative_link_of_the_documentation_resolves() -> None:
    documents = [path for path in tracked_files() if path.suffix == ".md"]
    assert ROOT / "docs" / "simulation.md" in documents and ROOT / "docs" / "aws-behaviour.md" in documents
    broken = [f"{doc.relative_to(ROOT)}: {target}" for doc in documents
              for target in LINK.findall(doc.read_text()) if not (doc.parent / target).exists()]
    assert not broken, "links to nothing:\n" + "\n".join(broken)


def test_the_example_latency_file_holds_the_defaults() -> None:
    example = json.loads((ROOT / "simulator" / "examples" / "latency-default.json").read_text())
    assert example == asdict(Latency())
