"""Plan: turn the replication graph into the refresh plan, or refuse it before anything is changed."""

import json
import os
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from mitosis.models import Refresh
from mitosis.planner import plan_refresh

logger = Logger(service="mitosis")


def declared_jobs() -> list[tuple[str, str]]:
    """The (source, target) refresh jobs of this deployment. None declared means every refresh is refused."""
    return [(job["source"], job["target"]) for job in json.loads(os.environ.get("REFRESH_JOBS", "[]"))]


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    refresh = Refresh.model_validate(event)
    plan = plan_refresh(refresh.graph, refresh.request, refresh.run, declared_jobs())
    logger.info("Planned the refresh", extra={"operations": len(plan.flight_plan)})
    return plan.model_dump(mode="json")
