"""Check hooks: before anything is changed, every declared hook can run: its ECS services exist and are deployed by
ECS itself, its SSM targets match at least one managed node."""

from __future__ import annotations

from typing import Any

import pytest
from mitosis.errors import HookFailed
from mitosis.handlers import check_hooks

from tests.functional.conftest import FakeLambdaContext, Json, Stub, envelope

REQUEST = {"source": "production", "target": "staging"}
TARGETS = [{"Key": "tag:app", "Values": ["demo", "demo-worker"]}]
SSM = {"type": "ssm", "document": "AWS-RunShellScript", "targets": TARGETS,
       "parameters": {"commands": ["systemctl restart app"]}}


def ecs_restart(*services: str) -> Json:
    return {"type": "ecs", "cluster": "demo", "services": list(services)}


@pytest.fixture
def cluster(ecs_client: Any) -> Any:
    """Cluster `demo` with services `web` and `worker` deployed by ECS, `blue-green` deployed by CodeDeploy and
    `custom` by an external controller."""
    ecs_client.create_cluster(clusterName="demo")
    ecs_client.register_task_definition(family="app", containerDefinitions=[
        {"name": "app", "image": "nginx", "memory": 128}])
    for service, controller in (("web", "ECS"), ("worker", "ECS"), ("blue-green", "CODE_DEPLOY"),
                                ("custom", "EXTERNAL")):
        ecs_client.create_service(cluster="demo", serviceName=service, taskDefinition="app", desiredCount=1,
                                  deploymentController={"type": controller})
    return ecs_client


def nodes(stubber: Any, targets: list[Json], *instance_ids: str) -> None:
    """Script DescribeInstanceInformation (moto does not implement it) for `targets`: the managed nodes matching."""
    stubber.add_response("describe_instance_information", {"InstanceInformationList": [
        {"InstanceId": instance_id, "PingStatus": "Online"} for instance_id in instance_ids]},
        {"Filters": targets})


@pytest.mark.usefixtures("cluster")
def test_check_hooks_accepts_ecs_services_deployed_by_ecs_and_ssm_targets_that_match_nodes(
        context: FakeLambdaContext, stub: Stub) -> None:
    # Given the restart's services are deployed by ECS, and the before-swap command's targets match two nodes
    nodes(stub(check_hooks, "ssm"), TARGETS, "i-0123456789abcdef0", "i-0123456789abcdef1")
    request = {**REQUEST, "restart": ecs_restart("web", "worker"), "before_swap": SSM}
    # When Check hooks runs
    result = check_hooks.handler(envelope(request), context)
    # Then the refresh goes on, saying what each hook will reach
    assert result == {"restart": "2 ECS services", "before_swap": "2 managed nodes"}


def test_check_hooks_without_hooks_checks_nothing(context: FakeLambdaContext, stub: Stub) -> None:
    # Given no hook is declared, and adapters that fail on any AWS call (nothing scripted)
    stub(check_hooks, "ecs")
    stub(check_hooks, "ssm")
    # When / Then Check hooks lets the refresh go on without a call
    assert check_hooks.handler(envelope(REQUEST), context) == {}


@pytest.mark.usefixtures("cluster")
@pytest.mark.parametrize(("service", "controller"), [
    pytest.param("blue-green", "CODE_DEPLOY", id="codedeploy"),
    pytest.param("custom", "EXTERNAL", id="external"),
])
def test_check_hooks_refuses_an_ecs_service_ecs_does_not_deploy(context: FakeLambdaContext, service: str,
                                                                  controller: str) -> None:
    # Given a restart service deployed by CodeDeploy or an external controller (a forced new deployment does not
    # redeploy it)
    request = {**REQUEST, "restart": ecs_restart("web", service)}
    # When / Then Check hooks refuses, naming the service and its controller
    with pytest.raises(HookFailed) as raised:
        check_hooks.handler(envelope(request), context)
    assert type(raised.value).__name__ == "HookFailed"
    assert f"restart: ECS service '{service}' is deployed by {controller}" in str(raised.value)


@pytest.mark.usefixtures("cluster")
def test_check_hooks_refuses_an_ecs_service_that_does_not_exist(context: FakeLambdaContext) -> None:
    # Given a restart naming a service the cluster does not have
    request = {**REQUEST, "restart": ecs_restart("web", "api")}
    # When / Then Check hooks refuses, naming it
    with pytest.raises(HookFailed, match="restart: ECS service 'api' does not exist in cluster 'demo'"):
        check_hooks.handler(envelope(request), context)


def test_check_hooks_refuses_an_ecs_service_that_was_deleted(context: FakeLambdaContext, stub: Stub) -> None:
    # Given the service was deleted: DescribeServices still reports it for a while, INACTIVE
    stub(check_hooks, "ecs").add_response("describe_services", {"services": [
        {"serviceName": "web", "status": "INACTIVE", "deploymentController": {"type": "ECS"}}], "failures": []},
        {"cluster": "demo", "services": ["web"]})
    # When / Then Check hooks refuses, as for a missing service
    with pytest.raises(HookFailed, match="'web' does not exist"):
        check_hooks.handler(envelope({**REQUEST, "restart": ecs_restart("web")}), context)


def test_check_hooks_accepts_an_ecs_service_given_by_arn(context: FakeLambdaContext, cluster: Any) -> None:
    # Given a restart naming its service by ARN (UpdateService accepts it, and the input model allows it)
    arn = cluster.describe_services(cluster="demo", services=["web"])["services"][0]["serviceArn"]
    # When / Then the service is found
    assert check_hooks.handler(envelope({**REQUEST, "restart": ecs_restart(arn)}), context) == {
        "restart": "1 ECS services"}


def test_check_hooks_describes_services_ten_at_a_time(context: FakeLambdaContext, stub: Stub) -> None:
    # Given a restart of eleven services (DescribeServices takes at most ten per call)
    names = [f"svc-{n:02d}" for n in range(11)]
    ecs = stub(check_hooks, "ecs")
    for chunk in (names[:10], names[10:]):
        ecs.add_response("describe_services", {"services": [
            {"serviceName": name, "status": "ACTIVE", "deploymentController": {"type": "ECS"}} for name in chunk],
            "failures": []}, {"cluster": "demo", "services": chunk})
    # When / Then every service is checked, in calls AWS accepts
    assert check_hooks.handler(envelope({**REQUEST, "restart": ecs_restart(*names)}), context) == {
        "restart": "11 ECS services"}


@pytest.mark.parametrize("field", ["restart", "before_swap"])
def test_check_hooks_refuses_ssm_targets_that_match_no_managed_node(context: FakeLambdaContext, stub: Stub,
                                                                    field: str) -> None:
    # Given an SSM command whose targets match no managed node
    nodes(stub(check_hooks, "ssm"), TARGETS)
    # When / Then Check hooks refuses, naming the hook and its targets
    with pytest.raises(HookFailed) as raised:
        check_hooks.handler(envelope({**REQUEST, field: SSM}), context)
    assert f"{field}: no SSM managed node matches the targets tag:app=demo,demo-worker" in str(raised.value)


def test_check_hooks_checks_the_before_swap_hook_after_an_accepted_restart(context: FakeLambdaContext,
                                                                           stub: Stub) -> None:
    # Given a restart whose targets match a node, and a before-swap command whose targets match none
    ssm = stub(check_hooks, "ssm")
    instance_targets = [{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0"]}]
    nodes(ssm, instance_targets, "i-0123456789abcdef0")
    nodes(ssm, TARGETS)
    request = {**REQUEST, "restart": {**SSM, "targets": instance_targets}, "before_swap": SSM}
    # When / Then the before-swap hook is refused
    with pytest.raises(HookFailed, match="before_swap: no SSM managed node"):
        check_hooks.handler(envelope(request), context)
