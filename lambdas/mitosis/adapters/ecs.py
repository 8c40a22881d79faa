"""ECS adapter: force new deployments and read their rollout state."""

from __future__ import annotations

from typing import Any

from mitosis.adapters.aws import aws_errors, lazy_client

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

    def rollout_states(self, cluster: str, deployments: dict[str, str]) -> dict[str, str]:
        """Rollout state of each service's deployment (`IN_PROGRESS`, `COMPLETED`, `FAILED`), keyed as given
        (a service name or ARN). A service that is gone, or whose deployment was replaced, did not complete."""
        names = list(deployments)
        described: list[dict[str, Any]] = []
        with aws_errors():
            for start in range(0, len(names), DESCRIBE_SERVICES_LIMIT):
                chunk = names[start:start + DESCRIBE_SERVICES_LIMIT]
                described += self._client().describe_services(cluster=cluster, services=chunk)["services"]
        states = {}
        for name, wanted in deployments.items():
            service = next((s for s in described if name in (s.get("serviceName"), s.get("serviceArn"))), None)
            deployment = next((d for d in (service or {}).get("deployments", []) if d["id"] == wanted), None)
            states[name] = deployment.get("rolloutState", "IN_PROGRESS") if deployment else "FAILED"
        return states
