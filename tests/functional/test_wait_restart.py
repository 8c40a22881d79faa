"""Restart done?: every ECS service runs only its new deployment's tasks, as many as desired, or every SSM
invocation succeeded, within the hook's timeout. A failure fails at once, saying how to finish by hand."""

from __future__ import annotations

from typing import Any

import pytest
from mitosis.errors import MitosisError, NotReady, RestartFailed, TransientAwsError
from mitosis.handlers import restart, wait_restart

from tests.functional.conftest import (
    COMMAND_ID,
    SSM_TARGETS,
    FakeLambdaContext,
    Json,
    Stub,
    deployment,
    ecs_services,
    envelope,
    hook_check,
    ssm_progress,
)

ECS_RUN = {"type": "ecs", "cluster": "demo", "deployments": {"web": "ecs-svc/1", "worker": "ecs-svc/2"},
           "timeout_s": 1800}
SSM_RUN = {"type": "ssm", "command_id": COMMAND_ID, "targets": SSM_TARGETS, "timeout_s": 1800}
HOW_TO_FINISH = "restart the application by hand"


@pytest.fixture
def services(ecs_client: Any) -> Any:
    """Cluster `demo` with a service `web` (moto leaves a deployment's tasks pending)."""
    ecs_client.create_cluster(clusterName="demo")
    ecs_client.register_task_definition(family="app", containerDefinitions=[
        {"name": "app", "image": "nginx", "memory": 128}])
    ecs_client.create_service(cluster="demo", serviceName="web", taskDefinition="app", desiredCount=1)
    return ecs_client


def start(context: FakeLambdaContext, *services: str) -> Json:
    """A restart as Restart application starts it."""
    return dict(restart.handler(envelope({"hook": {"type": "ecs", "cluster": "demo", "services": list(services)}}),
                                context))


@pytest.mark.usefixtures("services")
def test_wait_restart_is_not_ready_while_ecs_rolls_out(context: FakeLambdaContext) -> None:
    # Given a restart just started (moto leaves its tasks pending)
    run = start(context, "web")
    # When / Then the check asks to be retried
    with pytest.raises(NotReady, match="IN_PROGRESS"):
        wait_restart.handler(envelope(hook_check(run)), context)


@pytest.mark.usefixtures("services")
def test_wait_restart_fails_when_the_deployment_was_replaced(context: FakeLambdaContext) -> None:
    # Given a restart, then another deployment of the same service replaced it
    run = start(context, "web")
    start(context, "web")
    # When / Then the restart this execution started never completes: it fails
    with pytest.raises(RestartFailed):
        wait_restart.handler(envelope(hook_check(run)), context)


def test_wait_restart_follows_services_given_by_arn(context: FakeLambdaContext, services: Any) -> None:
    # Given a restart naming its service by ARN (UpdateService accepts it, and the input model allows it)
    arn = services.describe_services(cluster="demo", services=["web"])["services"][0]["serviceArn"]
    run = start(context, arn)
    # When / Then the check reports the rollout in progress (moto's state), as for a service named by name
    with pytest.raises(NotReady, match="IN_PROGRESS"):
        wait_restart.handler(envelope(hook_check(run)), context)


@pytest.mark.parametrize(("web", "worker"), [
    pytest.param([deployment("ecs-svc/1", rollout="COMPLETED")], [deployment("ecs-svc/2", rollout="COMPLETED")],
                 id="rollouts-completed"),
    pytest.param([deployment("ecs-svc/1")], [deployment("ecs-svc/2", running=0, desired=0)],
                 id="no-rollout-state"),
])
def test_wait_restart_ecs_is_done_once_only_the_new_deployment_runs_as_desired(
        context: FakeLambdaContext, stub: Stub, web: list[Json], worker: list[Json]) -> None:
    # Given each service runs only the restart's deployment, as many tasks as desired (with or without a rollout
    # state: ECS reports none for a service behind a Classic Load Balancer)
    stub(wait_restart, "ecs").add_response("describe_services", ecs_services(("web", web), ("worker", worker)),
                                           {"cluster": "demo", "services": ["web", "worker"]})
    # When / Then the restart is done
    assert wait_restart.handler(envelope(hook_check(ECS_RUN)), context) == {"web": "COMPLETED",
                                                                            "worker": "COMPLETED"}


@pytest.mark.parametrize("worker", [
    pytest.param([deployment("ecs-svc/2", rollout="COMPLETED"), deployment("ecs-svc/0", "ACTIVE", running=1)],
                 id="old-deployment-still-running"),
    pytest.param([deployment("ecs-svc/2"), deployment("ecs-svc/0", "ACTIVE", running=1)],
                 id="old-deployment-still-running-no-rollout-state"),
    pytest.param([deployment("ecs-svc/2", running=1, rollout="IN_PROGRESS")], id="tasks-starting"),
    pytest.param([deployment("ecs-svc/2", running=1)], id="tasks-starting-no-rollout-state"),
    pytest.param([deployment("ecs-svc/2", pending=1)], id="task-pending"),
])
def test_wait_restart_ecs_is_not_ready_while_a_service_is_still_rolling_out(context: FakeLambdaContext, stub: Stub,
                                                                           worker: list[Json]) -> None:
    # Given web is done, but worker still runs old tasks, or fewer new ones than desired
    stub(wait_restart, "ecs").add_response("describe_services", ecs_services(
        ("web", [deployment("ecs-svc/1", rollout="COMPLETED")]), ("worker", worker)))
    # When / Then the check asks to be retried
    with pytest.raises(NotReady, match="'worker': 'IN_PROGRESS'"):
        wait_restart.handler(envelope(hook_check(ECS_RUN)), context)


@pytest.mark.parametrize(("web", "worker", "missing"), [
    pytest.param([deployment("ecs-svc/1", rollout="FAILED")], [deployment("ecs-svc/2", rollout="FAILED")], (),
                 id="failed"),
    pytest.param([deployment("ecs-svc/1", running=1, rollout="IN_PROGRESS")],
                 [deployment("ecs-svc/2", running=0, rollout="FAILED")], (), id="one-failed"),
    pytest.param([deployment("ecs-svc/1", rollout="COMPLETED")],
                 [deployment("ecs-svc/3"), deployment("ecs-svc/2", "ACTIVE")], (), id="replaced"),
    pytest.param([deployment("ecs-svc/1", rollout="COMPLETED")], None, ("worker",), id="service-deleted"),
])
def test_wait_restart_ecs_fails_as_soon_as_a_service_cannot_complete(context: FakeLambdaContext, stub: Stub,
                                                                     web: list[Json], worker: list[Json] | None,
                                                                     missing: tuple[str, ...]) -> None:
    # Given a rollout failed (the deployment circuit breaker), was replaced by another deployment, or its service
    # was deleted since the restart
    services = [("web", web)] + ([("worker", worker)] if worker is not None else [])
    stub(wait_restart, "ecs").add_response("describe_services", ecs_services(*services, missing=missing))
    # When / Then the restart fails at once, saying how to finish by hand
    with pytest.raises(RestartFailed, match=HOW_TO_FINISH) as raised:
        wait_restart.handler(envelope(hook_check(ECS_RUN)), context)
    assert type(raised.value).__name__ == "RestartFailed"
    assert "'worker': 'FAILED'" in str(raised.value)


@pytest.mark.parametrize(("statuses", "outcome"), [
    pytest.param(("Success", "Success"), None, id="success"),
    pytest.param(("Success", "InProgress"), NotReady, id="in-progress"),
    pytest.param(("Pending",), NotReady, id="pending"),
    pytest.param(("Delayed", "Success"), NotReady, id="delayed"),
    pytest.param(("Success", "Failed"), RestartFailed, id="failed"),
    pytest.param(("TimedOut",), RestartFailed, id="timed-out"),
    pytest.param(("InProgress", "Cancelled"), RestartFailed, id="cancelled"),
])
def test_wait_restart_ssm(context: FakeLambdaContext, stub: Stub, statuses: tuple[str, ...],
                          outcome: type[MitosisError] | None) -> None:
    # Given the invocations of the command are in the given statuses
    ssm_progress(stub(wait_restart, "ssm"), statuses)
    # When Restart done? runs
    if outcome is None:
        # Then it returns once the command succeeded everywhere
        assert wait_restart.handler(envelope(hook_check(SSM_RUN)), context) == {
            f"i-{n:017x}": "Success" for n in range(len(statuses))}
    else:
        # Then it asks to be retried, or fails as soon as one invocation failed
        with pytest.raises(outcome) as raised:
            wait_restart.handler(envelope(hook_check(SSM_RUN)), context)
        assert type(raised.value).__name__ == outcome.__name__


def test_wait_restart_ssm_is_not_ready_while_the_command_reaches_its_targets(context: FakeLambdaContext,
                                                                             stub: Stub) -> None:
    # Given the command has no invocation yet, and is still running (SSM resolves targets after SendCommand)
    ssm_progress(stub(wait_restart, "ssm"), (), command_status="InProgress")
    # When / Then the check asks to be retried
    with pytest.raises(NotReady, match="not started yet"):
        wait_restart.handler(envelope(hook_check(SSM_RUN)), context)


@pytest.mark.parametrize("command_status", ["Success", "Failed", "Cancelled", "TimedOut"])
def test_wait_restart_ssm_fails_at_once_when_the_command_ended_without_reaching_a_node(
        context: FakeLambdaContext, stub: Stub, command_status: str) -> None:
    # Given the command ended without any invocation: its targets matched no managed node
    ssm_progress(stub(wait_restart, "ssm"), (), command_status=command_status)
    # When / Then the restart fails at the first check (not at the timeout), naming the targets
    with pytest.raises(RestartFailed) as raised:
        wait_restart.handler(envelope(hook_check(SSM_RUN)), context)
    assert "no SSM managed node matches the targets tag:app=demo" in str(raised.value)
    assert HOW_TO_FINISH in str(raised.value)


@pytest.mark.parametrize(("retry_count", "outcome"), [
    pytest.param(58, NotReady, id="within-timeout"),
    pytest.param(59, RestartFailed, id="timed-out"),
])
def test_wait_restart_fails_once_the_hook_runs_longer_than_its_timeout(context: FakeLambdaContext, stub: Stub,
                                                                       retry_count: int,
                                                                       outcome: type[MitosisError]) -> None:
    # Given invocations still running after 30 s + `retry_count` checks 30 s apart (the timeout is 1800 s)
    ssm_progress(stub(wait_restart, "ssm"), ("InProgress",))
    # When / Then the check waits until the hook's timeout, then fails
    with pytest.raises(outcome) as raised:
        wait_restart.handler(envelope(hook_check(SSM_RUN, retry_count=retry_count)), context)
    if outcome is RestartFailed:
        assert "did not finish within 1800 s" in str(raised.value)


def test_wait_restart_throttled_surfaces_as_a_transient_error(context: FakeLambdaContext, stub: Stub) -> None:
    # Given AWS throttles the invocations' listing
    stub(wait_restart, "ssm").add_client_error("list_command_invocations", service_error_code="ThrottlingException",
                                               http_status_code=400)
    # When / Then the error type is the one Step Functions retries
    with pytest.raises(TransientAwsError) as raised:
        wait_restart.handler(envelope(hook_check(SSM_RUN)), context)
    assert type(raised.value).__name__ == "TransientAwsError"
