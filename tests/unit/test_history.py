"""Reading an execution's history (mitosis.history): states and what each task acted on, phases, each name's
downtime, and where a failed execution failed. Events as GetExecutionHistory returns them
(https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html): each links to the one
before it by `previousEventId`, timestamps as datetimes (boto3) or ISO text (moto's interpreter)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from mitosis.history import clock, downtime, failure, phases, state_runs, subject, summarize, timestamp

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def event(identifier: int, previous: int, kind: str, seconds: float, **details: Any) -> dict[str, Any]:
    return {"id": identifier, "previousEventId": previous, "type": kind,
            "timestamp": (T0 + dt.timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z"), **details}


def entered(identifier: int, previous: int, name: str, seconds: float, data: Any = None,
            kind: str = "Task") -> dict[str, Any]:
    return event(identifier, previous, f"{kind}StateEntered", seconds,
                 stateEnteredEventDetails={"name": name, "input": json.dumps(data or {})})


def exited(identifier: int, previous: int, name: str, seconds: float, kind: str = "Task") -> dict[str, Any]:
    return event(identifier, previous, f"{kind}StateExited", seconds, stateExitedEventDetails={"name": name})


def scheduled(identifier: int, previous: int, seconds: float, payload: Any) -> dict[str, Any]:
    return event(identifier, previous, "LambdaFunctionScheduled", seconds,
                 lambdaFunctionScheduledEventDetails={"input": json.dumps(payload)})


def rename_item(source: str, new: str) -> dict[str, Any]:
    return {"event": {"rename": {"DBInstanceIdentifier": source, "NewDBInstanceIdentifier": new}},
            "context": {"execution": "e", "target": "db"}}


@pytest.mark.parametrize(("payload", "expected"), [
    ({"rename": {"DBInstanceIdentifier": "temp-db", "NewDBInstanceIdentifier": "db"}}, "temp-db -> db"),
    ({"rename": {"DBClusterIdentifier": "temp-db", "NewDBClusterIdentifier": "db"}}, "temp-db -> db"),
    ({"DBClusterIdentifier": "old-db", "SkipFinalSnapshot": True}, "old-db"),
    ({"request": {"DBClusterIdentifier": "temp-db", "SourceDBClusterIdentifier": "prod"}}, "temp-db"),
    ({"request": {"DBInstanceIdentifier": "temp-db-1", "DBClusterIdentifier": "temp-db"}}, "temp-db-1"),
    ({"DBInstanceIdentifier": "old-db", "ready": ["available"]}, "old-db"),
    ({"request": {"DBInstanceIdentifier": "temp-db", "SourceDBInstanceIdentifier": "prod"}}, "temp-db"),
    ({"hook": {"type": "ecs", "cluster": "app", "services": ["web", "worker"]}}, "ecs app/web,worker"),
    ({"run": {"type": "ecs", "cluster": "app", "deployments": {"web": "d-1"}}}, "ecs app/web"),
    ({"hook": {"type": "ssm", "document": "AWS-RunShellScript"}}, "ssm AWS-RunShellScript"),
    ({"hook": {"type": "ecs_task", "task_definition": "scrub:3"}}, "ecs task scrub:3"),
    ({"name": "db", "reinstate": {}, "install": {}}, "db"),
    ({"name": "db", "renames": []}, "db"),
    ({"prefix": "db-final-", "keep": 2}, "db-final-*"),
    ({"input": {"source": "prod", "target": "db"}, "run": {"name": "x"}}, "db"),
    ({"request": {"source": "prod", "target": "db"}, "graph": {}}, "db"),
    (None, ""),
])
def test_a_tasks_subject_is_what_it_acts_on(payload: Any, expected: str) -> None:
    assert subject(payload) == expected


def test_timestamps_from_boto3_or_moto_read_the_same() -> None:
    assert timestamp("2026-01-01T00:00:00.000Z") == timestamp(T0) == T0
    assert timestamp(dt.datetime(2026, 1, 1)) == T0  # naive: UTC
    paris = dt.timezone(dt.timedelta(hours=1))
    assert timestamp(dt.datetime(2026, 1, 1, 1, tzinfo=paris)).tzinfo == dt.UTC  # printed as UTC


def test_a_task_takes_its_subject_from_its_first_call_and_a_map_item_from_its_input() -> None:
    runs = state_runs([
        entered(1, 0, "Clone", 0, {"plan": {"huge": True}}),
        scheduled(2, 1, 0, {"event": {"request": {"DBInstanceIdentifier": "temp-db"}}}),
        event(3, 2, "LambdaFunctionFailed", 10),
        scheduled(4, 3, 40, {"event": {"request": {"DBInstanceIdentifier": "something-else"}}}),
        exited(5, 4, "Clone", 50),
        entered(6, 5, "Wait for rename", 50, rename_item("db", "old-db"), kind="Wait"),
    ])
    assert [(run.name, run.subject, run.exited is not None) for run in runs] == [
        ("Clone", "temp-db", True), ("Wait for rename", "db -> old-db", False)]


def swap_history() -> list[dict[str, Any]]:
    """Two names swapped in parallel: db down from 100 to 400, db-r from 100 to 460 (its install polled
    once more)."""
    events = [entered(1, 0, "Discard stale copies", 0, kind="Map"), exited(2, 1, "Discard stale copies", 0, "Map"),
              entered(3, 2, "Swap names", 100, kind="Map")]
    plan = [("db", 100, 220, 240, 400), ("db-r", 100, 220, 240, 460)]
    next_id = 4
    for name, retire, retired, install, installed in plan:
        for start, end, source, new in ((retire, retired, name, f"old-{name}"),
                                        (install, installed, f"temp-{name}", name)):
            item = rename_item(source, new)
            events += [entered(next_id, 3, "Rename", start, item), exited(next_id + 1, next_id, "Rename", start),
                       entered(next_id + 2, next_id + 1, "Rename done?", start, item),
                       exited(next_id + 3, next_id + 2, "Rename done?", end)]
            next_id += 4
    events.sort(key=lambda e: e["timestamp"])
    events.append(exited(next_id, next_id - 1, "Swap names", 460, "Map"))
    return events


def test_each_names_downtime_runs_from_its_retiring_rename_to_its_installed_check() -> None:
    assert downtime(state_runs(swap_history())) == {"db": 300.0, "db-r": 360.0}


def test_an_aurora_clusters_name_is_measured_as_an_instances() -> None:
    cluster = [json.loads(json.dumps(e).replace("DBInstanceIdentifier", "DBClusterIdentifier")) for e in swap_history()]
    assert downtime(state_runs(cluster)) == {"db": 300.0, "db-r": 360.0}


def test_a_name_retired_by_an_earlier_execution_has_no_measured_downtime() -> None:
    only_install = [e for e in swap_history() if "old-db" not in json.dumps(e) or "db-r" in json.dumps(e)]
    assert downtime(state_runs(only_install)) == {"db-r": 360.0}


def test_phases_are_measured_between_their_states_when_both_ends_are_there() -> None:
    assert phases(state_runs(swap_history())) == {"build": 100.0, "swap": 360.0}


def test_the_failed_state_is_the_task_whose_error_the_execution_ended_with() -> None:
    # Given a rename that failed inside the swap's Map, then a restore retried (NotReady) and a Fail state
    cause = json.dumps({"errorMessage": "refused", "errorType": "InvalidParameterCombination", "stackTrace": ["x"]})
    events = [
        entered(1, 0, "Swap names", 0, kind="Map"),
        entered(2, 1, "Rename", 0, rename_item("temp-db", "db")),
        scheduled(3, 2, 0, {"event": rename_item("temp-db", "db")["event"]}),
        event(4, 3, "LambdaFunctionFailed", 1, lambdaFunctionFailedEventDetails={
            "error": "InvalidParameterCombination", "cause": cause}),
        entered(5, 4, "Restore name", 2, {"event": {"name": "db", "reinstate": {}}}),
        scheduled(6, 5, 2, {"event": {"name": "db", "reinstate": {}}}),
        event(7, 6, "LambdaFunctionFailed", 3, lambdaFunctionFailedEventDetails={"error": "NotReady", "cause": "{}"}),
        exited(8, 7, "Restore name", 60),
        entered(9, 8, "Swap failed, names restored", 60, kind="Fail"),
        event(10, 9, "ExecutionFailed", 60, executionFailedEventDetails={"error": "InvalidParameterCombination",
                                                                         "cause": cause}),
    ]
    found = failure({"status": "FAILED"}, events, state_runs(events))
    assert (found.state, found.subject, found.error, found.cause, found.ended_in, found.phase) == (
        "Rename", "temp-db -> db", "InvalidParameterCombination", "refused", "Swap failed, names restored", "swap")


def test_a_timed_out_execution_failed_where_it_was() -> None:
    events = [entered(1, 0, "Discard stale copies", 0, kind="Map"), exited(2, 1, "Discard stale copies", 0, "Map"),
              entered(3, 2, "Clone done?", 10),
              scheduled(4, 3, 10, {"event": {"DBInstanceIdentifier": "temp-db"}}),
              event(5, 4, "ExecutionTimedOut", 86400, executionTimedOutEventDetails={"error": "States.Timeout"})]
    summary = summarize({"name": "n", "status": "TIMED_OUT", "startDate": T0,
                         "stopDate": T0 + dt.timedelta(days=1), "input": '{"target": "db"}'}, events)
    assert summary.failure is not None
    assert (summary.failure.state, summary.failure.subject, summary.failure.error, summary.failure.phase) == (
        "Clone done?", "temp-db", "States.Timeout", "build")
    assert summary.duration_s == 86400 and summary.field("target") == "db" and not summary.dry_run


def test_a_running_execution_is_where_its_latest_open_state_is() -> None:
    events = [entered(1, 0, "Swap names", 0, kind="Map"), entered(2, 1, "Rename", 5, rename_item("db", "old-db"))]
    summary = summarize({"name": "n", "status": "RUNNING", "startDate": T0, "input": "{}"}, events)
    assert summary.current is not None and summary.current.name == "Rename" and summary.failure is None
    assert summary.duration_s is None


@pytest.mark.parametrize(("seconds", "text"), [(None, "-"), (12, "12s"), (240, "4m 00s"), (3840, "1h 04m 00s")])
def test_durations_read_as_a_clock(seconds: float | None, text: str) -> None:
    assert clock(seconds) == text
