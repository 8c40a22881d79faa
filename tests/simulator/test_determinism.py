"""The example refresh on the virtual clock: the same inputs give the same timings, at the critical path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from simulator.latency import Latency
from simulator.runner import Simulation

EXAMPLES = Path(__file__).resolve().parents[2] / "simulator" / "examples"


def run_example() -> dict[str, Any]:
    world = json.loads((EXAMPLES / "world-example.json").read_text())
    execution_input = json.loads((EXAMPLES / "input-example.json").read_text())
    return Simulation(world=world, execution_input=execution_input).run()


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    """One run shared by the module's tests: a refresh costs seconds of real time."""
    return run_example()


def call_times(report: dict[str, Any]) -> list[tuple[float, str, str]]:
    return [(c["t"], c["operation"], json.dumps(c["params"], sort_keys=True)) for c in report["calls"]]


def test_two_runs_of_the_example_refresh_have_identical_timings(report: dict[str, Any]) -> None:
    again = run_example()
    assert report["status"] == again["status"] == "SUCCEEDED"
    assert again["duration_s"] == report["duration_s"]
    assert again["downtime_s"] == report["downtime_s"]
    assert again["states"] == report["states"]
    assert call_times(again) == call_times(report)
    assert again["status_history"] == report["status_history"]


def test_the_example_refresh_takes_its_critical_path_and_no_more_than_5_percent_over(
        report: dict[str, Any]) -> None:
    latency = Latency()
    # The operations that wait for each other: clone, its parameter group (set at once, once RDS starts the
    # modification), promote (backups on), the replica, the two renames of the swap (each starting after the
    # modification's lag), the ECS restart, the deletes.
    critical_path = (latency.create_read_replica + latency.modify_lag + latency.promote + latency.enable_backups
                     + latency.create_read_replica + 2 * (latency.modify_lag + latency.rename)
                     + latency.ecs_deployment + latency.delete)
    assert critical_path == 4770
    assert critical_path <= report["duration_s"] <= 1.05 * critical_path


def statuses(report: dict[str, Any], resource: str) -> list[tuple[str, str]]:
    return [(e["DBInstanceIdentifier"], e["DBInstanceStatus"]) for e in report["status_history"]
            if e["DbiResourceId"] == resource]


def resource_of(report: dict[str, Any], identifier: str) -> str:
    return str(next(e["DbiResourceId"] for e in report["status_history"] if e["DBInstanceIdentifier"] == identifier))


def test_the_report_shows_the_statuses_the_workflow_waited_through(report: dict[str, Any]) -> None:
    history = report["status_history"]
    assert [e["t"] for e in history] == sorted(e["t"] for e in history)
    # The copy: created, given its parameter group (no status of its own), promoted (modifying, then backing-up
    # as backups turn on), renamed into place
    assert statuses(report, resource_of(report, "temp-mitosis-demo")) == [
        ("temp-mitosis-demo", "creating"), ("temp-mitosis-demo", "available"), ("temp-mitosis-demo", "modifying"),
        ("temp-mitosis-demo", "backing-up"), ("temp-mitosis-demo", "available"), ("mitosis-demo", "renaming"),
        ("mitosis-demo", "available")]
    # The old primary: renamed out of the way, then deleted
    assert statuses(report, resource_of(report, "mitosis-demo")) == [
        ("mitosis-demo", "available"), ("old-mitosis-demo", "renaming"), ("old-mitosis-demo", "available"),
        ("old-mitosis-demo", "deleting"), ("old-mitosis-demo", "deleted")]
    # and production only ever was available
    assert statuses(report, resource_of(report, "mitosis-prod")) == [("mitosis-prod", "available")]
