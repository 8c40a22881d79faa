"""The account's RDS quotas: DescribeAccountAttributes (moto 5.2.5 lacks it) and the refusals at the maxima.

botocore rds service model, DescribeAccountAttributes: "Lists all of the attributes for a customer account. The
attributes include Amazon RDS quotas for the account, such as the number of DB instances allowed." AccountQuota:
"DBInstances - The number of DB instances per account. The used value is the count of the DB instances in the
account." / "AllocatedStorage - The total allocated storage per account, in GiB. The used value is the total
allocated storage in the account, in GiB." / "ReadReplicasPerMaster - The number of read replicas per DB
instance. The used value is the highest number of read replicas for a DB instance in the account." / "DBClusters -
The number of DB clusters per account. The used value is the count of DB clusters in the account." Aurora DB
instances count as DB instances: "Amazon RDS DB instances, Amazon Aurora DB instances, Amazon Neptune instances, and
Amazon DocumentDB instances apply to this quota."

Default maxima: DBInstances 40 (User Guide "Quotas and constraints for Amazon RDS": "By default, you can have up
to a total of 40 DB instances"), AllocatedStorage 100000 GiB, ReadReplicasPerMaster 15 (same table), DBClusters 40
(the same table, "DB clusters"). A world's
`rds.quotas` sets other maxima; they are kept on moto's RDS backend, the simulated account's state.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from moto.rds.models import RDSBackend

from simulator.faults import AwsError

DEFAULT_QUOTAS = {"DBInstances": 40, "AllocatedStorage": 100000, "ReadReplicasPerMaster": 15, "DBClusters": 40}
_ATTRIBUTE = "simulated_quotas"


def set_quotas(backend: RDSBackend, maxima: Mapping[str, int]) -> None:
    setattr(backend, _ATTRIBUTE, {**DEFAULT_QUOTAS, **maxima})


def quotas(backend: RDSBackend) -> dict[str, int]:
    return dict(getattr(backend, _ATTRIBUTE, DEFAULT_QUOTAS))


def usage(backend: RDSBackend) -> dict[str, int]:
    instances = list(backend.databases.values())
    return {
        "DBInstances": len(instances),
        "AllocatedStorage": sum(int(db.allocated_storage or 0) for db in instances),
        "ReadReplicasPerMaster": max((len(db.replicas) for db in instances), default=0),
        "DBClusters": len(backend.clusters),
    }


def describe(backend: RDSBackend) -> dict[str, Any]:
    maxima, used = quotas(backend), usage(backend)
    return {
        "AccountQuotas": [
            {"AccountQuotaName": name, "Used": used[name], "Max": maxima[name]} for name in DEFAULT_QUOTAS
        ],
        "ResponseMetadata": {"HTTPStatusCode": 200, "HTTPHeaders": {}, "RetryAttempts": 0},
    }


def check_quotas(backend: RDSBackend, instances: int, gib: int) -> None:
    """InstanceQuotaExceededFault / StorageQuotaExceededFault (botocore rds service model, errors of
    CreateDBInstance, CreateDBInstanceReadReplica, RestoreDBInstanceFromDBSnapshot)."""
    maxima, used = quotas(backend), usage(backend)
    if used["DBInstances"] + instances > maxima["DBInstances"]:
        raise AwsError(
            "InstanceQuotaExceeded",
            "The request would result in the user exceeding the allowed number of DB instances.",
        )
    if used["AllocatedStorage"] + gib > maxima["AllocatedStorage"]:
        raise AwsError(
            "StorageQuotaExceeded",
            "The request would result in the user exceeding the allowed amount of storage available across all DB "
            "instances.",
        )


def check_cluster_quota(backend: RDSBackend) -> None:
    """DBClusterQuotaExceededFault (botocore rds service model, errors of CreateDBCluster and
    RestoreDBClusterToPointInTime)."""
    if usage(backend)["DBClusters"] + 1 > quotas(backend)["DBClusters"]:
        raise AwsError("DBClusterQuotaExceededFault",
                       "The request would result in the user exceeding the allowed number of DB clusters.")
