"""Simulated RDS: moto's RDS backend, corrected where moto is not RDS (AWS-NOTES.md, "moto's RDS is not RDS").

Lifecycles. Every instance has phases `(start, identifier, status)` on the virtual clock, planned when an
operation starts (dropping any phase planned after that instant) and read lazily: its status at t is that of
its last phase starting at or before t. `settle()`, run before every call and report, writes the statuses of
now into moto's objects and removes the instances whose deletion has ended, so that moto's own responses
(DescribeDBInstances, tags...) show the simulated state. Durations are `Latency` fields:

- CreateDBInstanceReadReplica: the replica is `creating` (create_read_replica), then `available`.
  CreateDBInstance takes as long; RestoreDBInstanceFromDBSnapshot is `creating` for restore_snapshot.
- PromoteReadReplica: `modifying` (promote), then `backing-up` (enable_backups) when it turns backups on:
  BackupRetentionPeriod (AWS's default: 1) > 0 on a replica, which has 0.
- ModifyDBInstance, in this order: a rename is `renaming` (rename); changes that real RDS makes with a status
  change are `modifying` (modify), or `resetting-master-credentials` when MasterUserPassword is the only one;
  turning backups on (0 -> n) is `backing-up` (enable_backups). IN_PLACE changes (windows, DeletionProtection,
  retention between non-zero values, CopyTagsToSnapshot, AutoMinorVersionUpgrade) cost nothing, so a rename
  with them takes the rename time only. Without ApplyImmediately=True the DEFERRED changes wait for the
  maintenance window, which never comes here: they show in PendingModifiedValues until a later modify with
  ApplyImmediately=True applies them along with its own changes.
- A rename takes the old identifier away at once (DBInstanceNotFound) and keeps it reserved until the rename
  ends (DBInstanceAlreadyExists for a create or rename onto it); the new identifier describes as `renaming`.
- DeleteDBInstance: `deleting` (delete), then gone; a FinalDBSnapshotIdentifier snapshot appears at once.
  Replicas of a deleted instance become standalone, as RDS promotes them.
- An `rds:status` fault whose `match` fits the request of an operation that would end `available` makes it end
  in the fault's status (`incompatible-parameters`...); the instance stays so until deleted.

Refusals, as AWS words them: Modify/Promote/CreateDBInstanceReadReplica (on the source)/CreateDBSnapshot need
`available`, Delete refuses in DELETE_REFUSED (InvalidDBInstanceState); promoting a non-replica and replicating a
source without automated backups are InvalidDBInstanceState; an identifier taken or reserved is
DBInstanceAlreadyExists; malformed identifiers are InvalidParameterValue; a delete of a protected instance,
or without exactly one of SkipFinalSnapshot=True and FinalDBSnapshotIdentifier, or with a final snapshot of a
replica, is InvalidParameterCombination; tag calls on a missing instance are DBInstanceNotFound; a missing
parameter or option group is DBParameterGroupNotFound / OptionGroupNotFoundFault.

Corrections of moto's objects: a replica is a shallow copy of its source in moto, so its mutable attributes
(tags, security groups, log exports...) are copied apart; each instance gets a unique DbiResourceId from a
counter; a replica starts with backups off and with AWS's own defaults for the settings AWS does not inherit
(REPLICA_DEFAULTS, the default security group); ReadReplicaSourceDBInstanceIdentifier and
ReadReplicaDBInstanceIdentifiers follow renames, promotions and deletions; DBPortNumber,
EnablePerformanceInsights and EnableCloudwatchLogsExports reach the attributes moto describes; timestamps
are virtual.

`data_origin` (not in moto): a created instance's own identifier; a replica or restore inherits its source's
(or the snapshot's); it survives renames and promotions, and a final snapshot inherits it.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID
from moto.ec2.models import ec2_backends
from moto.rds.models import DBInstance, RDSBackend, rds_backends

from simulator.faults import AwsError
from simulator.latency import Latency, to_datetime

Forward = Callable[[str, dict[str, Any]], dict[str, Any]]
TAGGING = frozenset({"ListTagsForResource", "AddTagsToResource", "RemoveTagsFromResource"})
GONE = "deleted"  # pseudo-status of the phase after a deletion ends

IDENTIFIER = re.compile(r"[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}(?<!-)")
IDENTIFIER_RULES = (
    "Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; "
    "and must not end with a hyphen or contain two consecutive hyphens."
)
NO_BACKUPS = (
    "Automated backups are not enabled for this database instance. To enable automated backups, "
    "use ModifyDBInstance to set the backup retention period to a non-zero value."
)

# ModifyDBInstance parameters that change nothing that takes time (the request's own bookkeeping included);
# NewDBInstanceIdentifier and BackupRetentionPeriod have their own rules.
IN_PLACE = frozenset(
    {
        "DBInstanceIdentifier",
        "ApplyImmediately",
        "NewDBInstanceIdentifier",
        "BackupRetentionPeriod",
        "PreferredMaintenanceWindow",
        "PreferredBackupWindow",
        "DeletionProtection",
        "CopyTagsToSnapshot",
        "AutoMinorVersionUpgrade",
    }
)
# Changes RDS applies in the next maintenance window unless ApplyImmediately: request key -> pending key.
DEFERRED = {
    "NewDBInstanceIdentifier": "DBInstanceIdentifier",
    "DBInstanceClass": "DBInstanceClass",
    "AllocatedStorage": "AllocatedStorage",
    "StorageType": "StorageType",
    "Iops": "Iops",
    "MultiAZ": "MultiAZ",
    "EngineVersion": "EngineVersion",
    "DBPortNumber": "Port",
}
DELETE_REFUSED = frozenset({"creating", "deleting", "renaming", "rebooting"})
# CreateDBInstanceReadReplica settings for which AWS documents a default of its own instead of the source's
# value: (request key, moto attribute, default).
REPLICA_DEFAULTS: tuple[tuple[str, str, Callable[[], Any]], ...] = (
    ("MultiAZ", "multi_az", lambda: False),
    ("CopyTagsToSnapshot", "copy_tags_to_snapshot", lambda: False),
    ("MonitoringInterval", "monitoring_interval", lambda: 0),
    ("MonitoringRoleArn", "monitoring_role_arn", lambda: None),
    ("EnableIAMDatabaseAuthentication", "enable_iam_database_authentication", lambda: False),
    ("EnablePerformanceInsights", "performance_insights_enabled", lambda: False),
    ("DeletionProtection", "deletion_protection", lambda: False),
    ("Tags", "tags", list),
)
# Request keys moto stores under an attribute its describe does not read: request key -> described attribute.
ATTRIBUTE_OF = {
    "DBPortNumber": "port",
    "EnablePerformanceInsights": "performance_insights_enabled",
    "EnableCloudwatchLogsExports": "enabled_cloudwatch_logs_exports",
}


@dataclass
class Phase:
    start: float
    identifier: str
    status: str


@dataclass
class Lifecycle:
    db: DBInstance
    data_origin: str
    phases: list[Phase] = field(default_factory=list)
    removed: bool = False  # gone from moto's backend (its deletion ended)

    def at(self, t: float) -> Phase:
        return [phase for phase in self.phases if phase.start <= t][-1]

    def plan(self, now: float, steps: list[tuple[str, float]], ending: str) -> None:
        """Replace whatever was planned after `now` by `steps` (status, duration) then `ending`."""
        identifier = self.db.db_instance_identifier
        self.phases = [phase for phase in self.phases if phase.start <= now]
        t = now
        for status, duration in steps:
            self.phases.append(Phase(t, identifier, status))
            t += duration
        self.phases.append(Phase(t, identifier, ending))

    def available_spans(self) -> list[tuple[str, float, float]]:
        ends = [phase.start for phase in self.phases[1:]] + [math.inf]
        return [
            (p.identifier, p.start, end) for p, end in zip(self.phases, ends, strict=True) if p.status == "available"
        ]


# The request keys that can name a DB instance (its identifier or ARN).
NAMING_KEYS = ("DBInstanceIdentifier", "SourceDBInstanceIdentifier", "NewDBInstanceIdentifier", "ResourceName")


def _instance_name(identifier: str) -> str:
    """An instance identifier, also when given as its ARN."""
    return identifier.split(":db:")[-1]


def _lived_phases(phases: list[Phase], until: float) -> list[Phase]:
    """The phases that really happened by `until`: none of zero length (the world's instant setup, or a phase
    replaced by a new plan at the instant it began) and no repeat of the status just before."""
    starts = [phase.start for phase in phases[1:]] + [math.inf]
    lived: list[Phase] = []
    for phase, end in zip(phases, starts, strict=True):
        if phase.start > until or end <= phase.start:
            continue
        if lived and (lived[-1].identifier, lived[-1].status) == (phase.identifier, phase.status):
            continue
        lived.append(phase)
    return lived


def _union_length(spans: list[tuple[float, float]]) -> float:
    total, reach = 0.0, -math.inf
    for start, end in sorted(spans):
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total


def _apply_aliases(db: DBInstance, request: Mapping[str, Any]) -> None:
    for key, attribute in ATTRIBUTE_OF.items():
        if key in request:
            setattr(db, attribute, copy.deepcopy(request[key]))  # moto mutates some lists in place


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
        self._reserved: dict[str, float] = {}  # identifier freed by a rename -> when that rename ends
        self._snapshot_origins: dict[str, str] = {}
        self._handlers: dict[str, Callable[[dict[str, Any], Forward], dict[str, Any]]] = {
            "CreateDBInstance": self._create,
            "CreateDBInstanceReadReplica": self._create_replica,
            "RestoreDBInstanceFromDBSnapshot": self._restore,
            "PromoteReadReplica": self._promote,
            "ModifyDBInstance": self._modify,
            "DeleteDBInstance": self._delete,
            "CreateDBSnapshot": self._create_snapshot,
            "DescribeAccountAttributes": lambda params, forward: {"AccountQuotas": [
                {"AccountQuotaName": "DBInstances", "Used": len(self.backend.databases), "Max": 40}]},
        }

    @property
    def backend(self) -> RDSBackend:
        return rds_backends[DEFAULT_ACCOUNT_ID][self.region]

    def call(self, operation: str, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        """Answer one RDS call; `forward(operation, params)` asks moto itself."""
        self.settle()
        if operation in TAGGING:
            self._check_tagged(params["ResourceName"])
        handler = self._handlers.get(operation)
        if handler is None:
            return forward(operation, params)
        return handler(params, forward)

    def settle(self) -> None:
        now = self._now()
        for lc in self._lifecycles.values():
            if lc.removed:
                continue
            status = lc.at(now).status
            if status == GONE:
                self._remove(lc)
            else:
                lc.db.status = status

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
        self.settle()
        described = forward("DescribeDBSnapshots", {})["DBSnapshots"]
        report = [{**s, "data_origin": self._snapshot_origins.get(s["DBSnapshotIdentifier"])} for s in described]
        return sorted(report, key=lambda s: s["DBSnapshotIdentifier"])

    def downtime(self, names: list[str], until: float) -> dict[str, float]:
        """For each name, the virtual time in [0, until] when no `available` instance held it."""
        held: dict[str, list[tuple[float, float]]] = {name.lower(): [] for name in names}
        for lc in self._lifecycles.values():
            for identifier, start, end in lc.available_spans():
                start, end = max(start, 0.0), min(end, until)
                if identifier in held and end > start:
                    held[identifier].append((start, end))
        return {name: max(until, 0.0) - _union_length(held[name.lower()]) for name in names}

    def status_history(self, until: float) -> list[dict[str, Any]]:
        """Every status each instance went through in [0, until], in time order: the statuses a workflow waited
        through. `deleted` (not an RDS status) marks the end of a deletion, when the instance is gone."""
        history = []
        for lc in self._lifecycles.values():
            for phase in _lived_phases(lc.phases, until):
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
        return tags

    # Bookkeeping

    def _get(self, identifier: str) -> Lifecycle:
        db = self.backend.databases.get(_instance_name(identifier))
        if db is None:
            raise AwsError("DBInstanceNotFound", f"DBInstance {identifier} not found.")
        return self._lifecycles[db.dbi_resource_id]

    @staticmethod
    def _require_available(lc: Lifecycle) -> None:
        if lc.db.status != "available":
            raise AwsError(
                "InvalidDBInstanceState",
                f"Database instance {lc.db.db_instance_identifier} is not in available state (it is {lc.db.status}).",
            )

    def _check_new(self, identifier: str, parameter: str = "DBInstanceIdentifier") -> None:
        if not IDENTIFIER.fullmatch(identifier):
            raise AwsError(
                "InvalidParameterValue", f"The parameter {parameter} is not a valid identifier. {IDENTIFIER_RULES}"
            )
        taken = identifier in self.backend.databases
        if taken or self._reserved.get(identifier.lower(), -math.inf) > self._now():
            raise AwsError("DBInstanceAlreadyExists", "DB instance already exists")

    def _check_groups(self, request: Mapping[str, Any]) -> None:
        """moto takes any group name on a replica (and any option group on a modify), then fails to describe it."""
        parameters, options = request.get("DBParameterGroupName"), request.get("OptionGroupName")
        if parameters and not parameters.startswith("default.") and parameters not in self.backend.db_parameter_groups:
            raise AwsError("DBParameterGroupNotFound", f"DB Parameter Group {parameters} not found.")
        if options and not options.startswith("default:") and options not in self.backend.option_groups:
            raise AwsError("OptionGroupNotFoundFault", f"Specified OptionGroupName: {options} not found.")

    def _adopt(self, db: DBInstance, data_origin: str) -> Lifecycle:
        """Start the simulator's bookkeeping of an instance moto just created."""
        # moto builds replicas and restores by shallow copy: lists and dicts would stay shared with the source.
        for name, value in list(vars(db).items()):
            if isinstance(value, list | dict):
                setattr(db, name, copy.deepcopy(value))
        db.dbi_resource_id = f"db-{len(self._lifecycles) + 1:026d}"
        db.created = db.instance_create_time = to_datetime(self._now())
        lc = Lifecycle(db, data_origin)
        self._lifecycles[db.dbi_resource_id] = lc
        return lc

    def _schedule(
        self, lc: Lifecycle, steps: list[tuple[str, float]], request: Mapping[str, Any], ending: str = "available"
    ) -> None:
        if ending == "available" and steps:
            ending = self._status_fault(request) or ending
        lc.plan(self._now(), steps, ending)
        self.settle()

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

    def _default_security_group(self) -> str:
        ec2 = ec2_backends[DEFAULT_ACCOUNT_ID][self.region]
        group = ec2.get_default_security_group(ec2.default_vpc.id)
        assert group is not None, "moto's default VPC always has its default security group"
        return group.id

    def _record_snapshot(self, snapshot_id: str, data_origin: str) -> None:
        snapshot = self.backend.database_snapshots[snapshot_id]
        snapshot.created = snapshot.original_snapshot_create_time = to_datetime(self._now())
        self._snapshot_origins[snapshot.db_snapshot_identifier] = data_origin

    # Operations

    def _create(self, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        identifier = params["DBInstanceIdentifier"]
        self._check_new(identifier)
        forward("CreateDBInstance", params)
        lc = self._adopt(self.backend.databases[identifier], identifier.lower())
        _apply_aliases(lc.db, params)
        self._schedule(lc, [("creating", self._latency().create_read_replica)], params)
        return self._respond(forward, identifier)

    def _create_replica(self, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        identifier = params["DBInstanceIdentifier"]
        self._check_new(identifier)
        source = self._get(params["SourceDBInstanceIdentifier"])
        self._require_available(source)
        if source.db.backup_retention_period == 0:
            raise AwsError("InvalidDBInstanceState", NO_BACKUPS)
        self._check_groups(params)
        forward("CreateDBInstanceReadReplica", params)
        lc = self._adopt(self.backend.databases[identifier], source.data_origin)
        replica = lc.db
        for key, attribute, default in REPLICA_DEFAULTS:
            if key not in params:
                setattr(replica, attribute, default())
        if "VpcSecurityGroupIds" not in params:
            replica.vpc_security_group_ids = [self._default_security_group()]
        replica.backup_retention_period = 0
        replica.source_db_instance_identifier = source.db.db_instance_identifier
        _apply_aliases(replica, params)
        self._schedule(lc, [("creating", self._latency().create_read_replica)], params)
        return self._respond(forward, identifier)

    def _restore(self, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        identifier = params["DBInstanceIdentifier"]
        self._check_new(identifier)
        forward("RestoreDBInstanceFromDBSnapshot", params)
        snapshot = params["DBSnapshotIdentifier"].split(":snapshot:")[-1].lower()
        lc = self._adopt(self.backend.databases[identifier], self._snapshot_origins.get(snapshot, snapshot))
        # moto copies the snapshotted instance's attributes, its replica links and tags included.
        lc.db.source_db_instance_identifier, lc.db.is_replica, lc.db.replicas = None, False, []
        lc.db.tags = params.get("Tags", [])
        self._schedule(lc, [("creating", self._latency().restore_snapshot)], params)
        return self._respond(forward, identifier)

    def _promote(self, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        lc = self._get(params["DBInstanceIdentifier"])
        self._require_available(lc)
        if lc.db.source_db_instance_identifier is None:
            raise AwsError(
                "InvalidDBInstanceState", f"DB Instance {lc.db.db_instance_identifier} is not a read replica."
            )
        had_backups = lc.db.backup_retention_period > 0
        forward("PromoteReadReplica", params)
        lc.db.backup_retention_period = params.get("BackupRetentionPeriod", 1)
        self._detach(lc.db)
        latency = self._latency()
        steps = [("modifying", latency.promote)]
        if lc.db.backup_retention_period > 0 and not had_backups:
            steps.append(("backing-up", latency.enable_backups))
        self._schedule(lc, steps, params)
        return self._respond(forward, lc.db.db_instance_identifier)

    def _modify(self, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        lc = self._get(params["DBInstanceIdentifier"])
        # RDS lets an instance with incompatible settings be modified: that is how it is repaired.
        if not lc.db.status.startswith("incompatible-"):
            self._require_available(lc)
        db, request = lc.db, dict(params)
        # moto's DBInstance has no pending changes, but its serializer shows this attribute as PendingModifiedValues.
        pending = vars(db).get("pending_modified_values", {})
        if request.get("ApplyImmediately"):
            # As on RDS, applying immediately also applies what was waiting for the maintenance window.
            request = {**{key: pending[field] for key, field in DEFERRED.items() if field in pending}, **request}
            vars(db)["pending_modified_values"] = {}
        else:
            deferred = {DEFERRED[key]: request.pop(key) for key in list(request) if key in DEFERRED}
            vars(db)["pending_modified_values"] = {**pending, **deferred}
        old = db.db_instance_identifier
        renaming = request.get("NewDBInstanceIdentifier", old).lower() != old
        if renaming:
            self._check_new(request["NewDBInstanceIdentifier"], "NewDBInstanceIdentifier")
        self._check_groups(request)
        had_backups = db.backup_retention_period > 0
        forward("ModifyDBInstance", request)
        _apply_aliases(db, request)
        latency = self._latency()
        steps = []
        if renaming:
            self._follow_rename(db, old)
            self._reserved[old] = self._now() + latency.rename
            steps.append(("renaming", latency.rename))
        retention = request.get("BackupRetentionPeriod")
        slow = {key for key in request if key not in IN_PLACE}
        if retention == 0 and had_backups:
            slow.add("BackupRetentionPeriod")
        if slow:
            steps.append(
                ("resetting-master-credentials" if slow == {"MasterUserPassword"} else "modifying", latency.modify)
            )
        if retention and not had_backups:
            steps.append(("backing-up", latency.enable_backups))
        if steps:
            self._schedule(lc, steps, params)
        return self._respond(forward, db.db_instance_identifier)

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
        if not skip and not final:
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
        if final:
            forward(
                "CreateDBSnapshot", {"DBInstanceIdentifier": db.db_instance_identifier, "DBSnapshotIdentifier": final}
            )
            self._record_snapshot(final, lc.data_origin)
        self._schedule(lc, [("deleting", self._latency().delete)], params, ending=GONE)
        return self._respond(forward, db.db_instance_identifier)

    def _create_snapshot(self, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        lc = self._get(params["DBInstanceIdentifier"])
        self._require_available(lc)
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
