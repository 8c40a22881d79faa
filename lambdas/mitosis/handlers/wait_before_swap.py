"""Before-swap hook done?: every part of the hook ended in success, within its timeout. A failure stops the
refresh before the swap: the target is untouched."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from mitosis.errors import HookFailed
from mitosis.handlers import hooks
from mitosis.models import HookCheck

logger = Logger(service="mitosis")

UNTOUCHED = "The target was not touched; the copies are kept, and a new run reuses them."


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    statuses = hooks.settle(HookCheck.model_validate(event), HookFailed, "The before-swap hook", UNTOUCHED)
    return {"before_swap": statuses}
