"""The critical-path bound of an executed plan: the chain of operations that depend on each other, each as long as
the simulated RDS makes it (simulator/rds), with no time lost between them. No order of the plan's operations can
beat it, given what the workflow never gives up: a copy is built before it is renamed into place, a name's old
instance serves until its copy is built, and the old tree stays until the application has restarted (a rollback
needs it).

    root     = create_read_replica + configure + promote (+ enable_backups when the promote turns backups on)
               (the root's reboot takes no time: the promote's own reboot puts its new parameter group in effect)
               or, restored: copy_snapshot (when the plan copies the snapshot first)
               + restore_point_in_time or restore_snapshot (+ enable_backups when the restore turns backups on)
               + configure (what a restore cannot set: monitoring, Performance Insights...)
               or, an Aurora cluster: clone_cluster
    replica  = its parent + create_read_replica + configure + reboot (when the plan has it)
               or, an Aurora cluster's instance: the writer's after the clone, the readers' after the writer's
               (the first instance of a cluster is its writer), each create_cluster_instance
    bound    = the slowest copy + the slowest swap (a name's renames, one after the other)
               + the restart + delete (the old instances all at once)

    configure = modify_lag, + enable_backups when it turns backups on (a replica that serves replicas, or one
                whose old instance had them); a new parameter group alone changes no status, but the group
                stays `applying` for the modify_lag
    rename    = modify_lag + rename (an Aurora cluster's: rename_cluster, at once)

A name's downtime cannot be shorter than its renames once the old one's lag is over; a cluster's name is down while
its cluster is renamed (twice) and while its new writer is (its endpoint serves through the writer).

Polling is not in the bound: a check comes first `Polling.first_check_s` after its request, then every
`interval_s`, so a wait ends on that grid (a 30 s configure is seen at 60 s; the root's reboot, which the promote
made unnecessary, still costs its first wait).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mitosis.models import Call, CopyBuild, Plan, RestartHook, RootBuild, is_cluster_request

from simulator.latency import Latency
from simulator.rds.modify import split, status_of

# The calls that create a copy, and the Latency field of the `creating` each starts (simulator/rds/simulator.py).
CREATES = {"CreateDBInstanceReadReplica": "create_read_replica",
           "RestoreDBInstanceToPointInTime": "restore_point_in_time",
           "RestoreDBInstanceFromDBSnapshot": "restore_snapshot",
           "RestoreDBClusterToPointInTime": "clone_cluster",
           "CreateDBInstance": "create_cluster_instance"}
# The request key that names what each call creates: the copies, and the snapshot copy a restore may read.
NAMED_BY = {"CreateDBInstanceReadReplica": "DBInstanceIdentifier",
            "RestoreDBInstanceToPointInTime": "TargetDBInstanceIdentifier",
            "RestoreDBInstanceFromDBSnapshot": "DBInstanceIdentifier",
            "RestoreDBClusterToPointInTime": "DBClusterIdentifier",
            "CreateDBInstance": "DBInstanceIdentifier",
            "CopyDBSnapshot": "TargetDBSnapshotIdentifier"}


def created_id(op: str, request: Mapping[str, Any]) -> str:
    """The identifier of what a create, restore or snapshot copy request makes."""
    return str(request[NAMED_BY[op]])


def rename_s(request: Mapping[str, Any], latency: Latency) -> float:
    """How long one rename of a swap takes to be in effect: an instance's (modify_s), or an Aurora cluster's
    (simulator/rds/clusters.py: at once, `renaming` for rename_cluster; the windows riding on it take no time)."""
    return latency.rename_cluster if is_cluster_request(request) else modify_s(request, latency)


def modify_s(request: Mapping[str, Any], latency: Latency, retention: int = 0) -> float:
    """How long a ModifyDBInstance with ApplyImmediately takes to be in effect on an instance whose backup
    retention is `retention`, as the simulated RDS applies it (simulator/rds/modify.py): changes that wait
    start after `modify_lag` and take the status of their kind (a rename `renaming`, backups turned on
    `backing-up`, the rest `modifying` or their own status); a new parameter group is in at once, but
    `applying` for the modify_lag; the other immediate changes take no time."""
    if not request.get("ApplyImmediately"):
        raise ValueError(f"the bound models changes applied immediately, not {dict(request)}")
    immediate, asap, deferred = split(request, retention)
    later = {**asap, **deferred}
    if not later:
        return latency.modify_lag if "DBParameterGroupName" in immediate else 0.0
    backups = later.pop("BackupRetentionPeriod", None)
    seconds = latency.modify_lag
    if later.pop("NewDBInstanceIdentifier", None) is not None:
        seconds += latency.rename
    if backups == 0:
        later["BackupRetentionPeriod"] = 0  # turning backups off is a modification of its own
    if status_of(later) is not None:
        seconds += latency.modify
    if backups and not retention:
        seconds += latency.enable_backups
    return seconds


def restart_s(restart: RestartHook | None, latency: Latency) -> float:
    """How long the restart lasts: an ECS service's rollout, or an SSM command."""
    kind = restart.hook.type if restart else None
    return {"ecs": latency.ecs_deployment, "ssm": latency.ssm_command}.get(str(kind), 0.0)


def tree_of(plan: Plan) -> dict[str, str | None]:
    """The copy's tree as {name: parent name}, the root (parent None) first, then level by level."""
    if plan.root is None:
        raise ValueError("the plan resumes a refresh: the benchmark needs one that builds the whole copy")
    names = {created_id(plan.root.create.op, plan.root.create.request): plan.root.name}
    tree: dict[str, str | None] = {plan.root.name: None}
    for number, level in enumerate(plan.levels):
        for build in level.replicas:
            names[created_id(build.create.op, build.create.request)] = build.name
            if build.create.op == "CreateDBInstance":  # an Aurora instance: after the level before (the writer)
                tree[build.name] = plan.levels[number - 1].replicas[0].name if number else plan.root.name
            else:
                tree[build.name] = names[build.create.request["SourceDBInstanceIdentifier"]]
    return tree


def builds(plan: Plan) -> list[CopyBuild]:
    """The copies the plan builds, the root first, then level by level."""
    replicas = [build for level in plan.levels for build in level.replicas]
    return [plan.root, *replicas] if plan.root else replicas


def created_retention(create: Call) -> int:
    """The backup retention a copy has once its create is over, as the simulated RDS decides it: a read replica
    none; a restore (simulator/rds/simulator.py, _restored) the request's, else the source's (a point-in-time
    restore needs one > 0) or the snapshot's (DescribeDBSnapshots shows none: RDS's default 1), > 0 either way. An
    Aurora clone and its instances show no `backing-up` (simulator/rds/clusters.py): none."""
    if create.op in ("CreateDBInstanceReadReplica", "RestoreDBClusterToPointInTime", "CreateDBInstance"):
        return 0
    return int(create.request.get("BackupRetentionPeriod", 1))


def copy_s(build: CopyBuild, latency: Latency) -> float:
    """One copy, from its create (a replica or a restore) to its being ready: create (+ its backups, for a
    restore that turns them on), configure, reboot (none for a root the promote rebooted) and the promote."""
    seconds = float(getattr(latency, CREATES[build.create.op]))
    retention = created_retention(build.create)
    if retention:
        seconds += latency.enable_backups  # a restore with backups goes `creating`, then `backing-up`
    if build.configure:
        seconds += modify_s(build.configure.request, latency, retention)
    promote = build.promote if isinstance(build, RootBuild) else None
    if promote:
        backups = int(promote.request.get("BackupRetentionPeriod", 1)) > 0  # AWS's default retention is 1
        seconds += latency.promote + (latency.enable_backups if backups else 0.0)
    elif build.reboot:
        seconds += latency.reboot
    return seconds


def swap_s(plan: Plan, latency: Latency) -> float:
    """The slowest name's swap: every name at once, its renames one after the other."""
    return max((sum(rename_s(step.rename, latency) for step in swap.renames) for swap in plan.swaps), default=0.0)


def critical_path_s(plan: Plan, latency: Latency) -> float:
    """The refresh's lower bound (see the module's docstring)."""
    if plan.password or plan.before_swap:
        raise ValueError("the bound models no master password change and no before-swap hook")
    tree = tree_of(plan)
    ready: dict[str, float] = {}
    # a restore reads the snapshot copy only once the copy is available
    start = latency.copy_snapshot if plan.snapshot_copy else 0.0
    for build in builds(plan):  # a parent always comes before its children
        parent = tree[build.name]
        ready[build.name] = (ready[parent] if parent else start) + copy_s(build, latency)
    deletes = latency.delete if plan.deletes else 0.0
    return max(ready.values()) + swap_s(plan, latency) + restart_s(plan.restart, latency) + deletes


def downtime_bound_s(plan: Plan, latency: Latency) -> float:
    """The least time a name can be held by no available instance: from its old instance's rename (once its
    modify lag is over) to the end of its copy's rename into place, which RDS accepts only once the old one's
    is over (the name is reserved until then). An Aurora cluster's name: its two renames, and its new writer's
    own rename (the cluster endpoint serves through the writer)."""
    def down(renames: list[Mapping[str, Any]]) -> float:
        if renames and is_cluster_request(renames[0]):
            return sum(rename_s(r, latency) for r in renames) + (latency.rename if plan.levels else 0.0)
        return sum(rename_s(r, latency) for r in renames) - latency.modify_lag
    return max((down([step.rename for step in swap.renames]) for swap in plan.swaps), default=0.0)
