"""Clone: create temp-<target>, a read replica of the source that takes the old target's settings.

Its own function because it is the only one allowed to use the source as a replication source."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from mitosis.handlers.create_replica import create_temp_copy

logger = Logger(service="mitosis")


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return create_temp_copy(event)
