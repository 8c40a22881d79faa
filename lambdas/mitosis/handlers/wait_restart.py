"""Wait for restart: every ECS rollout completed, or every SSM invocation succeeded, within the timeout."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from mitosis.errors import NotReady, RestartFailed
from mitosis.handlers import hooks
from mitosis.models import HookCheck
from mitosis.status import Readiness, restart_readiness

logger = Logger(service="mitosis")

HOW_TO_FINISH = ("The new data is in place and the old- tree is kept: restart the application by hand, then run "
                 "the refresh again to delete the old- instances (or set on_restart_failure to rollback).")


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    check = HookCheck.model_validate(event)
    statuses = hooks.outcomes(check.run)
    state = restart_readiness(list(statuses.values()))
    if state is Readiness.STUCK:
        raise RestartFailed(f"The restart did not succeed: {statuses}. {HOW_TO_FINISH}")
    if state is Readiness.WAIT:
        if check.waited_s >= check.run.timeout_s:
            raise RestartFailed(f"The restart did not finish within {check.run.timeout_s} s: {statuses}. "
                                f"{HOW_TO_FINISH}")
        raise NotReady(f"Restart in progress: {statuses or 'no invocation yet'}")
    return {"restarted": statuses}
