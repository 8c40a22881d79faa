"""The plan the pure planner makes: every request of the refresh, in order, and what each step waits for."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, Field, SerializerFunctionWrapHandler, computed_field, model_serializer, model_validator

from mitosis.models.graph import Tag
from mitosis.models.request import BeforeSwap, Restart

Params = dict[str, Any]  # an RDS API request, as boto3 takes it


class InstanceRef(BaseModel):
    """One instance, or one Aurora DB cluster, by identifier: exactly one of the two is given (and serialized), so
    a cluster's reference reads as its requests do."""

    DBInstanceIdentifier: str | None = None
    DBClusterIdentifier: str | None = None

    @model_validator(mode="after")
    def _one_identifier(self) -> InstanceRef:
        if (self.DBInstanceIdentifier is None) == (self.DBClusterIdentifier is None):
            raise ValueError("exactly one of DBInstanceIdentifier and DBClusterIdentifier")
        return self

    @model_serializer(mode="wrap")
    def _named_once(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            for key in ("DBInstanceIdentifier", "DBClusterIdentifier"):
                if data.get(key) is None:
                    data.pop(key, None)
        return data

    @property
    def identifier(self) -> str:
        return str(self.DBInstanceIdentifier or self.DBClusterIdentifier)

    @property
    def cluster(self) -> bool:
        return self.DBClusterIdentifier is not None

    @classmethod
    def to(cls, identifier: str, cluster: bool) -> InstanceRef:
        return cls(DBClusterIdentifier=identifier) if cluster else cls(DBInstanceIdentifier=identifier)


def is_cluster_request(request: Mapping[str, Any]) -> bool:
    """Whether a request acts on a cluster: a cluster's requests name DBClusterIdentifier only (a cluster instance's
    CreateDBInstance names both)."""
    return "DBInstanceIdentifier" not in request and "DBClusterIdentifier" in request


def identifier_key(cluster: bool) -> str:
    return "DBClusterIdentifier" if cluster else "DBInstanceIdentifier"


def renamed(request: Params) -> tuple[str, str]:
    """(the identifier, the new identifier) of a rename request, of an instance or a cluster."""
    cluster = is_cluster_request(request)
    return str(request[identifier_key(cluster)]), str(request["New" + identifier_key(cluster)])


class Expectation(InstanceRef):
    """What a "... done?" check waits for. RDS may describe an instance as `available` for a while after a
    ModifyDBInstance, with the change in PendingModifiedValues (or, for a rename, under its old identifier),
    so a check tests the result of the request, never the status alone. A cluster's: its status, values and
    pending changes (DescribeDBClusters)."""

    # Statuses in which the instance counts as ready: `available`, and for production `storage-optimization`
    # too (the instance is fully operational meanwhile).
    ready: list[str] = Field(default_factory=lambda: ["available"])
    values: Params = Field(default_factory=dict)  # DescribeDBInstances (DBClusters) fields and their values
    parameter_group: str | None = None  # the DB parameter group it must have...
    parameters_in_sync: bool = False  # ...and whether its parameters must be in effect (after a reboot)
    promoted: bool = False  # no longer a read replica
    settled: list[str] = Field(default_factory=list)  # PendingModifiedValues keys that must be gone


class Call(BaseModel):
    """One RDS request of the refresh (`op`, as the API names it) and the result its check waits for."""

    op: str
    request: Params
    expect: Expectation


class CopyBuild(BaseModel):
    """One copy of the temp tree: created as a read replica, then configured (the parameter group RDS does not
    take at creation, its backups when it serves replicas) and rebooted when a new parameter group needs it."""

    name: str  # the name of the target tree the copy will hold
    create: Call
    configure: Call | None = None
    reboot: Call | None = None


class RootBuild(CopyBuild):
    """The copy of the target: created as a replica of production (then the promote detaches it and turns its
    backups on) or restored (standalone, with its backups, from the start)."""

    promote: Call | None = None


class SnapshotCopy(BaseModel):
    """CopyDBSnapshot of the snapshot a restore reads, when RDS cannot restore it as it is (shared and
    encrypted) or when the copy must be encrypted with another key than the snapshot's."""

    request: Params
    DBSnapshotIdentifier: str  # the copy


class Level(BaseModel):
    """Replicas whose parents are all in earlier levels: built in parallel."""

    replicas: list[CopyBuild]


class PasswordChange(InstanceRef):
    """The copy's master password (the temp- primary's, or the temp- cluster's), from a secret (its value is read
    inside the Lambda only)."""

    secret_arn: str
    expect: Expectation


class BeforeSwapRun(InstanceRef):
    """The before-swap hook, and the temp- primary (or the temp- cluster, by its writer endpoint) it runs
    against."""

    hook: BeforeSwap


class Rename(BaseModel):
    """One rename of a swap. `tags` go on the instance first, so it stays recognisable under its new name;
    `generation` says whose instance may be renamed: the copy (`is_copy`) or the old data (not)."""

    rename: Params
    tags: list[Tag] = Field(default_factory=list)
    generation: str
    is_copy: bool
    expect: Expectation


class Swap(BaseModel):
    """One name of the target tree: retire the old holder, then rename its copy into place (only the renames
    that are still to do)."""

    name: str
    renames: list[Rename]


class Restoration(BaseModel):
    """What a rollback of the swap needs for one name: whose copy may be moved, how to put the old instance
    back (with the deletion protection it had), and how to put the copy in place if the old one cannot serve."""

    name: str
    generation: str
    reinstate: Params
    install: Params


class Deletion(InstanceRef):
    """A DeleteDBInstance request (a cluster's: DeleteDBCluster): with a final snapshot, or skipping it."""

    SkipFinalSnapshot: bool | None = None
    FinalDBSnapshotIdentifier: str | None = None

    def request(self) -> Params:
        return self.model_dump(exclude_none=True)


class SnapshotRetention(BaseModel):
    """Final snapshots of old primaries (`cluster`: DB cluster snapshots of old clusters): those named with `prefix`
    beyond the newest `keep` are deleted."""

    prefix: str
    keep: int
    cluster: bool = False


class RestartHook(BaseModel):
    """The restart after the swap, as declared."""

    hook: Restart


class Operation(BaseModel):
    """One line of the flight plan: an API call (or a hook) and its exact request."""

    op: str
    params: Params


def protection(ref: InstanceRef) -> Params:
    """The ModifyDBInstance (ModifyDBCluster) request that protects a copy from deletion (applied at once, no status
    change)."""
    return {identifier_key(ref.cluster): ref.identifier, "DeletionProtection": True, "ApplyImmediately": True}


def modify_op(request: Params) -> str:
    return "ModifyDBCluster" if is_cluster_request(request) else "ModifyDBInstance"


def delete_op(ref: InstanceRef) -> str:
    return "DeleteDBCluster" if ref.cluster else "DeleteDBInstance"


class Plan(BaseModel):
    source: str
    target: str
    generation: str
    notes: list[str] = Field(default_factory=list)  # what the plan chose where the old settings could not hold
    restores: list[Restoration]  # every name of the target tree, for a rollback of the swap
    discards: list[Deletion]  # broken or stale copies of ours
    # how the copy of production is made (notes say why, for `auto`; copy_on_write for an Aurora cluster); None
    # once the swap has begun (no copy made)
    clone_method: str | None = None
    source_ready: Expectation | None = None  # production may be busy (its backup window...): waited for
    snapshot_copy: SnapshotCopy | None = None
    root: RootBuild | None  # None once the copies are complete and the swap has begun
    levels: list[Level]
    password: PasswordChange | None = None
    before_swap: BeforeSwapRun | None = None
    swaps: list[Swap]
    protect: list[InstanceRef] = Field(default_factory=list)  # the copies that take deletion protection
    restart: RestartHook | None
    deletes: list[Deletion]
    snapshots: list[SnapshotRetention] = Field(default_factory=list)  # final snapshots, copies of the source

    @computed_field  # type: ignore[prop-decorator]
    @property
    def flight_plan(self) -> list[Operation]:
        """Every call the refresh makes, in order: the dry run's output."""
        ops = [Operation(op=delete_op(d), params=d.request()) for d in self.discards]
        if self.snapshot_copy:
            ops.append(Operation(op="CopyDBSnapshot", params=self.snapshot_copy.request))
        builds: list[CopyBuild] = [self.root] if self.root else []
        builds += [build for level in self.levels for build in level.replicas]
        for build in builds:
            promote = build.promote if isinstance(build, RootBuild) else None
            ops += [Operation(op=call.op, params=call.request)
                    for call in (build.create, build.configure, promote, build.reboot) if call]
        if self.password:
            change = self.password
            ops.append(Operation(op=modify_op({identifier_key(change.cluster): change.identifier}), params={
                identifier_key(change.cluster): change.identifier,
                "MasterUserPassword": f"(the value of {change.secret_arn})", "ApplyImmediately": True}))
        if self.before_swap:
            ops.append(Operation(op=f"Before-swap hook ({self.before_swap.hook.type})",
                                 params=self.before_swap.model_dump()))
        for swap in self.swaps:
            ops.extend(Operation(op=modify_op(step.rename), params=step.rename) for step in swap.renames)
        ops.extend(Operation(op=modify_op(protection(p)), params=protection(p)) for p in self.protect)
        if self.restart:
            ops.append(Operation(op=f"Restart ({self.restart.hook.type})", params=self.restart.hook.model_dump()))
        ops.extend(Operation(op=delete_op(d), params=d.request()) for d in self.deletes)
        return ops
