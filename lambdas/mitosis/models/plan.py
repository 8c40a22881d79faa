"""The plan the pure planner makes: every request of the refresh, in order, and what each step waits for."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, computed_field

from mitosis.models.graph import Tag
from mitosis.models.request import BeforeSwap, Restart

Params = dict[str, Any]  # an RDS API request, as boto3 takes it


class InstanceRef(BaseModel):
    """One instance, by identifier."""

    DBInstanceIdentifier: str


class Expectation(InstanceRef):
    """What a "... done?" check waits for. RDS may describe an instance as `available` for a while after a
    ModifyDBInstance, with the change in PendingModifiedValues (or, for a rename, under its old identifier),
    so a check tests the result of the request, never the status alone."""

    # Statuses in which the instance counts as ready: `available`, and for production `storage-optimization`
    # too (the instance is fully operational meanwhile).
    ready: list[str] = Field(default_factory=lambda: ["available"])
    values: Params = Field(default_factory=dict)  # DescribeDBInstances fields and the values they must have
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


class PasswordChange(BaseModel):
    """The copy's master password, from a secret (its value is read inside the Lambda only)."""

    DBInstanceIdentifier: str
    secret_arn: str
    expect: Expectation


class BeforeSwapRun(BaseModel):
    """The before-swap hook, and the temp- primary it runs against."""

    hook: BeforeSwap
    DBInstanceIdentifier: str


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
    """A DeleteDBInstance request: with a final snapshot, or skipping it."""

    SkipFinalSnapshot: bool | None = None
    FinalDBSnapshotIdentifier: str | None = None

    def request(self) -> Params:
        return self.model_dump(exclude_none=True)


class SnapshotRetention(BaseModel):
    """Final snapshots of old primaries: those named with `prefix` beyond the newest `keep` are deleted."""

    prefix: str
    keep: int


class RestartHook(BaseModel):
    """The restart after the swap, as declared."""

    hook: Restart


class Operation(BaseModel):
    """One line of the flight plan: an API call (or a hook) and its exact request."""

    op: str
    params: Params


def protection(identifier: str) -> Params:
    """The ModifyDBInstance request that protects a copy from deletion (applied at once, no status change)."""
    return {"DBInstanceIdentifier": identifier, "DeletionProtection": True, "ApplyImmediately": True}


class Plan(BaseModel):
    source: str
    target: str
    generation: str
    notes: list[str] = Field(default_factory=list)  # what the plan chose where the old settings could not hold
    restores: list[Restoration]  # every name of the target tree, for a rollback of the swap
    discards: list[Deletion]  # broken or stale copies of ours
    # how the copy of production is made (notes say why, for `auto`); None once the swap has begun (no copy made)
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
        ops = [Operation(op="DeleteDBInstance", params=d.request()) for d in self.discards]
        if self.snapshot_copy:
            ops.append(Operation(op="CopyDBSnapshot", params=self.snapshot_copy.request))
        builds: list[CopyBuild] = [self.root] if self.root else []
        builds += [build for level in self.levels for build in level.replicas]
        for build in builds:
            promote = build.promote if isinstance(build, RootBuild) else None
            ops += [Operation(op=call.op, params=call.request)
                    for call in (build.create, build.configure, promote, build.reboot) if call]
        if self.password:
            ops.append(Operation(op="ModifyDBInstance", params={
                "DBInstanceIdentifier": self.password.DBInstanceIdentifier,
                "MasterUserPassword": f"(the value of {self.password.secret_arn})", "ApplyImmediately": True}))
        if self.before_swap:
            ops.append(Operation(op=f"Before-swap hook ({self.before_swap.hook.type})",
                                 params=self.before_swap.model_dump()))
        for swap in self.swaps:
            ops.extend(Operation(op="ModifyDBInstance", params=step.rename) for step in swap.renames)
        ops.extend(Operation(op="ModifyDBInstance", params=protection(p.DBInstanceIdentifier)) for p in self.protect)
        if self.restart:
            ops.append(Operation(op=f"Restart ({self.restart.hook.type})", params=self.restart.hook.model_dump()))
        ops.extend(Operation(op="DeleteDBInstance", params=d.request()) for d in self.deletes)
        return ops
