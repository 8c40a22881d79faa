"""The replication graph: the instances a refresh reads, as DescribeDBInstances describes them (plus tags), and
the Aurora DB clusters, as DescribeDBClusters does.

It travels in the execution state from Describe to the end, so it holds only what the refresh needs: the
source's tree (or cluster), the target's and what earlier runs of this refresh left, never every instance of the
region (a state is limited to 256 KiB).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mitosis.models.names import TAG_TARGET, old_name, temp_name
from mitosis.models.request import RefreshRequest


class Tag(BaseModel):
    model_config = ConfigDict(frozen=True)

    Key: str
    Value: str = ""


class VpcSecurityGroup(BaseModel):
    VpcSecurityGroupId: str
    Status: str = "active"


class ParameterGroupStatus(BaseModel):
    DBParameterGroupName: str
    ParameterApplyStatus: str = "in-sync"


class OptionGroupStatus(BaseModel):
    OptionGroupName: str
    Status: str = "in-sync"


class SubnetGroup(BaseModel):
    DBSubnetGroupName: str
    VpcId: str | None = None


class InstanceEndpoint(BaseModel):
    Address: str | None = None
    Port: int | None = None


class ManagedSecret(BaseModel):
    """The Secrets Manager secret RDS manages for an instance's master password (ManageMasterUserPassword)."""

    SecretArn: str | None = None
    SecretStatus: str | None = None
    KmsKeyId: str | None = None


class Tagged(BaseModel):
    """An RDS resource with its tags (ListTagsForResource)."""

    TagList: list[Tag] = Field(default_factory=list)

    def tag(self, key: str) -> str | None:
        return next((t.Value for t in self.TagList if t.Key == key), None)


class DBInstance(Tagged):
    """The part of a DescribeDBInstances entry (plus its tags) that the workflow reads."""

    model_config = ConfigDict(extra="ignore")

    DBInstanceIdentifier: str
    DBInstanceArn: str = ""
    DBInstanceStatus: str = "available"
    Engine: str = ""
    EngineVersion: str | None = None
    DBClusterIdentifier: str | None = None
    ReadReplicaSourceDBInstanceIdentifier: str | None = None
    ReadReplicaDBInstanceIdentifiers: list[str] = Field(default_factory=list)
    PendingModifiedValues: dict[str, Any] = Field(default_factory=dict)
    Endpoint: InstanceEndpoint | None = None
    # settings a copy takes from its counterpart
    DBInstanceClass: str | None = None
    AllocatedStorage: int | None = None
    StorageType: str | None = None
    Iops: int | None = None
    StorageThroughput: int | None = None
    MaxAllocatedStorage: int | None = None
    StorageEncrypted: bool | None = None
    KmsKeyId: str | None = None
    DBSubnetGroup: SubnetGroup | None = None
    MultiAZ: bool | None = None
    Port: int | None = None
    PubliclyAccessible: bool | None = None
    AutoMinorVersionUpgrade: bool | None = None
    CopyTagsToSnapshot: bool | None = None
    MonitoringInterval: int | None = None
    MonitoringRoleArn: str | None = None
    PerformanceInsightsEnabled: bool | None = None
    PerformanceInsightsKMSKeyId: str | None = None
    PerformanceInsightsRetentionPeriod: int | None = None
    IAMDatabaseAuthenticationEnabled: bool | None = None
    EnabledCloudwatchLogsExports: list[str] = Field(default_factory=list)
    PreferredMaintenanceWindow: str | None = None
    PreferredBackupWindow: str | None = None
    DeletionProtection: bool | None = None
    BackupRetentionPeriod: int | None = None
    VpcSecurityGroups: list[VpcSecurityGroup] = Field(default_factory=list)
    DBParameterGroups: list[ParameterGroupStatus] = Field(default_factory=list)
    OptionGroupMemberships: list[OptionGroupStatus] = Field(default_factory=list)
    MasterUserSecret: ManagedSecret | None = None
    PromotionTier: int | None = None  # an Aurora cluster's instance: its place in the failover order

    IDENTIFIER: ClassVar[str] = "DBInstanceIdentifier"  # its identifier's key, in requests and in pending changes

    @property
    def identifier(self) -> str:
        return self.DBInstanceIdentifier

    @property
    def status(self) -> str:
        return self.DBInstanceStatus

    @model_validator(mode="before")
    @classmethod
    def _port_from_endpoint(cls, data: Any) -> Any:
        # DescribeDBInstances reports the port inside Endpoint (absent while creating) or as DbInstancePort.
        if isinstance(data, dict) and data.get("Port") is None:
            port = (data.get("Endpoint") or {}).get("Port") or data.get("DbInstancePort")
            if port:
                data = {**data, "Port": port}
        return data

    def monitoring(self) -> dict[str, Any]:
        """Its enhanced monitoring and Performance Insights as CreateDBInstance names them (a role, key or
        retention only where the feature is on: RDS keeps them in the description after it is turned off)."""
        insights = self.PerformanceInsightsEnabled
        return {
            "MonitoringInterval": self.MonitoringInterval,
            "MonitoringRoleArn": self.MonitoringRoleArn if self.MonitoringInterval else None,
            "EnablePerformanceInsights": insights,
            "PerformanceInsightsKMSKeyId": self.PerformanceInsightsKMSKeyId if insights else None,
            "PerformanceInsightsRetentionPeriod": self.PerformanceInsightsRetentionPeriod if insights else None,
        }

    @property
    def parameter_group(self) -> ParameterGroupStatus | None:
        return self.DBParameterGroups[0] if self.DBParameterGroups else None

    @property
    def option_group(self) -> str | None:
        return self.OptionGroupMemberships[0].OptionGroupName if self.OptionGroupMemberships else None

    @property
    def vpc(self) -> str | None:
        return self.DBSubnetGroup.VpcId if self.DBSubnetGroup else None


class ClusterMember(BaseModel):
    """One of DescribeDBClusters' DBClusterMembers."""

    model_config = ConfigDict(extra="ignore")

    DBInstanceIdentifier: str
    IsClusterWriter: bool = False
    PromotionTier: int | None = None


class ScalingV2(BaseModel):
    """An Aurora Serverless v2 cluster's capacity range (ServerlessV2ScalingConfiguration)."""

    model_config = ConfigDict(extra="ignore")

    MinCapacity: float | None = None
    MaxCapacity: float | None = None
    SecondsUntilAutoPause: int | None = None


class DBCluster(Tagged):
    """The part of a DescribeDBClusters entry (tags included) that the workflow reads: an Aurora cluster."""

    model_config = ConfigDict(extra="ignore")

    DBClusterIdentifier: str
    DBClusterArn: str = ""
    Status: str = "available"
    Engine: str = ""
    EngineVersion: str | None = None
    EngineMode: str | None = None
    DBClusterMembers: list[ClusterMember] = Field(default_factory=list)
    PendingModifiedValues: dict[str, Any] = Field(default_factory=dict)
    Endpoint: str | None = None
    ReaderEndpoint: str | None = None
    # what says the refresh cannot work (a Global Database member, a replica cluster, a Multi-AZ DB cluster...)
    GlobalClusterIdentifier: str | None = None
    ReplicationSourceIdentifier: str | None = None
    ReadReplicaIdentifiers: list[str] = Field(default_factory=list)
    DBClusterInstanceClass: str | None = None
    ClusterScalabilityType: str | None = None
    MasterUserSecret: ManagedSecret | None = None
    # settings a copy takes from its counterpart
    Port: int | None = None
    DBSubnetGroup: str | None = None  # DescribeDBClusters gives the group's name only
    VpcSecurityGroups: list[VpcSecurityGroup] = Field(default_factory=list)
    DBClusterParameterGroup: str | None = None
    StorageEncrypted: bool | None = None
    KmsKeyId: str | None = None
    BackupRetentionPeriod: int | None = None
    PreferredBackupWindow: str | None = None
    PreferredMaintenanceWindow: str | None = None
    DeletionProtection: bool | None = None
    CopyTagsToSnapshot: bool | None = None
    EnabledCloudwatchLogsExports: list[str] = Field(default_factory=list)
    IAMDatabaseAuthenticationEnabled: bool | None = None
    ServerlessV2ScalingConfiguration: ScalingV2 | None = None
    StorageType: str | None = None
    BacktrackWindow: int | None = None
    HttpEndpointEnabled: bool | None = None

    IDENTIFIER: ClassVar[str] = "DBClusterIdentifier"

    @property
    def identifier(self) -> str:
        return self.DBClusterIdentifier

    @property
    def status(self) -> str:
        return self.Status

    @property
    def writer(self) -> str | None:
        return next((m.DBInstanceIdentifier for m in self.DBClusterMembers if m.IsClusterWriter), None)


class DBSnapshot(BaseModel):
    """The part of a DescribeDBSnapshots entry a snapshot restore reads."""

    model_config = ConfigDict(extra="ignore")

    DBSnapshotIdentifier: str
    DBSnapshotArn: str = ""
    DBInstanceIdentifier: str = ""
    SnapshotType: str = "manual"
    Status: str = "available"
    Engine: str = ""
    EngineVersion: str | None = None
    AllocatedStorage: int | None = None
    Encrypted: bool = False
    KmsKeyId: str | None = None
    SnapshotCreateTime: str | None = None
    # Describe's finding for a snapshot shared from another account: whether this account may use its key
    KeyUsable: bool | None = None

    @property
    def shared(self) -> bool:
        return self.SnapshotType == "shared"

    @model_validator(mode="before")
    @classmethod
    def _time_as_text(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("SnapshotCreateTime") is not None:
            data = {**data, "SnapshotCreateTime": str(data["SnapshotCreateTime"])}
        return data


class AccountQuota(BaseModel):
    """One of DescribeAccountAttributes' AccountQuotas: how much of a resource the account uses, and may."""

    AccountQuotaName: str
    Used: int
    Max: int


def newest_available(snapshots: Iterable[DBSnapshot]) -> DBSnapshot | None:
    """The newest available snapshot among these (the one a restore from "the latest snapshot" reads)."""
    available = [s for s in snapshots if s.Status == "available"]
    return max(available, key=lambda s: (s.SnapshotCreateTime or "", s.DBSnapshotIdentifier), default=None)

class ReplicationGraph(BaseModel):
    """The instances (and Aurora clusters) a refresh reads, and the account's quotas."""

    region: str
    instances: list[DBInstance]
    clusters: list[DBCluster] = Field(default_factory=list)
    quotas: list[AccountQuota] = Field(default_factory=list)
    snapshots: list[DBSnapshot] = Field(default_factory=list)  # read only when a refresh restores one

    def get(self, identifier: str) -> DBInstance | None:
        return next((i for i in self.instances if i.DBInstanceIdentifier == identifier), None)

    def cluster(self, identifier: str) -> DBCluster | None:
        return next((c for c in self.clusters if c.DBClusterIdentifier == identifier), None)

    def members(self, cluster: str) -> list[str]:
        """The instances of a cluster: its writer first, then its readers in DBClusterMembers' order (the instances
        that name the cluster but that it does not list, as Describe may show one being created, last)."""
        described = self.cluster(cluster)
        listed = [m.DBInstanceIdentifier for m in described.DBClusterMembers] if described else []
        writer = described.writer if described else None
        naming = [i.DBInstanceIdentifier for i in self.instances if i.DBClusterIdentifier == cluster]
        ordered = ([writer] if writer in naming else []) + [n for n in listed if n != writer and n in naming]
        return ordered + [n for n in naming if n not in ordered]

    def quota(self, name: str) -> AccountQuota | None:
        return next((q for q in self.quotas if q.AccountQuotaName == name), None)

    def children(self, identifier: str) -> list[str]:
        """Replicas of `identifier`. A replica's own source link wins over its parent's replica list, which can
        lag behind; siblings keep the parent's list order, then the order Describe gave."""
        parent = self.get(identifier)
        linked = [i.DBInstanceIdentifier for i in self.instances
                  if i.ReadReplicaSourceDBInstanceIdentifier == identifier]
        listed = [r for r in (parent.ReadReplicaDBInstanceIdentifiers if parent else []) if r in linked]
        return listed + [r for r in linked if r not in listed]

    def tree(self, root: str) -> list[str]:
        """`root` and every replica below it, breadth first."""
        order, queue = [], [root]
        while queue:
            node = queue.pop(0)
            if node in order:  # a cycle in stale links must not loop forever
                continue
            order.append(node)
            queue.extend(self.children(node))
        return order

    def ancestors(self, identifier: str) -> list[str]:
        chain: list[str] = []
        node = self.get(identifier)
        while node and node.ReadReplicaSourceDBInstanceIdentifier and node.DBInstanceIdentifier not in chain:
            chain.append(node.ReadReplicaSourceDBInstanceIdentifier)
            node = self.get(node.ReadReplicaSourceDBInstanceIdentifier)
        return chain

    def depth(self, root: str) -> int:
        """How many levels of replicas hang below `root` (0: none)."""
        levels, frontier = 0, self.children(root)
        while frontier:
            levels += 1
            frontier = [child for name in frontier for child in self.children(name)]
        return levels

    def relevant_to(self, source: str, target: str) -> ReplicationGraph:
        """The part of the graph a refresh of `target` from `source` reads: the source's tree and what it
        replicates from, the target's tree (also as earlier runs left it: temp- and old- names, and whatever
        carries this target's tag); for clusters, the source and target clusters, their temp- and old- names and
        ours, with their instances."""
        clusters = [c for c in self.clusters if c.DBClusterIdentifier in (
            source, target, temp_name(target), old_name(target)) or c.tag(TAG_TARGET) == target]
        kept_clusters = {c.DBClusterIdentifier for c in clusters}
        keep = set(self.tree(source) + self.ancestors(source) + self.ancestors(target))
        for name in self.tree(target) + self.members(target):
            keep.update({name, temp_name(name), old_name(name)})
        ours = [i.DBInstanceIdentifier for i in self.instances if i.tag(TAG_TARGET) == target]
        for name in ours:
            keep.update(self.tree(name) + self.ancestors(name))
        keep.update(i.DBInstanceIdentifier for i in self.instances if i.DBClusterIdentifier in kept_clusters)
        return self.model_copy(update={"instances": [i for i in self.instances if i.DBInstanceIdentifier in keep],
                                       "clusters": clusters,
                                       "snapshots": [s for s in self.snapshots if s.DBInstanceIdentifier == source]})


class Run(BaseModel):
    """The execution a state runs in, from the Step Functions context object."""

    name: str
    started: str = ""
    state_machine: str = ""


class Refresh(BaseModel):
    """What Describe hands on: the validated request (with its job's declarations), the graph, the run."""

    request: RefreshRequest
    graph: ReplicationGraph
    run: Run
