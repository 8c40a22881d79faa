"""A picture of each refresh (simulator.timeline): one row per instance and per name, statuses as bars, each
name's downtime marked; written beside the report by `mitosis simulate --report` and by `mitosis demo`."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import pytest

from simulator import timeline
from simulator.cli import main
from simulator.runner import Simulation
from tests.operate.conftest import EXAMPLES, INPUT, WORLD

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    return Simulation(world=copy.deepcopy(WORLD), execution_input=copy.deepcopy(INPUT)).run()


def drawn(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # well-formed XML, or this raises


def texts(root: ElementTree.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]  # (a label's tooltip is its <title>)


def test_one_row_per_instance_and_per_name_with_each_names_downtime(report: dict[str, Any]) -> None:
    root = drawn(timeline.render(report, "the example"))
    labels = texts(root)
    assert "the example" in labels
    assert {"name mitosis-demo", "name mitosis-demo-replica"} <= set(labels)
    assert "mitosis-demo → old-mitosis-demo" in labels
    assert "temp-mitosis-demo → mitosis-demo" in labels and "mitosis-prod" in labels
    # each name's downtime beside its row, as the report's downtime_s says
    for seconds in report["downtime_s"].values():
        assert f"down {int(seconds // 60)}m {int(seconds % 60):02d}s" in labels
    # the red bars of a name add up to its downtime, on the chart's scale
    for name, seconds in report["downtime_s"].items():
        red = [float(rect.get("width", 0)) for rect in root.iter(f"{SVG}rect")
               if rect.get("fill") == timeline.DOWN and name + ":" in "".join(rect.itertext())
               and "".join(rect.itertext()).startswith(name + ":")]
        assert sum(red) == pytest.approx(timeline.CHART_W * seconds / report["duration_s"], abs=1.0)
    # each status is a bar with its tooltip, and the phases are above
    tips = ["".join(title.itertext()) for title in root.iter(f"{SVG}title")]
    assert any(tip.startswith("temp-mitosis-demo: creating, 00:00-00:20") for tip in tips)
    assert {"build", "swap", "restart", "delete"} <= {tip.split(":")[0] for tip in tips}


def test_a_names_intervals_are_held_or_down_as_its_instances_statuses_say() -> None:
    history = [
        {"t": 0, "DBInstanceIdentifier": "db", "DBInstanceStatus": "available", "DbiResourceId": "a"},
        {"t": 0, "DBInstanceIdentifier": "temp-db", "DBInstanceStatus": "creating", "DbiResourceId": "b"},
        {"t": 100, "DBInstanceIdentifier": "temp-db", "DBInstanceStatus": "available", "DbiResourceId": "b"},
        {"t": 200, "DBInstanceIdentifier": "old-db", "DBInstanceStatus": "renaming", "DbiResourceId": "a"},
        {"t": 320, "DBInstanceIdentifier": "db", "DBInstanceStatus": "renaming", "DbiResourceId": "b"},
        {"t": 440, "DBInstanceIdentifier": "db", "DBInstanceStatus": "available", "DbiResourceId": "b"},
    ]
    assert timeline.name_intervals(history, "db", 500) == [(0, 200, True), (200, 440, False), (440, 500, True)]
    rows = timeline.instance_rows(history, 500)
    assert [(row.names, [(s.start, s.end, s.status) for s in row.segments]) for row in rows] == [
        (["db", "old-db"], [(0, 200, "available"), (200, 500, "renaming")]),
        (["temp-db", "db"], [(0, 100, "creating"), (100, 320, "available"), (320, 440, "renaming"),
                             (440, 500, "available")])]


@pytest.mark.parametrize(("report_path", "svg"), [
    ("out/r.json", "out/r.svg"), ("report", "report.svg"), ("r.svg", "r.svg.timeline.svg")])
def test_the_timeline_goes_beside_the_report(report_path: str, svg: str) -> None:
    assert timeline.svg_path_for(report_path) == svg


def test_simulate_with_a_report_writes_its_timeline_and_keeps_its_exit_code(tmp_path: Path) -> None:
    report_path = tmp_path / "dry.json"
    code = main(["simulate", "--world", str(EXAMPLES / "world-example.json"), "--input",
                 str(EXAMPLES / "input-example.json"), "--report", str(report_path), "--quiet", "--runs", "1"])
    assert code == 0
    report = json.loads(report_path.read_text())
    assert drawn((tmp_path / "dry.svg").read_text()) is not None and report["status"] == "SUCCEEDED"


def test_demo_writes_the_timeline_where_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--timeline", str(tmp_path / "demo.svg")]) == 0
    assert "name mitosis-demo" in texts(drawn((tmp_path / "demo.svg").read_text()))
    assert capsys.readouterr().err.rstrip().endswith(f"timeline: {tmp_path / 'demo.svg'}")


def test_the_readme_shows_the_demos_timeline() -> None:
    root = Path(__file__).resolve().parents[2]
    assert "![" in (root / "README.md").read_text() and "(docs/timeline.svg)" in (root / "README.md").read_text()
    assert "name mitosis-demo" in texts(drawn((root / "docs" / "timeline.svg").read_text()))
