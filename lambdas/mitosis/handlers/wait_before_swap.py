"""Before-swap hook done?: every part of the hook ended in success, within its timeout. A failure stops the
refresh before the swap: the target is untouched."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from mitosis.errors import HookFailed, NotReady
from mitosis.handlers import hooks
from mitosis.models import HookCheck
from mitosis.status import Readiness, restart_readiness

logger = Logger(service="mitosis")

UNTOUCHED = "The target was not touched; the copies are kept, and a new run reuses them."


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    check = HookCheck.model_validate(event)
    statuses = hooks.outcomes(check.run)
    state = restart_readiness(list(statuses.values()))
    if state is Readiness.STUCK:
        raise HookFailed(f"The before-swap hook did not succeed: {statuses}. {UNTOUCHED}")
    if state is Readiness.WAIT:
        if check.waited_s >= check.run.timeout_s:
            raise HookFailed(f"The before-swap hook did not finish within {check.run.timeout_s} s. {UNTOUCHED}")
        raise NotReady(f"Before-swap hook in progress: {statuses or 'not started yet'}")
    return {"before_swap": statuses}
