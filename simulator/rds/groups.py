"""DB parameter groups and option groups a request may name."""

from __future__ import annotations

from moto.rds.models import DBInstance, RDSBackend

from simulator.faults import AwsError
from simulator.rds import engines


def check_parameter_group(backend: RDSBackend, name: str, db: DBInstance | None = None) -> None:
    """The group must exist (moto takes any name on a replica, then fails to describe it) and, for an instance,
    be of its family: botocore rds service model, ModifyDBInstance.DBParameterGroupName, "Constraints: Must be in
    the same DB parameter group family as the DB instance." """
    if name.startswith("default."):
        family = name[len("default."):]
    elif name in backend.db_parameter_groups:
        family = backend.db_parameter_groups[name].family or ""
    else:
        raise AwsError("DBParameterGroupNotFound", f"DB Parameter Group {name} not found.")
    expected = None if db is None else engines.parameter_group_family(db.engine, db.engine_version)
    if expected is not None and family != expected:
        raise AwsError(
            "InvalidParameterCombination",
            f"The parameter group {name} with DBParameterGroupFamily {family} can't be used for this instance. "
            f"Use a parameter group with DBParameterGroupFamily {expected}.",
        )


def check_option_group(backend: RDSBackend, name: str) -> None:
    """moto takes any option group on a modify; RDS refuses a missing one (OptionGroupNotFoundFault)."""
    if not name.startswith("default:") and name not in backend.option_groups:
        raise AwsError("OptionGroupNotFoundFault", f"Specified OptionGroupName: {name} not found.")
