"""The simulated ECS: rolling deployments as DescribeServices shows them, the circuit breaker, deployment
controllers, Classic Load Balancers, and one-off tasks.

Sources: the botocore ecs service model (cited "botocore ecs service model, Shape.member") and its waiter model
(ServicesStable).
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from simulator.latency import Latency

L = Latency()
D = L.ecs_deployment


def service(aws: Any, name: str = "web") -> dict[str, Any]:
    [described] = aws("ecs").describe_services(cluster="demo", services=[name])["services"]
    return described


def deployments(aws: Any, name: str = "web") -> list[tuple[Any, ...]]:
    return [(d["status"], d.get("rolloutState"), d["runningCount"], d["pendingCount"])
            for d in service(aws, name)["deployments"]]


def force(aws: Any, name: str = "web") -> dict[str, Any]:
    return aws("ecs").update_service(cluster="demo", service=name, forceNewDeployment=True)["service"]


def steady(described: dict[str, Any]) -> bool:
    """botocore ecs waiter model, ServicesStable: length(deployments) == 1 && runningCount == desiredCount."""
    return len(described["deployments"]) == 1 and described["runningCount"] == described["desiredCount"]


def with_service(world: dict[str, Any], **settings: Any) -> dict[str, Any]:
    world["ecs"]["clusters"][0]["services"][0].update(settings)
    return world


def test_world_services_are_steady(sim, aws):
    described = service(aws)
    assert (described["runningCount"], described["pendingCount"]) == (2, 0)
    assert deployments(aws) == [("PRIMARY", "COMPLETED", 2, 0)]
    assert described["deploymentController"] == {"type": "ECS"}
    assert steady(described)


def test_a_forced_deployment_rolls_out_over_ecs_deployment_seconds(sim, aws, clock):
    """botocore ecs service model, Deployment.status: "PRIMARY The most recent deployment of a service. ACTIVE A
    service deployment that still has running tasks, but are in the process of being replaced with a new PRIMARY
    deployment."; rolloutState: "When a service deployment is started, it begins in an IN_PROGRESS state. When
    the service reaches a steady state, the deployment transitions to a COMPLETED state." How the counts move
    over the rollout (linearly, over ecs_deployment seconds) is the simulator's."""
    before = service(aws)["deployments"][0]["id"]
    started = force(aws)["deployments"]
    assert [(d["status"], d["rolloutState"]) for d in started] == [("PRIMARY", "IN_PROGRESS"), ("ACTIVE", "COMPLETED")]
    assert started[0]["id"] != before and started[1]["id"] == before
    assert deployments(aws) == [("PRIMARY", "IN_PROGRESS", 0, 2), ("ACTIVE", "COMPLETED", 2, 0)]
    clock.t = D / 2
    assert deployments(aws) == [("PRIMARY", "IN_PROGRESS", 1, 1), ("ACTIVE", "COMPLETED", 1, 0)]
    assert not steady(service(aws))
    clock.t = D
    assert deployments(aws) == [("PRIMARY", "COMPLETED", 2, 0)]
    assert service(aws)["deployments"][0]["id"] == started[0]["id"]
    assert steady(service(aws))


def test_without_the_circuit_breaker_a_failing_deployment_stays_in_progress(make_sim, aws, clock):
    """botocore ecs service model, Deployment.rolloutState: "If the service fails to reach a steady state and
    circuit breaker is turned on, the deployment transitions to a FAILED state." Without it nothing fails the
    deployment: its tasks keep failing (failedTasks, "The number of consecutively failed tasks in the
    deployment") and the old deployment keeps serving."""
    make_sim(faults=[{"operation": "ecs:deployment", "rolloutState": "FAILED"}])
    force(aws)
    for t in (D, 10 * D):
        clock.t = t
        assert deployments(aws) == [("PRIMARY", "IN_PROGRESS", 0, 2), ("ACTIVE", "COMPLETED", 2, 0)]
    failed_tasks = service(aws)["deployments"][0]["failedTasks"]
    clock.t = 20 * D
    assert service(aws)["deployments"][0]["failedTasks"] > failed_tasks > 0
    assert not steady(service(aws))


def test_with_the_circuit_breaker_a_failing_deployment_fails_and_ecs_rolls_back(make_sim, aws, clock, world):
    """botocore ecs service model, DeploymentCircuitBreaker: "If it is turned on, a service deployment will
    transition to a failed state and stop launching new tasks."; rollback: "If rollback is on, when a service
    deployment fails, the service is rolled back to the last deployment that completed successfully." When the
    breaker trips (after ecs_deployment seconds) and how long the failed deployment stays listed (until the
    rollback completes) are the simulator's assumptions."""
    failing_rollouts = [{"operation": "ecs:deployment", "rolloutState": "FAILED"}]
    make_sim(with_service(world, circuitBreaker=True), faults=failing_rollouts)
    old = service(aws)["deployments"][0]
    failing = force(aws)["deployments"][0]
    clock.t = D - 1
    assert deployments(aws) == [("PRIMARY", "IN_PROGRESS", 0, 2), ("ACTIVE", "COMPLETED", 2, 0)]
    clock.t = D
    shown = service(aws)["deployments"]
    assert [(d["status"], d["rolloutState"]) for d in shown] == [
        ("PRIMARY", "IN_PROGRESS"), ("ACTIVE", "FAILED"), ("ACTIVE", "COMPLETED")]
    assert shown[1]["id"] == failing["id"]
    assert shown[1]["rolloutStateReason"] == "ECS deployment circuit breaker: tasks failed to start."
    assert shown[0]["taskDefinition"] == old["taskDefinition"]
    assert service(aws)["deploymentConfiguration"]["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    clock.t = 2 * D
    assert deployments(aws) == [("PRIMARY", "COMPLETED", 2, 0)]


def test_behind_a_classic_load_balancer_no_rollout_state_is_returned(make_sim, aws, world, clock):
    """botocore ecs service model, Deployment.rolloutState: "The rolloutState of a service is only returned for
    services that use the rolling update (ECS) deployment type that aren't behind a Classic Load Balancer." """
    make_sim(with_service(world, classicLoadBalancer=True))
    force(aws)
    assert deployments(aws) == [("PRIMARY", None, 0, 2), ("ACTIVE", None, 2, 0)]
    clock.t = D
    assert steady(service(aws))


@pytest.mark.parametrize("controller", ["CODE_DEPLOY", "EXTERNAL"])
def test_code_deploy_and_external_services_have_no_ecs_deployments(make_sim, aws, world, controller):
    """botocore ecs service model, Deployment: "This is used only when a service uses the ECS deployment
    controller type."; Service.deploymentController: "The deployment controller type the service is using."
    UpdateService: for these controllers only the desired count, deployment configuration, placement, tags...
    "can be updated using this API" — a task definition is refused (code undocumented: InvalidParameterException).
    Whether forceNewDeployment does anything is undocumented: the simulator accepts it and starts nothing."""
    make_sim(with_service(world, deploymentController=controller))
    described = service(aws)
    assert (described["deploymentController"], described["deployments"], described["runningCount"]) == (
        {"type": controller}, [], 2)
    assert force(aws)["deployments"] == []
    with pytest.raises(ClientError) as excinfo:
        aws("ecs").update_service(cluster="demo", service="web", taskDefinition="simulated-app")
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterException"


def test_run_task_runs_then_stops_with_exit_code_zero(sim, aws, clock):
    """botocore ecs waiter model, TasksStopped: lastStatus STOPPED; the task runs ecs_task seconds."""
    ecs = aws("ecs")
    [task] = ecs.run_task(
        cluster="demo",
        taskDefinition="simulated-app",
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-1"]}},
    )["tasks"]
    assert task["lastStatus"] == "RUNNING"
    clock.t = L.ecs_task
    [stopped] = ecs.describe_tasks(cluster="demo", tasks=[task["taskArn"]])["tasks"]
    assert (stopped["lastStatus"], stopped["stopCode"]) == ("STOPPED", "EssentialContainerExited")
    assert [c["exitCode"] for c in stopped["containers"]] == [0]
