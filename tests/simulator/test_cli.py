"""`mitosis simulate` with unusable files: one line on stderr, exit code 2, no execution started."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from simulator.cli import EXAMPLES, main

WORLD = json.loads((EXAMPLES / "world-example.json").read_text())


def written(tmp_path: Path, name: str, content: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(content))
    return str(path)


def simulate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exited:
        main(["simulate", "--input", str(EXAMPLES / "input-example.json"), "--quiet", *args])
    return int(str(exited.value.code)), capsys.readouterr().err


@pytest.mark.parametrize(("option", "name", "content", "message"), [
    ("--world", "world.json", {"region": "us-west-2", "rds": []}, "has no rds.instances list"),
    ("--world", "world.json", {**WORLD, "rds": {**WORLD["rds"], "snapshot": []}}, "rds: unknown keys ['snapshot']"),
    ("--world", "world.json", {**WORLD, "vpcs": []}, "the world: unknown keys ['vpcs']"),
    ("--world", "world.json", {**WORLD, "ecs": {"task_definitions": [{"containers": ["job"]}]}},
     "an ecs task definition needs a family"),
    ("--world", "world.json", {**WORLD, "secretsmanager": {"secrets": [{"Name": "pw"}]}},
     "a secret needs a Name and a SecretString"),
    ("--faults", "faults.json", [], "must be an object with a 'faults' list"),
    ("--faults", "faults.json", {"fault": []}, "must be an object with a 'faults' list"),
    ("--latency", "latency.json", {"renaem": 1}, "unknown latency keys ['renaem']"),
    ("--context", "context.json", [1], "is not a JSON object"),
    ("--context", "context.json", {"refresh_jobs": []}, "refresh_jobs: List should have at least 1 item"),
])
def test_an_unusable_file_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path, option: str,
                                                 name: str, content: Any, message: str) -> None:
    files = {"--world": str(EXAMPLES / "world-example.json"), option: written(tmp_path, name, content)}
    code, err = simulate(capsys, *[part for pair in files.items() for part in pair])
    assert code == 2
    assert err.startswith("mitosis: error: ") and message in err and len(err.strip().splitlines()) == 1


def test_a_report_that_cannot_be_written_is_refused_before_the_run(capsys: pytest.CaptureFixture[str],
                                                                   tmp_path: Path) -> None:
    code, err = simulate(capsys, "--world", str(EXAMPLES / "world-example.json"),
                         "--report", str(tmp_path / "missing" / "report.json"))
    assert code == 2 and "cannot write the report" in err and "attempt 1" not in err


def test_a_whole_cdk_json_is_a_context(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cdk_json = json.loads((EXAMPLES.parent.parent / "cdk.json").read_text())
    input_path = written(tmp_path, "input.json", {"source": "mitosis-prod", "target": "mitosis-demo",
                                                  "dry_run": True})
    code = main(["simulate", "--world", str(EXAMPLES / "world-example.json"), "--input", input_path, "--quiet",
                 "--context", written(tmp_path, "cdk.json", cdk_json)])
    assert code == 0
