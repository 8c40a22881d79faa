"""Week after week: the refresh runs every week, so each one after the first meets last week's copies holding the
live names (tagged by the workflow, with last week's generation). Three consecutive refreshes, each started when
the previous has ended (`Simulation(runs=3)`, as the weekly schedule does), must each end with production's data
under every name, the tree's shape, settings and deletion protection kept, nothing left behind and the newest
final snapshots kept. And a refresh stopped between two renames (StopExecution: no rollback runs) is finished by
the next execution, whichever rename it stopped after."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from mitosis.handlers import rename as rename_handler
from mitosis.models import TAG_GENERATION, Outcome, Rename
from moto.stepfunctions.parser.models import stepfunctions_parser_backends

from simulator.cli import main
from simulator.deployment import ACCOUNT_ID
from simulator.runner import Simulation
from tests.workflow.conftest import EXAMPLES, by_id, simulate, tree_world

EXAMPLE_TREE = {"mitosis-demo": None, "mitosis-demo-replica": "mitosis-demo"}
# staging -> a -> b -> c, and staging -> d: three levels below the primary, and a fan-out
DEEP_EDGES = {"staging-a": "staging", "staging-d": "staging", "staging-b": "staging-a", "staging-c": "staging-b"}
DEEP_TREE: dict[str, str | None] = {"staging": None, **DEEP_EDGES}
# A person runs a stopped refresh again half an hour later: by then the renames RDS accepted are done
RERUN_AFTER_S = 1800.0


def deep_world() -> dict[str, Any]:
    """tree_world's deep tree, with deletion protection on the primary and on one replica (a copy takes its old
    instance's), and a backup window on the primary."""
    world = tree_world(DEEP_EDGES)
    for instance in world["rds"]["instances"]:
        if instance["DBInstanceIdentifier"] in ("staging", "staging-b"):
            instance["DeletionProtection"] = True
        if instance["DBInstanceIdentifier"] == "staging":
            instance["PreferredBackupWindow"] = "22:00-22:30"
    return world


def generation(execution: int) -> str:
    """The generation of the n-th execution of a simulation (its name is refresh-attempt-<n>)."""
    return f"refresh-attempt-{execution}"


def settings(instance: dict[str, Any]) -> dict[str, Any]:
    """What the owner of a target instance set, as DescribeDBInstances shows it."""
    return {
        "class": instance["DBInstanceClass"], "port": instance["Endpoint"]["Port"],
        "multi-az": instance.get("MultiAZ"), "storage type": instance.get("StorageType"),
        "subnets": (instance.get("DBSubnetGroup") or {}).get("DBSubnetGroupName"),
        "security groups": [g["VpcSecurityGroupId"] for g in instance.get("VpcSecurityGroups", [])],
        "parameters": [(g["DBParameterGroupName"], g["ParameterApplyStatus"])
                       for g in instance.get("DBParameterGroups", [])],
        "options": [g["OptionGroupName"] for g in instance.get("OptionGroupMemberships", [])],
        "windows": (instance.get("PreferredBackupWindow"), instance.get("PreferredMaintenanceWindow")),
        "protected": instance.get("DeletionProtection"), "retention": instance.get("BackupRetentionPeriod"),
        "tags": sorted((t["Key"], t["Value"]) for t in instance.get("TagList", [])
                       if not t["Key"].startswith("stack-mitosis:")),
        "replicates from": instance.get("ReadReplicaSourceDBInstanceIdentifier"),
    }


def tag(instance: dict[str, Any], key: str) -> str | None:
    return next((t["Value"] for t in instance.get("TagList", []) if t["Key"] == key), None)


_BEFORE: dict[str, dict[str, Any]] = {}


def before(world: dict[str, Any], execution_input: dict[str, Any], tree: dict[str, str | None]) -> dict[str, Any]:
    """The target tree's settings as its owners set them up (a dry run changes nothing; once per world)."""
    key = json.dumps([world, execution_input], sort_keys=True)
    if key not in _BEFORE:
        report = simulate(world, {**execution_input, "dry_run": True})
        assert report["status"] == "SUCCEEDED"
        _BEFORE[key] = {name: settings(by_id(report)[name]) for name in tree}
    return _BEFORE[key]


def calls_of(report: dict[str, Any], execution: int, operation: str) -> list[dict[str, Any]]:
    return [c["params"] for c in report["calls"] if c["attempt"] == execution and c["operation"] == operation
            and c.get("error") is None]


def renames_of(report: dict[str, Any], execution: int) -> list[tuple[str, str]]:
    return [(p["DBInstanceIdentifier"], p["NewDBInstanceIdentifier"])
            for p in calls_of(report, execution, "ModifyDBInstance") if "NewDBInstanceIdentifier" in p]


def assert_refreshed(instances: list[dict[str, Any]], world: dict[str, Any], source: str,
                     tree: dict[str, str | None], old: dict[str, Any], copies_of: str) -> None:
    """Every name of the tree holds `copies_of`'s copy of production's data, available, with its old settings and
    place in the tree; nothing else is left (the world's instances only, no temp- or old-)."""
    held = by_id({"instances": instances})
    for name, parent in tree.items():
        instance = held[name]
        assert instance["DBInstanceStatus"] == "available", name
        assert instance["data_origin"] == source, name
        assert tag(instance, TAG_GENERATION) == copies_of, name
        assert instance["ReadReplicaSourceDBInstanceIdentifier"] == parent, name
        assert settings(instance) == old[name], name
    assert set(held) == {i["DBInstanceIdentifier"] for i in world["rds"]["instances"]}
    assert held[source]["data_origin"] == source


def assert_week_after_week(report: dict[str, Any], world: dict[str, Any], execution_input: dict[str, Any],
                           tree: dict[str, str | None], old: dict[str, Any]) -> None:
    source, target = execution_input["source"], execution_input["target"]
    production = {i["DBInstanceIdentifier"] for i in world["rds"]["instances"]} - set(tree)
    weeks = report["attempts"]
    assert [w["status"] for w in weeks] == ["SUCCEEDED"] * 3, [w.get("cause") for w in weeks]
    for week, result in enumerate(weeks, start=1):
        assert_refreshed(result["instances"], world, source, tree, old, copies_of=generation(week))
        # one copy per name, built once, from production or from its parent's copy; two renames per name
        creates = calls_of(report, week, "CreateDBInstanceReadReplica")
        assert sorted(c["DBInstanceIdentifier"] for c in creates) == sorted(f"temp-{n}" for n in tree)
        assert sorted(renames_of(report, week)) == sorted(
            [(n, f"old-{n}") for n in tree] + [(f"temp-{n}", n) for n in tree])
        # what is deleted is last week's tree under its old- names, and only that: never a live name, never a
        # copy being built; the old primary with its final snapshot
        deletes = {d["DBInstanceIdentifier"]: d for d in calls_of(report, week, "DeleteDBInstance")}
        assert set(deletes) == {f"old-{n}" for n in tree}, week
        assert deletes[f"old-{target}"].get("FinalDBSnapshotIdentifier") == f"{target}-final-{generation(week)}"
        assert "SkipFinalSnapshot" not in deletes[f"old-{target}"]
        assert all(d["SkipFinalSnapshot"] is True for name, d in deletes.items() if name != f"old-{target}")
        # the instances deleted this week are the copies installed last week (or the original tree)
        if week > 1:
            last_week = by_id({"instances": weeks[week - 2]["instances"]})
            now = by_id({"instances": result["instances"]})
            assert all(last_week[n]["DbiResourceId"] != now[n]["DbiResourceId"] for n in tree)
            gone = {i["DbiResourceId"] for i in weeks[week - 2]["instances"]} - \
                {i["DbiResourceId"] for i in result["instances"]}
            assert gone == {last_week[n]["DbiResourceId"] for n in tree}
        # the final snapshots beyond the newest two are deleted: this week's prune removes week-2's
        pruned = [p["DBSnapshotIdentifier"] for p in calls_of(report, week, "DeleteDBSnapshot")]
        assert pruned == ([f"{target}-final-{generation(week - 2)}"] if week > 2 else []), week
    # production was only read
    for call in report["calls"]:
        if not call["operation"].startswith(("Describe", "List", "Get")):
            named = {call["params"].get(k) for k in ("DBInstanceIdentifier", "NewDBInstanceIdentifier",
                                                     "SourceDBInstanceIdentifier")}
            assert not named & production or call["operation"] == "CreateDBInstanceReadReplica", call
            assert call["params"].get("DBInstanceIdentifier") not in production, call
    # the newest final snapshots are kept (keep_final_snapshots defaults to 2)
    assert sorted(s["DBSnapshotIdentifier"] for s in report["snapshots"]) == \
        [f"{target}-final-{generation(2)}", f"{target}-final-{generation(3)}"]


def test_three_weekly_refreshes_of_the_example_world(example_world: dict[str, Any],
                                                      example_input: dict[str, Any]) -> None:
    old = before(example_world, example_input, EXAMPLE_TREE)
    report = simulate(example_world, example_input, runs=3)
    assert_week_after_week(report, example_world, example_input, EXAMPLE_TREE, old)
    # and the application was restarted after each swap, before the old tree went
    for week in (1, 2, 3):
        restart = next(c for c in report["calls"] if c["attempt"] == week and c["operation"] == "UpdateService")
        first_delete = next(c for c in report["calls"] if c["attempt"] == week and
                            c["operation"] == "DeleteDBInstance")
        assert restart["t"] < first_delete["t"]


def test_three_weekly_refreshes_of_a_deep_tree() -> None:
    world = deep_world()
    execution_input = {"source": "production", "target": "staging"}
    old = before(world, execution_input, DEEP_TREE)
    assert old["staging"]["protected"] is True and old["staging-b"]["protected"] is True
    report = simulate(world, execution_input, runs=3)
    assert_week_after_week(report, world, execution_input, DEEP_TREE, old)


# --- a refresh stopped between two renames, then run again -------------------------------------------------------


class StopAfterRenames:
    """Stands in for the Rename step: after the `renames`-th rename execution `execution` makes, that execution is
    stopped (StopExecution, as a person in the console does: no Catch, no rollback), right there, before any
    other step runs: the scheduler runs one thread at a time, so no other branch of the swap's Map moves before
    the stop. The renames themselves all succeed."""

    def __init__(self, region: str, execution: int, renames: int) -> None:
        self.region, self.execution, self.renames = region, execution, renames
        self.made = 0
        self.real = rename_handler.rename

    def __call__(self, rds: Any, step: Rename) -> Outcome:
        outcome = self.real(rds, step)
        backend = stepfunctions_parser_backends[ACCOUNT_ID][self.region]
        running = [e for machine in backend.state_machines for e in machine.executions
                   if str(getattr(e.status, "value", e.status)) == "RUNNING"]
        assert len(running) == 1
        if outcome.action == "renamed" and running[0].name == f"refresh-attempt-{self.execution}":
            self.made += 1
            if self.made == self.renames:
                backend.stop_execution(running[0].execution_arn)
        return outcome


def stopped_and_run_again(monkeypatch: pytest.MonkeyPatch, world: dict[str, Any], execution_input: dict[str, Any],
                          week: int, renames: int, rerun_after_s: float = RERUN_AFTER_S) -> dict[str, Any]:
    """Week `week` (after week-1 successful refreshes) stopped after its `renames`-th rename, then run again
    `rerun_after_s` virtual seconds after it ended."""
    stop = StopAfterRenames(world["region"], execution=week, renames=renames)
    monkeypatch.setattr(rename_handler, "rename", stop)
    simulation = Simulation(world=copy.deepcopy(world), execution_input=execution_input, runs=week, attempts=2)

    def pause(execution: int, result: dict[str, Any]) -> None:
        if execution == week and rerun_after_s:
            simulation.clock.sleep(rerun_after_s)  # the world goes on: renames RDS accepted are made meanwhile

    simulation.on_attempt = pause
    report = simulation.run()
    assert stop.made == renames
    return report


def assert_finished_where_it_stopped(report: dict[str, Any], world: dict[str, Any], source: str,
                                     tree: dict[str, str | None], old: dict[str, Any], week: int,
                                     renames: int) -> None:
    stopped, rerun = week, week + 1  # execution numbers
    attempts = report["attempts"]
    # (Step Functions reports a stopped execution ABORTED; moto's interpreter, stopped inside a Map iteration, ends
    # it FAILED with States.Runtime: either way no Catch ran, which the calls below check)
    assert [a["status"] for a in attempts[:week - 1]] == ["SUCCEEDED"] * (week - 1)
    assert attempts[stopped - 1]["status"] in ("ABORTED", "FAILED") and attempts[-1]["status"] == "SUCCEEDED", \
        [a.get("cause") for a in attempts]
    assert len(attempts) == week + 1
    # the stopped execution made exactly that many renames, and nothing after them
    done = renames_of(report, stopped)
    assert len(done) == renames
    after_renames = [c for c in report["calls"] if c["attempt"] == stopped and c["t"] > max(
        c2["t"] for c2 in report["calls"] if c2["attempt"] == stopped and c2["operation"] == "ModifyDBInstance"
        and "NewDBInstanceIdentifier" in c2["params"]) and not c["operation"].startswith(("Describe", "List"))]
    assert after_renames == []
    # the run again finishes the swap: each remaining rename once, none made again, nothing rebuilt or discarded
    everything = [(n, f"old-{n}") for n in tree] + [(f"temp-{n}", n) for n in tree]
    assert sorted(done + renames_of(report, rerun)) == sorted(everything)
    assert calls_of(report, rerun, "CreateDBInstanceReadReplica") == []
    deletes = {d["DBInstanceIdentifier"] for d in calls_of(report, rerun, "DeleteDBInstance")}
    assert deletes == {f"old-{n}" for n in tree}
    # and ends with this week's copies under every name, settings and protection kept, nothing left behind
    assert_refreshed(attempts[-1]["instances"], world, source, tree, old, copies_of=generation(stopped))
    target = next(n for n, parent in tree.items() if parent is None)
    assert f"{target}-final-{generation(stopped)}" in {s["DBSnapshotIdentifier"] for s in report["snapshots"]}


def test_a_rerun_started_while_the_retiring_rename_is_pending_keeps_deletion_protection(
        monkeypatch: pytest.MonkeyPatch, example_world: dict[str, Any], example_input: dict[str, Any]) -> None:
    # Given the refresh was stopped right after RDS accepted mitosis-demo's retiring rename, and run again at once
    old = before(example_world, example_input, EXAMPLE_TREE)
    report = stopped_and_run_again(monkeypatch, example_world, example_input, week=1, renames=1, rerun_after_s=0)
    # Then the re-run finishes the refresh, and the copy under mitosis-demo is protected as the old instance was
    assert_finished_where_it_stopped(report, example_world, "mitosis-prod", EXAMPLE_TREE, old, 1, 1)


def test_a_rerun_started_while_the_retiring_rename_is_in_progress_waits_for_it(
        monkeypatch: pytest.MonkeyPatch, example_world: dict[str, Any], example_input: dict[str, Any]) -> None:
    # Given the refresh was stopped right after mitosis-demo's retiring rename, and run again 5 minutes later,
    # while RDS is still renaming it
    old = before(example_world, example_input, EXAMPLE_TREE)
    report = stopped_and_run_again(monkeypatch, example_world, example_input, week=1, renames=1, rerun_after_s=300)
    # Then the re-run waits for the rename and finishes the refresh
    assert_finished_where_it_stopped(report, example_world, "mitosis-prod", EXAMPLE_TREE, old, 1, 1)


@pytest.mark.parametrize("week", [1, 2])
@pytest.mark.parametrize("renames", [1, 2, 3, 4])
def test_the_example_refresh_stopped_after_each_rename_is_finished_by_the_next_run(
        monkeypatch: pytest.MonkeyPatch, example_world: dict[str, Any], example_input: dict[str, Any], week: int,
        renames: int) -> None:
    # the example tree's swap is four renames: both names retired, then both copies installed
    old = before(example_world, example_input, EXAMPLE_TREE)
    report = stopped_and_run_again(monkeypatch, example_world, example_input, week, renames)
    assert_finished_where_it_stopped(report, example_world, "mitosis-prod", EXAMPLE_TREE, old, week, renames)


@pytest.mark.parametrize("renames", [1, 3, 5, 6, 9])
def test_the_deep_refresh_stopped_between_renames_in_its_second_week_is_finished_by_the_next_run(
        monkeypatch: pytest.MonkeyPatch, renames: int) -> None:
    # five names, ten renames: stopped with some names retired only, some installed, one of each kind left
    world, execution_input = deep_world(), {"source": "production", "target": "staging"}
    old = before(world, execution_input, DEEP_TREE)
    report = stopped_and_run_again(monkeypatch, world, execution_input, 2, renames)
    assert_finished_where_it_stopped(report, world, "production", DEEP_TREE, old, 2, renames)


def test_the_cli_starts_one_refresh_after_another_and_reports_them_all(tmp_path: Any,
                                                                       example_input: dict[str, Any]) -> None:
    # `mitosis simulate --runs 3`: three executions, each started when the previous has ended (dry runs, to be quick)
    (tmp_path / "input.json").write_text(json.dumps({**example_input, "dry_run": True}))
    world = str(EXAMPLES / "world-example.json")
    argv = ["simulate", "--world", world, "--input", str(tmp_path / "input.json"), "--quiet"]
    assert main([*argv, "--runs", "3", "--report", str(tmp_path / "report.json")]) == 0
    attempts = json.loads((tmp_path / "report.json").read_text())["attempts"]
    assert [a["status"] for a in attempts] == ["SUCCEEDED"] * 3
    assert all(attempts[n + 1]["started_s"] >= attempts[n]["ended_s"] for n in range(2))
    with pytest.raises(SystemExit) as refused:
        main([*argv, "--runs", "0"])
    assert refused.value.code == 2
