"""Simulated ECS rollouts and one-off tasks, on top of moto's ECS.

moto only changes the deployment id on UpdateService(forceNewDeployment=True), leaves runningCount at 0 and
drops deploymentConfiguration; here every service has a deployment history and DescribeServices/UpdateService
responses show it as ECS does (botocore ecs service model, Deployment):

- A service's deployment controller is the CreateService's `deploymentController` (ECS, CODE_DEPLOY or
  EXTERNAL); it is behind a Classic Load Balancer when a `loadBalancers` entry names a `loadBalancerName`; its
  circuit breaker is `deploymentConfiguration.deploymentCircuitBreaker` (shown again in DescribeServices).
- ECS controller: CreateService, and UpdateService with forceNewDeployment=True or a taskDefinition, start a new
  PRIMARY deployment; the last completed one stays ACTIVE while it drains. Over `ecs_deployment` seconds the new
  deployment's runningCount rises to desiredCount (pendingCount the rest) while the old one's falls; at the end
  only the new deployment remains, runningCount == desiredCount, rolloutState COMPLETED. World services are
  created at virtual time 0 with no latency: they are steady.
- An `ecs:deployment` fault (rolloutState FAILED) whose `match` fits the UpdateService request: the new
  deployment's tasks keep failing (runningCount 0, failedTasks grows) and the old deployment keeps serving.
  Without the circuit breaker that lasts forever, rolloutState IN_PROGRESS. With it, after `ecs_deployment`
  seconds the deployment is FAILED and ECS rolls back: a new PRIMARY deployment of the last completed one's task
  definition rolls out like any other, the failed deployment listed ACTIVE (FAILED, no task) until it ends.
- rolloutState and rolloutStateReason are returned only for the ECS controller without a Classic Load Balancer:
  "The rolloutState of a service is only returned for services that use the rolling update (ECS) deployment type
  that aren't behind a Classic Load Balancer." (botocore ecs service model, Deployment.rolloutState)
- CODE_DEPLOY and EXTERNAL controllers: no `deployments` (the Deployment shape "is used only when a service uses
  the ECS deployment controller type"); forceNewDeployment is accepted and starts nothing (undocumented; the
  simulator's assumption); a taskDefinition is refused (UpdateService: for these controllers only the listed
  settings "can be updated using this API").
- RunTask: each task is RUNNING for `ecs_task` seconds, then STOPPED with every container's exitCode 0, or the
  `exitCode` of an `ecs:task` fault whose `match` fits the RunTask request (DescribeTasks shows it).

Deployment ids come from a counter, timestamps from the virtual clock.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from simulator.faults import AwsError
from simulator.latency import Latency, to_datetime

Forward = Callable[[str, dict[str, Any]], dict[str, Any]]
REASONS = {
    "IN_PROGRESS": "ECS deployment {id} in progress.",
    "COMPLETED": "ECS deployment {id} completed.",
    "FAILED": "ECS deployment circuit breaker: tasks failed to start.",
}


@dataclass
class Deployment:
    deployment_id: str
    task_definition: str | None
    started: float
    ends: float
    fails: bool = False  # its tasks never start (an ecs:deployment fault)
    rolled_back: bool = False  # FAILED by the circuit breaker, a rollback deployment started

    def progress(self, now: float, desired: int) -> int:
        """Tasks of it running at `now` on its way to `desired`."""
        if self.fails:
            return 0
        if now >= self.ends:
            return desired
        return min(desired, math.floor(desired * (now - self.started) / (self.ends - self.started)))


@dataclass
class Service:
    controller: str
    classic_load_balancer: bool
    circuit_breaker: bool
    history: list[Deployment] = field(default_factory=list)  # oldest first


def _name(name_or_arn: str) -> str:
    return name_or_arn.split("/")[-1]


class EcsSimulator:
    def __init__(
        self,
        now: Callable[[], float],
        latency: Callable[[], Latency],
        deployment_fault: Callable[[Mapping[str, Any]], str | None],
        task_fault: Callable[[Mapping[str, Any]], str | None] = lambda params: None,
    ) -> None:
        self._now = now
        self._latency = latency
        self._deployment_fault = deployment_fault
        self._task_fault = task_fault
        self._services: dict[tuple[str, str], Service] = {}  # (cluster, service)
        self._count = 0
        self._task_ends: dict[str, float] = {}  # taskArn -> when it stops
        self._task_exit: dict[str, int] = {}  # taskArn -> its containers' exit code

    def call(self, operation: str, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        if operation == "UpdateService":
            self._check_update(params)
        response = forward(operation, params)
        if operation == "CreateService":
            service = response["service"]
            self._create(service, params)
            self._show(service)
        elif operation == "UpdateService":
            service = response["service"]
            setup = self._services.get(self._key(service))
            breaker = params.get("deploymentConfiguration", {}).get("deploymentCircuitBreaker")
            if setup is not None and breaker is not None:
                setup.circuit_breaker = bool(breaker.get("enable"))
            if setup is not None and setup.controller == "ECS" and (
                params.get("forceNewDeployment") or "taskDefinition" in params
            ):
                failed = self._deployment_fault(params)
                self._start(setup, service.get("taskDefinition"), fails=failed == "FAILED")
            self._show(service)
        elif operation == "DescribeServices":
            for service in response["services"]:
                self._show(service)
        elif operation == "RunTask":
            exit_code = int(self._task_fault(params) or 0)
            for task in response["tasks"]:
                self._task_ends[task["taskArn"]] = self._now() + self._latency().ecs_task
                self._task_exit[task["taskArn"]] = exit_code
                self._show_task(task)
        elif operation == "DescribeTasks":
            for task in response["tasks"]:
                self._show_task(task)
        return response

    @staticmethod
    def _key(service: Mapping[str, Any]) -> tuple[str, str]:
        return _name(service["clusterArn"]), service["serviceName"]

    def _check_update(self, params: Mapping[str, Any]) -> None:
        setup = self._services.get((_name(params.get("cluster", "default")), _name(params["service"])))
        if setup is not None and setup.controller != "ECS" and "taskDefinition" in params:
            raise AwsError(
                "InvalidParameterException",
                f"Unable to update the task definition of a service with a {setup.controller} deployment "
                "controller: use a new CodeDeploy deployment or task set.",
            )

    def _create(self, service: Mapping[str, Any], params: Mapping[str, Any]) -> None:
        breaker = params.get("deploymentConfiguration", {}).get("deploymentCircuitBreaker", {})
        setup = Service(
            controller=params.get("deploymentController", {}).get("type", "ECS"),
            classic_load_balancer=any("loadBalancerName" in lb for lb in params.get("loadBalancers", [])),
            circuit_breaker=bool(breaker.get("enable")),
        )
        self._services[self._key(service)] = setup
        if setup.controller == "ECS":
            self._start(setup, service.get("taskDefinition"))

    def _start(self, setup: Service, task_definition: str | None, fails: bool = False, at: float | None = None) -> None:
        self._count += 1
        now = self._now() if at is None else at
        setup.history.append(
            Deployment(f"ecs-svc/{self._count:019d}", task_definition, now, now + self._latency().ecs_deployment, fails)
        )

    def _roll_back(self, setup: Service, now: float) -> None:
        """The circuit breaker fails a deployment whose tasks never ran once its rollout time is over; with
        rollback on (botocore ecs service model, DeploymentCircuitBreaker.rollback: "the service is rolled back
        to the last deployment that completed successfully") a deployment of that one's task definition starts."""
        newest = setup.history[-1]
        if setup.circuit_breaker and newest.fails and not newest.rolled_back and now >= newest.ends:
            newest.rolled_back = True
            serving = self._serving(setup, newest)
            self._start(setup, serving.task_definition if serving else newest.task_definition, at=newest.ends)

    @staticmethod
    def _serving(setup: Service, before: Deployment) -> Deployment | None:
        """The last deployment before `before` that completed."""
        earlier = setup.history[: setup.history.index(before)]
        return next((d for d in reversed(earlier) if not d.fails), None)

    def _show(self, service: dict[str, Any]) -> None:
        setup = self._services.get(self._key(service))
        if setup is None:
            return
        now, desired = self._now(), service["desiredCount"]
        service["deploymentController"] = {"type": setup.controller}
        if setup.controller != "ECS":
            service.update(deployments=[], runningCount=desired, pendingCount=0)
            return
        service["deploymentConfiguration"] = {
            "deploymentCircuitBreaker": {"enable": setup.circuit_breaker, "rollback": setup.circuit_breaker},
            "maximumPercent": 200,
            "minimumHealthyPercent": 100,
        }
        self._roll_back(setup, now)
        newest = setup.history[-1]
        shown = []
        running = newest.progress(now, desired)
        shown.append(self._deployment(setup, service, newest, "PRIMARY", now, running))
        if now < newest.ends or newest.fails:
            failed = setup.history[-2] if len(setup.history) > 1 and setup.history[-2].rolled_back else None
            if failed is not None and now < newest.ends:
                shown.append(self._deployment(setup, service, failed, "ACTIVE", now, 0))
            serving = self._serving(setup, failed or newest)
            if serving is not None and desired - running > 0:
                shown.append(self._deployment(setup, service, serving, "ACTIVE", now, desired - running,
                                              serving=True))
        service["deployments"] = shown
        service["runningCount"] = sum(d["runningCount"] for d in shown)
        service["pendingCount"] = sum(d["pendingCount"] for d in shown)

    def _deployment(
        self, setup: Service, service: Mapping[str, Any], d: Deployment, status: str, now: float, running: int,
        serving: bool = False,
    ) -> dict[str, Any]:
        desired = service["desiredCount"]
        if serving:
            state, pending, failed_tasks = "COMPLETED", 0, 0
        elif d.rolled_back:
            state, pending, failed_tasks = "FAILED", 0, desired
        elif d.fails:
            state, pending = "IN_PROGRESS", desired
            failed_tasks = math.floor(desired * (now - d.started) / max(d.ends - d.started, 1))
        else:
            state = "COMPLETED" if now >= d.ends else "IN_PROGRESS"
            pending, failed_tasks = desired - running, 0
        shown = {
            "id": d.deployment_id,
            "status": status,
            "taskDefinition": d.task_definition,
            "desiredCount": desired if status == "PRIMARY" else running,
            "runningCount": running,
            "pendingCount": pending,
            "failedTasks": failed_tasks,
            "createdAt": to_datetime(d.started),
            "updatedAt": to_datetime(min(now, d.ends) if not d.fails or d.rolled_back else now),
            "launchType": service.get("launchType"),
        }
        if setup.controller == "ECS" and not setup.classic_load_balancer:
            shown["rolloutState"] = state
            shown["rolloutStateReason"] = REASONS[state].format(id=d.deployment_id)
        return shown

    def _show_task(self, task: dict[str, Any]) -> None:
        ends = self._task_ends.get(task["taskArn"])
        if ends is None:
            return
        if self._now() < ends:
            status = "RUNNING"
            containers = [{**c, "lastStatus": status} for c in task.get("containers", [])]
            for container in containers:
                container.pop("exitCode", None)
        else:
            status = "STOPPED"
            exit_code = self._task_exit.get(task["taskArn"], 0)
            containers = [{**c, "lastStatus": status, "exitCode": exit_code} for c in task.get("containers", [])]
            task.update(
                stopCode="EssentialContainerExited",
                stoppedReason="Essential container in task exited",
                stoppedAt=to_datetime(ends),
            )
        task.update(lastStatus=status, desiredStatus=status, containers=containers)
