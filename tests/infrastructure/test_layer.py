"""What `cdk deploy` uploads is the same from any checkout: the dependency layer `make layer` builds is
byte-reproducible (no bytecode of the build machine's Python, no path of the build machine, RECORD files that
match the files shipped), and the handlers' code asset does not change with the caches tools leave beside it."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk.assertions import Template

from infrastructure import functions
from infrastructure.app import STACK_NAME, build_app
from infrastructure.functions import DEPENDENCY_LAYER, LAMBDA_SOURCE, PROJECT_ROOT

pytestmark = pytest.mark.skipif(not (DEPENDENCY_LAYER / "python").is_dir(), reason="run `make layer` first")


def layer_files() -> list[Path]:
    return sorted(path for path in DEPENDENCY_LAYER.rglob("*") if path.is_file())


def test_the_layer_has_no_bytecode() -> None:
    # The build machine's Python is not the runtime's: its .pyc files would only make the layer differ per machine.
    compiled = [path for path in DEPENDENCY_LAYER.rglob("*") if path.suffix in (".pyc", ".pyo")
                or path.name == "__pycache__"]
    assert not compiled, [str(path.relative_to(DEPENDENCY_LAYER)) for path in compiled[:20]]


def test_no_layer_file_names_the_build_machine() -> None:
    # e.g. the shebang pip writes into console scripts, or a direct_url.json of a local install
    needles = {str(PROJECT_ROOT).encode(), str(PROJECT_ROOT.resolve()).encode()}
    naming = [path for path in layer_files() if any(needle in path.read_bytes() for needle in needles)]
    assert not naming, [str(path.relative_to(DEPENDENCY_LAYER)) for path in naming]
    assert not list(DEPENDENCY_LAYER.rglob("direct_url.json"))


def test_every_record_lists_exactly_files_that_are_shipped() -> None:
    site = DEPENDENCY_LAYER / "python"
    records = sorted(site.glob("*.dist-info/RECORD"))
    assert records
    listed: set[Path] = set()
    for record in records:
        with record.open(newline="") as rows:
            listed |= {(site / row[0]).resolve() for row in csv.reader(rows) if row}
    missing = sorted(str(path) for path in listed if not path.is_file())
    assert not missing, missing
    unlisted = sorted(str(path.relative_to(site)) for path in site.rglob("*")
                      if path.is_file() and path.resolve() not in listed)
    assert not unlisted, unlisted


def code_asset(monkeypatch: pytest.MonkeyPatch, source: Path) -> Any:
    """The S3 key (the asset's fingerprint) of the handlers' code, synthesized from `source`."""
    monkeypatch.setattr(functions, "LAMBDA_SOURCE", source)
    app = build_app({"refresh_jobs": [{"name": "demo", "source": "mitosis-prod", "target": "mitosis-demo"}]})
    template = Template.from_stack(Stack.of(app.node.find_child(STACK_NAME)))
    keys = {resource["Properties"]["Code"]["S3Key"]
            for resource in template.find_resources("AWS::Lambda::Function").values()}
    assert len(keys) == 1
    return keys.pop()


def test_the_code_asset_ignores_caches(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    source = tmp_path / "lambdas"
    shutil.copytree(LAMBDA_SOURCE, source, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))
    clean = code_asset(monkeypatch, source)
    # What running the tests, mypy, ruff, hypothesis or an editor leaves beside the code
    for cache in ("mitosis/__pycache__/models.cpython-311.pyc", "mitosis/handlers/__pycache__/plan.cpython-312.pyc",
                  ".mypy_cache/3.11/mitosis/models.data.json", ".ruff_cache/CACHEDIR.TAG",
                  "mitosis/.hypothesis/examples/x", "mitosis/.DS_Store", "mitosis/.models.py.swp"):
        (source / cache).parent.mkdir(parents=True, exist_ok=True)
        (source / cache).write_text("cache")
    assert code_asset(monkeypatch, source) == clean
