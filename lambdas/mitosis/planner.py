"""The pure planner: replication graph + refresh request -> plan.

No I/O, no clock, no environment. Every decision of a refresh lives here: which names, which settings each
copy takes and how RDS accepts them, in what order, what is refused before anything is changed, and, on a
re-run, what an earlier run already did. An Aurora cluster's refresh (mitosis.aurora builds its copy and says
what it refuses) is planned the same way: its names are the cluster's and its instances', each swapped, rolled
back, protected and deleted as an instance's name is.

Re-runs converge because the planner reads progress from the live graph, not from memory. The workflow tags
every copy it creates with its *generation* (the run that started this refresh) and every instance it
retires with the generation that replaced it. From those tags the planner rebuilds the target tree as it
was before the refresh (the "old view": retired `old-<name>` instances back under their names, copies left
out), plans the whole refresh from it, and then keeps only the steps that are still to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mitosis import aurora, rds_rules
from mitosis.errors import PlanRefused
from mitosis.models import (
    MAX_IDENTIFIER_LENGTH,
    OLD_PREFIX,
    TAG_GENERATION,
    TAG_NAME,
    TAG_PROTECTED,
    TAG_REPLACED_BY,
    TAG_SOURCE,
    TAG_TARGET,
    TEMP_PREFIX,
    BeforeSwapRun,
    Call,
    CopyBuild,
    DBCluster,
    DBInstance,
    DBSnapshot,
    Deletion,
    Expectation,
    InstanceRef,
    Level,
    Params,
    PasswordChange,
    Plan,
    RefreshRequest,
    Rename,
    ReplicationGraph,
    RestartHook,
    Restoration,
    RootBuild,
    Run,
    SnapshotCopy,
    SnapshotRetention,
    Swap,
    Tag,
    final_snapshot_name,
    final_snapshot_prefix,
    generation_id,
    identifier_key,
    newest_available,
    old_name,
    source_copy_prefix,
    temp_name,
)
from mitosis.status import STUCK, Resource, renaming_to

# Statuses in which production can be the source of the copy: "storage-optimization" leaves it fully
# operational (RDS User Guide, DB instance statuses). Production in another status that it leaves by itself
# (its backup window's "backing-up", "modifying"...) is waited for; one it does not leave is refused.
SOURCE_READY = ["available", "storage-optimization"]
# Statuses of the target tree that a fresh refresh starts from: it needs the old instances only at the swap,
# whose renames wait for them; these two pass by themselves.
TARGET_BUSY_OK = frozenset({"available", "backing-up", "storage-optimization"})
# Settings the restore calls do not take (botocore rds service model: RestoreDBInstanceToPointInTime and
# RestoreDBInstanceFromDBSnapshot have no Monitoring*, PerformanceInsights* or KmsKeyId parameter, and the snapshot
# restore no MaxAllocatedStorage): a modify sets them once the copy is restored.
AFTER_RESTORE = frozenset({"MonitoringInterval", "MonitoringRoleArn", "EnablePerformanceInsights",
                           "PerformanceInsightsKMSKeyId", "PerformanceInsightsRetentionPeriod"})
NOT_ON_RESTORE = {"point_in_time": AFTER_RESTORE, "snapshot": AFTER_RESTORE | {"MaxAllocatedStorage"}}
# Request parameters DescribeDBInstances reports under another name.
DESCRIBED_AS = {"EnablePerformanceInsights": "PerformanceInsightsEnabled"}


def plan_refresh(graph: ReplicationGraph, request: RefreshRequest, run: Run | None = None) -> Plan:
    """The refresh of `request.target`'s tree from `request.source` that is still to do, or PlanRefused.

    `run` is the execution (its name starts a new generation)."""
    run = run or Run(name="unnamed-run")
    source, target = request.source, request.target
    cluster = aurora.is_cluster_refresh(graph, request)
    if cluster != request.aurora:
        kind = "Aurora DB clusters" if cluster else "RDS instances"
        raise PlanRefused(f"'{source}' and '{target}' are {kind}, but the refresh job declares aurora: "
                          f"{str(request.aurora).lower()}: IAM grants a job only the actions of the kind it declares. "
                          f"Declare aurora: {str(cluster).lower()} in the job (cdk.json refresh_jobs).")
    progress = Progress(graph, request, run, cluster)
    view = progress.view
    tree = progress.tree()
    if cluster:
        aurora.refuse_unsafe(view, request, tree[1:], fresh=progress.fresh)
    else:
        remote = _remote_snapshot(request)
        _refuse_unsafe(view, source, target, fresh=progress.fresh, source_here=remote is None)
    _refuse_foreign_leftovers(progress, tree, target)
    notes: list[str] = []

    root = password = before_swap = source_ready = snapshot_copy = None
    levels: list[Level] = []
    clone = None  # once the swap has begun, the copies are built: no clone to choose
    if cluster and not progress.swap_started:
        clone = CloneChoice(aurora.CLONE_METHOD)
        cluster_copies = aurora.ClusterCopies(view, request, progress.copy_tags, notes)
        root = cluster_copies.root()
        levels = cluster_copies.levels(tree[1:])
        if progress.fresh:
            aurora.refuse_incompatible(view, request, tree[1:])
    elif not progress.swap_started:
        clone = choose_clone(view, request, notes)
        copies = Copies(view, request, progress, notes, clone)
        root = copies.root()
        snapshot_copy = copies.snapshot_copy
        levels = [Level(replicas=[copies.replica(name) for name in level]) for level in _levels_below(view, target)]
        if progress.fresh:
            _refuse_incompatible(view, request, clone)
            _refuse_beyond_limits(view, request, copies.engine, copies.engine_version, [root.create.request, *[
                b.create.request for lv in levels for b in lv.replicas]])
        if clone.method == "replica" and graph.get(temp_name(target)) is None:
            source_ready = Expectation(DBInstanceIdentifier=source, ready=SOURCE_READY)
    if not progress.swap_started:
        # Both happen before the swap, on the copy (a cluster's: its master password is the cluster's, and the
        # hook reaches it by its writer endpoint); once the swap has begun they are done.
        copy = {identifier_key(cluster): temp_name(target)}
        if request.master_password:
            password = PasswordChange(**copy, secret_arn=request.master_password.secret_arn,
                                      expect=Expectation(**copy, settled=["MasterUserPassword"]))
        if request.before_swap:
            before_swap = BeforeSwapRun(hook=request.before_swap, **copy)
    swaps = [swap for name in tree if (swap := progress.swap(progress.node(name))).renames]
    restores = [progress.restoration(progress.node(name)) for name in tree]
    # Deletion protection comes once every name is swapped: until then a copy that breaks (even in a status
    # where RDS refuses modifications) can be deleted by a rollback or a re-run.
    protect = [progress.ref(name) for name in tree if progress.node(name).DeletionProtection]
    # Retired replicas outside the tree too: deleting an old primary first leaves its old replicas standalone.
    retired_elsewhere = [name for name in progress.retired if name not in tree]
    deletes = [progress.deletion(name, is_primary=name == target) for name in [*reversed(tree), *retired_elsewhere]
               if progress.old_exists(name)]
    snapshots = [SnapshotRetention(prefix=final_snapshot_prefix(target), keep=request.keep_final_snapshots,
                                   cluster=cluster)] if request.final_snapshot else []
    # Copies of the snapshot a restore read are not kept: looked for on every run, so a re-run that finishes a
    # refresh deletes the copy its first run made, whichever method that run chose (an Aurora clone copies none).
    if not cluster:
        snapshots.append(SnapshotRetention(prefix=source_copy_prefix(target), keep=0))
    plan = Plan(source=source, target=target, generation=progress.generation, notes=notes, restores=restores,
                discards=progress.discards, clone_method=clone.method if clone else None, source_ready=source_ready,
                snapshot_copy=snapshot_copy, root=root, levels=levels, password=password,
                before_swap=before_swap, swaps=swaps, protect=protect,
                restart=RestartHook(hook=request.restart) if request.restart else None, deletes=deletes,
                snapshots=snapshots)
    # Our own copies replicate from the source until promoted: they are the only members of its tree we touch.
    production = [name for name in graph.tree(source) + graph.ancestors(source)
                  if (i := graph.get(name)) is None or i.tag(TAG_TARGET) != target]
    if cluster:  # production's cluster and its instances
        production = [source, *graph.members(source)]
    _assert_source_untouched(plan, production)
    return plan


# --- how the copy of production is made -----------------------------------------------------------------------


@dataclass(frozen=True)
class CloneChoice:
    method: str  # replica | point_in_time | snapshot; an Aurora cluster's: copy_on_write
    snapshot: DBSnapshot | None = None


def _remote_snapshot(request: RefreshRequest) -> str | None:
    """A snapshot named by ARN: production may be in another account (the snapshot is shared with this one)."""
    named = request.clone.snapshot
    return named if request.clone.method == "snapshot" and named and named.startswith("arn:") else None


def choose_clone(graph: ReplicationGraph, request: RefreshRequest, notes: list[str]) -> CloneChoice:
    """The clone method the request asks for (`auto`: a replica where one can land in the target's subnet group,
    else a point-in-time restore, or a snapshot restore where only that keeps the target's key), refused where it
    cannot work. The notes say which and why."""
    source, method = request.source, request.clone.method
    auto = method == "auto"
    if method == "snapshot":
        snapshot = _snapshot(graph, request)
        which = "named" if request.clone.snapshot else f"the newest available of '{source}'"
        notes.append(f"Clone method: snapshot: a restore of {snapshot.DBSnapshotIdentifier} ({which}, taken "
                     f"{snapshot.SnapshotCreateTime or 'now'}).")
        return CloneChoice("snapshot", snapshot)
    production = _instance(graph, source)
    # CreateDBInstanceReadReplica: "Your source DB instance or cluster must have backup retention enabled", and
    # a point-in-time restore replays the automated backups: without them only a snapshot can be restored.
    if production.BackupRetentionPeriod == 0:
        raise PlanRefused(f"Production '{source}' has automated backups off: RDS makes neither a read replica of "
                          "it nor a point-in-time restore. Choose the clone method snapshot.")
    target = _instance(graph, request.target)
    blocker = _replica_blocker(graph, production, target)
    if method == "replica" or (auto and blocker is None):
        if blocker:
            raise PlanRefused(f"{blocker} Choose the clone method point_in_time or snapshot.")
        why = " (auto: a same-Region replica of production can land in the target's subnet group)" if auto else ""
        notes.append(f"Clone method: replica: a read replica of production, promoted{why}.")
        return CloneChoice("replica")
    # A point-in-time restore keeps production's key (RestoreDBInstanceToPointInTime takes no KmsKeyId): a target
    # with a key of its own keeps it only through a snapshot copied with it, so `auto` takes production's newest.
    newest = _newest_snapshot(graph, source)
    if auto and target.StorageEncrypted and target.KmsKeyId != production.KmsKeyId and newest is not None:
        notes.append(f"Clone method: snapshot: a restore of {newest.DBSnapshotIdentifier} (the newest available of "
                     f"'{source}', taken {newest.SnapshotCreateTime or 'now'}) (auto: {blocker} A point-in-time "
                     f"restore would keep production's key; a snapshot copied with the target's key keeps it.).")
        return CloneChoice("snapshot", newest)
    why = f" (auto: {blocker})" if auto else ""
    notes.append(f"Clone method: point_in_time: a restore of production's automated backups at their latest "
                 f"restorable time{why}.")
    return CloneChoice("point_in_time")


def _replica_blocker(graph: ReplicationGraph, source: DBInstance, target: DBInstance) -> str | None:
    """Why a read replica of production cannot be the copy, or None."""
    if source.MasterUserSecret is not None:
        return (f"Production '{source.DBInstanceIdentifier}' has its master password managed by Secrets Manager: "
                "RDS creates no read replica of it.")
    # "All read replicas in one Amazon Web Services Region that are created from the same source DB instance
    # must ... specify DB subnet groups from the same VPC" (CreateDBInstanceReadReplica.DBSubnetGroupName), and
    # the User Guide advises against a replica in another VPC than its source's.
    # Another refresh's copy counts (it is a replica of production too); this refresh's own stale copy is
    # discarded before the clone.
    replicas = [graph.get(r) for r in source.ReadReplicaDBInstanceIdentifiers]  # a cross-region one's ARN: None
    siblings = {r.vpc for r in replicas
                if r is not None and r.tag(TAG_TARGET) != target.DBInstanceIdentifier and r.vpc}
    if len(siblings) > 1:
        vpcs = ", ".join(sorted(siblings))
        return (f"Production '{source.DBInstanceIdentifier}' has replicas in several VPCs ({vpcs}): where RDS would "
                "accept one more is not documented.")
    vpc = next(iter(siblings)) if siblings else source.vpc
    if target.vpc and vpc and target.vpc != vpc:
        group = target.DBSubnetGroup.DBSubnetGroupName if target.DBSubnetGroup else "?"
        return (f"'{target.DBInstanceIdentifier}' is in VPC {target.vpc} (subnet group {group}) and production's "
                f"replicas in {vpc}: a read replica of production cannot land in the target's subnet group.")
    mine = [r for r in source.ReadReplicaDBInstanceIdentifiers if not r.startswith(TEMP_PREFIX)]
    limit = rds_rules.max_replicas(source.Engine)
    quota = graph.quota("ReadReplicasPerMaster")
    if quota is not None and rds_rules.family(source.Engine) not in ("oracle", "sqlserver", "db2"):
        limit = quota.Max
    if len(mine) + 1 > limit:
        return (f"Production '{source.DBInstanceIdentifier}' has {len(mine)} read replicas; RDS allows {limit} for "
                f"{source.Engine}, and the copy would be one more.")
    return None


def _snapshot(graph: ReplicationGraph, request: RefreshRequest) -> DBSnapshot:
    """The snapshot to restore: the named one (an identifier, or the ARN of one shared from another account),
    or the newest available one of production (automated or manual, every page: Describe read them all)."""
    source, named = request.source, request.clone.snapshot
    if named:
        snapshot = next((s for s in graph.snapshots if named in (s.DBSnapshotIdentifier, s.DBSnapshotArn)), None)
        if snapshot is None:
            raise PlanRefused(f"Snapshot '{named}' was not found (a snapshot shared from another account is named "
                              "by its ARN, and must be shared with this account).")
        if snapshot.DBInstanceIdentifier != source:
            raise PlanRefused(f"Snapshot '{named}' is of '{snapshot.DBInstanceIdentifier}', not of the source "
                              f"'{source}'.")
        if snapshot.Status != "available":
            raise PlanRefused(f"Snapshot '{named}' is {snapshot.Status}: only an available snapshot is restored.")
    else:
        newest = _newest_snapshot(graph, source)
        if newest is None:
            production = graph.get(source)
            otherwise = ", or choose the clone method point_in_time" if production and \
                production.BackupRetentionPeriod else ""
            raise PlanRefused(f"No available snapshot of '{source}' was found: take one{otherwise}.")
        snapshot = newest
    if snapshot.shared and snapshot.Encrypted and snapshot.KeyUsable is False:
        raise PlanRefused(f"Snapshot '{snapshot.DBSnapshotArn or named}' is encrypted with {snapshot.KmsKeyId}, which "
                          "is not shared with this account: the production account must share the key too.")
    return snapshot


def _newest_snapshot(graph: ReplicationGraph, source: str) -> DBSnapshot | None:
    """Production's newest available snapshot, automated or manual (Describe read every page)."""
    return newest_available(s for s in graph.snapshots if s.DBInstanceIdentifier == source)


# --- progress of an earlier run ------------------------------------------------------------------------------


class Progress:
    """What earlier runs of this refresh left in the graph, read from the workflow's tags. In an Aurora refresh
    (`cluster`), the target's own names (`<target>`, `temp-<target>`, `old-<target>`) are DB clusters, its other
    names the clusters' instances."""

    def __init__(self, graph: ReplicationGraph, request: RefreshRequest, run: Run, cluster: bool) -> None:
        self.graph, self.request, self.target, self.cluster = graph, request, request.target, cluster
        # an instance refresh leaves clusters alone, even one tagged for its target
        resources: list[Resource] = [*graph.instances, *(graph.clusters if cluster else [])]
        ours = [r for r in resources if r.tag(TAG_TARGET) == self.target]
        # Only under an old- name, or on its way there (a rename RDS accepted but has not made yet): a rollback
        # puts a retired instance back under its name, tags and all.
        retired = [r for r in ours if r.tag(TAG_REPLACED_BY) and (
            r.identifier.startswith(OLD_PREFIX) or (renaming_to(r) or "").startswith(OLD_PREFIX))]
        temp_root = self.find(temp_name(self.target))
        generations = {r.tag(TAG_REPLACED_BY) for r in retired}
        if len(generations) > 1:
            raise PlanRefused(f"Instances retired by different refreshes ({', '.join(sorted(map(str, generations)))})"
                              f" are present for '{self.target}': finish or remove them by hand.")
        if generations:
            self.generation = str(generations.pop())
        elif temp_root and temp_root.tag(TAG_TARGET) == self.target and \
                temp_root.tag(TAG_SOURCE) == request.source and temp_root.tag(TAG_GENERATION):
            self.generation = str(temp_root.tag(TAG_GENERATION))
        else:
            self.generation = generation_id(run.name)
        # the copies of this generation, by the name they hold or will hold (a cluster's instances are named
        # `<target>-...`, so no name is both a cluster's and an instance's)
        self.copies = {str(r.tag(TAG_NAME)): r for r in ours if r.tag(TAG_GENERATION) == self.generation}
        self.retired = {str(r.tag(TAG_NAME)): r for r in retired}
        installed = {name for name, copy in self.copies.items() if copy.identifier == name}
        self.swap_started = bool(self.retired or installed)
        self.fresh = not (self.copies or self.retired)
        self.view = self._old_view(installed)
        self.discards = [] if self.swap_started else self._discards(ours)

    # --- names --------------------------------------------------------------------------------------------------

    def is_cluster_name(self, identifier: str) -> bool:
        return self.cluster and identifier in (self.target, temp_name(self.target), old_name(self.target))

    def find(self, identifier: str) -> Resource | None:
        """What holds `identifier` now: a cluster for the target's own names in an Aurora refresh, else an
        instance."""
        return self.graph.cluster(identifier) if self.is_cluster_name(identifier) else self.graph.get(identifier)

    def node(self, name: str) -> Resource:
        """What held `name` before this refresh (the old view). Every name of the tree is there: tree() takes them
        from the view, whose target the refusals found before any node is asked for."""
        found = self.view.cluster(name) if self.is_cluster_name(name) else self.view.get(name)
        assert found is not None
        return found

    def ref(self, identifier: str) -> InstanceRef:
        return InstanceRef.to(identifier, self.is_cluster_name(identifier))

    def tree(self) -> list[str]:
        """The names the refresh gives new data: the target's replica tree, or its cluster and the cluster's
        instances (its writer first)."""
        if self.cluster:
            return [self.target, *self.view.members(self.target)]
        return self.view.tree(self.target)

    # --- the graph as it was --------------------------------------------------------------------------------------

    def _old_view(self, installed: set[str]) -> ReplicationGraph:
        """The graph as it was before this refresh: retired instances (and clusters) back under their names, this
        generation's copies left out (a copy stands in for its name only once its old instance is gone)."""
        def kind_of(resource: Resource) -> bool:
            return isinstance(resource, DBCluster)

        renames = {(kind_of(r), r.identifier): name for name, r in self.retired.items()}
        leave_out = {(kind_of(c), c.identifier) for name, c in self.copies.items()
                     if name not in installed or name in self.retired}
        # the instances of the cluster's copy, installed under their names, are the target cluster's (only this
        # generation's copy's: a clone another refresh left is discarded, one nobody tagged refused)
        cluster_names = {identifier: name for (is_cluster, identifier), name in renames.items() if is_cluster}
        cluster_copy = self.copies.get(self.target)
        if self.cluster and cluster_copy is not None and cluster_copy.identifier == temp_name(self.target):
            cluster_names[cluster_copy.identifier] = self.target

        def rename(identifier: str | None) -> str | None:
            return renames.get((False, identifier), identifier) if identifier else identifier

        def as_before(i: DBInstance) -> DBInstance:
            update: dict[str, Any] = {
                "DBInstanceIdentifier": rename(i.DBInstanceIdentifier),
                "ReadReplicaSourceDBInstanceIdentifier": rename(i.ReadReplicaSourceDBInstanceIdentifier),
                "ReadReplicaDBInstanceIdentifiers": [rename(r) for r in i.ReadReplicaDBInstanceIdentifiers],
                "DBClusterIdentifier": cluster_names.get(i.DBClusterIdentifier or "", i.DBClusterIdentifier),
            }
            if (False, i.DBInstanceIdentifier) in renames:  # retiring lifted its protection; the tag remembers it
                update["DeletionProtection"] = i.tag(TAG_PROTECTED) == "true"
            return i.model_copy(update=update)

        def cluster_before(c: DBCluster) -> DBCluster:
            update: dict[str, Any] = {"DBClusterIdentifier": cluster_names.get(c.DBClusterIdentifier,
                                                                               c.DBClusterIdentifier),
                                      "DBClusterMembers": [m.model_copy(update={"DBInstanceIdentifier": rename(
                                          m.DBInstanceIdentifier)}) for m in c.DBClusterMembers]}
            if (True, c.DBClusterIdentifier) in renames:
                update["DeletionProtection"] = c.tag(TAG_PROTECTED) == "true"
            return c.model_copy(update=update)

        instances = [as_before(i) for i in self.graph.instances if (False, i.DBInstanceIdentifier) not in leave_out]
        clusters = [cluster_before(c) for c in self.graph.clusters if (True, c.DBClusterIdentifier) not in leave_out]
        return self.graph.model_copy(update={"instances": instances, "clusters": clusters})

    def _discards(self, ours: list[Resource]) -> list[Deletion]:
        """Copies that cannot become part of this refresh: of another generation or source, stuck in a failed
        status, or no longer replicating from the copy of their parent (an Aurora copy: outside the cluster's
        copy, or a cluster whose writer is not its old writer's copy). A discarded copy takes its replicas (a
        cluster its instances) with it: they are rebuilt too; so does the writer of a cluster's copy."""
        broken: set[tuple[bool, str]] = set()
        for resource in ours:
            name = resource.tag(TAG_NAME)
            if not resource.identifier.startswith(TEMP_PREFIX) or resource.tag(TAG_GENERATION) is None:
                continue
            if resource.tag(TAG_GENERATION) != self.generation or resource.status in STUCK \
                    or not self._as_planned(resource, str(name)):
                broken.add((isinstance(resource, DBCluster), resource.identifier))
        copy = temp_name(self.target)
        if self.cluster and (False, self._writer_copy()) in broken:
            broken.add((True, copy))
        for is_cluster, identifier in list(broken):
            taken = self.graph.members(identifier) if is_cluster else self.graph.tree(identifier)
            broken.update((False, name) for name in taken)
        return [Deletion(**{identifier_key(is_cluster): identifier}, SkipFinalSnapshot=True)
                for is_cluster, identifier in sorted(broken)]  # the instances first, then the cluster

    def _writer_copy(self) -> str:
        members = self.view.members(self.target)
        return temp_name(members[0]) if members else ""

    def _as_planned(self, copy: Resource, name: str) -> bool:
        if isinstance(copy, DBCluster):
            return copy.writer in (None, self._writer_copy())
        if self.cluster:
            return copy.DBClusterIdentifier == temp_name(self.target)
        old = self.graph.get(name)
        if name == self.target or old is None:
            # the root copy replicates from the source until it is promoted
            return copy.ReadReplicaSourceDBInstanceIdentifier in (None, self.request.source)
        return copy.ReadReplicaSourceDBInstanceIdentifier == temp_name(old.ReadReplicaSourceDBInstanceIdentifier or "")

    # --- what is left to do ---------------------------------------------------------------------------------------

    def copy_tags(self, name: str) -> list[Tag]:
        return [Tag(Key=TAG_TARGET, Value=self.target), Tag(Key=TAG_NAME, Value=name),
                Tag(Key=TAG_SOURCE, Value=self.request.source), Tag(Key=TAG_GENERATION, Value=self.generation)]

    def old_exists(self, name: str) -> bool:
        """Whether an old instance (or cluster) still holds `name` or `old-<name>` (so there is something to
        delete)."""
        current = self.find(name)
        return name in self.retired or (current is not None and self.copies.get(name) is not current)

    def swap(self, old: Resource) -> Swap:
        """The renames of one name still to do."""
        name, key = old.identifier, old.IDENTIFIER
        copy, current = self.copies.get(name), self.find(name)
        renames = []
        if current is not None and current is not copy:
            # Retiring lifts deletion protection (so the old instance can be deleted whatever status it ends
            # in); the tag remembers it, for the copy and for a rollback.
            protected = bool(old.DeletionProtection)
            retire_tags = [Tag(Key=TAG_TARGET, Value=self.target), Tag(Key=TAG_NAME, Value=name),
                           Tag(Key=TAG_REPLACED_BY, Value=self.generation),
                           Tag(Key=TAG_PROTECTED, Value=str(protected).lower())]
            retire: Params = {key: name, f"New{key}": old_name(name), "ApplyImmediately": True}
            retired = Expectation(**{key: old_name(name)}, settled=[key])
            if protected:
                retire["DeletionProtection"] = False
                retired.values["DeletionProtection"] = False
            renames.append(Rename(rename=retire, tags=retire_tags, generation=self.generation, is_copy=False,
                                  expect=retired))
        if copy is None or copy.identifier != name:
            install = self.install_params(old)
            installed = Expectation(**{key: name}, settled=[key], values={
                setting: value for setting, value in install.items() if setting.startswith("Preferred")})
            renames.append(Rename(rename=install, generation=self.generation, is_copy=True, expect=installed))
        return Swap(name=name, renames=renames)

    def restoration(self, old: Resource) -> Restoration:
        name, key = old.identifier, old.IDENTIFIER
        reinstate: Params = {key: old_name(name), f"New{key}": name, "ApplyImmediately": True}
        if old.DeletionProtection:
            reinstate["DeletionProtection"] = True
        return Restoration(name=name, generation=self.generation, reinstate=reinstate, install=self.install_params(old))

    def install_params(self, old: Resource) -> Params:
        """The rename of a copy into place. The windows ride on it: RDS applies them at once, for free (the
        backup window could not ride on the promote, nor on a cluster's clone: the copy still has the source's
        maintenance window then, which it may overlap, and RDS refuses overlapping windows). An Aurora cluster's
        instance has none: its backups are the cluster's, its maintenance window set when it was created."""
        name, key = old.identifier, old.IDENTIFIER
        install: Params = {key: temp_name(name), f"New{key}": name, "ApplyImmediately": True}
        windows = () if isinstance(old, DBInstance) and old.DBClusterIdentifier else (
            "PreferredMaintenanceWindow", "PreferredBackupWindow")
        for setting in windows:
            if getattr(old, setting):
                install[setting] = getattr(old, setting)
        return install

    def deletion(self, name: str, is_primary: bool) -> Deletion:
        """The old primary (or cluster) with a final snapshot; the others without (an Aurora cluster's instance has
        none: its cluster's is taken)."""
        old = self.ref(old_name(name))
        if is_primary and self.request.final_snapshot:
            return Deletion(**{identifier_key(old.cluster): old.identifier},
                            FinalDBSnapshotIdentifier=final_snapshot_name(self.target, self.generation))
        return Deletion(**{identifier_key(old.cluster): old.identifier}, SkipFinalSnapshot=True)


# --- the copies ----------------------------------------------------------------------------------------------


class Copies:
    """The temp tree: each copy with the settings of its counterpart in the old tree (never the source's),
    requested the way RDS accepts them."""

    def __init__(self, view: ReplicationGraph, request: RefreshRequest, progress: Progress, notes: list[str],
                 clone: CloneChoice) -> None:
        self.view, self.request, self.progress, self.notes, self.clone = view, request, progress, notes, clone
        origin = clone.snapshot or _instance(view, request.source)  # what the copies run: its engine and version
        self.engine, self.engine_version = origin.Engine, origin.EngineVersion
        self.serving = {name for name in view.tree(request.target) if view.children(name)}
        # what each copy ends with, for the copies built from it: its parameter group and its storage
        self.group: dict[str, str | None] = {}
        self.storage: dict[str, int | None] = {}
        self.snapshot_copy: SnapshotCopy | None = None

    def root(self) -> RootBuild:
        target = self.request.target
        old = _instance(self.view, target)
        retention = _retention(old, target in self.serving)
        if self.clone.method != "replica":
            return self._restored(old, retention)
        source = _instance(self.view, self.request.source)
        build = self._build(old, parent=source.DBInstanceIdentifier,
                            inherited_group=_group_name(source), parent_storage=source.AllocatedStorage)
        # PromoteReadReplica turns backups on itself (which saves a modify and its wait). It also reboots the
        # copy ("RDS reboots the DB instance before making it available"); whether that reboot puts a new
        # parameter group in effect is undocumented, so a reboot follows, skipped when it did.
        promoted = Expectation(DBInstanceIdentifier=temp_name(target), promoted=True,
                               values={"BackupRetentionPeriod": retention}, parameter_group=self.group[target])
        promote = Call(op="PromoteReadReplica", expect=promoted,
                       request={"DBInstanceIdentifier": temp_name(target), "BackupRetentionPeriod": retention})
        return RootBuild(name=target, create=build.create, configure=build.configure, promote=promote,
                         reboot=self._reboot(target) if _new_group(build) else None)

    def _restored(self, old: DBInstance, retention: int) -> RootBuild:
        """The copy of the target restored from production's backups or a snapshot, with the target's settings
        where the restore takes them (its parameter group and backups included: no promote, no reboot), the
        others by a modify."""
        name = old.DBInstanceIdentifier
        identifier = temp_name(name)
        snapshot = self.clone.snapshot
        restored_size = (snapshot or _instance(self.view, self.request.source)).AllocatedStorage
        settings = self._settings(old) | self._storage(old, restored_size, always=True)
        self.group[name] = _group_name(old)
        if self.group[name]:
            settings["DBParameterGroupName"] = self.group[name]
        # always sent: left out, a restore takes the source's retention ("Default: Uses existing setting")
        settings["BackupRetentionPeriod"] = retention
        later = {key: settings.pop(key) for key in list(settings) if key in NOT_ON_RESTORE[self.clone.method]}
        if self.clone.method == "point_in_time":
            op, request = "RestoreDBInstanceToPointInTime", {
                "SourceDBInstanceIdentifier": self.request.source, "TargetDBInstanceIdentifier": identifier,
                "UseLatestRestorableTime": True}
            source = _instance(self.view, self.request.source)
            if old.StorageEncrypted and old.KmsKeyId != source.KmsKeyId:
                self.notes.append(f"{name}: the copy is encrypted with production's key {source.KmsKeyId} (a "
                                  "point-in-time restore keeps its source's key), not the old instance's.")
        else:
            assert snapshot is not None
            op, request = "RestoreDBInstanceFromDBSnapshot", {
                "DBInstanceIdentifier": identifier, "DBSnapshotIdentifier": self._snapshot_to_restore(old, snapshot)}
        created = Expectation(DBInstanceIdentifier=identifier, values={"BackupRetentionPeriod": retention})
        configure = None
        if later:
            configure = Call(op="ModifyDBInstance", request={"DBInstanceIdentifier": identifier, **later,
                                                             "ApplyImmediately": True},
                             expect=Expectation(DBInstanceIdentifier=identifier, values={
                                 DESCRIBED_AS.get(key, key): value for key, value in later.items()}))
        return RootBuild(name=name, create=Call(op=op, request=request | settings, expect=created),
                         configure=configure)

    def _snapshot_to_restore(self, old: DBInstance, snapshot: DBSnapshot) -> str:
        """The snapshot itself, or a copy of it: RDS restores no snapshot that is shared and encrypted ("make a
        copy of the DB snapshot and restore the DB instance from the copy", User Guide, Restoring from a DB
        snapshot), and a restore keeps its snapshot's key, so a copy with the old instance's key keeps it."""
        name = snapshot.DBSnapshotArn if snapshot.shared else snapshot.DBSnapshotIdentifier
        key = old.KmsKeyId if old.StorageEncrypted else None
        if not snapshot.Encrypted or (not snapshot.shared and key in (None, snapshot.KmsKeyId)):
            return name
        copy = source_copy_prefix(self.request.target) + self.progress.generation
        self.snapshot_copy = SnapshotCopy(DBSnapshotIdentifier=copy, request={
            "SourceDBSnapshotIdentifier": name, "TargetDBSnapshotIdentifier": copy,
            **({"KmsKeyId": key} if key else {}), "Tags": [t.model_dump() for t in self.progress.copy_tags(
                self.request.target)]})
        return copy

    def replica(self, name: str) -> CopyBuild:
        old = _instance(self.view, name)
        parent = old.ReadReplicaSourceDBInstanceIdentifier or ""
        build = self._build(old, parent=temp_name(parent), inherited_group=self.group.get(parent),
                            parent_storage=self.storage.get(parent))
        if _new_group(build):  # a new parameter group takes effect at the next reboot
            build.reboot = self._reboot(name)
        return build

    def _reboot(self, name: str) -> Call:
        """RebootDBInstance of a copy, skipped when its parameter group is already in effect."""
        identifier = temp_name(name)
        return Call(op="RebootDBInstance", request={"DBInstanceIdentifier": identifier},
                    expect=Expectation(DBInstanceIdentifier=identifier, parameter_group=self.group[name],
                                       parameters_in_sync=True))

    def _build(self, old: DBInstance, parent: str, inherited_group: str | None,
               parent_storage: int | None) -> CopyBuild:
        name = old.DBInstanceIdentifier
        identifier = temp_name(name)
        create = self._create_request(old, parent, parent_storage)
        wanted = _group_name(old)
        group_status = old.parameter_group.ParameterApplyStatus if old.parameter_group else "in-sync"
        if wanted and group_status != "in-sync":
            self.notes.append(f"{name}: its parameter group {wanted} is {group_status}; the copy gets {wanted} with "
                              "its current parameters in effect (the copy is rebooted before the swap).")
        configure: Params = {}
        if wanted and rds_rules.group_at_create(self.engine):
            create["DBParameterGroupName"] = wanted
        elif wanted and wanted != inherited_group:
            configure["DBParameterGroupName"] = wanted
        self.group[name] = wanted or inherited_group
        retention = _retention(old, name in self.serving)
        if name != self.request.target and retention:
            configure["BackupRetentionPeriod"] = retention  # the root's backups come with its promote
        call = None
        if configure:
            request = {"DBInstanceIdentifier": identifier, **configure, "ApplyImmediately": True}
            expect = Expectation(DBInstanceIdentifier=identifier, parameter_group=configure.get("DBParameterGroupName"),
                                 values={k: v for k, v in configure.items() if k == "BackupRetentionPeriod"},
                                 settled=["BackupRetentionPeriod"])
            call = Call(op="ModifyDBInstance", request=request, expect=expect)
        created = Expectation(DBInstanceIdentifier=identifier)
        return CopyBuild(name=name, create=Call(op="CreateDBInstanceReadReplica", request=create, expect=created),
                         configure=call)

    def _create_request(self, old: DBInstance, parent: str, parent_storage: int | None) -> Params:
        """CreateDBInstanceReadReplica request for `temp-<name>`, with the settings of the old `name` that the
        call accepts (see rds_rules): the old instance's key too, which may differ from the source's."""
        return {"DBInstanceIdentifier": temp_name(old.DBInstanceIdentifier), "SourceDBInstanceIdentifier": parent,
                **self._settings(old), **({"KmsKeyId": old.KmsKeyId} if old.StorageEncrypted and old.KmsKeyId else {}),
                **self._storage(old, parent_storage)}

    def _settings(self, old: DBInstance) -> Params:
        """The old instance's settings a copy is created with (a replica or a restore; a restore leaves some to a
        later modify, see NOT_ON_RESTORE)."""
        name = old.DBInstanceIdentifier
        workflow_keys = {t.Key for t in self.progress.copy_tags(name)}
        tags = [t for t in old.TagList if t.Key not in workflow_keys] + self.progress.copy_tags(name)
        params: Params = {
            "DBInstanceClass": old.DBInstanceClass,
            "MultiAZ": old.MultiAZ,
            "Port": old.Port,
            "DBSubnetGroupName": old.DBSubnetGroup.DBSubnetGroupName if old.DBSubnetGroup else None,
            "VpcSecurityGroupIds": [g.VpcSecurityGroupId for g in old.VpcSecurityGroups
                                    if g.Status == "active"] or None,
            "OptionGroupName": old.option_group if rds_rules.option_group_at_create(self.engine) else None,
            "PubliclyAccessible": old.PubliclyAccessible,
            "AutoMinorVersionUpgrade": old.AutoMinorVersionUpgrade,
            "CopyTagsToSnapshot": old.CopyTagsToSnapshot,
            **old.monitoring(),
            "EnableIAMDatabaseAuthentication": old.IAMDatabaseAuthenticationEnabled,
            "EnableCloudwatchLogsExports": old.EnabledCloudwatchLogsExports or None,
            "Tags": [t.model_dump() for t in tags],
        }
        return {key: value for key, value in params.items() if value is not None}

    def _storage(self, old: DBInstance, parent_storage: int | None, always: bool = False) -> Params:
        """Storage grows but never shrinks: a copy has at least its parent's size, and the old instance's if
        that is more. A gp3 volume below its engine's threshold has a fixed baseline and takes no Iops or
        StorageThroughput; provisioned values are copied only where both the old volume and the copy's are
        above it (the describe output reports the baseline, which must not be sent back)."""
        name = old.DBInstanceIdentifier
        size = max(old.AllocatedStorage or 0, parent_storage or 0) or None
        self.storage[name] = size
        if old.AllocatedStorage and size and size > old.AllocatedStorage:
            self.notes.append(f"{name}: production's storage ({size} GiB) is larger than the old instance's "
                              f"({old.AllocatedStorage} GiB); the copy keeps {size} GiB, as RDS storage never shrinks.")
        storage: Params = {"StorageType": old.StorageType}
        if rds_rules.storage_at_create(self.engine) and size and (always or size != parent_storage):
            storage["AllocatedStorage"] = size
        if old.MaxAllocatedStorage and size and old.MaxAllocatedStorage > size:
            storage["MaxAllocatedStorage"] = old.MaxAllocatedStorage
        provisioned = old.StorageType in ("io1", "io2") or (
            old.StorageType == "gp3" and size is not None and old.AllocatedStorage is not None
            and rds_rules.gp3_provisionable(self.engine, old.AllocatedStorage)
            and rds_rules.gp3_provisionable(self.engine, size))
        if provisioned:
            storage["Iops"] = old.Iops
            if old.StorageType == "gp3":
                storage["StorageThroughput"] = old.StorageThroughput
        return storage


def _new_group(build: CopyBuild) -> bool:
    return build.configure is not None and "DBParameterGroupName" in build.configure.request


def _group_name(instance: DBInstance) -> str | None:
    return instance.parameter_group.DBParameterGroupName if instance.parameter_group else None


def _retention(old: DBInstance, serves_replicas: bool) -> int:
    """The old instance's backup retention, at least 1 where the copy must be a replication source."""
    retention = old.BackupRetentionPeriod or 0
    return max(retention, 1) if serves_replicas else retention


def _levels_below(graph: ReplicationGraph, root: str) -> list[list[str]]:
    """The replicas below `root`, level by level: each level's parents are all in earlier levels."""
    levels, frontier = [], graph.children(root)
    while frontier:
        levels.append(frontier)
        frontier = [child for name in frontier for child in graph.children(name)]
    return levels


# --- refusals ------------------------------------------------------------------------------------------------


def _instance(graph: ReplicationGraph, name: str) -> DBInstance:
    instance = graph.get(name)
    if instance is None:
        raise PlanRefused(f"Instance '{name}' does not exist in {graph.region}.")
    return instance


def _refuse_unsafe(graph: ReplicationGraph, source: str, target: str, fresh: bool, source_here: bool) -> None:
    """`source_here`: production is an instance of this account and region (not when a snapshot shared from
    another account is restored)."""
    region = graph.region
    if source == target:
        raise PlanRefused(f"Source and target are both '{source}': a refresh would replace production with itself.")
    for role, name in (("Source", source), ("Target", target)):
        if graph.get(name) is None and (role == "Target" or source_here):
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
    for name in [source, *target_tree] if graph.get(source) else target_tree:
        cluster = _instance(graph, name).DBClusterIdentifier
        if cluster:
            raise PlanRefused(f"'{name}' is an instance of Aurora cluster '{cluster}': an Aurora cluster is refreshed "
                              "as a whole (name the DB clusters as source and target).")
    for name in target_tree:
        remote = [r for r in _instance(graph, name).ReadReplicaDBInstanceIdentifiers if r.startswith("arn:")]
        if remote:
            raise PlanRefused(f"'{name}' has cross-region replicas ({', '.join(remote)}), which this tool cannot "
                              "recreate.")
    # IAM scopes a deployment to each target's tree by name: `<target>` and `<target>-*` (README, Deploying).
    strays = [name for name in target_tree[1:] if not name.startswith(f"{target}-")]
    if strays:
        raise PlanRefused(f"Replica '{strays[0]}' of '{target}' is not named '{target}-...': this deployment's IAM "
                          f"policies allow changes to '{target}' and '{target}-*' only. Rename the replica.")
    too_long = [n for name in target_tree for n in (temp_name(name), old_name(name))
                if len(n) > MAX_IDENTIFIER_LENGTH]
    if too_long:
        raise PlanRefused(f"'{too_long[0]}' would be {len(too_long[0])} characters; RDS allows "
                          f"{MAX_IDENTIFIER_LENGTH}: shorten the target's names.")
    src = graph.get(source)
    if src is not None and src.DBInstanceStatus in STUCK:
        raise PlanRefused(f"Production '{source}' is {src.DBInstanceStatus}: it cannot be copied until it is "
                          "available again.")
    if fresh:
        busy = [f"{n} is {_instance(graph, n).DBInstanceStatus}" for n in target_tree
                if _instance(graph, n).DBInstanceStatus not in TARGET_BUSY_OK]
        if busy:
            raise PlanRefused(f"A refresh needs the target's tree available, but {'; '.join(busy)}.")


def _refuse_incompatible(graph: ReplicationGraph, request: RefreshRequest, clone: CloneChoice) -> None:
    """Differences between production's data (the instance, or the snapshot restored) and the target that a copy
    cannot bridge."""
    target = _instance(graph, request.target)
    data = clone.snapshot or _instance(graph, request.source)
    engine, version = data.Engine, data.EngineVersion
    encrypted = bool(data.Encrypted if isinstance(data, DBSnapshot) else data.StorageEncrypted)
    name, prod = target.DBInstanceIdentifier, request.source
    if engine and target.Engine and engine != target.Engine:
        raise PlanRefused(f"'{prod}' runs {engine} and '{name}' {target.Engine}: a copy of production cannot keep "
                          "the target's engine.")
    versions = (rds_rules.major_version(engine, version), rds_rules.major_version(target.Engine, target.EngineVersion))
    if None not in versions and versions[0] != versions[1]:
        raise PlanRefused(f"'{prod}' runs {engine} {versions[0]} and '{name}' {versions[1]}: the copy would run "
                          f"{versions[0]}, which the target's parameter and option groups are not for. Upgrade the "
                          "target to production's major version first.")
    for instance in [target, *(graph.get(n) for n in graph.tree(name)[1:])]:
        if instance is None:
            continue
        if bool(instance.StorageEncrypted) and not encrypted:
            raise PlanRefused(f"'{instance.DBInstanceIdentifier}' is encrypted but production's data ('{prod}') is "
                              "not: RDS creates no encrypted copy of unencrypted data (replica or restore).")
        if encrypted and not instance.StorageEncrypted:
            raise PlanRefused(f"Production's data ('{prod}') is encrypted but '{instance.DBInstanceIdentifier}' is "
                              "not: its copy would be encrypted, and RDS keeps encryption on replicas and restores. "
                              "Encrypt the target, or refresh another one.")
    if target.MasterUserSecret is not None:
        raise PlanRefused(f"'{name}' has its master password managed by RDS in Secrets Manager "
                          "(ManageMasterUserPassword): RDS deletes that secret with the old instance, and the copy "
                          "cannot take it over. Turn it off on the target, or use master_password with a secret of "
                          "your own.")


def _refuse_beyond_limits(graph: ReplicationGraph, request: RefreshRequest, engine: str, version: str | None,
                          creates: list[Params]) -> None:
    """Limits RDS would hit half-way through the build, checked before anything is created (the replicas per
    source are a reason `auto` restores instead, see _replica_blocker)."""
    target = request.target
    depth, max_depth = graph.depth(target), rds_rules.max_replica_levels(engine, version)
    if depth > max_depth:
        raise PlanRefused(f"'{target}' has replicas {depth} levels deep; RDS allows {max_depth} for {engine}: "
                          "its tree cannot be rebuilt as read replicas.")
    quota = graph.quota("DBInstances")
    if quota and quota.Used + len(creates) > quota.Max:
        raise PlanRefused(f"The account uses {quota.Used} of its {quota.Max} DB instances; the refresh needs "
                          f"{len(creates)} more until the old ones are deleted. Raise the quota or free instances.")
    storage = graph.quota("AllocatedStorage")
    wanted = sum(int(c.get("AllocatedStorage") or 0) for c in creates)
    if storage and wanted and storage.Used + wanted > storage.Max:
        raise PlanRefused(f"The account uses {storage.Used} of its {storage.Max} GiB of storage; the copies need "
                          f"{wanted} GiB more. Raise the quota or free storage.")


def _refuse_foreign_leftovers(progress: Progress, tree: list[str], target: str) -> None:
    """temp-/old- instances (and clusters) this workflow did not make for this target are never renamed or
    deleted."""
    foreign = [r.identifier for name in tree for r in (progress.find(temp_name(name)), progress.find(old_name(name)))
               if r is not None and r.tag(TAG_TARGET) != target]
    if foreign:
        raise PlanRefused(f"Instances this workflow did not create are in the way ({', '.join(foreign)}): "
                          "rename or remove them before refreshing.")


def _assert_source_untouched(plan: Plan, protected: list[str]) -> None:
    """Defence in depth: no operation of the plan may name an instance (or cluster) of the source's tree."""
    keys = ("DBInstanceIdentifier", "NewDBInstanceIdentifier", "DBClusterIdentifier", "NewDBClusterIdentifier")
    for op in plan.flight_plan:
        named = {str(op.params.get(key)) for key in keys}
        if named & set(protected):
            raise PlanRefused(f"The plan would run {op.op} on production instance "
                              f"'{sorted(named & set(protected))[0]}'; refusing.")
