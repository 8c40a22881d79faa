"""`mitosis plan`: the flight plan the deployed state machine would follow, from the same Describe step and
planner its dry run uses, read-only; against the simulated account with `--world`."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from simulator.cli import main
from simulator.runner import Simulation
from tests.operate.conftest import EXAMPLES, INPUT, WORLD

WORLD_FILE = str(EXAMPLES / "world-example.json")
PAIR = ["--source", "mitosis-prod", "--target", "mitosis-demo"]


def plan(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["plan", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_plan_on_a_world_prints_the_same_flight_plan_as_a_dry_run_execution(
        capsys: pytest.CaptureFixture[str]) -> None:
    # Given the dry run of the example refresh on the simulated account (its first execution's name is the
    # generation its copies and final snapshot are named after)
    dry_run = Simulation(world=copy.deepcopy(WORLD), execution_input={**INPUT, "dry_run": True}).run()
    executed = dry_run["attempts"][-1]["output"]["flight_plan"]
    # When the plan is asked for the same pair on the same world, for an execution of that name
    code, out, _ = plan(capsys, "--world", WORLD_FILE, *PAIR, "--json", "--execution-name", "refresh-attempt-1")
    # Then it prints the dry run's output form, with exactly the same calls
    assert code == 0
    assert json.loads(out) == {"flight_plan": executed}
    assert [op["op"] for op in executed][:3] == ["CreateDBInstanceReadReplica", "ModifyDBInstance",
                                                 "PromoteReadReplica"]


def test_plan_prints_a_readable_table_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = plan(capsys, "--world", WORLD_FILE, *PAIR)
    lines = out.splitlines()
    assert code == 0
    assert lines[0].startswith("Flight plan: refresh mitosis-demo from mitosis-prod (")
    assert "generation plan" in lines[0]
    # the plan's notes (the clone method first), then one line per call under a header
    assert lines[1].startswith("  note: Clone method: replica")
    header = next(number for number, line in enumerate(lines) if not line.startswith("  note: ") and number)
    assert lines[header].split() == ["#", "operation", "instance", "request"]
    first = lines[header + 1].split()
    assert first[:3] == ["1", "CreateDBInstanceReadReplica", "temp-mitosis-demo"]
    assert "SourceDBInstanceIdentifier=mitosis-prod," in lines[header + 1]
    assert any(line.split()[1:3] == ["ModifyDBInstance", "mitosis-demo"] and "NewDBInstanceIdentifier=old-mitosis-demo"
               in line for line in lines[header:])
    assert all(len(line) <= 160 for line in lines)


def test_plan_for_a_pair_no_job_declares_makes_one_as_the_simulated_deployment_does(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # cdk.json declares mitosis-prod -> mitosis-demo only; a world with another pair is planned as `mitosis
    # simulate` would deploy it (a job for the pair)
    world: dict[str, Any] = copy.deepcopy(WORLD)
    for instance in world["rds"]["instances"]:
        for key in ("DBInstanceIdentifier", "SourceDBInstanceIdentifier"):
            if key in instance:
                instance[key] = instance[key].replace("mitosis-demo", "mitosis-qa")
    path = tmp_path / "world.json"
    path.write_text(json.dumps(world))
    code, out, _ = plan(capsys, "--world", str(path), "--source", "mitosis-prod", "--target", "mitosis-qa", "--json")
    assert code == 0 and json.loads(out)["flight_plan"][0]["params"]["DBInstanceIdentifier"] == "temp-mitosis-qa"


@pytest.mark.parametrize(("pair", "message"), [
    (["--source", "mitosis-prod", "--target", "nothing-here"],
     "mitosis: the plan is refused: Target instance 'nothing-here' does not exist in us-west-2."),
])
def test_a_plan_the_planner_refuses_exits_1_saying_why(capsys: pytest.CaptureFixture[str], pair: list[str],
                                                       message: str) -> None:
    code, out, err = plan(capsys, "--world", WORLD_FILE, *pair)
    assert code == 1 and out == ""
    assert err.startswith(message) and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(("args", "message"), [
    (["--world", "/nonexistent/world.json", *PAIR], "mitosis: error: cannot read world /nonexistent/world.json"),
    # a source inside the target's names (its replicas are named mitosis-qa-...): no deployment declares it
    (["--world", WORLD_FILE, "--source", "mitosis-qa-1", "--target", "mitosis-qa"],
     "mitosis: error: No refresh job from 'mitosis-qa-1' to 'mitosis-qa' is declared"),
    # Against an account, a pair no refresh job declares is refused before anything is read
    (["--region", "us-west-2", "--source", "mitosis-prod", "--target", "mitosis-qa"],
     "mitosis: error: No refresh job from 'mitosis-prod' to 'mitosis-qa' is declared"),
])
def test_plan_errors_are_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], args: list[str],
                                             message: str) -> None:
    code, out, err = plan(capsys, *args)
    assert code == 2 and out == ""
    assert err.startswith(message) and len(err.strip().splitlines()) == 1


def test_plan_on_an_aurora_world_makes_an_aurora_job_and_names_the_clusters(capsys: pytest.CaptureFixture[str]) -> None:
    # a world whose source is an Aurora cluster: the job made for the pair declares aurora, as its deployment would
    code = main(["plan", "--world", str(EXAMPLES / "world-aurora.json"), "--source", "shop-prod",
                 "--target", "shop-staging", "--json"])
    assert code == 0
    plan = json.loads(capsys.readouterr().out)["flight_plan"]
    assert [op["op"] for op in plan][:3] == ["RestoreDBClusterToPointInTime", "CreateDBInstance", "CreateDBInstance"]
    assert plan[0]["params"]["DBClusterIdentifier"] == "temp-shop-staging"
    code = main(["plan", "--world", str(EXAMPLES / "world-aurora.json"), "--source", "shop-prod",
                 "--target", "shop-staging"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 0 and any("DeleteDBCluster" in line and "old-shop-staging " in line for line in lines)
