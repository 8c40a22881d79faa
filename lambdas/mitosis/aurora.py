"""The planner's Aurora part (pure): when a refresh is of a DB cluster, what it refuses, and the copy it builds.

An Aurora refresh clones production's cluster copy-on-write as `temp-<target>` with the target cluster's settings
(RestoreDBClusterToPointInTime, RestoreType copy-on-write, the latest restorable time: the clone shares production's
storage, so it is ready in minutes whatever its size, at no cost to production), then creates one instance per
instance of the target cluster with its settings (CreateDBInstance), the writer's copy first: "The primary instance
is the first instance that is created in a DB cluster" (Aurora User Guide, "Restoring a DB cluster to a specified
time"). The swap, its rollback, the protection and the deletion are the planner's, name by name, for the cluster's
name and its instances' names alike.

Sources: the botocore rds service model (RestoreDBClusterToPointInTime, CreateDBInstance, DBCluster) and the Aurora
User Guide's "Cloning a volume for an Amazon Aurora DB cluster" (Aurora.Managing.Clone.html), quoted where a rule
is made.
"""

from __future__ import annotations

from collections.abc import Callable

from mitosis import rds_rules
from mitosis.errors import PlanRefused
from mitosis.models import (
    MAX_IDENTIFIER_LENGTH,
    Call,
    CopyBuild,
    DBCluster,
    DBInstance,
    Expectation,
    Level,
    Params,
    RefreshRequest,
    ReplicationGraph,
    RootBuild,
    Tag,
    old_name,
    temp_name,
)
from mitosis.status import STUCK

CLONE_METHOD = "copy_on_write"
# Aurora MySQL and Aurora PostgreSQL; a Multi-AZ DB cluster (engine mysql or postgres) is another kind of cluster.
ENGINES = frozenset({"aurora-mysql", "aurora-postgresql"})
# A fresh refresh starts from a target whose cluster and instances are in one of these (as for instances).
TARGET_BUSY_OK = frozenset({"available", "backing-up", "storage-optimization"})


def is_cluster_refresh(graph: ReplicationGraph, request: RefreshRequest) -> bool:
    """Whether the refresh is of an Aurora DB cluster: the source is a cluster, or the target is (under its name, or
    as an earlier run left it, temp- or old-). A cluster refreshed from an instance, or an instance from a cluster,
    is refused: a clone is of a cluster, into a cluster."""
    source, target = request.source, request.target
    source_cluster = graph.cluster(source) is not None
    target_cluster = any(graph.cluster(name) for name in (target, temp_name(target), old_name(target)))
    if source_cluster and not target_cluster:
        raise PlanRefused(f"Source '{source}' is an Aurora DB cluster and target '{target}' is {_what(graph, target)}: "
                          "an Aurora cluster is refreshed into an Aurora cluster only (name the target's DB cluster).")
    if target_cluster and not source_cluster:
        raise PlanRefused(f"Target '{target}' is an Aurora DB cluster and source '{source}' is {_what(graph, source)}: "
                          "an Aurora cluster is refreshed from an Aurora cluster only (name production's DB cluster).")
    return source_cluster


def _what(graph: ReplicationGraph, name: str) -> str:
    instance = graph.get(name)
    if instance is None:
        return "no DB cluster of this region"
    if instance.DBClusterIdentifier:
        return f"an instance of Aurora cluster '{instance.DBClusterIdentifier}'"
    return "an RDS instance"


def _cluster(graph: ReplicationGraph, name: str, role: str = "Cluster") -> DBCluster:
    cluster = graph.cluster(name)
    if cluster is None:
        raise PlanRefused(f"{role} DB cluster '{name}' does not exist in {graph.region}.")
    return cluster


def _kind_refused(cluster: DBCluster, role: str) -> str | None:
    """Why this tool cannot refresh from or into `cluster`, or None."""
    name = cluster.DBClusterIdentifier
    if cluster.Engine not in ENGINES or cluster.DBClusterInstanceClass:
        # DBCluster.DBClusterInstanceClass: "This setting is only for non-Aurora Multi-AZ DB clusters."
        return (f"{role} '{name}' runs {cluster.Engine}: only Aurora MySQL and Aurora PostgreSQL clusters are "
                "cloned (a Multi-AZ DB cluster is not an Aurora cluster).")
    if cluster.EngineMode not in (None, "provisioned"):
        # CreateDBCluster.EngineMode: "The serverless engine mode only applies for Aurora Serverless v1 DB
        # clusters. Aurora Serverless v2 DB clusters use the provisioned engine mode."
        kind = "an Aurora Serverless v1 cluster" if cluster.EngineMode == "serverless" else \
            f"in engine mode {cluster.EngineMode}"
        return (f"{role} '{name}' is {kind}: only provisioned clusters (and Aurora Serverless v2, whose instances "
                "are db.serverless) are refreshed.")
    if cluster.GlobalClusterIdentifier:
        return (f"{role} '{name}' is a member of Global Database '{cluster.GlobalClusterIdentifier}': a refresh "
                "would change the global database; refresh a cluster of its own.")
    if cluster.ClusterScalabilityType == "limitless":
        return f"{role} '{name}' is an Aurora Limitless Database, which is not cloned this way."
    return None


def refuse_unsafe(view: ReplicationGraph, request: RefreshRequest, members: list[str], fresh: bool) -> None:
    """What a cluster refresh refuses before anything is changed (the planner's instance refusals' counterparts).
    `members` are the target cluster's instances."""
    source, target = request.source, request.target
    if source in (temp_name(target), old_name(target)):
        raise PlanRefused(f"Source '{source}' is one of the names a refresh of '{target}' uses for its copy and its "
                          "old cluster: name production's DB cluster.")
    production, old = _cluster(view, source, "Source"), _cluster(view, target, "Target")
    for role, cluster in (("Source", production), ("Target", old)):
        refused = _kind_refused(cluster, role)
        if refused:
            raise PlanRefused(refused)
    if old.ReplicationSourceIdentifier:
        raise PlanRefused(f"Target '{target}' is a read replica of '{old.ReplicationSourceIdentifier}': a replica "
                          "cluster is not refreshed (its source is).")
    if old.ReadReplicaIdentifiers:
        raise PlanRefused(f"Target '{target}' has replica clusters ({', '.join(old.ReadReplicaIdentifiers)}), which "
                          "this tool cannot recreate.")
    if request.clone.method != "auto":
        raise PlanRefused(f"An Aurora cluster is refreshed by an Aurora clone (copy-on-write), not the clone method "
                          f"{request.clone.method}, which is for RDS instances: leave clone out.")
    if not production.DBClusterMembers:
        # Aurora User Guide, Limitations of Aurora cloning: "You can't create a clone from an Aurora DB cluster that
        # has no DB instances."
        raise PlanRefused(f"Production cluster '{source}' has no DB instance: Aurora cannot clone a cluster that has "
                          "no DB instances.")
    # IAM scopes a deployment to `<target>` and `<target>-*` (README, Deploying): the cluster's instances too.
    strays = [name for name in members if not name.startswith(f"{target}-")]
    if strays:
        raise PlanRefused(f"Instance '{strays[0]}' of cluster '{target}' is not named '{target}-...': this "
                          f"deployment's IAM policies allow changes to '{target}' and '{target}-*' only. Rename it.")
    too_long = [n for name in [target, *members] for n in (temp_name(name), old_name(name))
                if len(n) > MAX_IDENTIFIER_LENGTH]
    if too_long:
        raise PlanRefused(f"'{too_long[0]}' would be {len(too_long[0])} characters; RDS allows "
                          f"{MAX_IDENTIFIER_LENGTH}: shorten the target's names.")
    if production.Status in STUCK:
        raise PlanRefused(f"Production cluster '{source}' is {production.Status}: it cannot be cloned until it is "
                          "available again.")
    if fresh:
        busy = [f"{name} is {status}" for name, status in [(target, old.Status), *(
            (m, _instance(view, m).DBInstanceStatus) for m in members)] if status not in TARGET_BUSY_OK]
        if busy:
            raise PlanRefused(f"A refresh needs the target cluster available, but {'; '.join(busy)}.")


def refuse_incompatible(view: ReplicationGraph, request: RefreshRequest, members: list[str]) -> None:
    """Differences between production's cluster and the target's that a clone cannot bridge, and limits RDS would
    hit half-way through: checked before anything is created."""
    production, old = _cluster(view, request.source), _cluster(view, request.target)
    source, target = request.source, request.target
    if production.Engine != old.Engine:
        raise PlanRefused(f"'{source}' runs {production.Engine} and '{target}' {old.Engine}: a clone of production "
                          "cannot keep the target's engine.")
    versions = (rds_rules.major_version(production.Engine, production.EngineVersion),
                rds_rules.major_version(old.Engine, old.EngineVersion))
    if None not in versions and versions[0] != versions[1]:
        raise PlanRefused(f"'{source}' runs {production.Engine} {versions[0]} and '{target}' {versions[1]}: the clone "
                          f"would run {versions[0]}, which the target's parameter groups are not for. Upgrade the "
                          "target to production's major version first.")
    if old.StorageEncrypted and not production.StorageEncrypted:
        # RestoreDBClusterToPointInTime.KmsKeyId: "If DBClusterIdentifier refers to a DB cluster that isn't
        # encrypted, then the restore request is rejected."
        raise PlanRefused(f"'{target}' is encrypted but production's cluster '{source}' is not: RDS clones an "
                          "unencrypted cluster unencrypted, and takes no key for it.")
    if production.StorageEncrypted and not old.StorageEncrypted:
        raise PlanRefused(f"Production's cluster '{source}' is encrypted but '{target}' is not: its clone would be "
                          "encrypted (encryption cannot be turned off). Encrypt the target, or refresh another one.")
    if old.MasterUserSecret is not None:
        raise PlanRefused(f"'{target}' has its master password managed by RDS in Secrets Manager "
                          "(ManageMasterUserPassword): RDS deletes that secret with the old cluster, and the clone "
                          "cannot take it over. Turn it off on the target, or use master_password with a secret of "
                          "your own.")
    for name, kind, needed in (("DBClusters", "DB clusters", 1), ("DBInstances", "DB instances", len(members))):
        quota = view.quota(name)
        if quota and quota.Used + needed > quota.Max:
            raise PlanRefused(f"The account uses {quota.Used} of its {quota.Max} {kind}; the refresh needs {needed} "
                              "more until the old ones are deleted. Raise the quota or free some.")


def _instance(view: ReplicationGraph, name: str) -> DBInstance:
    """An instance of the target cluster: `members` are the view's (ReplicationGraph.members lists only instances
    the view has)."""
    instance = view.get(name)
    assert instance is not None
    return instance


class ClusterCopies:
    """The copy of the target cluster and of its instances, each with the settings of its counterpart (never
    production's), requested the way RDS accepts them. `copy_tags(name)` are the workflow's tags of a copy."""

    def __init__(self, view: ReplicationGraph, request: RefreshRequest, copy_tags: Callable[[str], list[Tag]],
                 notes: list[str]) -> None:
        self.view, self.request, self.copy_tags, self.notes = view, request, copy_tags, notes
        self.production = _cluster(view, request.source)
        self.old = _cluster(view, request.target)

    def root(self) -> RootBuild:
        """RestoreDBClusterToPointInTime of production's cluster as `temp-<target>`, copy-on-write at the latest
        restorable time ("Can't be specified if the RestoreType parameter is copy-on-write", RestoreToTime), with
        every setting of the old cluster the call takes. The windows are not among them: the maintenance window
        is not a parameter of the call, and the clone has production's until its rename into place, where both
        windows ride (the backup window "Must not conflict with the preferred maintenance window")."""
        old, target = self.old, self.request.target
        identifier = temp_name(target)
        workflow_keys = {t.Key for t in self.copy_tags(target)}
        tags = [t for t in old.TagList if t.Key not in workflow_keys] + self.copy_tags(target)
        settings: Params = {
            "DBClusterIdentifier": identifier, "SourceDBClusterIdentifier": self.request.source,
            "RestoreType": "copy-on-write", "UseLatestRestorableTime": True,
            "DBSubnetGroupName": old.DBSubnetGroup,
            # "the new DB cluster is created with the default DB security group" unless they are given
            "VpcSecurityGroupIds": [g.VpcSecurityGroupId for g in old.VpcSecurityGroups
                                    if g.Status == "active"] or None,
            # "If the DBClusterParameterGroupName parameter is omitted, the default DB cluster parameter group for
            # the specified engine is used"
            "DBClusterParameterGroupName": old.DBClusterParameterGroup,
            "Port": old.Port,
            "BackupRetentionPeriod": old.BackupRetentionPeriod or None,  # "Must be a value from 1 to 35"
            # sent even when empty or off: left out, the clone keeps production's ("the same configuration")
            "EnableCloudwatchLogsExports": list(old.EnabledCloudwatchLogsExports),
            "EnableIAMDatabaseAuthentication": bool(old.IAMDatabaseAuthenticationEnabled),
            "CopyTagsToSnapshot": bool(old.CopyTagsToSnapshot),
            # the copy takes the old cluster's protection once every name is swapped (a broken copy can always be
            # deleted until then)
            "DeletionProtection": False,
            "StorageType": old.StorageType,
            "Tags": [t.model_dump() for t in tags],
        }
        if old.ServerlessV2ScalingConfiguration is not None:
            settings["ServerlessV2ScalingConfiguration"] = old.ServerlessV2ScalingConfiguration.model_dump(
                exclude_none=True)
        if old.StorageEncrypted and old.KmsKeyId:
            # KmsKeyId: "You can restore to a new DB cluster and encrypt the new DB cluster with a KMS key that is
            # different from the KMS key used to encrypt the source DB cluster."
            settings["KmsKeyId"] = old.KmsKeyId
        if old.Engine == "aurora-mysql":  # BacktrackWindow: "Valid for: Aurora MySQL DB clusters only"; 0 is off
            settings["BacktrackWindow"] = old.BacktrackWindow or 0
        if old.HttpEndpointEnabled:
            self.notes.append(f"{target}: the RDS Data API (HTTP endpoint) is not a setting a clone takes; turn it on "
                              "again after the refresh (EnableHttpEndpoint).")
        self.notes.append(f"Clone method: {CLONE_METHOD}: an Aurora clone of production's cluster "
                          f"'{self.request.source}' at its latest restorable time, sharing production's storage until "
                          "either side writes.")
        create = {key: value for key, value in settings.items() if value is not None}
        return RootBuild(name=target, create=Call(op="RestoreDBClusterToPointInTime", request=create,
                                                  expect=Expectation(DBClusterIdentifier=identifier)))

    def levels(self, members: list[str]) -> list[Level]:
        """The writer's copy alone, then the readers' all at once: the cluster's first instance is its writer, and
        AWS documents nothing about instances created together."""
        builds = [self._instance(name) for name in members]
        if builds:
            self.notes.append(f"{self.request.target}: the copy of its writer {members[0]} is created first (the first "
                              "instance of a cluster is its writer), then the readers'.")
        return [Level(replicas=part) for part in (builds[:1], builds[1:]) if part]

    def _instance(self, name: str) -> CopyBuild:
        """CreateDBInstance of `temp-<name>` in the clone, with the settings of the old instance the call takes for
        an Aurora instance; the others are "managed by the DB cluster" (CreateDBInstance: "This setting doesn't
        apply to Amazon Aurora DB instances"), the clone's."""
        old = _instance(self.view, name)
        identifier = temp_name(name)
        workflow_keys = {t.Key for t in self.copy_tags(name)}
        tags = [t for t in old.TagList if t.Key not in workflow_keys] + self.copy_tags(name)
        group = old.parameter_group.DBParameterGroupName if old.parameter_group else None
        settings: Params = {
            "DBInstanceIdentifier": identifier, "DBClusterIdentifier": temp_name(self.request.target),
            "Engine": self.production.Engine, "DBInstanceClass": old.DBInstanceClass,
            "DBParameterGroupName": group, "PromotionTier": old.PromotionTier,
            "PubliclyAccessible": old.PubliclyAccessible, "AutoMinorVersionUpgrade": old.AutoMinorVersionUpgrade,
            "PreferredMaintenanceWindow": old.PreferredMaintenanceWindow,
            **old.monitoring(),
            "Tags": [t.model_dump() for t in tags],
        }
        create = {key: value for key, value in settings.items() if value is not None}
        created = Expectation(DBInstanceIdentifier=identifier, parameter_group=group, parameters_in_sync=bool(group))
        return CopyBuild(name=name, create=Call(op="CreateDBInstance", request=create, expect=created))

