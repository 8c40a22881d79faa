"""The simulated restart targets: SSM Run Command invocations and ECS rollouts/tasks on the virtual clock."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.usefixtures("sim")  # the base world

LATENCY = {"ssm_command": 60, "ecs_deployment": 180, "ecs_task": 60}


def hosts(aws: Any, app: str) -> list[str]:
    reservations = aws("ec2").describe_instances(Filters=[{"Name": "tag:app", "Values": [app]}])["Reservations"]
    return sorted(i["InstanceId"] for r in reservations for i in r["Instances"])


def send(aws: Any, **target: Any) -> str:
    return aws("ssm").send_command(
        DocumentName="AWS-RunShellScript", Parameters={"commands": ["systemctl restart app"]}, **target
    )["Command"]["CommandId"]


def invocations(aws: Any, command_id: str) -> dict[str, str]:
    listed = aws("ssm").list_command_invocations(CommandId=command_id, Details=True)["CommandInvocations"]
    return {i["InstanceId"]: i["Status"] for i in listed}


def primary(aws: Any) -> dict[str, Any]:
    [service] = aws("ecs").describe_services(cluster="demo", services=["web"])["services"]
    return service


# SSM


def test_send_command_invokes_only_the_instances_its_tag_targets_match(aws):
    command_id = send(aws, Targets=[{"Key": "tag:app", "Values": ["demo"]}])
    assert sorted(invocations(aws, command_id)) == hosts(aws, "demo")


def test_send_command_to_instance_ids_invokes_only_those(aws):
    [first, _] = hosts(aws, "demo")
    command_id = send(aws, InstanceIds=[first])
    assert list(invocations(aws, command_id)) == [first]


def test_command_is_pending_then_in_progress_then_success_after_ssm_command_latency(aws, clock):
    response = aws("ssm").send_command(
        DocumentName="AWS-RunShellScript", Targets=[{"Key": "tag:app", "Values": ["demo"]}]
    )
    command_id = response["Command"]["CommandId"]
    assert response["Command"]["Status"] == "Pending"
    assert set(invocations(aws, command_id).values()) == {"InProgress"}
    clock.t = LATENCY["ssm_command"]
    assert set(invocations(aws, command_id).values()) == {"Success"}
    invocation = aws("ssm").get_command_invocation(CommandId=command_id, InstanceId=hosts(aws, "demo")[0])
    assert (invocation["Status"], invocation["ResponseCode"]) == ("Success", 0)


@pytest.mark.parametrize("target", [{}, {"InstanceIds": ["i-00000000000000000"]}])
def test_send_command_without_targets_or_to_unknown_instances_is_refused(aws, target):
    with pytest.raises(ClientError):
        send(aws, **target)


def test_unknown_invocations_do_not_exist(aws):
    with pytest.raises(ClientError) as excinfo:
        aws("ssm").get_command_invocation(CommandId="00000000-0000-4000-8000-000000000000", InstanceId="i-1")
    assert excinfo.value.response["Error"]["Code"] == "InvocationDoesNotExist"


# ECS


def test_world_services_are_steady(aws):
    service = primary(aws)
    assert (service["runningCount"], service["pendingCount"]) == (2, 0)
    assert [(d["status"], d["rolloutState"]) for d in service["deployments"]] == [("PRIMARY", "COMPLETED")]


def test_forced_deployment_rolls_out_for_ecs_deployment_latency_then_completes(aws, clock):
    before = primary(aws)["deployments"][0]["id"]
    aws("ecs").update_service(cluster="demo", service="web", forceNewDeployment=True)
    rolling = primary(aws)["deployments"]
    assert [(d["status"], d["rolloutState"]) for d in rolling] == [("PRIMARY", "IN_PROGRESS"), ("ACTIVE", "COMPLETED")]
    assert rolling[0]["id"] != before and rolling[1]["id"] == before
    clock.t = LATENCY["ecs_deployment"]
    service = primary(aws)
    [done] = service["deployments"]
    assert (done["rolloutState"], done["runningCount"], service["runningCount"]) == ("COMPLETED", 2, 2)


def test_run_task_runs_then_stops_with_exit_code_zero(aws, clock):
    ecs = aws("ecs")
    [task] = ecs.run_task(
        cluster="demo",
        taskDefinition="simulated-app",
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-1"]}},
    )["tasks"]
    assert task["lastStatus"] == "RUNNING"
    clock.t = LATENCY["ecs_task"]
    [stopped] = ecs.describe_tasks(cluster="demo", tasks=[task["taskArn"]])["tasks"]
    assert stopped["lastStatus"] == "STOPPED"
    assert [c["exitCode"] for c in stopped["containers"]] == [0]
