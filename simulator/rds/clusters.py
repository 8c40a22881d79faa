"""Simulated Aurora DB clusters: moto's DB clusters, answering as the RDS API reference (botocore's rds service model)
and the Aurora User Guide say Aurora does. tests/simulator/test_rds_clusters.py pins each rule with its source;
where AWS documents nothing, the test says so and pins the simulator's assumption.

- CreateDBCluster (the world's clusters): Aurora MySQL or PostgreSQL; the engine's default cluster parameter group
  and the VPC's default security group when none is named; `creating` for `clone_cluster`, then `available`.
- RestoreDBClusterToPointInTime: a new cluster with the source's data (`data_origin`) and "the same configuration
  as the original DB cluster, except that the new DB cluster is created with the default DB security group"; what a
  parameter documents as its default (the engine's default cluster parameter group and port, no deletion
  protection, no IAM database authentication, tags not copied to snapshots) when the request leaves it out; no
  instances. copy-on-write: `creating` for `clone_cluster`; full-copy (the default) for `restore_point_in_time`.
  Refused: RestoreToTime with copy-on-write, both or neither of RestoreToTime and UseLatestRestorableTime, a clone
  of a cluster with no instance, a KmsKeyId for an unencrypted source, names taken, a backup window that conflicts
  with the maintenance window (the clone's is its source's: the call takes none).
- CreateDBInstance with DBClusterIdentifier: only once the cluster is `available`; the first instance of a cluster is
  its writer; the cluster's engine, storage, port, security groups and subnet group; `creating` for
  `create_cluster_instance`. Parameters "managed by the DB cluster" are refused; so is `db.serverless` in a cluster
  without a Serverless v2 capacity range.
- ModifyDBCluster (the cluster `available`): a rename (NewDBClusterIdentifier, ApplyImmediately) moves the
  cluster's endpoints and members at once and is `renaming` for `rename_cluster`; the new name must be free. The
  master password is `resetting-master-credentials` for `modify`; deletion protection, windows (not conflicting),
  retention and tags to snapshots change at once; anything else is `modifying` for `modify`. Without
  ApplyImmediately, what is not applied immediately regardless waits in PendingModifiedValues for the maintenance
  window, which the simulation never reaches.
- DeleteDBCluster: refused while deletion protection is on, while an instance is not `deleting`, in a status other
  than `available` or a failed one; a final DB cluster snapshot (with the cluster's data) unless skipped, exactly
  one of the two asked for; `deleting` for `delete_cluster`, then gone.
- DeleteDBInstance of a cluster's instance: no final snapshot may be named; its writer, once gone (or failed), is
  replaced by the (available) reader with the best promotion tier.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from moto.core import DEFAULT_ACCOUNT_ID
from moto.rds.models import DBCluster, DBInstance, RDSBackend
from moto.rds.utils import valid_preferred_maintenance_window

from simulator.faults import AwsError
from simulator.latency import to_datetime
from simulator.rds import account, engines, placement
from simulator.rds.lifecycle import GONE, ClusterLifecycle, Event, Lifecycle, intersection

if TYPE_CHECKING:
    from simulator.rds.simulator import Forward, RdsSimulator

AURORA_ENGINES = frozenset({"aurora-mysql", "aurora-postgresql"})
# Cluster statuses a failed operation leaves (the User Guide's cluster status table): a cluster in one of them can
# still be deleted (without a final snapshot: none can be taken of a cluster that did not come up).
FAILED = frozenset({"cloning-failed", "migration-failed", "inaccessible-encryption-credentials",
                    "inaccessible-encryption-credentials-recoverable"})
# CreateDBInstance parameters whose documentation says the setting "doesn't apply to Amazon Aurora DB instances" or
# is "managed by the DB cluster" (botocore rds service model, CreateDBInstance.<parameter>).
MANAGED_BY_CLUSTER = frozenset({
    "AllocatedStorage", "MasterUsername", "MasterUserPassword", "ManageMasterUserPassword", "VpcSecurityGroupIds",
    "BackupRetentionPeriod", "PreferredBackupWindow", "Port", "EngineVersion", "StorageType", "StorageEncrypted",
    "KmsKeyId", "Iops", "MaxAllocatedStorage", "StorageThroughput", "OptionGroupName", "CharacterSetName",
    "LicenseModel", "TdeCredentialArn", "Domain", "MultiAZ", "CopyTagsToSnapshot", "EnableIAMDatabaseAuthentication",
    "EnableCloudwatchLogsExports", "DeletionProtection", "DatabaseInsightsMode", "EngineLifecycleSupport",
})
# ModifyDBCluster.ApplyImmediately: "Some modifications, such as turning on deletion protection and changing the
# master password, are applied immediately—regardless of when you choose to apply them."; the User Guide's settings
# table says the same of the Serverless v2 capacity range ("This setting ignores the apply immediately setting").
REGARDLESS = frozenset({"DeletionProtection", "MasterUserPassword", "ServerlessV2ScalingConfiguration"})
# Changes that take no time (assumed: the User Guide says of each "An outage doesn't occur during this change" and
# documents no status for it).
AT_ONCE = frozenset({"DeletionProtection", "PreferredMaintenanceWindow", "PreferredBackupWindow",
                     "BackupRetentionPeriod", "CopyTagsToSnapshot", "AutoMinorVersionUpgrade",
                     "ServerlessV2ScalingConfiguration"})
BOOKKEEPING = frozenset({"DBClusterIdentifier", "ApplyImmediately", "AllowMajorVersionUpgrade"})
# ModifyDBCluster request key -> its ClusterPendingModifiedValues name (botocore rds service model).
PENDING_NAME = {"NewDBClusterIdentifier": "DBClusterIdentifier",
                "EnableIAMDatabaseAuthentication": "IAMDatabaseAuthenticationEnabled",
                "CloudwatchLogsExportConfiguration": "PendingCloudwatchLogsExports"}
PENDING_KEYS = frozenset({"MasterUserPassword", "EngineVersion", "BackupRetentionPeriod", "StorageType",
                          "AllocatedStorage", "Iops", *PENDING_NAME})
# RestoreDBClusterToPointInTime request key -> CreateDBCluster key, for what the restore takes from the request.
RESTORED = ("Port", "DBSubnetGroupName", "VpcSecurityGroupIds", "Tags", "KmsKeyId", "EnableIAMDatabaseAuthentication",
            "BacktrackWindow", "EnableCloudwatchLogsExports", "DBClusterParameterGroupName", "DeletionProtection",
            "CopyTagsToSnapshot", "StorageType", "NetworkType", "ServerlessV2ScalingConfiguration",
            "BackupRetentionPeriod", "PreferredBackupWindow", "EngineLifecycleSupport")
DELETE_REFUSED = frozenset({"creating", "deleting", "renaming", "stopped", "stopping", "starting"})


def cluster_name(identifier: str) -> str:
    """A cluster identifier, also when given as its ARN."""
    return identifier.split(":cluster:")[-1].lower()


def default_parameter_group(engine: str, version: str) -> str:
    """The engine's default DB cluster parameter group: `default.<family>` (aurora-mysql8.0, aurora-postgresql15)."""
    return f"default.{engines.parameter_group_family(engine, version)}"


def check_windows(maintenance: str | None, backup: str | None) -> None:
    """PreferredBackupWindow (RestoreDBClusterToPointInTime, ModifyDBCluster): "Must not conflict with the preferred
    maintenance window." (moto checks an instance's windows so, not a cluster's: its check, InvalidParameterValue)"""
    problem = valid_preferred_maintenance_window(maintenance, backup) if maintenance and backup else None
    if problem:
        raise AwsError("InvalidParameterValue", problem)


def invalid_state(lc: ClusterLifecycle, status: str, what: str = "") -> AwsError:
    return AwsError("InvalidDBClusterStateFault",
                    f"DB cluster {lc.identifier} is not in available state (it is {status}){what}.")


class ClusterSimulator:
    """The clusters of one simulated RDS: their lifecycles (by DbClusterResourceId, stable across renames) and the
    operations on them. It plans with the instance simulator's clock, latency model and status faults."""

    def __init__(self, rds: RdsSimulator) -> None:
        self.rds = rds
        self.lifecycles: dict[str, ClusterLifecycle] = {}
        self.snapshot_origins: dict[str, str] = {}  # DB cluster snapshot identifier -> its data

    @property
    def backend(self) -> RDSBackend:
        return self.rds.backend

    # Bookkeeping

    def find(self, identifier: str) -> ClusterLifecycle | None:
        cluster = self.backend.clusters.get(cluster_name(identifier))
        return None if cluster is None else self.lifecycles.get(cluster.db_cluster_resource_id)

    def get(self, identifier: str) -> ClusterLifecycle:
        found = self.find(identifier)
        if found is None:
            raise AwsError("DBClusterNotFoundFault", f"DBCluster {identifier} not found.")
        return found

    def of_member(self, db: DBInstance) -> ClusterLifecycle | None:
        name = getattr(db, "db_cluster_identifier", None)
        return self.find(name) if name else None

    def status(self, lc: ClusterLifecycle) -> str:
        """The cluster's status now (moto's own `status` turns `creating` into `available` when read)."""
        return lc.status_at(self.rds.now())

    def _adopt(self, cluster: DBCluster, data_origin: str, forward: Forward) -> ClusterLifecycle:
        now = self.rds.now()
        cluster.created = cluster.cluster_create_time = cluster.earliest_restorable_time = to_datetime(now)
        cluster.db_cluster_resource_id = f"cluster-{len(self.lifecycles) + 1:026d}"
        if cluster.db_subnet_group_name == placement.DEFAULT_SUBNET_GROUP:
            placement.ensure_default_subnet_group(self.backend, self.rds.region, forward)
        lc = ClusterLifecycle(cluster=cluster, data_origin=data_origin)
        self.lifecycles[cluster.db_cluster_resource_id] = lc
        return lc

    def _plan(self, lc: ClusterLifecycle, steps: list[tuple[str, float]], request: Mapping[str, Any] | None,
              ending: str = "available") -> float:
        if ending == "available" and steps and request is not None:
            ending = self.rds.status_fault(request) or ending
        return lc.plan(self.rds.now(), steps, ending)

    def _at(self, lc: ClusterLifecycle, t: float, action: Callable[[float], None]) -> None:
        lc.events.append(Event(t, self.rds.next_sequence(), action))

    def _check_new(self, identifier: str, parameter: str = "DBClusterIdentifier") -> None:
        self.rds.check_identifier(identifier, parameter)
        if cluster_name(identifier) in self.backend.clusters:
            raise AwsError("DBClusterAlreadyExistsFault", f"DB cluster {identifier} already exists.")

    def _check_groups(self, params: Mapping[str, Any], engine: str, version: str) -> None:
        group = params.get("DBClusterParameterGroupName")
        if group and not group.startswith("default.") and group not in self.backend.db_cluster_parameter_groups:
            raise AwsError("DBClusterParameterGroupNotFound", f"DBClusterParameterGroup {group} not found.")
        if group and group.startswith("default.") and group != default_parameter_group(engine, version):
            raise AwsError("DBClusterParameterGroupNotFound", f"DBClusterParameterGroup {group} not found.")
        subnets = params.get("DBSubnetGroupName")
        if subnets and subnets != placement.DEFAULT_SUBNET_GROUP and subnets not in self.backend.subnet_groups:
            raise AwsError("DBSubnetGroupNotFoundFault", f"DB subnet group {subnets} not found.")

    def _forward_create(self, forward: Forward, create: Mapping[str, Any],
                        asked: Mapping[str, Any] | None = None) -> DBCluster:
        """CreateDBCluster in moto, then what moto gets wrong about the new cluster (`asked`: what the request named,
        when it is not the CreateDBCluster request itself)."""
        storage_type = create.get("StorageType")
        aurora_storage = storage_type in ("aurora", "aurora-iopt1")  # moto knows neither
        forward("CreateDBCluster", {k: v for k, v in create.items() if not (k == "StorageType" and aurora_storage)})
        cluster = self.backend.clusters[cluster_name(create["DBClusterIdentifier"])]
        if aurora_storage:
            cluster.storage_type = storage_type
        self._settle_defaults(cluster, create if asked is None else asked)
        return cluster

    def _settle_defaults(self, cluster: DBCluster, params: Mapping[str, Any]) -> None:
        """A new cluster's defaults where moto's differ: moto's default cluster parameter group is Aurora MySQL 8.0's
        whatever the engine, its security groups none, its storage type gp2."""
        if not params.get("DBClusterParameterGroupName"):
            cluster.parameter_group = default_parameter_group(cluster.engine, cluster.engine_version)
        if not params.get("VpcSecurityGroupIds"):
            group = self.backend.subnet_groups.get(cluster.db_subnet_group_name)
            vpc = str(group.vpc_id) if group is not None else placement.default_vpc(self.rds.region)
            cluster.vpc_security_group_ids = [placement.default_security_group(self.rds.region, vpc)]
        if cluster.engine in AURORA_ENGINES and not params.get("StorageType"):
            cluster.storage_type = "aurora"  # StorageType: "Default: aurora (Aurora DB clusters)"

    # Operations

    def create(self, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        """CreateDBCluster."""
        self._check_new(params["DBClusterIdentifier"])
        engine = str(params.get("Engine", ""))
        try:
            version = str(params.get("EngineVersion") or DBCluster.default_engine_version(engine))
        except KeyError:  # an engine moto does not know: its own refusal
            version = ""
        self._check_groups(params, engine, version)
        account.check_cluster_quota(self.backend)
        cluster = self._forward_create(forward, params)
        lc = self._adopt(cluster, cluster.db_cluster_identifier, forward)
        self._plan(lc, [("creating", self.rds.latency().clone_cluster)], params)
        self.rds.settle()
        return self._respond(forward, cluster.db_cluster_identifier, "DBCluster")

    def restore(self, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        """RestoreDBClusterToPointInTime: a clone (copy-on-write) or a full copy of the source cluster."""
        identifier = params["DBClusterIdentifier"]
        kind = params.get("RestoreType", "full-copy")
        if kind not in ("full-copy", "copy-on-write"):
            raise AwsError("InvalidParameterValue", f"RestoreType must be full-copy or copy-on-write, not {kind}.")
        if bool(params.get("RestoreToTime")) == bool(params.get("UseLatestRestorableTime")):
            raise AwsError("InvalidParameterCombination",
                           "Specify exactly one of RestoreToTime and UseLatestRestorableTime.")
        if params.get("RestoreToTime") and kind == "copy-on-write":
            raise AwsError("InvalidParameterCombination",
                           "RestoreToTime can't be specified when RestoreType is copy-on-write.")
        if not params.get("SourceDBClusterIdentifier"):
            raise AwsError("InvalidParameterCombination", "SourceDBClusterIdentifier is required.")
        source_lc = self.get(params["SourceDBClusterIdentifier"])
        source = source_lc.cluster
        self._check_new(identifier)
        if kind == "copy-on-write" and not source.members:
            raise AwsError("InvalidDBClusterStateFault", "You can't create a clone from an Aurora DB cluster that has "
                           "no DB instances.")
        if params.get("KmsKeyId") and not source.storage_encrypted:
            raise AwsError("InvalidParameterCombination", "KmsKeyId can't be specified when the source DB cluster "
                           "isn't encrypted.")
        self._check_groups(params, source.engine, source.engine_version)
        # the clone keeps production's maintenance window: the call takes none
        check_windows(source.preferred_maintenance_window,
                      params.get("PreferredBackupWindow", source.preferred_backup_window))
        account.check_cluster_quota(self.backend)
        create: dict[str, Any] = {
            "DBClusterIdentifier": identifier, "Engine": source.engine, "EngineVersion": source.engine_version,
            "EngineMode": source.engine_mode, "MasterUsername": source.master_username,
            "MasterUserPassword": "the-cloned-password",  # production's: RDS never shows it
            "StorageEncrypted": bool(source.storage_encrypted),
            "DBSubnetGroupName": source.db_subnet_group_name,
            "PreferredMaintenanceWindow": source.preferred_maintenance_window,
            "PreferredBackupWindow": source.preferred_backup_window,
            "BackupRetentionPeriod": source.backup_retention_period,
            "EnableCloudwatchLogsExports": list(source.enabled_cloudwatch_logs_exports or []),
            "StorageType": source.storage_type if source.storage_type in ("aurora", "aurora-iopt1") else "aurora",
            "AutoMinorVersionUpgrade": source.auto_minor_version_upgrade,
        }
        if source.serverless_v2_scaling_configuration:
            create["ServerlessV2ScalingConfiguration"] = dict(source.serverless_v2_scaling_configuration)
        if source.engine == "aurora-mysql" and source.backtrack_window:
            create["BacktrackWindow"] = source.backtrack_window
        if source.storage_encrypted:
            create["KmsKeyId"] = source.kms_key_id  # "the KMS key that was used to encrypt the source DB cluster"
        create |= {key: copy.deepcopy(params[key]) for key in RESTORED if key in params}
        cluster = self._forward_create(forward, {k: v for k, v in create.items() if v is not None}, params)
        if kind == "copy-on-write":
            # DBCluster.CloneGroupId: "If you clone a DB cluster when the ID is null, the operation populates the ID
            # value for the source cluster and the clone because both clusters become part of the same clone group."
            group = getattr(source, "clone_group_id", None) or f"clone-group-{source.db_cluster_resource_id}"
            for member in (source, cluster):
                setattr(member, "clone_group_id", group)  # moto describes the attribute, never sets it  # noqa: B010
        lc = self._adopt(cluster, source_lc.data_origin, forward)
        latency = self.rds.latency()
        duration = latency.clone_cluster if kind == "copy-on-write" else latency.restore_point_in_time
        self._plan(lc, [("creating", duration)], params)
        self.rds.settle()
        return self._respond(forward, cluster.db_cluster_identifier, "DBCluster")

    def modify(self, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        """ModifyDBCluster."""
        lc = self.get(params["DBClusterIdentifier"])
        cluster, status = lc.cluster, self.status(lc)
        if status != "available":
            raise invalid_state(lc, status)
        request = {k: v for k, v in params.items() if k not in BOOKKEEPING}
        new = request.get("NewDBClusterIdentifier")
        if new is not None and cluster_name(new) == cluster.db_cluster_identifier:
            del request["NewDBClusterIdentifier"]
        elif new is not None:
            self._check_new(new, "NewDBClusterIdentifier")
        group = request.get("DBClusterParameterGroupName")
        if group:
            self._check_groups({"DBClusterParameterGroupName": group}, cluster.engine, cluster.engine_version)
        check_windows(request.get("PreferredMaintenanceWindow", cluster.preferred_maintenance_window),
                      request.get("PreferredBackupWindow", cluster.preferred_backup_window))
        if not params.get("ApplyImmediately"):
            later = {k: v for k, v in request.items() if k not in REGARDLESS}
            lc.deferred.update(later)
            request = {k: v for k, v in request.items() if k in REGARDLESS}
        steps: list[tuple[str, float]] = []
        latency = self.rds.latency()
        if "NewDBClusterIdentifier" in request:
            self.rename(lc, request.pop("NewDBClusterIdentifier"))
            steps.append(("renaming", latency.rename_cluster))
        if request:
            forward("ModifyDBCluster", {"DBClusterIdentifier": cluster.db_cluster_identifier, **request})
        slow = {k for k in request if k not in AT_ONCE}
        if slow == {"MasterUserPassword"}:
            steps.append(("resetting-master-credentials", latency.modify))
        elif slow:
            steps.append(("modifying", latency.modify))
        if steps:
            self._plan(lc, steps, params)
        self.rds.settle()
        return self._respond(forward, cluster.db_cluster_identifier, "DBCluster")

    def rename(self, lc: ClusterLifecycle, new: str) -> None:
        """The cluster under its new name at once, its members with it (moto leaves them behind, and a cluster later
        named like the old one would adopt them). ModifyDBCluster.NewDBClusterIdentifier: "This value is stored as a
        lowercase string." The User Guide: "When you change the DB cluster identifier, the DB cluster endpoint
        changes, and the endpoints of the DB instances in the DB cluster change." """
        cluster, old = lc.cluster, lc.cluster.db_cluster_identifier
        members = [db for db in self.backend.databases.values() if getattr(db, "db_cluster_identifier", None) == old]
        del self.backend.clusters[old]
        cluster.db_cluster_identifier = new
        self.backend.clusters[cluster.db_cluster_identifier] = cluster
        for db in members:
            db.db_cluster_identifier = cluster.db_cluster_identifier

    def delete(self, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        """DeleteDBCluster."""
        lc = self.get(params["DBClusterIdentifier"])
        cluster, status = lc.cluster, self.status(lc)
        if status in DELETE_REFUSED:
            raise invalid_state(lc, status, "; it cannot be deleted now")
        if cluster.deletion_protection:
            raise AwsError("InvalidParameterCombination",
                           "Cannot delete protected Cluster, please disable deletion protection and try again.")
        living = [db.db_instance_identifier for db in self._members(cluster) if db.status != "deleting"]
        if living:
            raise AwsError("InvalidDBClusterStateFault",
                           "Cluster cannot be deleted, it still contains DB instances in non-deleting state.")
        skip, final = params.get("SkipFinalSnapshot", False), params.get("FinalDBSnapshotIdentifier")
        if not skip and not final:
            raise AwsError("InvalidParameterCombination",
                           "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.")
        if skip and final:
            raise AwsError("InvalidParameterCombination",
                           "FinalDBSnapshotIdentifier can not be specified when SkipFinalSnapshot is set.")
        if final and status != "available":
            raise invalid_state(lc, status, "; a final DB cluster snapshot needs it available: use SkipFinalSnapshot")
        if final:
            self.rds.check_identifier(final, "FinalDBSnapshotIdentifier", 255)
            if final in self.backend.cluster_snapshots:
                raise AwsError("DBClusterSnapshotAlreadyExistsFault", f"DB cluster snapshot {final} already exists.")
            forward("CreateDBClusterSnapshot", {"DBClusterIdentifier": cluster.db_cluster_identifier,
                                                "DBClusterSnapshotIdentifier": final})
            snapshot = self.backend.cluster_snapshots[final]
            snapshot.created = to_datetime(self.rds.now())
            self.snapshot_origins[final] = lc.data_origin
        end = self._plan(lc, [("deleting", self.rds.latency().delete_cluster)], params, ending=GONE)
        self._at(lc, end, lambda t: self._remove(lc))
        cluster.status = "deleting"
        response = self._respond(forward, cluster.db_cluster_identifier, "DBCluster")
        self.rds.settle()
        return response

    def _remove(self, lc: ClusterLifecycle) -> None:
        lc.removed = True
        self.backend.clusters.pop(lc.cluster.db_cluster_identifier, None)

    def _members(self, cluster: DBCluster) -> list[DBInstance]:
        return [db for db in self.backend.databases.values()
                if getattr(db, "db_cluster_identifier", None) == cluster.db_cluster_identifier]

    # Instances of a cluster (CreateDBInstance and DeleteDBInstance, called by the instance simulator)

    def check_member(self, params: Mapping[str, Any]) -> ClusterLifecycle:
        """What CreateDBInstance refuses for an instance of a cluster; the cluster's lifecycle."""
        lc = self.get(params["DBClusterIdentifier"])
        cluster, status = lc.cluster, self.status(lc)
        if status != "available":
            # RestoreDBClusterToPointInTime: "You can create DB instances only after the RestoreDBClusterToPointInTime
            # operation has completed and the DB cluster is available."
            raise invalid_state(lc, status, "; DB instances can be created in it only once it is available")
        if cluster.engine_mode == "serverless":
            raise AwsError("InvalidParameterValue", "Instances cannot be added to Aurora Serverless clusters.")
        managed = sorted(MANAGED_BY_CLUSTER & set(params))
        if managed:
            raise AwsError("InvalidParameterCombination",
                           f"The requested DB Instance will be a member of a DB Cluster: {', '.join(managed)} "
                           "is managed by the DB cluster.")
        if params.get("Engine") != cluster.engine:
            raise AwsError("InvalidParameterCombination",
                           f"The engine {params.get('Engine')} does not match the DB cluster's {cluster.engine}.")
        if params.get("DBInstanceClass") == "db.serverless" and not cluster.serverless_v2_scaling_configuration:
            raise AwsError("InvalidParameterCombination", "Set the DB cluster's ServerlessV2ScalingConfiguration "
                           "before you add a db.serverless DB instance.")
        account.check_quotas(self.backend, 1, 0)
        return lc

    def joined(self, lc: ClusterLifecycle, db: DBInstance) -> None:
        """An instance moto just created in the cluster: the cluster's settings, and the writer if it is the first."""
        cluster = lc.cluster
        db.port = cluster.port  # moto gives the engine's default port; its security groups are already the cluster's
        db.db_subnet_group_name = cluster.db_subnet_group_name
        if getattr(db, "is_cluster_writer", False):  # moto's DBInstanceClustered: the cluster's first instance
            lc.set_writer(self.rds.now(), db.dbi_resource_id)

    def check_member_delete(self, params: Mapping[str, Any]) -> None:
        if params.get("FinalDBSnapshotIdentifier"):
            # re:Post Knowledge Center, rds-error-delete-aurora-cluster: "FinalDBSnapshotIdentifier can not be
            # specified when deleting a cluster instance" (the API reference says nothing of it)
            raise AwsError("InvalidParameterCombination",
                           "FinalDBSnapshotIdentifier can not be specified when deleting a cluster instance")

    def failed(self, db: DBInstance) -> None:
        """An instance of the cluster ended in a failed status: if it was the writer, the cluster fails over to the
        reader with the best promotion tier that has not failed. User Guide "High availability for Amazon Aurora":
        "If the primary instance fails, Amazon RDS promotes the Aurora Replica with the better priority" (how long the
        failover takes is not simulated: "Failover times are typically less than 35 seconds", FailoverDBCluster)."""
        lc = self.of_member(db)
        if lc is None or not getattr(db, "is_cluster_writer", False):
            return
        # a reader busy with something it leaves by itself (a rename...) is promoted too: it serves once it is over
        readers = sorted((m for m in self._members(lc.cluster) if m is not db and m.status not in (
            "failed", "deleting", *FAILED)), key=lambda m: getattr(m, "promotion_tier", 1))
        if readers:
            db.is_cluster_writer = False  # type: ignore[attr-defined]
            readers[0].is_cluster_writer = True  # type: ignore[attr-defined]
            lc.set_writer(self.rds.now(), readers[0].dbi_resource_id)

    def left(self, cluster_id: str) -> None:
        """An instance of the cluster is gone: a new writer if it was the writer (moto's: the best promotion tier)."""
        lc = self.find(cluster_id)
        if lc is None:
            return
        writer = lc.cluster.writer if lc.cluster.members else None  # `members` elects a writer when none is left
        lc.set_writer(self.rds.now(), writer.dbi_resource_id if writer is not None else None)

    # What DescribeDBClusters shows beyond moto

    def present(self, entry: dict[str, Any]) -> None:
        lc = self.find(entry.get("DBClusterIdentifier", ""))
        if lc is None:
            return
        entry["Status"] = lc.status_at(self.rds.now())
        pending = {PENDING_NAME.get(k, k): ("****" if k == "MasterUserPassword" else v)
                   for k, v in lc.deferred.items() if k in PENDING_KEYS}
        if pending:
            entry["PendingModifiedValues"] = pending
        else:
            entry.pop("PendingModifiedValues", None)
        entry.pop("DBClusterOptionGroupMemberships", None)

    def write_statuses(self, now: float) -> None:
        for lc in self.lifecycles.values():
            if not lc.removed:
                lc.cluster.status = lc.status_at(now)

    def timelines(self) -> list[ClusterLifecycle]:
        return list(self.lifecycles.values())

    def _respond(self, forward: Forward, identifier: str, key: str) -> dict[str, Any]:
        page = forward("DescribeDBClusters", {"DBClusterIdentifier": identifier})
        entry = page["DBClusters"][0]
        self.present(entry)
        return {key: entry, "ResponseMetadata": page["ResponseMetadata"]}

    # Reports

    def report(self, forward: Forward) -> list[dict[str, Any]]:
        """Every cluster as DescribeDBClusters shows it now, plus data_origin."""
        described = forward("DescribeDBClusters", {})["DBClusters"]
        report = []
        for entry in described:
            self.present(entry)
            lc = self.find(entry["DBClusterIdentifier"])
            report.append({"TagList": [], **entry, "data_origin": lc.data_origin if lc else None})
        return sorted(report, key=lambda c: c["DBClusterIdentifier"])

    def snapshots(self, forward: Forward) -> list[dict[str, Any]]:
        described = forward("DescribeDBClusterSnapshots", {"SnapshotType": "manual"})["DBClusterSnapshots"]
        return sorted(({**s, "data_origin": self.snapshot_origins.get(s["DBClusterSnapshotIdentifier"])}
                       for s in described), key=lambda s: s["DBClusterSnapshotIdentifier"])

    def up_spans(self, name: str, until: float, instances: Mapping[str, Lifecycle]) -> list[tuple[float, float]]:
        """When a cluster named `name` was available with an available writer: what its endpoint needs to serve."""
        spans: list[tuple[float, float]] = []
        for lc in self.lifecycles.values():
            held = [(s, e) for identifier, s, e in lc.available_spans(until) if identifier == name]
            writer = [(max(s, since), min(e, end)) for dbi, since, end in lc.writer_spans() if dbi in instances
                      for _, s, e in instances[dbi].available_spans(until) if max(s, since) < min(e, end)]
            spans += intersection(held, writer)
        return [(max(s, 0.0), min(e, until)) for s, e in spans if min(e, until) > max(s, 0.0)]

    def resource_tags(self, params: Mapping[str, Any]) -> dict[str, dict[str, str]]:
        """The tags of the clusters a request names, by the ARN IAM checks them under."""
        tags: dict[str, dict[str, str]] = {}
        for key in ("DBClusterIdentifier", "NewDBClusterIdentifier", "SourceDBClusterIdentifier", "ResourceName"):
            name = params.get(key)
            if not isinstance(name, str) or (name.startswith("arn:") and ":cluster:" not in name):
                continue
            lc = self.find(name)
            if lc is not None:
                arn = name if name.startswith("arn:") else \
                    f"arn:aws:rds:{self.rds.region}:{DEFAULT_ACCOUNT_ID}:cluster:{name}"
                tags[arn] = {tag["Key"]: tag["Value"] for tag in lc.cluster.tags or []}
        return tags

