"""Wait for restart: every ECS rollout completed, or every SSM invocation succeeded, within the timeout."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from mitosis.errors import RestartFailed
from mitosis.handlers import hooks
from mitosis.models import HookCheck

logger = Logger(service="mitosis")

HOW_TO_FINISH = ("The new data is in place and the old- tree is kept: restart the application by hand, then run "
                 "the refresh again to delete the old- instances (or set on_restart_failure to rollback).")


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    statuses = hooks.settle(HookCheck.model_validate(event), RestartFailed, "The restart", HOW_TO_FINISH)
    return {"restarted": statuses}
