"""RdsSimulator: moto's RDS backend answering as RDS does (the rules are described in simulator.rds)."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID
from moto.rds.models import DBInstance, RDSBackend, rds_backends

from simulator.faults import AwsError
from simulator.latency import INSTANT, Latency, to_datetime
from simulator.rds import account, engines, modify, placement, replicas, storage
from simulator.rds.clusters import ClusterSimulator
from simulator.rds.groups import check_parameter_group
from simulator.rds.lifecycle import GONE, Event, Lifecycle, Pending, Timeline, lived_phases, union_length
from simulator.rds.snapshots import Snapshot, SnapshotRegistry, check_copyable, check_restorable, shared_snapshot

Forward = Callable[[str, dict[str, Any]], dict[str, Any]]
TAGGING = frozenset({"ListTagsForResource", "AddTagsToResource", "RemoveTagsFromResource"})

IDENTIFIER = re.compile(r"[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}(?<!-)")
IDENTIFIER_RULES = (
    "Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; "
    "and must not end with a hyphen or contain two consecutive hyphens."
)
DELETE_REFUSED = frozenset({"creating", "deleting", "renaming", "rebooting"})
# CreateDBSnapshot: "The source DB instance must be in the available or storage-optimization state."
SNAPSHOT_STATUSES = frozenset({"available", "storage-optimization"})
# Request keys moto stores under an attribute its describe does not read: request key -> described attribute.
ATTRIBUTE_OF = {
    "DBPortNumber": "port",
    "EnablePerformanceInsights": "performance_insights_enabled",
    "PerformanceInsightsKMSKeyId": "performance_insights_kms_key_id",
    "PerformanceInsightsRetentionPeriod": "performance_insights_retention_period",
    "EnableCloudwatchLogsExports": "enabled_cloudwatch_logs_exports",
}
# The request keys that can name a DB instance (its identifier or ARN).
NAMING_KEYS = ("DBInstanceIdentifier", "SourceDBInstanceIdentifier", "NewDBInstanceIdentifier", "ResourceName")


def _instance_name(identifier: str) -> str:
    """An instance identifier, also when given as its ARN."""
    return identifier.split(":db:")[-1]


def _apply_aliases(db: DBInstance, request: Mapping[str, Any]) -> None:
    for key, attribute in ATTRIBUTE_OF.items():
        if key in request:
            setattr(db, attribute, copy.deepcopy(request[key]))  # moto mutates some lists in place


def invalid_state(db: DBInstance, what: str = "") -> AwsError:
    return AwsError(
        "InvalidDBInstanceState",
        f"Database instance {db.db_instance_identifier} is not in available state (it is {db.status}){what}.",
    )


class RdsSimulator:
    def __init__(
        self,
        region: str,
        now: Callable[[], float],
        latency: Callable[[], Latency],
        status_fault: Callable[[Mapping[str, Any]], str | None],
    ) -> None:
        self.region = region
        self._now = now
        self._latency = latency
        self._status_fault = status_fault
        self._lifecycles: dict[str, Lifecycle] = {}  # by DbiResourceId: stable across renames
        self._reserved: dict[str, float] = {}  # identifier freed or claimed by a rename -> until when
        self._snapshot_origins: dict[str, str] = {}
        self._snapshot_tags: dict[str, list[dict[str, str]]] = {}  # of the copies in the registry
        self._sequence = itertools.count()
        self._moto: Forward | None = None  # moto itself, for changes that reach an instance later
        self.clusters = ClusterSimulator(self)
        self._handlers: dict[str, Callable[[dict[str, Any], Forward], dict[str, Any]]] = {
            "CreateDBInstance": self._create,
            "CreateDBInstanceReadReplica": self._create_replica,
            "RestoreDBInstanceFromDBSnapshot": self._restore,
            "PromoteReadReplica": self._promote,
            "ModifyDBInstance": self._modify,
            "RebootDBInstance": self._reboot,
            "DeleteDBInstance": self._delete,
            "CreateDBSnapshot": self._create_snapshot,
            "DescribeAccountAttributes": lambda params, forward: account.describe(self.backend),
            "RestoreDBInstanceToPointInTime": self._restore_point_in_time,
            "CopyDBSnapshot": self._copy_snapshot,
            "DescribeDBSnapshots": self._describe_snapshots,
            "DeleteDBSnapshot": self._delete_snapshot,
            "CreateDBCluster": self.clusters.create,
            "RestoreDBClusterToPointInTime": self.clusters.restore,
            "ModifyDBCluster": self.clusters.modify,
            "DeleteDBCluster": self.clusters.delete,
        }
        self.registry = SnapshotRegistry()

    @property
    def backend(self) -> RDSBackend:
        return rds_backends[DEFAULT_ACCOUNT_ID][self.region]

    def call(self, operation: str, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        """Answer one RDS call; `forward(operation, params)` asks moto itself."""
        self._moto = forward
        self.settle()
        if operation in TAGGING:
            kept = self.registry.find(params["ResourceName"])
            if kept is not None:
                return self._tag_kept_snapshot(operation, kept, params)
            self._check_tagged(params["ResourceName"])
        handler = self._handlers.get(operation)
        response = handler(params, forward) if handler else forward(operation, params)
        if isinstance(response.get("DBInstance"), dict):
            self._present(response["DBInstance"])
        for instance in response.get("DBInstances", []):
            self._present(instance)
        for cluster in response.get("DBClusters", []):
            self.clusters.present(cluster)
        return response

    # What the cluster simulator plans with

    def now(self) -> float:
        return self._now()

    def latency(self) -> Latency:
        return self._latency()

    def status_fault(self, request: Mapping[str, Any]) -> str | None:
        return self._status_fault(request)

    def next_sequence(self) -> int:
        return next(self._sequence)

    @staticmethod
    def check_identifier(identifier: str, parameter: str, max_length: int = 63) -> None:
        """RDS identifiers: 1 to `max_length` letters, digits and hyphens, a letter first, no "--", no "-" last."""
        if not re.fullmatch(r"[A-Za-z](?!.*--)[A-Za-z0-9-]*(?<!-)", identifier) or len(identifier) > max_length:
            raise AwsError(
                "InvalidParameterValue", f"The parameter {parameter} is not a valid identifier. {IDENTIFIER_RULES}"
            )

    def _setup(self) -> bool:
        """Whether the world is being loaded (SimulatedAWS loads it with the INSTANT latency model)."""
        return self._latency() is INSTANT

    def settle(self) -> None:
        """Run what was due by now (in time order), then write the statuses of now into moto's objects."""
        now = self._now()
        while True:
            due: list[tuple[float, int, Timeline, Event | None]] = []
            for timeline in [*self._lifecycles.values(), *self.clusters.timelines()]:
                if timeline.removed:
                    continue
                due += [(event.t, event.seq, timeline, event) for event in timeline.events if event.t <= now]
                pending = timeline.pending if isinstance(timeline, Lifecycle) else None
                if pending is not None and pending.starts <= now:
                    due.append((pending.starts, pending.seq, timeline, None))
            if not due:
                break
            t, _, timeline, event = min(due, key=lambda item: (item[0], item[1]))
            if event is None:
                assert isinstance(timeline, Lifecycle)
                self._start_modification(timeline, t)
            else:
                timeline.events.remove(event)
                event.action(t)
        backups = not self._setup()
        for lc in self._lifecycles.values():
            if not lc.removed:
                lc.db.status = lc.status_at(now, backups)
        self.clusters.write_statuses(now)

    # What DescribeDBInstances shows beyond moto

    def _present(self, instance: dict[str, Any]) -> None:
        lc = self._lifecycles.get(instance.get("DbiResourceId", ""))
        if lc is None:
            return
        db, now = lc.db, self._now()
        pending = modify.pending_values({**lc.deferred, **lc.in_flight, **(lc.pending.request if lc.pending else {})})
        if pending:
            instance["PendingModifiedValues"] = pending
        else:
            instance.pop("PendingModifiedValues", None)
        for group in instance.get("DBParameterGroups", []):
            group["ParameterApplyStatus"] = lc.parameter_status_at(now)
        if self.clusters.of_member(db) is None:  # an Aurora cluster's instances have the cluster's volume
            provisioned = None if db.iops is None else int(db.iops)
            iops, throughput = storage.reported(
                db.engine, db.storage_type, db.allocated_storage, provisioned, db.storage_throughput
            )
            for key, value in (("Iops", iops), ("StorageThroughput", throughput)):
                if value is None:
                    instance.pop(key, None)
                else:
                    instance[key] = value
        if "MasterUserSecret" in instance:
            instance["MasterUserSecret"]["SecretStatus"] = "active"

    # Reports

    def instances(self, forward: Forward) -> list[dict[str, Any]]:
        """Every instance as DescribeDBInstances shows it now, plus data_origin."""
        self.settle()
        described: list[dict[str, Any]] = []
        marker: dict[str, Any] = {}
        while True:
            page = forward("DescribeDBInstances", marker)
            described += page["DBInstances"]
            if not page.get("Marker"):
                break
            marker = {"Marker": page["Marker"]}
        report = []
        for instance in described:
            self._present(instance)
            lc = self._lifecycles.get(instance["DbiResourceId"])
            report.append(
                {
                    "ReadReplicaSourceDBInstanceIdentifier": None,
                    "ReadReplicaDBInstanceIdentifiers": [],
                    "TagList": [],
                    **instance,
                    "data_origin": lc.data_origin if lc else None,
                }
            )
        return sorted(report, key=lambda i: i["DBInstanceIdentifier"])

    def snapshots(self, forward: Forward) -> list[dict[str, Any]]:
        """This account's manual snapshots (final snapshots, copies), each with the data it holds."""
        self.settle()
        described = forward("DescribeDBSnapshots", {"SnapshotType": "manual"})["DBSnapshots"]
        report = [{**s, "data_origin": self._snapshot_origins.get(s["DBSnapshotIdentifier"])} for s in described]
        kept = [s for s in self.registry.snapshots if s.kind == "manual"]
        report += [{**s.entry, "Status": s.status(self._now()), "data_origin": s.data_origin} for s in kept]
        return sorted(report, key=lambda s: s["DBSnapshotIdentifier"])

    def clusters_report(self, forward: Forward) -> list[dict[str, Any]]:
        """Every DB cluster as DescribeDBClusters shows it now, plus data_origin."""
        self.settle()
        return self.clusters.report(forward)

    def cluster_snapshots(self, forward: Forward) -> list[dict[str, Any]]:
        """This account's manual DB cluster snapshots (final snapshots of clusters), each with the data it holds."""
        self.settle()
        return self.clusters.snapshots(forward)

    # Snapshots beside moto's

    def share(self, specs: list[dict[str, Any]]) -> None:
        """The world's snapshots shared from other accounts."""
        for spec in specs:
            self.registry.add(shared_snapshot(spec, self.region, to_datetime(self._now()) - dt.timedelta(hours=6)))

    def take_automated_snapshots(self) -> None:
        """Last night's automated snapshot of every instance with backups (RDS takes one a day in the backup
        window; the world starts with the latest)."""
        taken = to_datetime(self._now()) - dt.timedelta(hours=12)
        for lc in self._lifecycles.values():
            db = lc.db
            # an Aurora cluster's instances have no snapshots of their own: the cluster's volume is backed up
            if lc.removed or not db.backup_retention_period or self.clusters.of_member(db) is not None:
                continue
            identifier = f"rds:{db.db_instance_identifier}-{taken:%Y-%m-%d-%H-%M}"
            self.registry.add(Snapshot(self._snapshot_entry(db, identifier, "automated", taken), lc.data_origin))

    def _snapshot_entry(self, db: DBInstance, identifier: str, kind: str, taken: dt.datetime) -> dict[str, Any]:
        entry = {
            "DBSnapshotIdentifier": identifier, "DBInstanceIdentifier": db.db_instance_identifier,
            "DBSnapshotArn": f"arn:aws:rds:{self.region}:{DEFAULT_ACCOUNT_ID}:snapshot:{identifier}",
            "SnapshotType": kind, "Engine": db.engine, "EngineVersion": db.engine_version,
            "AllocatedStorage": db.allocated_storage, "StorageType": db.storage_type, "Port": db.port,
            "MasterUsername": db.master_username, "Encrypted": bool(db.storage_encrypted),
            "SnapshotCreateTime": taken,
        }
        if db.storage_encrypted:
            entry["KmsKeyId"] = db.kms_key_id
        return entry

    def downtime(self, names: list[str], until: float, clusters: tuple[str, ...] = ()) -> dict[str, float]:
        """For each name, the virtual time in [0, until] when no `available` instance held it (daily backups,
        being `backing-up`, count); for the names in `clusters`, when no available cluster with an available
        writer held it (its endpoint could not serve)."""
        self.settle()
        held: dict[str, list[tuple[float, float]]] = {name.lower(): [] for name in names}
        for lc in self._lifecycles.values():
            for identifier, start, end in lc.available_spans(until):
                start, end = max(start, 0.0), min(end, until)
                if identifier in held and end > start and identifier not in clusters:
                    held[identifier].append((start, end))
        by_dbi = {lc.db.dbi_resource_id: lc for lc in self._lifecycles.values()}
        for name in clusters:
            held[name.lower()] = self.clusters.up_spans(name.lower(), until, by_dbi)
        return {name: max(until, 0.0) - union_length(held[name.lower()]) for name in names}

    def status_history(self, until: float) -> list[dict[str, Any]]:
        """Every status each instance went through in [0, until], in time order: the statuses a workflow waited
        through. `deleted` (not an RDS status) marks the end of a deletion, when the instance is gone."""
        self.settle()
        history = []
        for lc in self._lifecycles.values():
            for phase in lived_phases(lc.effective_phases(until), until):
                history.append({"t": phase.start, "DBInstanceIdentifier": phase.identifier,
                                "DBInstanceStatus": phase.status, "DbiResourceId": lc.db.dbi_resource_id})
        return sorted(history, key=lambda entry: entry["t"])  # stable: one instance's entries keep their order

    def resource_tags(self, params: Mapping[str, Any]) -> dict[str, dict[str, str]]:
        """The tags of the DB instances a request names (by identifier or ARN) as they are now, before the call,
        keyed by the ARN the request names them with: what IAM evaluates `aws:ResourceTag/<key>` conditions
        against. An instance that does not exist (yet) is left out."""
        self.settle()
        tags: dict[str, dict[str, str]] = {}
        for key in NAMING_KEYS:
            name = params.get(key)
            if not isinstance(name, str) or (name.startswith("arn:") and ":db:" not in name):
                continue
            db = self.backend.databases.get(_instance_name(name))
            if db is not None:
                arn = name if name.startswith("arn:") else f"arn:aws:rds:{self.region}:{DEFAULT_ACCOUNT_ID}:db:{name}"
                tags[arn] = {tag["Key"]: tag["Value"] for tag in db.tags or []}
        return {**tags, **self.clusters.resource_tags(params)}

    # Bookkeeping

    def _get(self, identifier: str) -> Lifecycle:
        db = self.backend.databases.get(_instance_name(identifier))
        if db is None:
            raise AwsError("DBInstanceNotFound", f"DBInstance {identifier} not found.")
        return self._lifecycles[db.dbi_resource_id]

    @staticmethod
    def _require_available(lc: Lifecycle) -> None:
        if lc.db.status != "available":
            raise invalid_state(lc.db)

    def _check_new(self, identifier: str, parameter: str = "DBInstanceIdentifier") -> None:
        if not IDENTIFIER.fullmatch(identifier):
            raise AwsError(
                "InvalidParameterValue", f"The parameter {parameter} is not a valid identifier. {IDENTIFIER_RULES}"
            )
        taken = identifier in self.backend.databases
        if taken or self._reserved.get(identifier.lower(), -math.inf) > self._now():
            raise AwsError("DBInstanceAlreadyExists", "DB instance already exists")

    def _reserve(self, identifier: str, until: float) -> None:
        """Keep `identifier` from being created or renamed onto until `until` (a rename claims or frees it)."""
        name = identifier.lower()
        self._reserved[name] = max(self._reserved.get(name, -math.inf), until)

    def _adopt(self, db: DBInstance, data_origin: str, forward: Forward) -> Lifecycle:
        """Start the simulator's bookkeeping of an instance moto just created."""
        # moto builds replicas and restores by shallow copy: lists and dicts would stay shared with the source.
        for name, value in list(vars(db).items()):
            if isinstance(value, list | dict):
                setattr(db, name, copy.deepcopy(value))
        db.dbi_resource_id = f"db-{len(self._lifecycles) + 1:026d}"
        db.created = db.instance_create_time = to_datetime(self._now())
        if getattr(db, "db_subnet_group", None) is None:
            # An instance created without a DB subnet group is in the default VPC's "default" group.
            placement.ensure_default_subnet_group(self.backend, self.region, forward)
            db.db_subnet_group_name = placement.DEFAULT_SUBNET_GROUP
        if db.storage_encrypted and db.kms_key_id in (None, "default_kms_key_id"):
            # CreateDBInstance.KmsKeyId: "If StorageEncrypted is enabled, and you do not specify a value for the
            # KmsKeyId parameter, then Amazon RDS uses your default KMS key."
            db.kms_key_id = f"arn:aws:kms:{self.region}:{DEFAULT_ACCOUNT_ID}:alias/aws/rds"
        lc = Lifecycle(db, data_origin)
        # an Aurora cluster's instances have no backup window of their own: the cluster's volume is backed up
        member = self.clusters.of_member(db) is not None
        lc.set_backups(self._now(), 0 if member else db.backup_retention_period, db.preferred_backup_window)
        self._lifecycles[db.dbi_resource_id] = lc
        return lc

    def _plan(
        self, lc: Lifecycle, t: float, steps: list[tuple[str, float]], request: Mapping[str, Any] | None,
        ending: str = "available",
    ) -> float:
        """Plan `steps` from t; an operation that would end `available` ends in the status of a matching
        rds:status fault instead (`request` None: the fault was already drawn)."""
        if ending == "available" and steps and request is not None:
            ending = self._status_fault(request) or ending
        end = lc.plan(t, steps, ending)
        if ending not in ("available", GONE) and self.clusters.of_member(lc.db) is not None:
            self._at(lc, end, lambda _t: self.clusters.failed(lc.db))  # a failed writer: the cluster fails over
        return end

    def _at(self, lc: Lifecycle, t: float, action: Callable[[float], None]) -> None:
        lc.events.append(Event(t, next(self._sequence), action))

    def _respond(self, forward: Forward, identifier: str) -> dict[str, Any]:
        page = forward("DescribeDBInstances", {"DBInstanceIdentifier": identifier})
        return {"DBInstance": page["DBInstances"][0], "ResponseMetadata": page["ResponseMetadata"]}

    def _detach(self, db: DBInstance) -> None:
        """Cut the link between a replica and its source, on both sides."""
        source = self.backend.databases.get(db.source_db_instance_identifier or "")
        if source is not None and db.db_instance_identifier in source.replicas:
            source.replicas.remove(db.db_instance_identifier)
        db.source_db_instance_identifier = None
        db.is_replica = False

    def _follow_rename(self, db: DBInstance, old: str) -> None:
        new = db.db_instance_identifier
        source = self.backend.databases.get(db.source_db_instance_identifier or "")
        if source is not None:
            source.replicas = [new if name == old else name for name in source.replicas]
        for name in db.replicas:
            self.backend.databases[name].source_db_instance_identifier = new

    def _remove(self, lc: Lifecycle) -> None:
        db = lc.db
        lc.removed = True
        self._detach(db)
        for name in db.replicas:
            self._detach(self.backend.databases[name])
        del self.backend.databases[db.db_instance_identifier]
        cluster = getattr(db, "db_cluster_identifier", None)
        if cluster:
            self.clusters.left(cluster)

    def _record_snapshot(self, snapshot_id: str, data_origin: str) -> None:
        snapshot = self.backend.database_snapshots[snapshot_id]
        snapshot.created = snapshot.original_snapshot_create_time = to_datetime(self._now())
        self._snapshot_origins[snapshot.db_snapshot_identifier] = data_origin

    # Operations

    def _create(self, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        identifier = params["DBInstanceIdentifier"]
        self._check_new(identifier)
        if params.get("DBClusterIdentifier"):
            return self._create_member(params, forward)
        request = dict(params)
        # CreateDBInstance.StorageType: "Default: io1, if the Iops parameter is specified. Otherwise, gp3." (moto: gp2)
        request.setdefault("StorageType", "io1" if "Iops" in params else "gp3")
        request.setdefault("AllocatedStorage", 20)  # moto's own default (it has none for gp3)
        allocated = int(request["AllocatedStorage"])
        storage.check(
            params["Engine"], request["StorageType"], allocated, params.get("Iops"), params.get("StorageThroughput")
        )
        if params.get("DBParameterGroupName"):
            check_parameter_group(self.backend, params["DBParameterGroupName"])
        account.check_quotas(self.backend, 1, allocated)
        forward("CreateDBInstance", request)
        lc = self._adopt(self.backend.databases[identifier], identifier.lower(), forward)
        _apply_aliases(lc.db, params)
        self._plan(lc, self._now(), [("creating", self._latency().create_read_replica)], params)
        self.settle()
        return self._respond(forward, identifier)

    def _create_member(self, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        """CreateDBInstance of an Aurora cluster's instance (simulator.rds.clusters): the cluster's data."""
        identifier = params["DBInstanceIdentifier"]
        cluster = self.clusters.check_member(params)
        if params.get("DBParameterGroupName"):
            check_parameter_group(self.backend, params["DBParameterGroupName"])
            group = params["DBParameterGroupName"]
            family = group[len("default."):] if group.startswith("default.") else \
                self.backend.db_parameter_groups[group].family
            expected = engines.parameter_group_family(cluster.cluster.engine, cluster.cluster.engine_version)
            if family != expected:
                raise AwsError("InvalidParameterCombination", f"The parameter group {group} with "
                               f"DBParameterGroupFamily {family} can't be used for this instance. Use a parameter "
                               f"group with DBParameterGroupFamily {expected}.")
        forward("CreateDBInstance", params)
        lc = self._adopt(self.backend.databases[identifier], cluster.data_origin, forward)
        self.clusters.joined(cluster, lc.db)
        _apply_aliases(lc.db, params)
        self._plan(lc, self._now(), [("creating", self._latency().create_cluster_instance)], params)
        self.settle()
        return self._respond(forward, identifier)

    def _create_replica(self, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        identifier = params["DBInstanceIdentifier"]
        self._check_new(identifier)
        source = self._get(params["SourceDBInstanceIdentifier"])
        src = source.db
        replicas.check_source(self.backend, src)
        vpc = replicas.placement(self.backend, self.region, src, params)
        replicas.check_groups(self.backend, src, params)
        replicas.check_encryption(src, params)
        allocated, storage_type, iops, throughput = replicas.storage_of(src, params)
        account.check_quotas(self.backend, 1, allocated)
        forward("CreateDBInstanceReadReplica", params)
        lc = self._adopt(self.backend.databases[identifier], source.data_origin, forward)
        replica = lc.db
        for key, attribute, default in replicas.DEFAULTS:
            if key not in params:
                setattr(replica, attribute, default())
        if "VpcSecurityGroupIds" not in params:
            # CreateDBInstanceReadReplica.VpcSecurityGroupIds: "Default: The default EC2 VPC security group for
            # the DB subnet group's VPC."
            replica.vpc_security_group_ids = [placement.default_security_group(self.region, vpc)]
        replica.allocated_storage, replica.storage_type, replica.iops = allocated, storage_type, iops
        replica.storage_throughput = throughput
        replica.backup_retention_period = 0
        replica.source_db_instance_identifier = src.db_instance_identifier
        lc.set_backups(self._now(), 0, None)
        _apply_aliases(replica, params)
        self._plan(lc, self._now(), [("creating", self._latency().create_read_replica)], params)
        self.settle()
        return self._respond(forward, identifier)

    def _restore(self, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        """RestoreDBInstanceFromDBSnapshot: a new instance with the snapshot's data, engine, storage and key."""
        found = self._snapshot(params["DBSnapshotIdentifier"], forward)
        check_restorable(found, self._now())
        return self._restored(params["DBInstanceIdentifier"], found.entry, params, found.data_origin,
                              self._latency().restore_snapshot, forward)

    def _restore_point_in_time(self, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        """RestoreDBInstanceToPointInTime from the source's automated backups."""
        if bool(params.get("RestoreTime")) == bool(params.get("UseLatestRestorableTime")):
            # RestoreTime: "Can't be specified if the UseLatestRestorableTime parameter is enabled"; one is needed
            raise AwsError("InvalidParameterCombination", "Specify exactly one of RestoreTime and "
                           "UseLatestRestorableTime.")
        source = self._get(params["SourceDBInstanceIdentifier"])
        db = source.db
        if not db.backup_retention_period:
            # PointInTimeRestoreNotEnabledFault: "SourceDBInstanceIdentifier refers to a DB instance with
            # BackupRetentionPeriod equal to 0."
            raise AwsError("PointInTimeRestoreNotEnabled", "SourceDBInstanceIdentifier refers to a DB instance with "
                           "BackupRetentionPeriod equal to 0.")
        base = self._snapshot_entry(db, "", "automated", to_datetime(self._now()))
        base["Tags"] = copy.deepcopy(db.tags or [])
        base["BackupRetentionPeriod"] = db.backup_retention_period  # "Default: Uses existing setting"
        return self._restored(params["TargetDBInstanceIdentifier"], base, params, source.data_origin,
                              self._latency().restore_point_in_time, forward)

    def _restored(self, identifier: str, base: Mapping[str, Any], params: dict[str, Any], data_origin: str,
                  duration: float, forward: Forward) -> dict[str, Any]:
        """A restore: a new instance with the data, engine, storage and encryption of `base` (a snapshot, or the
        source at its latest restorable time) and the request's settings; what the request leaves out takes
        RDS's defaults for a restore (the default parameter group, subnet group and security group, Single-AZ,
        no deletion protection), the port and tags of the original."""
        self._check_new(identifier)
        allocated = int(params.get("AllocatedStorage", base["AllocatedStorage"]))
        if allocated < int(base["AllocatedStorage"]):
            # "You can't reduce the amount of storage when you restore a DB instance" (User Guide)
            raise AwsError("InvalidParameterValue", "You can't reduce the amount of storage when you restore a DB "
                           "instance.")
        storage_type = params.get("StorageType", base.get("StorageType") or "gp3")
        storage.check(base["Engine"], storage_type, allocated, params.get("Iops"), params.get("StorageThroughput"))
        if params.get("DBParameterGroupName"):
            check_parameter_group(self.backend, params["DBParameterGroupName"])
        account.check_quotas(self.backend, 1, allocated)
        keys = ("DBInstanceClass", "Port", "DBSubnetGroupName", "MultiAZ", "PubliclyAccessible", "Iops",
                "AutoMinorVersionUpgrade", "CopyTagsToSnapshot", "VpcSecurityGroupIds", "StorageThroughput",
                "EnableIAMDatabaseAuthentication", "EnableCloudwatchLogsExports", "DBParameterGroupName",
                "OptionGroupName", "DeletionProtection", "MaxAllocatedStorage", "PreferredBackupWindow")
        request = {key: params[key] for key in keys if key in params}
        retention = int(params.get("BackupRetentionPeriod", base.get("BackupRetentionPeriod", 1)))
        request |= {
            "DBInstanceIdentifier": identifier, "Engine": base["Engine"], "EngineVersion": base["EngineVersion"],
            "DBInstanceClass": params.get("DBInstanceClass", "db.t3.micro"), "AllocatedStorage": allocated,
            "StorageType": storage_type, "MasterUsername": base.get("MasterUsername") or "admin",
            "MasterUserPassword": "the-restored-password", "Port": params.get("Port", base.get("Port")),
            "StorageEncrypted": bool(base.get("Encrypted")), "BackupRetentionPeriod": retention,
            "Tags": params.get("Tags", base.get("Tags", [])),
        }
        if base.get("Encrypted"):
            request["KmsKeyId"] = base["KmsKeyId"]  # a restore keeps its source's key: there is no KmsKeyId
        # moto holds no default option group (default:<engine>-<version>), which RDS always has
        default_options = str(request.get("OptionGroupName", "")).startswith("default:")
        options = request.pop("OptionGroupName") if default_options else None
        forward("CreateDBInstance", {k: v for k, v in request.items() if v is not None})
        lc = self._adopt(self.backend.databases[identifier], data_origin, forward)
        if options:
            lc.db.option_group_name = options
        _apply_aliases(lc.db, params)
        steps = [("creating", duration)] + ([("backing-up", self._latency().enable_backups)] if retention else [])
        self._plan(lc, self._now(), steps, params)
        self.settle()
        return self._respond(forward, identifier)

    def _snapshot(self, name: str, forward: Forward) -> Snapshot:
        """A snapshot by identifier or ARN: one the simulator keeps, or one of moto's (DBSnapshotNotFound)."""
        found = self.registry.find(name)
        if found is not None:
            return found
        entry = forward("DescribeDBSnapshots", {"DBSnapshotIdentifier": name.split(":snapshot:")[-1]})["DBSnapshots"][0]
        identifier = entry["DBSnapshotIdentifier"]
        return Snapshot(entry, self._snapshot_origins.get(identifier, entry["DBInstanceIdentifier"]))

    def _copy_snapshot(self, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        """CopyDBSnapshot: a manual snapshot of this account with the source's data, creating for
        `copy_snapshot` seconds; encrypted with KmsKeyId, or the source's key."""
        target = params["TargetDBSnapshotIdentifier"]
        found = self._snapshot(params["SourceDBSnapshotIdentifier"], forward)
        check_copyable(found, params, self._now())
        if self.registry.find(target) is not None or target in self.backend.database_snapshots:
            raise AwsError("DBSnapshotAlreadyExists", f"Snapshot {target} already exists.")
        entry = {**found.entry, "DBSnapshotIdentifier": target, "SnapshotType": "manual",
                 "DBSnapshotArn": f"arn:aws:rds:{self.region}:{DEFAULT_ACCOUNT_ID}:snapshot:{target}",
                 "SnapshotCreateTime": to_datetime(self._now())}
        if params.get("KmsKeyId"):
            entry["KmsKeyId"] = params["KmsKeyId"]
        copy_ = Snapshot(entry, found.data_origin, available_at=self._now() + self._latency().copy_snapshot)
        self.registry.add(copy_)
        self._snapshot_tags[target] = list(params.get("Tags", []))
        return {"DBSnapshot": {**entry, "Status": copy_.status(self._now())}}

    def _tag_kept_snapshot(self, operation: str, snapshot: Snapshot, params: dict[str, Any]) -> dict[str, Any]:
        tags = self._snapshot_tags.setdefault(snapshot.identifier, [])
        if operation == "AddTagsToResource":
            keys = {t["Key"] for t in params["Tags"]}
            tags[:] = [t for t in tags if t["Key"] not in keys] + list(params["Tags"])
        elif operation == "RemoveTagsFromResource":
            tags[:] = [t for t in tags if t["Key"] not in params["TagKeys"]]
        return {"TagList": list(tags)}

    def _describe_snapshots(self, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        """moto's snapshots and the simulator's own (automated, shared, copies), one page."""
        named = params.get("DBSnapshotIdentifier")
        kept = self.registry.describe(params, self._now())
        if named and kept:
            return {"DBSnapshots": kept}
        own = [] if params.get("SnapshotType") in ("automated", "shared") else forward(
            "DescribeDBSnapshots", {k: v for k, v in params.items() if k != "IncludeShared"})["DBSnapshots"]
        if named and not own:
            raise AwsError("DBSnapshotNotFound", f"DBSnapshot {named} not found.")
        return {"DBSnapshots": own + kept}

    def _delete_snapshot(self, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        found = self.registry.find(params["DBSnapshotIdentifier"])
        if found is None or found.kind != "manual":
            return forward("DeleteDBSnapshot", params)
        self.registry.remove(found)
        return {"DBSnapshot": {**found.entry, "Status": "deleted"}}

    def _promote(self, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        lc = self._get(params["DBInstanceIdentifier"])
        db = lc.db
        self._require_available(lc)
        if db.source_db_instance_identifier is None:
            raise AwsError("InvalidDBInstanceState", f"DB Instance {db.db_instance_identifier} is not a read replica.")
        retention = params.get("BackupRetentionPeriod", 1)
        if retention == 0 and db.replicas:
            raise AwsError(
                "InvalidParameterCombination",
                "BackupRetentionPeriod can't be set to 0 if the DB instance is a source to read replicas.",
            )
        had_backups = db.backup_retention_period > 0
        forward("PromoteReadReplica", params)
        db.backup_retention_period = retention
        self._detach(db)
        now, latency = self._now(), self._latency()
        steps = [("modifying", latency.promote)]
        if retention > 0 and not had_backups:
            steps.append(("backing-up", latency.enable_backups))
        lc.set_backups(now, retention, db.preferred_backup_window)
        if lc.parameter_status_at(now) != "in-sync":
            # "RDS reboots the DB instance before making it available": assumed to apply a pending-reboot group.
            lc.set_parameter_status(now + latency.promote, "in-sync")
        self._plan(lc, now, steps, params)
        self.settle()
        return self._respond(forward, db.db_instance_identifier)

    def _reboot(self, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        lc = self._get(params["DBInstanceIdentifier"])
        db = lc.db
        if db.status != "available":
            raise invalid_state(db, "; you can't reboot a DB instance that isn't available")
        if params.get("ForceFailover") and not db.multi_az:
            raise AwsError(
                "InvalidParameterCombination", "You can't enable force failover if the instance isn't Multi-AZ."
            )
        forward("RebootDBInstance", params)
        now = self._now()
        end = self._plan(lc, now, [("rebooting", self._latency().reboot)], params)
        if lc.parameter_status_at(now) != "in-sync":
            lc.set_parameter_status(end, "in-sync")
        self.settle()
        return self._respond(forward, db.db_instance_identifier)

    def _modify(self, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        lc = self._get(params["DBInstanceIdentifier"])
        db = lc.db
        # Which statuses allow ModifyDBInstance is undocumented: `available`, or incompatible-* to repair it.
        if not db.status.startswith("incompatible-"):
            self._require_available(lc)
        request = dict(params)
        if request.get("NewDBInstanceIdentifier", "").lower() == db.db_instance_identifier:
            del request["NewDBInstanceIdentifier"]
        if "NewDBInstanceIdentifier" in request:
            self._check_new(request["NewDBInstanceIdentifier"], "NewDBInstanceIdentifier")
        modify.check(self.backend, db, request)
        immediate, asap, deferred = modify.split(request, db.backup_retention_period)
        now, latency = self._now(), self._latency()
        new_group = immediate.get("DBParameterGroupName")
        if new_group is not None and db.db_parameter_group_name == new_group:
            new_group = None
        if immediate:  # first: moto's own refusals (overlapping windows...) leave the instance as it was
            apply = {"ApplyImmediately": True} if request.get("ApplyImmediately") else {}
            forward("ModifyDBInstance", {"DBInstanceIdentifier": db.db_instance_identifier, **immediate, **apply})
            _apply_aliases(db, immediate)
            if {"BackupRetentionPeriod", "PreferredBackupWindow"} & set(immediate):
                lc.set_backups(now, db.backup_retention_period, db.preferred_backup_window)
        if request.get("ApplyImmediately"):
            # ApplyImmediately: "the modifications in this request and any pending modifications are
            # asynchronously applied as soon as possible"
            later = {**lc.deferred, **deferred, **asap}
            lc.deferred = {}
        else:
            later = asap
            lc.deferred.update(deferred)
        if later:
            outcome = self._status_fault(params)
            if lc.pending is None:
                lc.pending = Pending(now + latency.modify_lag, next(self._sequence), later, outcome)
            else:
                lc.pending.request.update(later)
                lc.pending.outcome = lc.pending.outcome or outcome
            if "NewDBInstanceIdentifier" in later:
                self._reserve(later["NewDBInstanceIdentifier"], lc.pending.starts)
        if new_group is not None:
            # The name changes at once; the group is `applying` until the modification ends (alone: for the
            # modify lag), then `pending-reboot` until a reboot. How long `applying` lasts is undocumented.
            lc.set_parameter_status(now, "applying")
            if lc.pending is not None:
                lc.pending.parameter_group = True
            else:
                lc.set_parameter_status(now + latency.modify_lag, "pending-reboot")
        self.settle()
        return self._respond(forward, db.db_instance_identifier)

    def _start_modification(self, lc: Lifecycle, t: float) -> None:
        """The modify lag is over: the accepted changes start (after the operation under way, if any)."""
        pending = lc.pending
        assert pending is not None
        if lc.at(t).status != "available" and lc.phases[-1].start > t:
            pending.starts = lc.phases[-1].start  # e.g. a reboot requested during the lag
            if "NewDBInstanceIdentifier" in pending.request:
                self._reserve(pending.request["NewDBInstanceIdentifier"], pending.starts)
            return
        lc.pending = None
        db, latency, forward = lc.db, self._latency(), self._moto
        assert forward is not None, "a modification was accepted through call()"
        request = dict(pending.request)
        steps: list[tuple[str, float]] = []
        new = request.pop("NewDBInstanceIdentifier", None)
        if new is not None and new.lower() != db.db_instance_identifier:
            old = db.db_instance_identifier
            forward("ModifyDBInstance", {"DBInstanceIdentifier": old, "NewDBInstanceIdentifier": new})
            self._follow_rename(db, old)
            self._reserve(old, t + latency.rename)
            steps.append(("renaming", latency.rename))
        retention = request.get("BackupRetentionPeriod")
        had_backups = db.backup_retention_period > 0
        turning_off = retention == 0 and had_backups
        slow = {k: v for k, v in request.items() if k != "BackupRetentionPeriod" or turning_off}
        status = modify.status_of(slow)
        if status is not None:
            steps.append((status, latency.modify))
        if retention and not had_backups:
            steps.append(("backing-up", latency.enable_backups))
        lc.in_flight = request
        end = self._plan(lc, t, steps, None, pending.outcome or "available")
        self._at(lc, end, lambda te: self._finish_modification(lc, request, pending.parameter_group, te))

    def _finish_modification(self, lc: Lifecycle, changes: dict[str, Any], parameter_group: bool, t: float) -> None:
        db, forward = lc.db, self._moto
        assert forward is not None
        if changes:
            forward("ModifyDBInstance", {"DBInstanceIdentifier": db.db_instance_identifier, **changes})
            _apply_aliases(db, changes)
        if "BackupRetentionPeriod" in changes:
            lc.set_backups(t, db.backup_retention_period, db.preferred_backup_window)
        lc.in_flight = {}
        if parameter_group:
            lc.set_parameter_status(t, "pending-reboot")

    def _delete(self, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        lc = self._get(params["DBInstanceIdentifier"])
        db = lc.db
        if db.status in DELETE_REFUSED:
            raise AwsError(
                "InvalidDBInstanceState",
                f"Instance {db.db_instance_identifier} is currently {db.status}; it cannot be deleted.",
            )
        if db.deletion_protection:
            raise AwsError(
                "InvalidParameterCombination",
                "Cannot delete protected DB Instance, please disable deletion protection and try again.",
            )
        skip, final = params.get("SkipFinalSnapshot", False), params.get("FinalDBSnapshotIdentifier")
        member = self.clusters.of_member(db) is not None
        if member:
            self.clusters.check_member_delete(params)
        if not skip and not final and not member:
            raise AwsError(
                "InvalidParameterCombination",
                "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.",
            )
        if skip and final:
            raise AwsError(
                "InvalidParameterCombination",
                "FinalDBSnapshotIdentifier can not be specified when SkipFinalSnapshot is set.",
            )
        if final and db.source_db_instance_identifier:
            raise AwsError(
                "InvalidParameterCombination",
                "FinalDBSnapshotIdentifier can not be specified when deleting a replica instance",
            )
        if final and db.status != "available":
            raise invalid_state(db, "; a final DB snapshot needs it available: use SkipFinalSnapshot")
        if final:
            forward(
                "CreateDBSnapshot", {"DBInstanceIdentifier": db.db_instance_identifier, "DBSnapshotIdentifier": final}
            )
            self._record_snapshot(final, lc.data_origin)
        lc.pending, lc.deferred, lc.in_flight = None, {}, {}
        end = self._plan(lc, self._now(), [("deleting", self._latency().delete)], params, ending=GONE)
        self._at(lc, end, lambda t: self._remove(lc))
        db.status = "deleting"  # the response shows it even when the deletion takes no time
        response = self._respond(forward, db.db_instance_identifier)
        self.settle()
        return response

    def _create_snapshot(self, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        lc = self._get(params["DBInstanceIdentifier"])
        if lc.db.status not in SNAPSHOT_STATUSES:
            raise invalid_state(lc.db)
        forward("CreateDBSnapshot", params)
        self._record_snapshot(params["DBSnapshotIdentifier"], lc.data_origin)
        page = forward("DescribeDBSnapshots", {"DBSnapshotIdentifier": params["DBSnapshotIdentifier"]})
        return {"DBSnapshot": page["DBSnapshots"][0], "ResponseMetadata": page["ResponseMetadata"]}

    def _check_tagged(self, arn: str) -> None:
        """moto answers tag calls on a missing instance or snapshot with an empty success; RDS refuses them."""
        parts = arn.split(":")
        kind, name = (parts[5], ":".join(parts[6:])) if len(parts) >= 7 else ("", "")
        if kind == "db" and name not in self.backend.databases:
            raise AwsError("DBInstanceNotFound", f"DBInstance {name} not found.")
        if kind == "snapshot" and name not in self.backend.database_snapshots:
            raise AwsError("DBSnapshotNotFound", f"DBSnapshot {name} not found.")
        if kind == "cluster" and name not in self.backend.clusters:
            raise AwsError("DBClusterNotFoundFault", f"DBCluster {name} not found.")
