"""Delete old: delete one instance of the retired old- tree (the old primary with a final snapshot)."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from mitosis.adapters.rds import Rds

logger = Logger(service="mitosis")
rds = Rds()


def delete_instance(params: dict[str, Any]) -> dict[str, Any]:
    """DeleteDBInstance, lifting deletion protection first: the planner only deletes instances the workflow
    owns (retired by it, or its own copies), which kept the protection of what they replaced or copied."""
    identifier = params["DBInstanceIdentifier"]
    instance = rds.describe(identifier)
    if instance is None or instance.get("DBInstanceStatus") == "deleting":
        return {"DBInstanceIdentifier": identifier, "action": "skipped"}
    if instance.get("DeletionProtection"):
        rds.modify({"DBInstanceIdentifier": identifier, "DeletionProtection": False, "ApplyImmediately": True})
    rds.delete(params)
    logger.info("Deleting", extra={"instance": identifier, "final_snapshot": params.get("FinalDBSnapshotIdentifier")})
    return {"DBInstanceIdentifier": identifier, "action": "deleting"}


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return delete_instance(event)
