"""FAULTS.json: API-call errors and status faults, with match/times/after/attempts; and call recording."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from simulator.world import WorldError


def code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return excinfo.value.response["Error"]["Code"]


def describe_outcomes(sim: Any, rds: Any, n: int, **params: Any) -> list[str | None]:
    """The error code (or None) of n recorded DescribeDBInstances calls."""
    outcomes: list[str | None] = []
    with sim.recording():
        for _ in range(n):
            try:
                rds.describe_db_instances(**params)
                outcomes.append(None)
            except ClientError as error:
                outcomes.append(error.response["Error"]["Code"])
    return outcomes


def test_api_fault_raises_the_modeled_error_and_is_recorded(make_sim, aws):
    sim = make_sim(
        faults=[
            {
                "operation": "rds:ModifyDBInstance",
                "match": {"NewDBInstanceIdentifier": "old-demo"},
                "error": "InternalFailure",
            }
        ]
    )
    rds = aws("rds")
    with sim.recording(), pytest.raises(ClientError) as excinfo:
        rds.modify_db_instance(DBInstanceIdentifier="demo", NewDBInstanceIdentifier="old-demo", ApplyImmediately=True)
    assert code(excinfo) == "InternalFailure"
    assert sim.calls[-1]["operation"] == "ModifyDBInstance" and sim.calls[-1]["error"] == "InternalFailure"
    # the instance was not touched
    assert rds.describe_db_instances(DBInstanceIdentifier="demo")["DBInstances"][0]["DBInstanceStatus"] == "available"


def test_api_fault_with_a_modeled_code_raises_that_exception_class(make_sim, aws):
    sim = make_sim(faults=[{"operation": "rds:DescribeDBInstances", "error": "DBInstanceNotFound"}])
    rds = aws("rds")
    with sim.recording(), pytest.raises(rds.exceptions.DBInstanceNotFoundFault):
        rds.describe_db_instances(DBInstanceIdentifier="demo")


def test_api_fault_after_lets_calls_pass_then_fails_times_calls(make_sim, aws):
    sim = make_sim(faults=[{"operation": "rds:DescribeDBInstances", "error": "Throttling", "after": 1, "times": 2}])
    assert describe_outcomes(sim, aws("rds"), 5) == [None, "Throttling", "Throttling", None, None]


def test_api_fault_times_minus_one_fails_every_matching_call(make_sim, aws):
    sim = make_sim(
        faults=[
            {
                "operation": "rds:DescribeDBInstances",
                "error": "Throttling",
                "times": -1,
                "match": {"DBInstanceIdentifier": "demo"},
            }
        ]
    )
    rds = aws("rds")
    assert describe_outcomes(sim, rds, 3, DBInstanceIdentifier="demo") == ["Throttling"] * 3
    assert describe_outcomes(sim, rds, 1, DBInstanceIdentifier="prod") == [None]


def test_api_fault_is_active_only_in_its_attempts(make_sim, aws):
    sim = make_sim(
        faults=[{"operation": "rds:DescribeDBInstances", "error": "Throttling", "times": -1, "attempts": [2]}]
    )
    rds = aws("rds")
    assert describe_outcomes(sim, rds, 1) == [None]
    sim.attempt = 2
    assert describe_outcomes(sim, rds, 1) == ["Throttling"]
    assert [c["attempt"] for c in sim.calls] == [1, 2]


def test_throttling_fault_reaches_the_caller_without_botocore_retries(make_sim, aws):
    sim = make_sim(faults=[{"operation": "rds:DescribeDBInstances", "error": "Throttling"}])
    assert describe_outcomes(sim, aws("rds"), 2) == ["Throttling", None]


def test_calls_outside_recording_are_neither_recorded_nor_faulted(make_sim, aws):
    sim = make_sim(faults=[{"operation": "rds:DescribeDBInstances", "error": "Throttling", "times": -1}])
    aws("rds").describe_db_instances()
    assert sim.calls == []


DEMO_ARN = "arn:aws:rds:us-west-2:123456789012:db:demo"


def test_recording_masks_passwords_and_skips_the_runners_services(sim, aws, clock):
    clock.t = 42.0
    with sim.recording("FunctionsRenameFunction"):
        aws("rds").modify_db_instance(
            DBInstanceIdentifier="demo", MasterUserPassword="new-secret", ApplyImmediately=True
        )
        aws("lambda").list_functions()
        aws("iam").list_roles()
    assert sim.calls == [
        {
            "t": 42.0,
            "attempt": 1,
            "service": "rds",
            "operation": "ModifyDBInstance",
            "params": {"DBInstanceIdentifier": "demo", "MasterUserPassword": "****", "ApplyImmediately": True},
            "error": None,
            "function": "FunctionsRenameFunction",
            "resource_tags": {DEMO_ARN: {"env": "demo"}},
        }
    ]


def test_step_functions_calls_a_handler_makes_are_recorded(sim, aws):
    # (Check no other refresh reads the executions; the runner's own polling happens outside any recording.)
    aws("stepfunctions").list_state_machines()
    with sim.recording("FunctionsCheckConcurrencyFunction"):
        aws("stepfunctions").list_state_machines()
    assert [(c["service"], c["operation"], c["function"], c["resource_tags"]) for c in sim.calls] == [
        ("stepfunctions", "ListStateMachines", "FunctionsCheckConcurrencyFunction", {})]


def test_calls_carry_the_tags_the_instances_they_name_had_before_the_call(sim, aws, clock):
    rds = aws("rds")
    with sim.recording():
        rds.add_tags_to_resource(ResourceName=DEMO_ARN, Tags=[{"Key": "stack-mitosis:target", "Value": "demo"}])
        rds.modify_db_instance(DBInstanceIdentifier="demo", NewDBInstanceIdentifier="old-demo", ApplyImmediately=True)
        rds.create_db_instance_read_replica(DBInstanceIdentifier="temp-demo", SourceDBInstanceIdentifier="prod")
        clock.t = 30  # the rename has started: demo is old-demo now
        with pytest.raises(ClientError):
            rds.delete_db_instance(DBInstanceIdentifier="demo", SkipFinalSnapshot=True)
    assert [c["resource_tags"] for c in sim.calls] == [
        # the tag call sees the tags before it; the rename, the new one, and nothing under the name it takes
        {DEMO_ARN: {"env": "demo"}},
        {DEMO_ARN: {"env": "demo", "stack-mitosis:target": "demo"}},
        # the source of a replica is named, the replica to be is not there yet
        {"arn:aws:rds:us-west-2:123456789012:db:prod": {"env": "prod"}},
        # the name given away is no instance's any more
        {},
    ]


def test_refusals_of_the_simulated_aws_are_recorded_with_their_code(sim, aws):
    with sim.recording(), pytest.raises(ClientError):
        aws("rds").promote_read_replica(DBInstanceIdentifier="demo")
    assert sim.calls[-1]["error"] == "InvalidDBInstanceState"


def test_rds_status_fault_leaves_the_instance_in_that_status_instead_of_available(make_sim, aws, clock):
    sim = make_sim(
        faults=[
            {
                "operation": "rds:status",
                "match": {"DBInstanceIdentifier": "temp-demo"},
                "status": "incompatible-parameters",
                "attempts": [1],
            }
        ]
    )
    rds = aws("rds")
    with sim.recording():
        rds.create_db_instance_read_replica(DBInstanceIdentifier="temp-demo", SourceDBInstanceIdentifier="prod")
    clock.t = 1200
    [temp] = rds.describe_db_instances(DBInstanceIdentifier="temp-demo")["DBInstances"]
    assert temp["DBInstanceStatus"] == "incompatible-parameters"
    with pytest.raises(rds.exceptions.InvalidDBInstanceStateFault):
        rds.promote_read_replica(DBInstanceIdentifier="temp-demo")
    # a later attempt can clean up and try again: the fault was for attempt 1 only
    sim.attempt = 2
    rds.delete_db_instance(DBInstanceIdentifier="temp-demo", SkipFinalSnapshot=True)
    clock.t += 300
    rds.create_db_instance_read_replica(DBInstanceIdentifier="temp-demo", SourceDBInstanceIdentifier="prod")
    clock.t += 1200
    assert (
        rds.describe_db_instances(DBInstanceIdentifier="temp-demo")["DBInstances"][0]["DBInstanceStatus"] == "available"
    )


def test_ssm_command_fault_ends_the_invocations_failed(make_sim, aws, clock):
    make_sim(faults=[{"operation": "ssm:command", "match": {"DocumentName": "AWS-RunShellScript"}, "status": "Failed"}])
    ssm = aws("ssm")
    command_id = ssm.send_command(DocumentName="AWS-RunShellScript", Targets=[{"Key": "tag:app", "Values": ["demo"]}])[
        "Command"
    ]["CommandId"]
    clock.t = 60
    listed = ssm.list_command_invocations(CommandId=command_id)["CommandInvocations"]
    assert [i["Status"] for i in listed] == ["Failed", "Failed"]


def test_ecs_deployment_fault_fails_the_rollout_while_the_old_deployment_serves(make_sim, aws, clock, world):
    """With the circuit breaker the faulted deployment ends FAILED and ECS rolls back (see test_ssm_ecs.py)."""
    world["ecs"]["clusters"][0]["services"][0]["circuitBreaker"] = True
    make_sim(world, faults=[{"operation": "ecs:deployment", "rolloutState": "FAILED"}])
    ecs = aws("ecs")
    started = ecs.update_service(cluster="demo", service="web", forceNewDeployment=True)["service"]["deployments"][0]
    clock.t = 180
    [service] = ecs.describe_services(cluster="demo", services=["web"])["services"]
    assert [(d["status"], d["rolloutState"]) for d in service["deployments"]] == [
        ("PRIMARY", "IN_PROGRESS"),
        ("ACTIVE", "FAILED"),
        ("ACTIVE", "COMPLETED"),
    ]
    assert service["deployments"][1]["id"] == started["id"]
    assert service["runningCount"] == 2


@pytest.mark.parametrize(
    "fault",
    [
        {"error": "Throttling"},
        {"operation": "rds:ModifyDBInstance"},
        {"operation": "ModifyDBInstance", "error": "Throttling"},
        {"operation": "rds:status"},
        {"operation": "rds:status", "status": "available"},
        {"operation": "ssm:command", "status": "Exploded"},
        {"operation": "ecs:deployment", "rolloutState": "COMPLETED"},
        {"operation": "rds:ModifyDBInstance", "error": "X", "times": 0},
        {"operation": "rds:ModifyDBInstance", "error": "X", "after": -1},
        {"operation": "rds:ModifyDBInstance", "error": "X", "attempts": [0]},
        {"operation": "rds:ModifyDBInstance", "error": "X", "match": ["a"]},
    ],
)
def test_unusable_faults_raise_world_error(make_sim, fault):
    with pytest.raises(WorldError):
        make_sim(faults=[fault])
