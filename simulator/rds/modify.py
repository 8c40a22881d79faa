"""ModifyDBInstance's parameters: when each change happens, how PendingModifiedValues names it, which status
the instance shows while it is applied.

User Guide "Settings for DB instances" (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/
USER_ModifyInstance.Settings.html) gives, per setting, "When the change occurs":

- IMMEDIATE: "The change occurs immediately. This setting ignores the apply immediately setting." and no
  downtime (deletion protection, auto minor version upgrade, copy tags to snapshots, maintenance window,
  Performance Insights, public access, storage autoscaling, managing the master password in Secrets Manager),
  the backup window ("The change is applied asynchronously, as soon as possible.") and the DB parameter group
  ("The association of the new DB parameter group with the DB instance occurs immediately."; botocore rds
  service model, ModifyDBInstance.DBParameterGroupName: "The parameter group name itself is changed
  immediately"). They take effect at once, without a status change.
- AS_SOON_AS_POSSIBLE: applied "as soon as possible" or "immediately" whatever ApplyImmediately says, but with
  a status of their own: MasterUserPassword (`resetting-master-credentials`), VpcSecurityGroupIds, DBPortNumber
  ("The DB instance is rebooted immediately."), MonitoringInterval/MonitoringRoleArn
  (`configuring-enhanced-monitoring`), CloudwatchLogsExportConfiguration (`configuring-log-exports`).
- DEFERRED, everything else: "If you choose to apply the change immediately, it occurs immediately. If you
  don't choose to apply the change immediately, it occurs during the next maintenance window."

AS_SOON_AS_POSSIBLE changes, and DEFERRED ones applied immediately, wait `modify_lag` seconds in
PendingModifiedValues (the instance still shows its status) before they start: that lag is undocumented.
BackupRetentionPeriod is IMMEDIATE between two non-zero values ("If you change the parameter from one non-zero
value to another non-zero value, the change is asynchronously applied as soon as possible", botocore rds service
model, ModifyDBInstance.BackupRetentionPeriod), DEFERRED when it turns backups on or off.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from moto.rds.models import DBInstance, RDSBackend

from simulator.faults import AwsError
from simulator.rds import storage
from simulator.rds.groups import check_option_group, check_parameter_group

# Request keys that only qualify the request.
BOOKKEEPING = frozenset(
    {
        "DBInstanceIdentifier",
        "ApplyImmediately",
        "AllowMajorVersionUpgrade",
        "CertificateRotationRestart",
        "ResumeFullAutomationModeMinutes",
    }
)
IMMEDIATE = frozenset(
    {
        "DeletionProtection",
        "AutoMinorVersionUpgrade",
        "CopyTagsToSnapshot",
        "PreferredMaintenanceWindow",
        "PreferredBackupWindow",
        "DBParameterGroupName",
        "EnablePerformanceInsights",
        "PerformanceInsightsKMSKeyId",
        "PerformanceInsightsRetentionPeriod",
        "DatabaseInsightsMode",
        "PubliclyAccessible",
        "MaxAllocatedStorage",
        "ManageMasterUserPassword",
        "MasterUserSecretKmsKeyId",
        "RotateMasterUserPassword",
        "PromotionTier",
        "TagSpecifications",
    }
)
AS_SOON_AS_POSSIBLE = frozenset(
    {
        "MasterUserPassword",
        "VpcSecurityGroupIds",
        "DBSecurityGroups",
        "DBPortNumber",
        "MonitoringInterval",
        "MonitoringRoleArn",
        "CloudwatchLogsExportConfiguration",
    }
)
# Request key -> PendingModifiedValues key, where the shape has one (botocore rds service model,
# PendingModifiedValues); the other keys of that shape have the request's name.
PENDING_NAME = {
    "NewDBInstanceIdentifier": "DBInstanceIdentifier",
    "DBPortNumber": "Port",
    "EnableIAMDatabaseAuthentication": "IAMDatabaseAuthenticationEnabled",
    "CloudwatchLogsExportConfiguration": "PendingCloudwatchLogsExports",
}
PENDING_KEYS = frozenset(
    {
        "DBInstanceClass",
        "AllocatedStorage",
        "MasterUserPassword",
        "BackupRetentionPeriod",
        "MultiAZ",
        "EngineVersion",
        "LicenseModel",
        "Iops",
        "StorageThroughput",
        "StorageType",
        "CACertificateIdentifier",
        "DBSubnetGroupName",
        "ProcessorFeatures",
        "AutomationMode",
        "MultiTenant",
        "DedicatedLogVolume",
        "Engine",
        "AdditionalStorageVolumes",
        "DBCapacityReservationIdentifier",
        *PENDING_NAME,
    }
)
MASKED = "****"  # RDS never returns a password; PendingModifiedValues shows that one is pending

# A modification made of these changes only shows this status (User Guide, "Viewing Amazon RDS DB instance
# status"); any other mix is `modifying`.
OWN_STATUS = (
    (frozenset({"MasterUserPassword"}), "resetting-master-credentials"),
    (frozenset({"MonitoringInterval", "MonitoringRoleArn"}), "configuring-enhanced-monitoring"),
    (frozenset({"CloudwatchLogsExportConfiguration"}), "configuring-log-exports"),
    (frozenset({"EnableIAMDatabaseAuthentication"}), "configuring-iam-database-auth"),
)


def when(key: str, value: Any, retention: int) -> str:
    """"immediate", "asap" or "deferred" for one request key, given the instance's current retention."""
    if key == "BackupRetentionPeriod":
        return "immediate" if (value > 0) == (retention > 0) else "deferred"
    if key in IMMEDIATE:
        return "immediate"
    if key in AS_SOON_AS_POSSIBLE:
        return "asap"
    return "deferred"


def split(request: Mapping[str, Any], retention: int) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(immediate, as soon as possible, deferred) changes of a request."""
    parts: dict[str, dict[str, Any]] = {"immediate": {}, "asap": {}, "deferred": {}}
    for key, value in request.items():
        if key not in BOOKKEEPING:
            parts[when(key, value, retention)][key] = value
    return parts["immediate"], parts["asap"], parts["deferred"]


def pending_values(changes: Mapping[str, Any]) -> dict[str, Any]:
    """PendingModifiedValues for request changes not applied yet."""
    shown: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in PENDING_KEYS:
            continue
        if key == "MasterUserPassword":
            value = MASKED
        elif key == "CloudwatchLogsExportConfiguration":
            value = {
                name: value[source]
                for name, source in (("LogTypesToEnable", "EnableLogTypes"), ("LogTypesToDisable", "DisableLogTypes"))
                if value.get(source)
            }
        shown[PENDING_NAME.get(key, key)] = value
    return shown


def status_of(changes: Mapping[str, Any]) -> str | None:
    """The status while these changes (a rename and a 0 -> n retention excluded) are applied; None: no status."""
    keys = frozenset(changes)
    if not keys:
        return None
    for own, status in OWN_STATUS:
        if keys <= own:
            return status
    return "modifying"


def check(backend: RDSBackend, db: DBInstance, request: Mapping[str, Any]) -> None:
    """What ModifyDBInstance refuses besides identifiers and statuses (the simulator checks those)."""
    if request.get("DBParameterGroupName"):
        check_parameter_group(backend, request["DBParameterGroupName"], db)
    if request.get("OptionGroupName"):
        check_option_group(backend, request["OptionGroupName"])
    managed = getattr(db, "master_user_secret", None) is not None
    manage = request.get("ManageMasterUserPassword")
    if "MasterUserPassword" in request and (manage or (managed and manage is not False)):
        # MasterUserPassword: "Can't be specified if ManageMasterUserPassword is turned on." (code undocumented)
        raise AwsError(
            "InvalidParameterCombination",
            "MasterUserPassword can't be specified while ManageMasterUserPassword is turned on.",
        )
    if request.get("BackupRetentionPeriod") == 0 and db.replicas:
        # BackupRetentionPeriod: "Can't be set to 0 if the DB instance is a source to read replicas."
        raise AwsError(
            "InvalidParameterCombination",
            "BackupRetentionPeriod can't be set to 0 if the DB instance is a source to read replicas.",
        )
    if {"AllocatedStorage", "StorageType", "Iops", "StorageThroughput"} & set(request):
        allocated = int(request.get("AllocatedStorage", db.allocated_storage))
        if allocated < db.allocated_storage:
            # User Guide "Settings for DB instances", Allocated storage: "You can only increase the allocated
            # storage. You can't reduce the allocated storage." (code undocumented)
            raise AwsError(
                "InvalidParameterValue",
                f"Invalid storage size for engine name {db.engine}: you can't reduce the allocated storage "
                f"({db.allocated_storage} GiB).",
            )
        storage_type = request.get("StorageType", db.storage_type)
        same_type = storage_type == db.storage_type
        iops = request.get("Iops", db.iops if same_type else None)
        throughput = request.get("StorageThroughput", db.storage_throughput if same_type else None)
        storage.check(db.engine, storage_type, allocated, iops or None, throughput)
