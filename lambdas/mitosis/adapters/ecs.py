"""ECS adapter: force new deployments and read their rollout state."""

from __future__ import annotations

from typing import Any

from mitosis.adapters.aws import aws_error_type, aws_errors, lazy_client

DESCRIBE_SERVICES_LIMIT = 10  # DescribeServices takes at most 10 services per call


class Ecs:
    def __init__(self, client: Any = None) -> None:
        self._client = (lambda: client) if client is not None else lazy_client("ecs")

    def force_new_deployment(self, cluster: str, service: str) -> str:
        """Start a new deployment of `service`; returns its id."""
        with aws_errors():
            response = self._client().update_service(cluster=cluster, service=service, forceNewDeployment=True)
        primary = next(d for d in response["service"]["deployments"] if d["status"] == "PRIMARY")
        return str(primary["id"])

    def _services(self, cluster: str, names: list[str]) -> list[dict[str, Any]]:
        described: list[dict[str, Any]] = []
        with aws_errors():
            for start in range(0, len(names), DESCRIBE_SERVICES_LIMIT):
                chunk = names[start:start + DESCRIBE_SERVICES_LIMIT]
                described += self._client().describe_services(cluster=cluster, services=chunk)["services"]
        return [s for s in described if s.get("status") != "INACTIVE"]

    @staticmethod
    def _find(described: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
        return next((s for s in described if name in (s.get("serviceName"), s.get("serviceArn"))), None)

    def deployment_controllers(self, cluster: str, services: list[str]) -> dict[str, str]:
        """Each existing service's deployment controller (`ECS`, `CODE_DEPLOY`, `EXTERNAL`), keyed as given."""
        described = self._services(cluster, services)
        found = {name: self._find(described, name) for name in services}
        return {name: str((service.get("deploymentController") or {}).get("type", "ECS"))
                for name, service in found.items() if service is not None}

    def rollout_states(self, cluster: str, deployments: dict[str, str]) -> dict[str, str]:
        """How each service's new deployment stands, keyed as given: `COMPLETED` once it is the only
        deployment left and runs as many tasks as desired, `FAILED` when ECS says so (a rollout state exists
        only for rolling updates not behind a Classic Load Balancer, and fails only with the deployment
        circuit breaker) or when the deployment is gone or replaced, `IN_PROGRESS` otherwise."""
        described = self._services(cluster, list(deployments))
        states = {}
        for name, wanted in deployments.items():
            service = self._find(described, name) or {}
            running = service.get("deployments", [])
            deployment = next((d for d in running if d["id"] == wanted), None)
            if deployment is None or deployment.get("status") not in ("PRIMARY", None):
                states[name] = "FAILED"
            elif deployment.get("rolloutState") == "FAILED":
                states[name] = "FAILED"
            elif len(running) == 1 and deployment.get("runningCount") == deployment.get("desiredCount") and \
                    not deployment.get("pendingCount"):
                states[name] = "COMPLETED"
            else:
                states[name] = "IN_PROGRESS"
        return states

    def run_task(self, cluster: str, task_definition: str, launch_type: str, container: str,
                 environment: dict[str, str], subnets: list[str], security_groups: list[str]) -> str:
        """Start one task with `environment` added to `container`; returns its ARN."""
        request: dict[str, Any] = {
            "cluster": cluster, "taskDefinition": task_definition, "launchType": launch_type, "count": 1,
            "overrides": {"containerOverrides": [{"name": container, "environment": [
                {"name": key, "value": value} for key, value in environment.items()]}]},
        }
        if subnets:
            request["networkConfiguration"] = {"awsvpcConfiguration": {
                "subnets": subnets, "securityGroups": security_groups, "assignPublicIp": "DISABLED"}}
        with aws_errors():
            response = self._client().run_task(**request)
        if not response.get("tasks"):
            reasons = [f.get("reason", "unknown") for f in response.get("failures", [])]
            raise aws_error_type("TaskNotStarted")(f"ECS did not start the task: {', '.join(reasons) or 'unknown'}")
        return str(response["tasks"][0]["taskArn"])

    def task_outcome(self, cluster: str, task_arn: str) -> str:
        """`InProgress` until the task stops, then `Success` if every container exited 0, else `Failed`."""
        with aws_errors():
            tasks = self._client().describe_tasks(cluster=cluster, tasks=[task_arn])["tasks"]
        if not tasks:
            return "Failed"
        task = tasks[0]
        if task.get("lastStatus") != "STOPPED":
            return "InProgress"
        exits = [c.get("exitCode") for c in task.get("containers", [])]
        return "Success" if exits and all(code == 0 for code in exits) else "Failed"
