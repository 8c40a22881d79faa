"""Simulated ECS rollouts and one-off tasks, on top of moto's ECS.

moto only changes the deployment id on UpdateService(forceNewDeployment=True) and leaves runningCount at 0;
here every service has a deployment history and DescribeServices/UpdateService responses show it:

- CreateService starts a deployment that completes after `ecs_deployment` seconds (world services are
  created at virtual time 0 with no latency: they are steady, runningCount == desiredCount).
- UpdateService with forceNewDeployment=True or a taskDefinition starts a new PRIMARY deployment:
  `IN_PROGRESS` for `ecs_deployment` seconds while the last completed deployment stays ACTIVE and serves,
  then `COMPLETED` (runningCount == desiredCount, the old deployment drained), or the `rolloutState` of an
  `ecs:deployment` fault whose `match` fits the UpdateService request (`FAILED`: no task of it runs, the old
  deployment keeps serving).
- RunTask: each task is RUNNING for `ecs_task` seconds, then STOPPED with every container's exitCode 0, or
  the `exitCode` of an `ecs:task` fault whose `match` fits the RunTask request (DescribeTasks shows it).

Deployment ids come from a counter, timestamps from the virtual clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from simulator.latency import Latency, to_datetime

Forward = Callable[[str, dict[str, Any]], dict[str, Any]]


@dataclass
class Deployment:
    deployment_id: str
    started: float
    ends: float
    outcome: str  # rolloutState once it ends: COMPLETED or FAILED

    def state(self, now: float) -> str:
        return "IN_PROGRESS" if now < self.ends else self.outcome


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
        self._deployments: dict[tuple[str, str], list[Deployment]] = {}  # (cluster, service) -> oldest first
        self._count = 0
        self._task_ends: dict[str, float] = {}  # taskArn -> when it stops
        self._task_exit: dict[str, int] = {}  # taskArn -> its containers' exit code

    def call(self, operation: str, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        response = forward(operation, params)
        if operation in ("CreateService", "UpdateService"):
            service = response["service"]
            if operation == "CreateService" or params.get("forceNewDeployment") or "taskDefinition" in params:
                failed = self._deployment_fault(params) if operation == "UpdateService" else None
                self._start(service, failed or "COMPLETED")
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

    def _start(self, service: Mapping[str, Any], outcome: str) -> None:
        self._count += 1
        now = self._now()
        key = (_name(service["clusterArn"]), service["serviceName"])
        deployment = Deployment(f"ecs-svc/{self._count:019d}", now, now + self._latency().ecs_deployment, outcome)
        self._deployments.setdefault(key, []).append(deployment)

    def _show(self, service: dict[str, Any]) -> None:
        history = self._deployments.get((_name(service["clusterArn"]), service["serviceName"]))
        if not history:
            return
        now, desired = self._now(), service["desiredCount"]
        newest = history[-1]
        serving = next((d for d in reversed(history[:-1]) if d.state(now) == "COMPLETED"), None)
        state = newest.state(now)
        if state == "COMPLETED":
            shown = [self._deployment(service, newest, "PRIMARY", now, running=desired)]
        else:
            shown = [self._deployment(service, newest, "PRIMARY", now, running=0)]
            if serving:
                shown.append(self._deployment(service, serving, "ACTIVE", now, running=desired))
        service["deployments"] = shown
        service["runningCount"] = desired if state == "COMPLETED" or serving else 0
        service["pendingCount"] = desired if state == "IN_PROGRESS" else 0

    def _deployment(
        self, service: Mapping[str, Any], d: Deployment, status: str, now: float, running: int
    ) -> dict[str, Any]:
        state, desired = d.state(now), service["desiredCount"]
        reasons = {
            "IN_PROGRESS": f"ECS deployment {d.deployment_id} in progress.",
            "COMPLETED": f"ECS deployment {d.deployment_id} completed.",
            "FAILED": "ECS deployment circuit breaker: tasks failed to start.",
        }
        return {
            "id": d.deployment_id,
            "status": status,
            "taskDefinition": service.get("taskDefinition"),
            "desiredCount": desired,
            "runningCount": running,
            "pendingCount": desired if state == "IN_PROGRESS" else 0,
            "failedTasks": desired if state == "FAILED" else 0,
            "createdAt": to_datetime(d.started),
            "updatedAt": to_datetime(min(now, d.ends)),
            "launchType": service.get("launchType"),
            "rolloutState": state,
            "rolloutStateReason": reasons[state],
        }

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
