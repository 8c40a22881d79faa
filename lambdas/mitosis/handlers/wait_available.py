"""Wait until available: one check per invocation; Step Functions retries on NotReady."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from mitosis.adapters.rds import Rds
from mitosis.errors import InstanceFailed, NotReady
from mitosis.status import Readiness, readiness

logger = Logger(service="mitosis")
rds = Rds()


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    identifier = event["DBInstanceIdentifier"]
    instance = rds.describe(identifier)
    if instance is None:  # a new name can take a moment to appear after a rename
        raise NotReady(f"{identifier} does not exist yet")
    status = instance.get("DBInstanceStatus")
    state = readiness(status)
    if state is Readiness.STUCK:
        raise InstanceFailed(f"{identifier} is {status}: it will not become available by itself.")
    if state is Readiness.WAIT:
        raise NotReady(f"{identifier} is {status}")
    return {"DBInstanceIdentifier": identifier, "DBInstanceStatus": status}
