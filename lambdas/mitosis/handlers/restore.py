"""Restore name: after a swap that could not complete, make one name held by an available instance again.

Its old instance when that can serve (rename the copy away, or drop it if it is stuck; then rename old-<name>
back), else this refresh's copy. One step per invocation; raises NotReady until the name is held, so Step
Functions does the waiting."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from mitosis.adapters.rds import Rds
from mitosis.errors import NotReady, RestoreFailed
from mitosis.models import Restoration
from mitosis.planner import old_name, temp_name
from mitosis.status import Restore, is_copy_of, restore_step

logger = Logger(service="mitosis")
rds = Rds()


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    restoration = Restoration.model_validate(event)
    name, generation = restoration.name, restoration.generation
    current, old, temp = rds.describe(name), rds.describe(old_name(name)), rds.describe(temp_name(name))
    step = restore_step(current, old, temp, current_is_copy=current is not None and is_copy_of(current, generation))
    logger.info("Restoring", extra={"instance_name": name, "step": step.value})
    if step is Restore.DONE:
        return {"name": name, "restored": True}
    if step is Restore.LOST:
        raise RestoreFailed(f"No available instance can take '{name}' back: look at '{name}', '{old_name(name)}' "
                            f"and '{temp_name(name)}' (tagged stack-mitosis:*) before running the refresh again.")
    if step is Restore.UNINSTALL:
        rds.modify({"DBInstanceIdentifier": name, "NewDBInstanceIdentifier": temp_name(name), "ApplyImmediately": True})
    elif step is Restore.DROP_COPY:
        if current and current.get("DeletionProtection"):
            rds.modify({"DBInstanceIdentifier": name, "DeletionProtection": False, "ApplyImmediately": True})
        rds.delete({"DBInstanceIdentifier": name, "SkipFinalSnapshot": True})
    elif step is Restore.REINSTATE:
        rds.modify(restoration.reinstate)
    elif step is Restore.INSTALL_COPY:
        rds.modify(restoration.install)
    raise NotReady(f"restoring '{name}': {step.value}")
