"""Hooks around the swap, in the simulated world: the restart verified, the before-swap hook, the master
password, and what happens when a hook fails."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.workflow.conftest import by_id, simulate

SECRET = "arn:aws:secretsmanager:us-west-2:123456789012:secret:demo-master"
SECRET_VALUE = "staging-only-password"
SSM_RESTART = {"type": "ssm", "targets": [{"Key": "tag:app", "Values": ["mitosis-demo"]}],
               "parameters": {"commands": ["systemctl restart app"]}}
SSM_SCRUB = {"type": "ssm", "targets": [{"Key": "tag:app", "Values": ["mitosis-demo"]}],
             "parameters": {"commands": ["scrub --host {endpoint} --port {port}"]}}
ECS_SCRUB = {"type": "ecs_task", "cluster": "demo", "task_definition": "scrub", "container": "scrub",
             "subnets": ["subnet-0abc"], "security_groups": ["sg-demo"]}
TARGET_TREE = ("mitosis-demo", "mitosis-demo-replica")


@pytest.fixture
def world(example_world: dict[str, Any]) -> dict[str, Any]:
    """The example world, with a task definition for a scrubbing job and the staging password's secret."""
    example_world["ecs"]["task_definitions"] = [{"family": "scrub", "containers": ["scrub"]}]
    example_world["secretsmanager"] = {"secrets": [
        {"Name": "demo-master", "SecretString": json.dumps({"password": SECRET_VALUE})}]}
    return example_world


def first(report: dict[str, Any], operation: str, **params: str) -> dict[str, Any]:
    return next(c for c in report["calls"] if c["operation"] == operation
                and all(c["params"].get(k) == v for k, v in params.items()))


def renames_of_target_names(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in report["calls"] if c["operation"] == "ModifyDBInstance"
            and c["params"].get("DBInstanceIdentifier") in TARGET_TREE]


def held(instances: list[dict[str, Any]]) -> dict[str, str]:
    """Whose data each target name serves, when an available instance holds it."""
    final = by_id({"instances": instances})
    return {name: final[name]["data_origin"] for name in TARGET_TREE
            if final.get(name, {}).get("DBInstanceStatus") == "available"}


def test_ecs_restart_waits_for_the_rollout_before_deleting_the_old_tree(world: dict[str, Any],
                                                                        example_input: dict[str, Any]) -> None:
    report = simulate(world, example_input)
    assert report["status"] == "SUCCEEDED"
    redeploy = first(report, "UpdateService")
    # the deletes come after the rollout's 180 s, and the rollout was checked until it completed
    assert first(report, "DeleteDBInstance")["t"] >= redeploy["t"] + 180
    assert [c["t"] for c in report["calls"] if c["operation"] == "DescribeServices"][-1] >= redeploy["t"] + 180


def test_ssm_restart_waits_for_every_invocation(world: dict[str, Any], example_input: dict[str, Any]) -> None:
    report = simulate(world, {**example_input, "restart": SSM_RESTART})
    assert report["status"] == "SUCCEEDED"
    command = first(report, "SendCommand")
    assert command["params"]["Targets"] == SSM_RESTART["targets"]
    assert first(report, "DeleteDBInstance")["t"] >= command["t"] + 60


def test_failed_restart_kept_leaves_the_new_data_and_the_old_tree_then_a_rerun_finishes(
        world: dict[str, Any], example_input: dict[str, Any]) -> None:
    faults = [{"operation": "ssm:command", "status": "Failed", "attempts": [1]}]
    report = simulate(world, {**example_input, "restart": SSM_RESTART}, faults=faults, attempts=2)
    failed = report["attempts"][0]
    assert failed["status"] == "FAILED" and failed["error"] == "RestartFailed"
    assert "restart the application by hand" in failed["cause"]
    assert held(failed["instances"]) == {name: "mitosis-prod" for name in TARGET_TREE}
    assert {"old-mitosis-demo", "old-mitosis-demo-replica"} <= set(by_id({"instances": failed["instances"]}))
    assert report["status"] == "SUCCEEDED"
    assert held(report["instances"]) == {name: "mitosis-prod" for name in TARGET_TREE}
    assert not [n for n in by_id(report) if n.startswith(("old-", "temp-"))]


@pytest.mark.parametrize(("restart", "fault", "operation"), [
    pytest.param(None, {"operation": "ecs:deployment", "rolloutState": "FAILED"}, "UpdateService", id="ecs"),
    pytest.param(SSM_RESTART, {"operation": "ssm:command", "status": "TimedOut"}, "SendCommand", id="ssm"),
])
def test_failed_restart_rolled_back_gives_the_names_back_and_restarts_again(
        world: dict[str, Any], example_input: dict[str, Any], restart: dict[str, Any] | None, fault: dict[str, Any],
        operation: str) -> None:
    execution_input = {**example_input, "on_restart_failure": "rollback",
                       "restart": restart or example_input["restart"]}
    report = simulate(world, execution_input, faults=[{**fault, "times": 1, "attempts": [1]}], attempts=2)
    failed = report["attempts"][0]
    assert failed["status"] == "FAILED" and failed["error"] == "RestartFailed"
    # every name serves its old data again, and the application was restarted on it
    assert held(failed["instances"]) == {name: "mitosis-demo" for name in TARGET_TREE}
    restarts = [c for c in report["calls"] if c["operation"] == operation and c["attempt"] == 1]
    reinstated = first(report, "ModifyDBInstance", DBInstanceIdentifier="old-mitosis-demo",
                       NewDBInstanceIdentifier="mitosis-demo")
    assert len(restarts) == 2 and restarts[1]["t"] > reinstated["t"]
    # and the second execution swaps the kept copies in
    assert report["status"] == "SUCCEEDED"
    assert held(report["instances"]) == {name: "mitosis-prod" for name in TARGET_TREE}


@pytest.mark.parametrize(("hook", "fault"), [
    pytest.param(SSM_SCRUB, {"operation": "ssm:command", "status": "Failed"}, id="ssm"),
    pytest.param(ECS_SCRUB, {"operation": "ecs:task", "exitCode": 3}, id="ecs-task"),
])
def test_before_swap_hook_runs_on_the_copy_and_its_failure_leaves_the_target_untouched(
        world: dict[str, Any], example_input: dict[str, Any], hook: dict[str, Any], fault: dict[str, Any]) -> None:
    execution_input = {**example_input, "before_swap": hook}
    # When the hook succeeds, it ran against the temp- primary before the first rename
    report = simulate(world, execution_input)
    assert report["status"] == "SUCCEEDED"
    started = first(report, "SendCommand" if hook["type"] == "ssm" else "RunTask")
    assert started["t"] < renames_of_target_names(report)[0]["t"]
    if hook["type"] == "ssm":
        command = started["params"]["Parameters"]["commands"][0]
        assert command.startswith("scrub --host temp-mitosis-demo") and command.endswith("--port 5431")
    else:
        environment = started["params"]["overrides"]["containerOverrides"][0]["environment"]
        assert {"name": "MITOSIS_DB_PORT", "value": "5431"} in environment
        assert any(e["name"] == "MITOSIS_DB_ENDPOINT" and "temp-mitosis-demo" in e["value"] for e in environment)
    # When it fails, the refresh stops before the swap: no rename, every name serves its old data
    report = simulate(world, execution_input, faults=[fault])
    assert report["status"] == "FAILED" and report["attempts"][0]["error"] == "HookFailed"
    assert renames_of_target_names(report) == []
    assert held(report["instances"]) == {name: "mitosis-demo" for name in TARGET_TREE}  # the old data


def test_master_password_is_set_on_the_copy_before_the_swap_and_never_shown(
        world: dict[str, Any], example_input: dict[str, Any]) -> None:
    report = simulate(world, {**example_input, "master_password": {"secret_arn": SECRET}})
    assert report["status"] == "SUCCEEDED"
    reset = first(report, "ModifyDBInstance", DBInstanceIdentifier="temp-mitosis-demo", MasterUserPassword="****")
    assert reset["t"] < renames_of_target_names(report)[0]["t"]
    assert SECRET_VALUE not in json.dumps(report)


def test_a_restart_that_does_not_finish_in_time_fails(world: dict[str, Any], example_input: dict[str, Any]) -> None:
    restart = {**example_input["restart"], "timeout_s": 600}
    report = simulate(world, {**example_input, "restart": restart}, latency={"ecs_deployment": 7200})
    attempt = report["attempts"][0]
    assert attempt["error"] == "RestartFailed" and "within 600 s" in attempt["cause"]
    assert not [c for c in report["calls"] if c["operation"] == "DeleteDBInstance"]  # the old tree is kept
