"""Restart application: make the application reconnect to the new instances, by a new deployment of each ECS
service or an SSM command; the run it returns is what Restart done? follows."""

from __future__ import annotations

from typing import Any

import pytest
from mitosis.errors import TransientAwsError
from mitosis.handlers import restart

from tests.functional.conftest import FakeLambdaContext, Json, Stub, envelope

ECS = {"type": "ecs", "cluster": "demo", "services": ["web", "worker"]}
SSM = {"type": "ssm", "document": "AWS-RunShellScript", "targets": [{"Key": "tag:app", "Values": ["demo"]}],
       "parameters": {"commands": ["systemctl restart app"]}}


@pytest.fixture
def services(ecs_client: Any) -> dict[str, str]:
    """Cluster `demo` with services `web` and `worker`; returns each service's current deployment id."""
    ecs_client.create_cluster(clusterName="demo")
    ecs_client.register_task_definition(family="app", containerDefinitions=[
        {"name": "app", "image": "nginx", "memory": 128}])
    for service in ("web", "worker"):
        ecs_client.create_service(cluster="demo", serviceName=service, taskDefinition="app", desiredCount=1)
    return primary_deployments(ecs_client)


def primary_deployments(ecs_client: Any) -> dict[str, str]:
    return {s["serviceName"]: next(d["id"] for d in s["deployments"] if d["status"] == "PRIMARY")
            for s in ecs_client.describe_services(cluster="demo", services=["web", "worker"])["services"]}


def test_restart_ecs_forces_a_new_deployment_of_each_service(context: FakeLambdaContext, ecs_client: Any,
                                                             services: dict[str, str]) -> None:
    # Given two running services
    # When Restart application runs
    result = restart.handler(envelope({"hook": ECS}), context)
    # Then each service has a new primary deployment, and the run names exactly those, with the hook's timeout
    now = primary_deployments(ecs_client)
    assert result == {"type": "ecs", "cluster": "demo", "deployments": now, "timeout_s": 1800}
    assert all(now[service] != services[service] for service in now)


def test_restart_ssm_sends_the_command_to_the_targets(context: FakeLambdaContext, ec2_client: Any,
                                                      ssm_client: Any) -> None:
    # Given an EC2 instance with the target tag
    ec2_client.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, TagSpecifications=[
        {"ResourceType": "instance", "Tags": [{"Key": "app", "Value": "demo"}]}])
    # When Restart application runs
    result = restart.handler(envelope({"hook": {**SSM, "timeout_s": 600}}), context)
    # Then the command was sent as declared, and the run carries its id and targets (to name them if none matched)
    assert result == {"type": "ssm", "command_id": result["command_id"], "targets": SSM["targets"], "timeout_s": 600}
    [command] = ssm_client.list_commands(CommandId=result["command_id"])["Commands"]
    assert command["DocumentName"] == "AWS-RunShellScript"
    assert command["Targets"] == SSM["targets"]
    assert command["Parameters"] == SSM["parameters"]


@pytest.mark.parametrize(("adapter", "operation", "code", "hook"), [
    pytest.param("ecs", "update_service", "ThrottlingException", ECS, id="ecs-update-service"),
    pytest.param("ssm", "send_command", "ThrottlingException", SSM, id="ssm-send-command"),
])
def test_restart_throttled_surfaces_as_a_transient_error(context: FakeLambdaContext, stub: Stub, adapter: str,
                                                         operation: str, code: str, hook: Json) -> None:
    # Given AWS throttles the restart's call
    stub(restart, adapter).add_client_error(operation, service_error_code=code, http_status_code=400)
    # When / Then the error type is the one Step Functions retries
    with pytest.raises(TransientAwsError) as raised:
        restart.handler(envelope({"hook": hook}), context)
    assert type(raised.value).__name__ == "TransientAwsError"
