"""Rename: one rename of a name's swap (`<name>` to `old-<name>`, or `temp-<name>` to `<name>`).

It renames only the instance the plan expects (this refresh's copy, or the old data), tagging it first so a
later run still recognises it under its new name."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from mitosis.adapters.rds import Rds
from mitosis.errors import RenameRefused
from mitosis.models import Rename
from mitosis.status import is_copy_of, rename_done

logger = Logger(service="mitosis")
rds = Rds()


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    step = Rename.model_validate(event)
    current_name, new_name = step.rename["DBInstanceIdentifier"], step.rename["NewDBInstanceIdentifier"]
    current, new = rds.describe(current_name), rds.describe(new_name)
    if rename_done(current, new):
        logger.info("Already renamed", extra={"instance": current_name, "new_name": new_name})
        return {"DBInstanceIdentifier": new_name, "action": "skipped"}
    if current is None or is_copy_of(current, step.generation) != step.is_copy:
        expected = "this refresh's copy" if step.is_copy else "the old instance"
        raise RenameRefused(f"'{current_name}' is not {expected} (generation {step.generation}): not renaming it "
                            f"to '{new_name}'.")
    if step.tags:
        rds.add_tags(current["DBInstanceArn"], [t.model_dump() for t in step.tags])
    rds.modify(step.rename)
    logger.info("Renaming", extra={"instance": current_name, "new_name": new_name})
    return {"DBInstanceIdentifier": new_name, "action": "renamed"}
