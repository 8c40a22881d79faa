"""Run before-swap hook: the user's job (data scrubbing...) against the temp- primary (an Aurora clone: its cluster
endpoint), before anyone sees it: an SSM command whose parameters name the copy's endpoint, or an ECS task told the
endpoint in its environment."""

from __future__ import annotations

from typing import Any

import pytest
from mitosis.errors import HookFailed, MitosisError
from mitosis.handlers import before_swap

from tests.functional.conftest import (
    SSM_TARGETS,
    CreateInstance,
    FakeLambdaContext,
    Json,
    Live,
    Stub,
    described,
    envelope,
    not_found,
)

SSM = {"type": "ssm", "document": "AWS-RunShellScript", "targets": SSM_TARGETS,
       "parameters": {"commands": ["scrub --host {endpoint} --port {port}", "echo done"]}}
TASK = {"type": "ecs_task", "cluster": "jobs", "task_definition": "scrub", "container": "scrub",
        "subnets": ["subnet-0123456789abcdef0"], "security_groups": ["sg-0123456789abcdef0"]}


def run(hook: Json) -> Json:
    return {"hook": hook, "DBInstanceIdentifier": "temp-staging"}


@pytest.fixture
def copy(create_instance: CreateInstance, live: Any) -> tuple[str, int]:
    """temp-staging, listening on port 4000: its endpoint's address and port."""
    create_instance("temp-staging", Port=4000)
    endpoint = live("temp-staging")["Endpoint"]
    return str(endpoint["Address"]), int(endpoint["Port"])


def test_before_swap_sends_the_command_with_the_copy_s_endpoint(context: FakeLambdaContext, ssm_client: Any,
                                                                copy: tuple[str, int]) -> None:
    # Given the copy, and an SSM command whose parameters use {endpoint} and {port}
    address, port = copy
    # When Run before-swap hook runs
    result = before_swap.handler(envelope(run(SSM)), context)
    # Then the command was sent to the targets with the copy's endpoint in its parameters (never production's or
    # the target's), and the run carries its id, targets and timeout
    assert result == {"type": "ssm", "command_id": result["command_id"], "targets": SSM_TARGETS, "timeout_s": 1800}
    [command] = ssm_client.list_commands(CommandId=result["command_id"])["Commands"]
    assert command["DocumentName"] == "AWS-RunShellScript"
    assert command["Targets"] == SSM_TARGETS
    assert command["Parameters"] == {"commands": [f"scrub --host {address} --port {port}", "echo done"]}
    assert address.startswith("temp-staging.") and port == 4000


def test_before_swap_runs_the_task_with_the_copy_s_endpoint_in_its_environment(context: FakeLambdaContext,
                                                                               ecs_client: Any,
                                                                               copy: tuple[str, int]) -> None:
    # Given the copy, and a task definition in cluster jobs
    address, port = copy
    ecs_client.create_cluster(clusterName="jobs")
    ecs_client.register_task_definition(family="scrub", containerDefinitions=[
        {"name": "scrub", "image": "scrubber", "memory": 128}])
    # When Run before-swap hook runs
    result = before_swap.handler(envelope(run(TASK)), context)
    # Then one task runs, its container told the copy's endpoint, and the run follows that task
    [task] = ecs_client.describe_tasks(cluster="jobs", tasks=[result["task_arn"]])["tasks"]
    assert result == {"type": "ecs_task", "cluster": "jobs", "task_arn": task["taskArn"], "timeout_s": 3600}
    assert task["overrides"]["containerOverrides"] == [{"name": "scrub", "environment": [
        {"name": "MITOSIS_DB_ENDPOINT", "value": address}, {"name": "MITOSIS_DB_PORT", "value": str(port)}]}]


def test_before_swap_runs_the_task_in_the_declared_network(context: FakeLambdaContext, stub: Stub) -> None:
    # Given the copy, and ECS expecting the task as declared: Fargate, in the declared subnets and security groups,
    # without a public IP
    address = "temp-staging.c0ffee123456.us-west-2.rds.amazonaws.com"
    stub(before_swap, "rds").add_response("describe_db_instances", described(
        "temp-staging", Endpoint={"Address": address, "Port": 4000}), {"DBInstanceIdentifier": "temp-staging"})
    arn = "arn:aws:ecs:us-west-2:123456789012:task/jobs/0123456789abcdef0123456789abcdef"
    stub(before_swap, "ecs").add_response("run_task", {"tasks": [{"taskArn": arn}], "failures": []}, {
        "cluster": "jobs", "taskDefinition": "scrub", "launchType": "FARGATE", "count": 1,
        "overrides": {"containerOverrides": [{"name": "scrub", "environment": [
            {"name": "MITOSIS_DB_ENDPOINT", "value": address},
            {"name": "MITOSIS_DB_PORT", "value": "4000"}]}]},
        "networkConfiguration": {"awsvpcConfiguration": {
            "subnets": TASK["subnets"], "securityGroups": TASK["security_groups"], "assignPublicIp": "DISABLED"}}})
    # When / Then the task is run with exactly that request
    assert before_swap.handler(envelope(run(TASK)), context)["task_arn"] == arn


def test_before_swap_fails_when_ecs_does_not_start_the_task(context: FakeLambdaContext, stub: Stub,
                                                            create_instance: CreateInstance) -> None:
    # Given ECS answers RunTask with a failure and no task
    create_instance("temp-staging")
    stub(before_swap, "ecs").add_response("run_task", {"tasks": [], "failures": [
        {"arn": "arn:aws:ecs:us-west-2:123456789012:container-instance/jobs/x", "reason": "RESOURCE:MEMORY"}]})
    # When / Then the hook fails with an error type of its own, saying why
    with pytest.raises(MitosisError, match="RESOURCE:MEMORY") as raised:
        before_swap.handler(envelope(run(TASK)), context)
    assert type(raised.value).__name__ == "TaskNotStarted"


@pytest.mark.parametrize("response", [
    pytest.param(None, id="copy-missing"),
    pytest.param(described("temp-staging", "creating"), id="no-endpoint-yet"),
    pytest.param(described("temp-staging", Endpoint={"Port": 3306}), id="endpoint-without-address"),
])
def test_before_swap_fails_without_an_endpoint_to_run_against(context: FakeLambdaContext, stub: Stub,
                                                              response: Json | None) -> None:
    # Given the copy is missing or has no endpoint (no hook call is scripted)
    rds = stub(before_swap, "rds")
    if response is None:
        not_found(rds, "temp-staging")
    else:
        rds.add_response("describe_db_instances", response, {"DBInstanceIdentifier": "temp-staging"})
    stub(before_swap, "ssm")
    # When / Then the hook fails before anything is sent, naming the copy
    with pytest.raises(HookFailed, match="temp-staging has no endpoint"):
        before_swap.handler(envelope(run(SSM)), context)


def test_before_swap_runs_against_an_aurora_clone_s_cluster_endpoint(context: FakeLambdaContext, ssm_client: Any,
                                                                     create_cluster: Any, live_cluster: Live) -> None:
    # Given the clone, listening on 5433: its cluster (writer) endpoint
    create_cluster("temp-staging", Port=5433)
    endpoint = live_cluster("temp-staging")["Endpoint"]
    # When Run before-swap hook runs against it
    result = before_swap.handler(envelope({"hook": SSM, "DBClusterIdentifier": "temp-staging"}), context)
    # Then the command names the cluster's endpoint and port
    [command] = ssm_client.list_commands(CommandId=result["command_id"])["Commands"]
    assert command["Parameters"]["commands"][0] == f"scrub --host {endpoint} --port 5433"
