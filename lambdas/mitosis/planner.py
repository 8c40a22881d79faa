"""The pure planner: replication graph + refresh request -> plan.

No I/O, no clock, no environment. Every decision of a refresh lives here: which names, which settings each
clone copies, in what order, what is refused before anything is changed, and, on a re-run, what an earlier
run already did.

Re-runs converge because the planner reads progress from the live graph, not from memory. The workflow tags
every copy it creates with its *generation* (the run that started this refresh) and every instance it
retires with the generation that replaced it. From those tags the planner rebuilds the target tree as it
was before the refresh (the "old view": retired `old-<name>` instances back under their names, copies left
out), plans the whole refresh from it, and then keeps only the steps that are still to do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from mitosis.errors import PlanRefused
from mitosis.models import (
    OLD_PREFIX,
    TAG_GENERATION,
    TAG_NAME,
    TAG_PROTECTED,
    TAG_REPLACED_BY,
    TAG_SOURCE,
    TAG_TARGET,
    TEMP_PREFIX,
    BeforeSwapRun,
    DBInstance,
    Level,
    Params,
    Plan,
    RefreshRequest,
    Rename,
    ReplicaBuild,
    ReplicationGraph,
    Restoration,
    Run,
    SnapshotRetention,
    Swap,
    Tag,
)
from mitosis.status import STUCK

MAX_IDENTIFIER_LENGTH = 63


def temp_name(name: str) -> str:
    return TEMP_PREFIX + name


def old_name(name: str) -> str:
    return OLD_PREFIX + name


def tag(instance: DBInstance | None, key: str) -> str | None:
    return next((t.Value for t in instance.TagList if t.Key == key), None) if instance else None


def plan_refresh(
    graph: ReplicationGraph, request: RefreshRequest, run: Run | None = None,
    declared: Iterable[tuple[str, str]] | None = None,
) -> Plan:
    """The refresh of `request.target`'s tree from `request.source` that is still to do, or PlanRefused.

    `run` is the execution (its name starts a new generation); `declared` lists the (source, target) refresh
    jobs of the deployment, None meaning no restriction (tests).
    """
    run = run or Run(name="unnamed-run")
    source, target = request.source, request.target
    progress = Progress(graph, request, run)
    view = progress.view
    _refuse_unsafe(view, source, target, declared, fresh=progress.fresh)
    tree = view.tree(target)
    _refuse_foreign_leftovers(graph, tree, target)
    backups_needed = {name for name in tree if view.children(name)}

    build = not progress.swap_started
    clone = promote = password = before_swap = None
    levels: list[Level] = []
    if build:
        # Both happen before the swap, on the copy; once the swap has begun they are done.
        if request.master_password:
            password = {"DBInstanceIdentifier": temp_name(target), "secret_arn": request.master_password.secret_arn}
        if request.before_swap:
            before_swap = BeforeSwapRun(hook=request.before_swap, DBInstanceIdentifier=temp_name(target))
        clone = _create_params(view, target, source, progress) | {"SourceDBInstanceIdentifier": source}
        promote = _promote_params(_instance(view, target), target in backups_needed)
        levels = [Level(replicas=[_replica_build(view, name, name in backups_needed, progress) for name in level])
                  for level in _levels_below(view, target)]
    swaps = [swap for name in tree if (swap := progress.swap(_instance(view, name))).renames]
    restores = [progress.restoration(_instance(view, name)) for name in tree]
    # Deletion protection comes once every name is swapped: until then a copy that breaks (even in a status
    # where RDS refuses modifications) can be deleted by a rollback or a re-run.
    protect = [{"DBInstanceIdentifier": name, "DeletionProtection": True, "ApplyImmediately": True}
               for name in tree if _instance(view, name).DeletionProtection]
    # Retired replicas outside the tree too: deleting an old primary first leaves its old replicas standalone.
    retired_elsewhere = [name for name in progress.retired if name not in tree]
    deletes = [progress.delete_params(name, is_primary=name == target) for name in [*reversed(tree), *retired_elsewhere]
               if progress.old_exists(name)]
    plan = Plan(source=source, target=target, generation=progress.generation, restores=restores,
                discards=progress.discards, clone=clone, promote=promote, levels=levels, password=password,
                before_swap=before_swap, swaps=swaps, protect=protect, restart=request.restart, deletes=deletes,
                snapshots=SnapshotRetention(prefix=snapshot_prefix(target), keep=request.keep_final_snapshots)
                if request.final_snapshot else None)
    # Our own copies replicate from the source until promoted: they are the only members of its tree we touch.
    production = [name for name in graph.tree(source) + graph.ancestors(source)
                  if tag(graph.get(name), TAG_TARGET) != target]
    _assert_source_untouched(plan, production)
    return plan


def snapshot_prefix(target: str) -> str:
    return f"{target}-final-"


# --- progress of an earlier run ------------------------------------------------------------------------------


class Progress:
    """What earlier runs of this refresh left in the graph, read from the workflow's tags."""

    def __init__(self, graph: ReplicationGraph, request: RefreshRequest, run: Run) -> None:
        self.graph, self.request, self.target = graph, request, request.target
        ours = [i for i in graph.instances if tag(i, TAG_TARGET) == self.target]
        # Only under an old- name: a rollback puts a retired instance back under its name, tags and all.
        retired = [i for i in ours if tag(i, TAG_REPLACED_BY) and i.DBInstanceIdentifier.startswith(OLD_PREFIX)]
        temp_root = graph.get(temp_name(self.target))
        generations = {tag(i, TAG_REPLACED_BY) for i in retired}
        if len(generations) > 1:
            raise PlanRefused(f"Instances retired by different refreshes ({', '.join(sorted(map(str, generations)))})"
                              f" are present for '{self.target}': finish or remove them by hand.")
        if generations:
            self.generation = str(generations.pop())
        elif temp_root and tag(temp_root, TAG_TARGET) == self.target and \
                tag(temp_root, TAG_SOURCE) == request.source and tag(temp_root, TAG_GENERATION):
            self.generation = str(tag(temp_root, TAG_GENERATION))
        else:
            self.generation = _generation_id(run.name)
        # the copies of this generation, by the name they hold or will hold
        self.copies = {str(tag(i, TAG_NAME)): i for i in ours if tag(i, TAG_GENERATION) == self.generation}
        self.retired = {str(tag(i, TAG_NAME)): i for i in retired}
        installed = {name for name, copy in self.copies.items() if copy.DBInstanceIdentifier == name}
        self.swap_started = bool(self.retired or installed)
        self.fresh = not (self.copies or self.retired)
        self.view = self._old_view(installed)
        self.discards = [] if self.swap_started else self._discards(ours)

    def _old_view(self, installed: set[str]) -> ReplicationGraph:
        """The graph as it was before this refresh: retired instances back under their names, this
        generation's copies left out (a copy stands in for its name only once its old instance is gone)."""
        renames = {i.DBInstanceIdentifier: name for name, i in self.retired.items()}
        leave_out = {c.DBInstanceIdentifier for name, c in self.copies.items()
                     if name not in installed or name in self.retired}

        def rename(identifier: str | None) -> str | None:
            return renames.get(identifier, identifier) if identifier else identifier

        def as_before(i: DBInstance) -> DBInstance:
            update: dict[str, Any] = {
                "DBInstanceIdentifier": rename(i.DBInstanceIdentifier),
                "ReadReplicaSourceDBInstanceIdentifier": rename(i.ReadReplicaSourceDBInstanceIdentifier),
                "ReadReplicaDBInstanceIdentifiers": [rename(r) for r in i.ReadReplicaDBInstanceIdentifiers],
            }
            if i.DBInstanceIdentifier in renames:  # retiring lifted its protection; the tag remembers it
                update["DeletionProtection"] = tag(i, TAG_PROTECTED) == "true"
            return i.model_copy(update=update)

        instances = [as_before(i) for i in self.graph.instances if i.DBInstanceIdentifier not in leave_out]
        return ReplicationGraph(region=self.graph.region, instances=instances)

    def _discards(self, ours: list[DBInstance]) -> list[Params]:
        """Copies that cannot become part of this refresh: of another generation or source, stuck in a failed
        status, or no longer replicating from the copy of their parent. A discarded copy takes its replicas
        with it: they are rebuilt too."""
        broken: set[str] = set()
        for instance in ours:
            name = tag(instance, TAG_NAME)
            if not instance.DBInstanceIdentifier.startswith(TEMP_PREFIX) or tag(instance, TAG_GENERATION) is None:
                continue
            if tag(instance, TAG_GENERATION) != self.generation or instance.DBInstanceStatus in STUCK \
                    or not self._replicates_as_planned(instance, str(name)):
                broken.add(instance.DBInstanceIdentifier)
        for identifier in list(broken):
            broken.update(self.graph.tree(identifier))
        return [{"DBInstanceIdentifier": i, "SkipFinalSnapshot": True} for i in sorted(broken)]

    def _replicates_as_planned(self, copy: DBInstance, name: str) -> bool:
        old = self.graph.get(name)
        if name == self.target or old is None:
            # the root copy replicates from the source until it is promoted
            return copy.ReadReplicaSourceDBInstanceIdentifier in (None, self.request.source)
        return copy.ReadReplicaSourceDBInstanceIdentifier == temp_name(old.ReadReplicaSourceDBInstanceIdentifier or "")

    def copy_tags(self, name: str) -> list[Tag]:
        return [Tag(Key=TAG_TARGET, Value=self.target), Tag(Key=TAG_NAME, Value=name),
                Tag(Key=TAG_SOURCE, Value=self.request.source), Tag(Key=TAG_GENERATION, Value=self.generation)]

    def old_exists(self, name: str) -> bool:
        """Whether an old instance still holds `name` or `old-<name>` (so there is something to delete)."""
        current = self.graph.get(name)
        return name in self.retired or (current is not None and self.copies.get(name) is not current)

    def swap(self, old: DBInstance) -> Swap:
        """The renames of one name still to do."""
        name = old.DBInstanceIdentifier
        copy, current = self.copies.get(name), self.graph.get(name)
        renames = []
        if current is not None and current is not copy:
            # Retiring lifts deletion protection (so the old instance can be deleted whatever status it ends
            # in); the tag remembers it, for the copy and for a rollback.
            protected = bool(old.DeletionProtection)
            retire_tags = [Tag(Key=TAG_TARGET, Value=self.target), Tag(Key=TAG_NAME, Value=name),
                           Tag(Key=TAG_REPLACED_BY, Value=self.generation),
                           Tag(Key=TAG_PROTECTED, Value=str(protected).lower())]
            retire: Params = {"DBInstanceIdentifier": name, "NewDBInstanceIdentifier": old_name(name),
                              "ApplyImmediately": True}
            if protected:
                retire["DeletionProtection"] = False
            renames.append(Rename(rename=retire, tags=retire_tags, generation=self.generation, is_copy=False))
        if copy is None or copy.DBInstanceIdentifier != name:
            renames.append(Rename(rename=self.install_params(old), generation=self.generation, is_copy=True))
        return Swap(name=name, renames=renames)

    def restoration(self, old: DBInstance) -> Restoration:
        name = old.DBInstanceIdentifier
        reinstate: Params = {"DBInstanceIdentifier": old_name(name), "NewDBInstanceIdentifier": name,
                             "ApplyImmediately": True}
        if old.DeletionProtection:
            reinstate["DeletionProtection"] = True
        return Restoration(name=name, generation=self.generation, reinstate=reinstate, install=self.install_params(old))

    def install_params(self, old: DBInstance) -> Params:
        """The rename of a copy into place. The windows ride on it: RDS applies them at once, for free."""
        name = old.DBInstanceIdentifier
        install: Params = {"DBInstanceIdentifier": temp_name(name), "NewDBInstanceIdentifier": name,
                           "ApplyImmediately": True}
        for setting in ("PreferredMaintenanceWindow", "PreferredBackupWindow"):
            if getattr(old, setting):
                install[setting] = getattr(old, setting)
        return install

    def delete_params(self, name: str, is_primary: bool) -> Params:
        params: Params = {"DBInstanceIdentifier": old_name(name)}
        if is_primary and self.request.final_snapshot:
            params["FinalDBSnapshotIdentifier"] = f"{snapshot_prefix(self.target)}{self.generation}"
        else:
            params["SkipFinalSnapshot"] = True
        return params


def _generation_id(run_name: str) -> str:
    """A tag value and snapshot-name part: letters, digits and single hyphens."""
    cleaned = re.sub(r"-+", "-", re.sub(r"[^A-Za-z0-9-]", "-", run_name)).strip("-").lower()
    return cleaned[:40] or "run"


# --- refusals ------------------------------------------------------------------------------------------------


def _refuse_unsafe(
    graph: ReplicationGraph, source: str, target: str, declared: Iterable[tuple[str, str]] | None, fresh: bool,
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
    # An earlier run's own instances may be busy; a fresh refresh needs everything it starts from available.
    busy = [f"{n} is {_instance(graph, n).DBInstanceStatus}" for n in ([source, *target_tree] if fresh else [source])
            if _instance(graph, n).DBInstanceStatus != "available"]
    if busy:
        raise PlanRefused(f"A refresh needs the source and the target tree available, but {'; '.join(busy)}.")


def _refuse_foreign_leftovers(graph: ReplicationGraph, tree: list[str], target: str) -> None:
    """temp-/old- instances this workflow did not make for this target are never renamed or deleted."""
    foreign = [i.DBInstanceIdentifier for name in tree for i in (graph.get(temp_name(name)), graph.get(old_name(name)))
               if i is not None and tag(i, TAG_TARGET) != target]
    if foreign:
        raise PlanRefused(f"Instances this workflow did not create are in the way ({', '.join(foreign)}): "
                          "rename or remove them before refreshing.")


def _assert_source_untouched(plan: Plan, protected: list[str]) -> None:
    """Defence in depth: no operation of the plan may name an instance of the source's tree."""
    for op in plan.flight_plan:
        named = {str(op.params.get(key)) for key in ("DBInstanceIdentifier", "NewDBInstanceIdentifier")}
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


def _create_params(graph: ReplicationGraph, name: str, parent: str, progress: Progress) -> Params:
    """CreateDBInstanceReadReplica request for `temp-<name>`, with the settings of the old `name`.

    Never KmsKeyId: a same-region replica inherits its source's key and RDS refuses one.
    """
    old = _instance(graph, name)
    in_sync_parameter_groups = [g.DBParameterGroupName for g in old.DBParameterGroups
                                if g.ParameterApplyStatus == "in-sync"]
    in_sync_option_groups = [g.OptionGroupName for g in old.OptionGroupMemberships if g.Status == "in-sync"]
    workflow_keys = {t.Key for t in progress.copy_tags(name)}
    tags = [t for t in old.TagList if t.Key not in workflow_keys] + progress.copy_tags(name)
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
        "VpcSecurityGroupIds": [g.VpcSecurityGroupId for g in old.VpcSecurityGroups if g.Status == "active"] or None,
        "DBParameterGroupName": in_sync_parameter_groups[0] if in_sync_parameter_groups else None,
        "OptionGroupName": in_sync_option_groups[0] if in_sync_option_groups else None,
        "Tags": [t.model_dump() for t in tags],
    }
    return {key: value for key, value in params.items() if value is not None}


def _promote_params(old: DBInstance, serves_replicas: bool) -> Params:
    """PromoteReadReplica turns backups on itself, which saves a modify and its wait. The backup window waits
    for the rename into place, with the maintenance window: the copy still has the source's maintenance
    window, which the target's backup window may overlap (RDS refuses overlapping windows)."""
    return {"DBInstanceIdentifier": temp_name(old.DBInstanceIdentifier),
            "BackupRetentionPeriod": _retention(old, serves_replicas)}


def _replica_build(graph: ReplicationGraph, name: str, serves_replicas: bool, progress: Progress) -> ReplicaBuild:
    old = _instance(graph, name)
    parent = old.ReadReplicaSourceDBInstanceIdentifier or ""
    retention = _retention(old, serves_replicas)
    enable_backups = ({"DBInstanceIdentifier": temp_name(name), "BackupRetentionPeriod": retention,
                       "ApplyImmediately": True} if retention else None)
    return ReplicaBuild(name=name, create=_create_params(graph, name, temp_name(parent), progress),
                        enable_backups=enable_backups)
