"""CreateDBInstanceReadReplica: what the source must be, where the replica goes, what it may ask for, and what
it gets without asking. Each rule cites its source; the tests are tests/simulator/test_rds_replicas.py."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from moto.rds.models import DBInstance, RDSBackend

from simulator.faults import AwsError
from simulator.rds import account, engines, storage
from simulator.rds.groups import check_option_group, check_parameter_group
from simulator.rds.placement import vpc_of

NO_BACKUPS = (
    "Automated backups are not enabled for this database instance. To enable automated backups, "
    "use ModifyDBInstance to set the backup retention period to a non-zero value."
)
# Source statuses a replica may be created from. Undocumented for replicas; creating one "takes a DB snapshot of
# your source DB instance" (User Guide "Creating a read replica"), and CreateDBSnapshot documents "The source DB
# instance must be in the available or storage-optimization state."
SOURCE_STATUSES = frozenset({"available", "storage-optimization"})
# Settings AWS does not take from the source: (request key, moto attribute, default). botocore rds service model,
# CreateDBInstanceReadReplica: CopyTagsToSnapshot "By default, tags aren't copied."; MonitoringInterval "The
# default is 0."; EnableIAMDatabaseAuthentication "By default, mapping isn't enabled."; DeletionProtection "By
# default, deletion protection isn't enabled."; MultiAZ "independent of whether the source is a Multi-AZ DB
# instance" (Single-AZ unless asked). Tags: undocumented, assumed not inherited. Everything else is the
# source's: "All other attributes (including DB security groups and DB parameter groups) are inherited from the
# source DB instance or cluster, except as specified." (VpcSecurityGroupIds: the VPC's default group, below.)
DEFAULTS: tuple[tuple[str, str, Callable[[], Any]], ...] = (
    ("MultiAZ", "multi_az", lambda: False),
    ("CopyTagsToSnapshot", "copy_tags_to_snapshot", lambda: False),
    ("MonitoringInterval", "monitoring_interval", lambda: 0),
    ("MonitoringRoleArn", "monitoring_role_arn", lambda: None),
    ("EnableIAMDatabaseAuthentication", "enable_iam_database_authentication", lambda: False),
    ("DeletionProtection", "deletion_protection", lambda: False),
    ("Tags", "tags", list),
)


def depth(backend: RDSBackend, db: DBInstance) -> int:
    """How many replica links lie above an instance (0: not a replica)."""
    levels = 0
    while db.source_db_instance_identifier and db.source_db_instance_identifier in backend.databases:
        db = backend.databases[db.source_db_instance_identifier]
        levels += 1
    return levels


def check_source(backend: RDSBackend, src: DBInstance) -> None:
    """The source's status and backups, its master password not managed by Secrets Manager, its replica count,
    the length of its replica chain."""
    if src.status not in SOURCE_STATUSES:
        raise AwsError(
            "InvalidDBInstanceState",
            f"Database instance {src.db_instance_identifier} is not in available state (it is {src.status}); a read "
            "replica needs its source available or storage-optimization.",
        )
    if src.backup_retention_period == 0:
        # SourceDBInstanceIdentifier: "The specified DB instance must have automatic backups enabled"
        raise AwsError("InvalidDBInstanceState", NO_BACKUPS)
    if getattr(src, "master_user_secret", None) is not None and engines.kind(src.engine) != "sqlserver":
        # User Guide "Password management with Amazon RDS and AWS Secrets Manager": not supported for "Creating a
        # read replica when the source DB or DB cluster manages credentials with Secrets Manager. This applies to
        # all DB engines except RDS for SQL Server." (error code undocumented)
        raise AwsError(
            "InvalidParameterCombination",
            f"DB instance {src.db_instance_identifier} manages its master user password with Secrets Manager: read "
            "replicas of it are not supported.",
        )
    limit = min(engines.max_replicas(src.engine), account.quotas(backend)["ReadReplicasPerMaster"])
    if len(src.replicas) >= limit:
        raise AwsError(
            "InvalidParameterCombination",
            f"DB instance {src.db_instance_identifier} already has {len(src.replicas)} read replicas, the maximum "
            f"({limit}).",
        )
    if depth(backend, src) + 1 > engines.max_chain_depth(src.engine, src.engine_version):
        raise AwsError(
            "InvalidParameterCombination",
            f"A read replica of {src.db_instance_identifier} would exceed the read replica chain length "
            f"{src.engine} {src.engine_version} allows.",
        )


def placement(backend: RDSBackend, region: str, src: DBInstance, params: Mapping[str, Any]) -> str:
    """The replica's VPC: its DB subnet group's (the source's when none is given: undocumented, assumed).
    botocore rds service model, CreateDBInstanceReadReplica.DBSubnetGroupName: "If supplied, must match the name
    of an existing DB subnet group." / "All read replicas in one Amazon Web Services Region that are created from
    the same source DB instance must either: Specify DB subnet groups from the same VPC." """
    name = params.get("DBSubnetGroupName")
    if name is not None:
        if name not in backend.subnet_groups:
            raise AwsError("DBSubnetGroupNotFoundFault", f"DBSubnetGroup {name} not found.")
        vpc = str(backend.subnet_groups[name].vpc_id)
    else:
        vpc = vpc_of(src, region)
    siblings = [backend.databases[r] for r in src.replicas if r in backend.databases]
    if any(vpc_of(sibling, region) != vpc for sibling in siblings):
        raise AwsError(
            "InvalidDBSubnetGroupFault",
            "The DBSubnetGroup doesn't belong to the same VPC as that of an existing read replica of the same source "
            "instance.",
        )
    return vpc


def check_groups(backend: RDSBackend, src: DBInstance, params: Mapping[str, Any]) -> None:
    """DBParameterGroupName only where the engine takes one (engines.parameter_group_on_replica; error code
    undocumented); OptionGroupName: "For SQL Server, you must use the option group associated with the source." """
    parameters, options = params.get("DBParameterGroupName"), params.get("OptionGroupName")
    if parameters is not None:
        if not engines.parameter_group_on_replica(src.engine):
            raise AwsError(
                "InvalidParameterCombination",
                f"Specifying a parameter group is not supported for {src.engine} same Region read replicas: the "
                "replica uses the source's DB parameter group.",
            )
        check_parameter_group(backend, parameters, src)
    if options is not None:
        check_option_group(backend, options)
        if engines.kind(src.engine) == "sqlserver" and options != src.option_group_name:
            raise AwsError(
                "InvalidParameterCombination",
                "For SQL Server, a read replica must use the option group associated with the source.",
            )


def check_encryption(src: DBInstance, params: Mapping[str, Any]) -> None:
    """KmsKeyId: "You can't create an encrypted read replica from an unencrypted DB instance or Multi-AZ DB
    cluster." (error code undocumented)"""
    if "KmsKeyId" in params and not src.storage_encrypted:
        raise AwsError(
            "InvalidParameterCombination", "You can't create an encrypted read replica from an unencrypted DB instance."
        )


def storage_of(src: DBInstance, params: Mapping[str, Any]) -> tuple[int, str, Any, Any]:
    """(AllocatedStorage, StorageType, Iops, StorageThroughput) of a new replica, checked: the source's unless
    given; AllocatedStorage "isn't valid for RDS for SQL Server"; less than the source's is refused (undocumented:
    the safe side); the storage type is the source's (User Guide "Working with DB instance read replicas": "By
    default, a read replica is created with the same storage type as the source DB instance")."""
    if "AllocatedStorage" in params:
        if engines.kind(src.engine) == "sqlserver":
            raise AwsError(
                "InvalidParameterCombination", "AllocatedStorage isn't valid for RDS for SQL Server read replicas."
            )
        if params["AllocatedStorage"] < src.allocated_storage:
            raise AwsError(
                "InvalidParameterValue",
                f"A read replica can't have less storage than its source ({src.allocated_storage} GiB).",
            )
    allocated = int(params.get("AllocatedStorage", src.allocated_storage))
    storage_type = params.get("StorageType") or src.storage_type
    same_type = storage_type == src.storage_type
    iops = params.get("Iops", src.iops if same_type else None)
    throughput = params.get("StorageThroughput", src.storage_throughput if same_type else None)
    storage.check(src.engine, storage_type, allocated, iops, throughput)
    return allocated, storage_type, iops, throughput
