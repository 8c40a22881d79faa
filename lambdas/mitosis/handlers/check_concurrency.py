"""Check no other refresh: one refresh per target at a time, refused before any change."""

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from mitosis.adapters.sfn import StepFunctions
from mitosis.errors import RefreshAlreadyRunning
from mitosis.models import Refresh

logger = Logger(service="mitosis")
sfn = StepFunctions()


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    refresh = Refresh.model_validate(event)
    run, target = refresh.run, refresh.request.target
    rivals = [e for e in sfn.running_executions(run.state_machine)
              if e["name"] != run.name and isinstance(e["input"], dict) and
              str(e["input"].get("target", "")).lower() == target]
    # Of two executions started together, the earlier one (then the smaller name) goes on.
    mine = (_started(run.started), run.name)
    earlier = sorted((_started(e["startDate"]), e["name"]) for e in rivals)
    if earlier and earlier[0] < mine:
        raise RefreshAlreadyRunning(f"Execution '{earlier[0][1]}' is already refreshing '{target}': this one stops "
                                    "before changing anything. Wait for it to end, or stop it first.")
    return {"target": target, "running": False}


def _started(value: Any) -> datetime:
    """A comparable start time: the context object gives ISO 8601 text, DescribeExecution a datetime."""
    started = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return started if started.tzinfo else started.replace(tzinfo=UTC)
