"""Storage settings RDS accepts, and the IOPS / throughput it reports for them.

User Guide "Amazon RDS DB instance storage" (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/
CHAP_Storage.html), gp3 section: below the engine's threshold (simulator.rds.engines.gp3) a gp3 volume has a
baseline of 3,000 IOPS and 125 MiB/s and nothing can be provisioned; at or above it the baseline is 12,000 IOPS
and 500 MiB/s and IOPS / throughput can be provisioned within the documented ranges (SQL Server: no threshold).
StorageThroughput "applies only to the gp3 storage type" (botocore rds service model,
CreateDBInstance.StorageThroughput); io1 and io2 need Iops (CreateDBInstance.StorageType). The error codes of
these refusals are undocumented: InvalidParameterCombination for a setting the storage does not allow,
InvalidParameterValue for a value out of its range.
"""

from __future__ import annotations

from simulator.faults import AwsError
from simulator.rds import engines

PROVISIONED_TYPES = frozenset({"io1", "io2"})


def check(engine: str, storage_type: str, allocated: int, iops: int | None, throughput: int | None) -> None:
    """Refuse storage settings RDS refuses; `iops` and `throughput` are what would be provisioned."""
    if throughput is not None and storage_type != "gp3":
        raise AwsError(
            "InvalidParameterCombination",
            f"StorageThroughput applies only to the gp3 storage type, not {storage_type}.",
        )
    if storage_type in PROVISIONED_TYPES:
        if iops is None:
            raise AwsError(
                "InvalidParameterCombination", f"Iops must be specified for the {storage_type} storage type."
            )
        return
    if storage_type != "gp3":
        if iops is not None:
            raise AwsError(
                "InvalidParameterCombination", f"Iops can't be specified for the {storage_type} storage type."
            )
        return
    if iops is None and throughput is None:
        return
    rule = engines.gp3(engine)
    if rule.threshold_gib and allocated < rule.threshold_gib:
        raise AwsError(
            "InvalidParameterCombination",
            f"You can't specify IOPS or storage throughput for engine {engine} and a storage size less than "
            f"{rule.threshold_gib} GiB.",
        )
    baseline_iops, _ = engines.gp3_baseline(engine, allocated)
    effective_iops = baseline_iops if iops is None else iops
    if iops is not None and not rule.iops[0] <= iops <= rule.iops[1]:
        raise AwsError(
            "InvalidParameterValue", f"Iops for gp3 storage on {engine} must be from {rule.iops[0]} to {rule.iops[1]}."
        )
    if throughput is not None and not rule.throughput[0] <= throughput <= rule.throughput[1]:
        raise AwsError(
            "InvalidParameterValue",
            f"StorageThroughput for gp3 storage on {engine} must be from {rule.throughput[0]} to {rule.throughput[1]}.",
        )
    if throughput is not None and throughput > engines.MAX_THROUGHPUT_PER_IOPS * effective_iops:
        raise AwsError("InvalidParameterCombination", "The maximum ratio of storage throughput to IOPS is 0.25.")
    if effective_iops > engines.MAX_IOPS_PER_GIB * allocated:
        raise AwsError("InvalidParameterCombination", "The maximum ratio of IOPS to allocated storage is 500.")
    if effective_iops < rule.min_iops_per_gib * allocated:
        raise AwsError(
            "InvalidParameterCombination",
            f"The minimum ratio of IOPS to allocated storage is {rule.min_iops_per_gib} on {engine}.",
        )


def reported(
    engine: str, storage_type: str, allocated: int, iops: int | None, throughput: int | None
) -> tuple[int | None, int | None]:
    """(Iops, StorageThroughput) as DescribeDBInstances shows them: a gp3 volume's baseline where nothing is
    provisioned."""
    if storage_type != "gp3":
        return iops, None
    baseline_iops, baseline_throughput = engines.gp3_baseline(engine, allocated)
    return (baseline_iops if iops is None else iops), (baseline_throughput if throughput is None else throughput)
