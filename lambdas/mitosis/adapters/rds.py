"""RDS adapter: the only place that talks to RDS."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from mitosis.adapters.aws import aws_errors, error_code, lazy_client, translate
from mitosis.models import (
    AccountQuota,
    DBCluster,
    DBInstance,
    DBSnapshot,
    InstanceRef,
    Params,
    ReplicationGraph,
    Tag,
    is_cluster_request,
)

NOT_FOUND = "DBInstanceNotFound"
CLUSTER_NOT_FOUND = "DBClusterNotFoundFault"
IN_PROGRESS = datetime.max.replace(tzinfo=UTC)  # the creation time a snapshot being created sorts by


class Rds:
    def __init__(self, client: Any = None) -> None:
        self._client = (lambda: client) if client is not None else lazy_client("rds")

    @property
    def client(self) -> Any:
        return self._client()

    def replication_graph(self) -> ReplicationGraph:
        """Every instance and Aurora cluster of the region with its tags (paginated: accounts can have hundreds),
        and the account's quotas."""
        with aws_errors():
            described = [i for page in self.client.get_paginator("describe_db_instances").paginate()
                         for i in page["DBInstances"]]
            clusters = [c for page in self.client.get_paginator("describe_db_clusters").paginate()
                        for c in page["DBClusters"]]
            quotas = self.client.describe_account_attributes().get("AccountQuotas", [])
        instances = []
        for raw in described:
            instance = DBInstance.model_validate(raw)
            if raw.get("TagList") is None:  # DescribeDBInstances includes tags; ask only if it did not
                with aws_errors():
                    tags = self.client.list_tags_for_resource(ResourceName=raw["DBInstanceArn"])["TagList"]
                instance.TagList = [Tag.model_validate(t) for t in tags]
            instances.append(instance)
        for raw in clusters:
            if raw.get("TagList") is None:  # DescribeDBClusters includes tags too
                with aws_errors():
                    raw["TagList"] = self.client.list_tags_for_resource(ResourceName=raw["DBClusterArn"])["TagList"]
        return ReplicationGraph(region=self.client.meta.region_name, instances=instances,
                                clusters=[DBCluster.model_validate(c) for c in clusters],
                                quotas=[AccountQuota.model_validate(q) for q in quotas])

    def describe(self, identifier: str) -> DBInstance | None:
        """The instance as DescribeDBInstances shows it, or None when no instance has that name."""
        try:
            found = self.client.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"]
        except ClientError as error:
            if error_code(error) == NOT_FOUND:
                return None
            raise translate(error) from error
        return DBInstance.model_validate(found[0]) if found else None

    def describe_cluster(self, identifier: str) -> DBCluster | None:
        """The Aurora cluster as DescribeDBClusters shows it (tags included), or None when there is none."""
        try:
            found = self.client.describe_db_clusters(DBClusterIdentifier=identifier)["DBClusters"]
        except ClientError as error:
            if error_code(error) == CLUSTER_NOT_FOUND:
                return None
            raise translate(error) from error
        return DBCluster.model_validate(found[0]) if found else None

    def cluster_instances(self, cluster: str) -> list[DBInstance]:
        """The instances of an Aurora cluster (the db-cluster-id filter of DescribeDBInstances)."""
        with aws_errors():
            pages = self.client.get_paginator("describe_db_instances").paginate(
                Filters=[{"Name": "db-cluster-id", "Values": [cluster]}])
            return [DBInstance.model_validate(i) for page in pages for i in page["DBInstances"]]

    def find(self, ref: InstanceRef) -> DBInstance | DBCluster | None:
        """The instance or cluster a reference names, as it is now."""
        return self.describe_cluster(ref.identifier) if ref.cluster else self.describe(ref.identifier)

    def snapshots_of(self, instance: str) -> list[DBSnapshot]:
        """Every snapshot of `instance` in this account, automated and manual (both by default), every page."""
        with aws_errors():
            pages = self.client.get_paginator("describe_db_snapshots").paginate(DBInstanceIdentifier=instance)
            return [DBSnapshot.model_validate(s) for page in pages for s in page["DBSnapshots"]]

    def snapshot(self, name: str) -> DBSnapshot | None:
        """A snapshot by identifier, or by ARN when shared from another account (listed only with
        SnapshotType "shared"); None when there is none."""
        if name.startswith("arn:"):
            with aws_errors():
                pages = self.client.get_paginator("describe_db_snapshots").paginate(SnapshotType="shared")
                found = [s for page in pages for s in page["DBSnapshots"] if s["DBSnapshotArn"] == name]
            return DBSnapshot.model_validate({**found[0], "SnapshotType": "shared"}) if found else None
        # "If this identifier is for an automated snapshot, the SnapshotType parameter must also be specified."
        kind = {"SnapshotType": "automated"} if name.startswith("rds:") else {}
        try:
            found = self.client.describe_db_snapshots(DBSnapshotIdentifier=name, **kind)["DBSnapshots"]
        except ClientError as error:
            if error_code(error) == "DBSnapshotNotFound":
                return None
            raise translate(error) from error
        return DBSnapshot.model_validate(found[0]) if found else None

    def create_read_replica(self, params: dict[str, Any]) -> None:
        with aws_errors():
            self.client.create_db_instance_read_replica(**params)

    def restore_to_point_in_time(self, params: dict[str, Any]) -> None:
        with aws_errors():
            self.client.restore_db_instance_to_point_in_time(**params)

    def restore_from_snapshot(self, params: dict[str, Any]) -> None:
        with aws_errors():
            self.client.restore_db_instance_from_db_snapshot(**params)

    def copy_snapshot(self, params: dict[str, Any]) -> None:
        with aws_errors():
            self.client.copy_db_snapshot(**params)

    def promote(self, params: dict[str, Any]) -> None:
        with aws_errors():
            self.client.promote_read_replica(**params)

    def modify(self, params: Params) -> None:
        """ModifyDBInstance, or ModifyDBCluster for a request that names a cluster."""
        with aws_errors():
            if is_cluster_request(params):
                self.client.modify_db_cluster(**params)
            else:
                self.client.modify_db_instance(**params)

    def restore_cluster(self, params: Params) -> None:
        with aws_errors():
            self.client.restore_db_cluster_to_point_in_time(**params)

    def create_instance(self, params: Params) -> None:
        with aws_errors():
            self.client.create_db_instance(**params)

    def reboot(self, params: dict[str, Any]) -> None:
        with aws_errors():
            self.client.reboot_db_instance(**params)

    def delete(self, params: Params) -> None:
        """DeleteDBInstance, or DeleteDBCluster for a request that names a cluster."""
        with aws_errors():
            if is_cluster_request(params):
                self.client.delete_db_cluster(**params)
            else:
                self.client.delete_db_instance(**params)

    def add_tags(self, arn: str, tags: list[dict[str, str]]) -> None:
        with aws_errors():
            self.client.add_tags_to_resource(ResourceName=arn, Tags=tags)

    def snapshots_named(self, prefix: str) -> list[dict[str, Any]]:
        """Manual snapshots whose identifier starts with `prefix`, newest first. One still being created has no
        SnapshotCreateTime yet: it is the newest."""
        with aws_errors():
            pages = self.client.get_paginator("describe_db_snapshots").paginate(SnapshotType="manual")
            found = [s for page in pages for s in page["DBSnapshots"] if s["DBSnapshotIdentifier"].startswith(prefix)]
        return sorted(found, key=lambda s: (s.get("SnapshotCreateTime") or IN_PROGRESS, s["DBSnapshotIdentifier"]),
                      reverse=True)

    def delete_snapshot(self, identifier: str) -> None:
        with aws_errors():
            self.client.delete_db_snapshot(DBSnapshotIdentifier=identifier)

    def cluster_snapshots_named(self, prefix: str) -> list[dict[str, Any]]:
        """Manual DB cluster snapshots whose identifier starts with `prefix`, newest first."""
        with aws_errors():
            pages = self.client.get_paginator("describe_db_cluster_snapshots").paginate(SnapshotType="manual")
            found = [s for page in pages for s in page["DBClusterSnapshots"]
                     if s["DBClusterSnapshotIdentifier"].startswith(prefix)]
        return sorted(found, key=lambda s: (s.get("SnapshotCreateTime") or IN_PROGRESS,
                                            s["DBClusterSnapshotIdentifier"]), reverse=True)

    def delete_cluster_snapshot(self, identifier: str) -> None:
        with aws_errors():
            self.client.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier=identifier)
