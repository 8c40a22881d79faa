"""Rename: one half of a name's swap (`<name>` to `old-<name>`, or `temp-<name>` to `<name>`)."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from mitosis.adapters.rds import Rds
from mitosis.status import rename_done

logger = Logger(service="mitosis")
rds = Rds()


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    current, new = event["DBInstanceIdentifier"], event["NewDBInstanceIdentifier"]
    if rename_done(rds.describe(current), rds.describe(new)):
        logger.info("Already renamed", extra={"instance": current, "new_name": new})
        return {"DBInstanceIdentifier": new, "action": "skipped"}
    rds.modify(event)
    logger.info("Renaming", extra={"instance": current, "new_name": new})
    return {"DBInstanceIdentifier": new, "action": "renamed"}
