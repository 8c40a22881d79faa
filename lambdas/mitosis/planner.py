"""The pure planner: replication graph + refresh request -> plan.

No I/O, no clock, no environment. Every decision of a refresh lives here: which names, which settings each
clone copies, in what order, and what is refused before anything is changed.
"""

from __future__ import annotations

from collections.abc import Iterable

from mitosis.errors import PlanRefused
from mitosis.models import (
    OLD_PREFIX,
    TEMP_PREFIX,
    DBInstance,
    Level,
    Params,
    Plan,
    RefreshRequest,
    ReplicaBuild,
    ReplicationGraph,
    Swap,
)

MAX_IDENTIFIER_LENGTH = 63


def temp_name(name: str) -> str:
    return TEMP_PREFIX + name


def old_name(name: str) -> str:
    return OLD_PREFIX + name


def plan_refresh(
    graph: ReplicationGraph, request: RefreshRequest, declared: Iterable[tuple[str, str]] | None = None
) -> Plan:
    """The whole refresh of `request.target`'s tree from `request.source`, or PlanRefused with one sentence.

    `declared` lists the (source, target) refresh jobs of the deployment; None means no restriction (tests).
    """
    source, target = request.source, request.target
    _refuse_unsafe(graph, source, target, declared)
    tree = graph.tree(target)
    backups_needed = {name for name in tree if graph.children(name)}

    clone = _create_params(graph, target, parent=source) | {"SourceDBInstanceIdentifier": source}
    promote = _promote_params(_instance(graph, target), target in backups_needed)
    levels = [
        Level(replicas=[_replica_build(graph, name, name in backups_needed) for name in level])
        for level in _levels_below(graph, target)
    ]
    swaps = [_swap(_instance(graph, name)) for name in tree]
    # The old primary goes last in the list only for readability: Step Functions deletes them all at once.
    deletes = [{"DBInstanceIdentifier": old_name(name), "SkipFinalSnapshot": True} for name in reversed(tree)]
    plan = Plan(source=source, target=target, clone=clone, promote=promote, levels=levels, swaps=swaps,
                restart=request.restart, deletes=deletes)
    _assert_source_untouched(plan, graph.tree(source) + graph.ancestors(source))
    return plan


# --- refusals ------------------------------------------------------------------------------------------------


def _refuse_unsafe(
    graph: ReplicationGraph, source: str, target: str, declared: Iterable[tuple[str, str]] | None
) -> None:
    region = graph.region
    if source == target:
        raise PlanRefused(f"Source and target are both '{source}': a refresh would replace production with itself.")
    if declared is not None and (source, target) not in set(declared):
        raise PlanRefused(f"No refresh job from '{source}' to '{target}' is declared in this deployment's "
                          "configuration (cdk.json context 'refresh_jobs').")
    for role, name in (("Source", source), ("Target", target)):
        if graph.get(name) is None:
            raise PlanRefused(f"{role} instance '{name}' does not exist in {region}.")
    source_tree, target_tree = graph.tree(source), graph.tree(target)
    if target in source_tree:
        raise PlanRefused(f"Target '{target}' is a replica in the source's tree: refreshing it would change "
                          f"production '{source}'.")
    if source in target_tree or target in graph.ancestors(source):
        raise PlanRefused(f"Source '{source}' is inside the target's tree: the refresh would delete it.")
    parent = _instance(graph, target).ReadReplicaSourceDBInstanceIdentifier
    if parent:
        raise PlanRefused(f"Target '{target}' is itself a read replica of '{parent}': refresh its primary instead.")
    for name in [source, *target_tree]:
        cluster = _instance(graph, name).DBClusterIdentifier
        if cluster:
            raise PlanRefused(f"'{name}' is a member of Aurora cluster '{cluster}': only RDS instances are supported.")
    for name in target_tree:
        remote = [r for r in _instance(graph, name).ReadReplicaDBInstanceIdentifiers if r.startswith("arn:")]
        if remote:
            raise PlanRefused(f"'{name}' has cross-region replicas ({', '.join(remote)}), which this tool cannot "
                              "recreate.")
    too_long = [n for name in target_tree for n in (temp_name(name), old_name(name))
                if len(n) > MAX_IDENTIFIER_LENGTH]
    if too_long:
        raise PlanRefused(f"'{too_long[0]}' would be {len(too_long[0])} characters; RDS allows "
                          f"{MAX_IDENTIFIER_LENGTH}: shorten the target's names.")
    leftovers = [i.DBInstanceIdentifier for i in graph.instances
                 if i.DBInstanceIdentifier in {n for name in target_tree for n in (temp_name(name), old_name(name))}]
    if leftovers:
        raise PlanRefused(f"Instances of an earlier refresh are still present ({', '.join(leftovers)}): finish or "
                          "remove them before refreshing again.")
    busy = [f"{n} is {_instance(graph, n).DBInstanceStatus}" for n in [source, *target_tree]
            if _instance(graph, n).DBInstanceStatus != "available"]
    if busy:
        raise PlanRefused(f"A refresh needs the source and the target tree available, but {'; '.join(busy)}.")


def _assert_source_untouched(plan: Plan, protected: list[str]) -> None:
    """Defence in depth: no operation of the plan may name an instance of the source's tree."""
    for op in plan.flight_plan:
        named = {op.params.get("DBInstanceIdentifier"), op.params.get("NewDBInstanceIdentifier")}
        if named & set(protected):
            raise PlanRefused(f"The plan would run {op.op} on production instance "
                              f"'{sorted(named & set(protected))[0]}'; refusing.")


# --- settings ------------------------------------------------------------------------------------------------


def _instance(graph: ReplicationGraph, name: str) -> DBInstance:
    instance = graph.get(name)
    if instance is None:
        raise PlanRefused(f"Instance '{name}' does not exist in {graph.region}.")
    return instance


def _levels_below(graph: ReplicationGraph, root: str) -> list[list[str]]:
    """The replicas below `root`, level by level: each level's parents are all in earlier levels."""
    levels, frontier = [], graph.children(root)
    while frontier:
        levels.append(frontier)
        frontier = [child for name in frontier for child in graph.children(name)]
    return levels


def _retention(old: DBInstance, serves_replicas: bool) -> int:
    """The old instance's backup retention, at least 1 where the clone must be a replication source."""
    retention = old.BackupRetentionPeriod or 0
    return max(retention, 1) if serves_replicas else retention


def _create_params(graph: ReplicationGraph, name: str, parent: str) -> Params:
    """CreateDBInstanceReadReplica request for `temp-<name>`, with the settings of the old `name`.

    Never KmsKeyId: a same-region replica inherits its source's key and RDS refuses one.
    """
    old = _instance(graph, name)
    in_sync_parameter_groups = [g.DBParameterGroupName for g in old.DBParameterGroups
                                if g.ParameterApplyStatus == "in-sync"]
    in_sync_option_groups = [g.OptionGroupName for g in old.OptionGroupMemberships if g.Status == "in-sync"]
    params: Params = {
        "DBInstanceIdentifier": temp_name(name),
        "SourceDBInstanceIdentifier": parent,
        "DBInstanceClass": old.DBInstanceClass,
        "StorageType": old.StorageType,
        "Iops": old.Iops,
        "StorageThroughput": old.StorageThroughput,
        "MaxAllocatedStorage": old.MaxAllocatedStorage,
        "MultiAZ": old.MultiAZ,
        "Port": old.Port,
        "PubliclyAccessible": old.PubliclyAccessible,
        "AutoMinorVersionUpgrade": old.AutoMinorVersionUpgrade,
        "CopyTagsToSnapshot": old.CopyTagsToSnapshot,
        "MonitoringInterval": old.MonitoringInterval,
        "MonitoringRoleArn": old.MonitoringRoleArn if old.MonitoringInterval else None,
        "EnablePerformanceInsights": old.PerformanceInsightsEnabled,
        "PerformanceInsightsKMSKeyId": old.PerformanceInsightsKMSKeyId if old.PerformanceInsightsEnabled else None,
        "PerformanceInsightsRetentionPeriod":
            old.PerformanceInsightsRetentionPeriod if old.PerformanceInsightsEnabled else None,
        "EnableIAMDatabaseAuthentication": old.IAMDatabaseAuthenticationEnabled,
        "EnableCloudwatchLogsExports": old.EnabledCloudwatchLogsExports or None,
        "DeletionProtection": old.DeletionProtection,
        "VpcSecurityGroupIds": [g.VpcSecurityGroupId for g in old.VpcSecurityGroups if g.Status == "active"] or None,
        "DBParameterGroupName": in_sync_parameter_groups[0] if in_sync_parameter_groups else None,
        "OptionGroupName": in_sync_option_groups[0] if in_sync_option_groups else None,
        "Tags": [t.model_dump() for t in old.TagList] or None,
    }
    return {key: value for key, value in params.items() if value is not None}


def _promote_params(old: DBInstance, serves_replicas: bool) -> Params:
    """PromoteReadReplica turns backups on itself, which saves a modify and its wait."""
    params: Params = {"DBInstanceIdentifier": temp_name(old.DBInstanceIdentifier),
                      "BackupRetentionPeriod": _retention(old, serves_replicas)}
    if old.PreferredBackupWindow:
        params["PreferredBackupWindow"] = old.PreferredBackupWindow
    return params


def _replica_build(graph: ReplicationGraph, name: str, serves_replicas: bool) -> ReplicaBuild:
    old = _instance(graph, name)
    parent = old.ReadReplicaSourceDBInstanceIdentifier or ""
    retention = _retention(old, serves_replicas)
    enable_backups = ({"DBInstanceIdentifier": temp_name(name), "BackupRetentionPeriod": retention,
                       "ApplyImmediately": True} if retention else None)
    return ReplicaBuild(name=name, create=_create_params(graph, name, parent=temp_name(parent)),
                        enable_backups=enable_backups)


def _swap(old: DBInstance) -> Swap:
    """Renames for one name. The windows ride on the rename into place: RDS applies them at once, for free.
    Deletion protection is lifted on the retired instance only, so the delete at the end can go through."""
    name = old.DBInstanceIdentifier
    retire: Params = {"DBInstanceIdentifier": name, "NewDBInstanceIdentifier": old_name(name),
                      "ApplyImmediately": True}
    if old.DeletionProtection:
        retire["DeletionProtection"] = False
    install: Params = {"DBInstanceIdentifier": temp_name(name), "NewDBInstanceIdentifier": name,
                       "ApplyImmediately": True}
    for window in ("PreferredMaintenanceWindow", "PreferredBackupWindow"):
        if getattr(old, window):
            install[window] = getattr(old, window)
    return Swap(name=name, retire=retire, install=install)
