"""ECS adapter: force new deployments and read their rollout state."""

from __future__ import annotations

from typing import Any

from mitosis.adapters.aws import aws_errors, lazy_client


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
        """Rollout state of each service's deployment (`IN_PROGRESS`, `COMPLETED`, `FAILED`), by service."""
        with aws_errors():
            services = self._client().describe_services(cluster=cluster, services=list(deployments))["services"]
        states = {}
        for service in services:
            wanted = deployments[service["serviceName"]]
            deployment = next((d for d in service["deployments"] if d["id"] == wanted), None)
            # A deployment that is no longer listed was replaced by a newer one: it did not complete.
            states[service["serviceName"]] = deployment.get("rolloutState", "IN_PROGRESS") if deployment else "FAILED"
        return states
