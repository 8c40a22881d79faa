"""Discard: delete a copy of ours that cannot become part of this refresh (broken, stale, or orphaned).

Its own function because it deletes temp- instances, where Delete old may only delete old- ones."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from mitosis.handlers.delete_old import delete_instance

logger = Logger(service="mitosis")


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return delete_instance(event)
