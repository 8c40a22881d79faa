"""Prune final snapshots: keep only the newest final snapshots of the target's old primaries."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from mitosis.adapters.rds import Rds
from mitosis.models import SnapshotRetention

logger = Logger(service="mitosis")
rds = Rds()


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    retention = SnapshotRetention.model_validate(event)
    snapshots = [s["DBSnapshotIdentifier"] for s in rds.snapshots_named(retention.prefix)]
    for identifier in snapshots[retention.keep:]:
        rds.delete_snapshot(identifier)
    logger.info("Pruned final snapshots", extra={"kept": snapshots[:retention.keep]})
    return {"kept": snapshots[:retention.keep], "deleted": snapshots[retention.keep:]}
