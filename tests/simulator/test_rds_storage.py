"""Storage in the simulated RDS: what gp3/io1/io2 settings are accepted, and the IOPS and throughput reported.

Source: User Guide "Amazon RDS DB instance storage" (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/
CHAP_Storage.html), gp3 table: Db2, MariaDB, MySQL, PostgreSQL 20-399 GiB "3,000 IOPS/125 MiB/s" baseline,
provisioned "N/A"; 400-65,536 GiB "12,000 IOPS/500 MiB/s", provisioned "12,000-64,000 IOPS", "500-4,000 MiB/s";
Oracle the same with 200 GiB as threshold; SQL Server 20-16,384 GiB "3,000 IOPS/125 MiB/s", provisioned
"3,000-16,000 IOPS", "125-1,000 MiB/s" ("RDS for SQL Server doesn't support volume striping, and therefore doesn't
have a threshold value"). The error codes of the refusals are undocumented: InvalidParameterCombination for a
setting the storage does not take, InvalidParameterValue for a value out of its range.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from simulator.latency import Latency

L = Latency()
ORACLE = "19.0.0.0.ru-2024-01.rur-2024-01.r1"


def described(rds: Any, identifier: str) -> dict[str, Any]:
    return rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]


def performance(instance: dict[str, Any]) -> tuple[Any, Any]:
    return instance.get("Iops"), instance.get("StorageThroughput")


def instance(identifier: str, engine: str, gib: int, **settings: Any) -> dict[str, Any]:
    return {
        "DBInstanceIdentifier": identifier,
        "Engine": engine,
        "DBInstanceClass": "db.m5.large",
        "AllocatedStorage": gib,
        "StorageType": "gp3",
        "MasterUsername": "admin",
        "MasterUserPassword": "secret-password",
        "BackupRetentionPeriod": 1,
        **settings,
    }


def refusal(call: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call()
    return str(excinfo.value.response["Error"]["Code"])


@pytest.fixture
def storage_world(world):
    world["rds"]["instances"] = [
        instance("mysql-small", "mysql", 399, EngineVersion="8.0.35"),
        instance("mysql-large", "mysql", 400, EngineVersion="8.0.35"),
        instance("mysql-provisioned", "mysql", 500, EngineVersion="8.0.35", Iops=15000, StorageThroughput=600),
        instance("oracle-small", "oracle-ee", 199, EngineVersion=ORACLE),
        instance("oracle-large", "oracle-ee", 200, EngineVersion=ORACLE),
        instance("sqlserver", "sqlserver-se", 20),
        instance("mysql-gp2", "mysql", 100, EngineVersion="8.0.35", StorageType="gp2"),
    ]
    return world


def test_gp3_reports_its_baseline_below_and_above_the_threshold(make_sim, aws, storage_world):
    make_sim(storage_world)
    rds = aws("rds")
    shown = {i["DBInstanceIdentifier"]: performance(i) for i in rds.describe_db_instances()["DBInstances"]}
    assert shown == {
        "mysql-small": (3000, 125),
        "mysql-large": (12000, 500),
        "mysql-provisioned": (15000, 600),
        "oracle-small": (3000, 125),
        "oracle-large": (12000, 500),
        "sqlserver": (3000, 125),
        "mysql-gp2": (None, None),
    }


def test_gp3_is_the_default_storage_type_of_a_new_instance(rds):
    """botocore rds service model, CreateDBInstance.StorageType: "Default: io1, if the Iops parameter is
    specified. Otherwise, gp3." (moto's default is gp2)"""
    demo = described(rds, "demo")
    assert (demo["StorageType"], performance(demo)) == ("gp3", (3000, 125))


@pytest.mark.parametrize("settings", [{"Iops": 12000}, {"StorageThroughput": 500}])
def test_below_the_threshold_nothing_can_be_provisioned(make_sim, aws, storage_world, settings):
    """gp3 table: provisioned IOPS and throughput "N/A" below 400 GiB (MySQL) / 200 GiB (Oracle); "you can
    provision additional IOPS and storage throughput when storage size is at or above the threshold value"."""
    make_sim(storage_world)
    rds = aws("rds")
    for source in ("mysql-small", "oracle-small"):
        assert refusal(lambda source=source: rds.create_db_instance_read_replica(
            DBInstanceIdentifier=f"{source}-r", SourceDBInstanceIdentifier=source, **settings
        )) == "InvalidParameterCombination"
    assert refusal(lambda: rds.modify_db_instance(
        DBInstanceIdentifier="mysql-small", ApplyImmediately=True, **settings)) == "InvalidParameterCombination"


@pytest.mark.parametrize(
    ("source", "settings", "outcome"),
    [
        ("mysql-large", {"Iops": 12000, "StorageThroughput": 500}, None),
        ("mysql-large", {"Iops": 64000}, None),
        ("mysql-large", {"Iops": 11999}, "InvalidParameterValue"),
        ("mysql-large", {"Iops": 64001}, "InvalidParameterValue"),
        ("mysql-large", {"StorageThroughput": 4001}, "InvalidParameterValue"),
        ("oracle-large", {"Iops": 12000}, None),
        ("sqlserver", {"Iops": 3000, "StorageThroughput": 125}, None),
        ("sqlserver", {"Iops": 16001}, "InvalidParameterValue"),
    ],
)
def test_at_or_above_the_threshold_provisioning_is_within_the_documented_ranges(
    make_sim, aws, storage_world, source, settings, outcome
):
    """gp3 table: "12,000-64,000 IOPS", "500-4,000 MiB/s" (SQL Server at any size: "3,000-16,000 IOPS",
    "125-1,000 MiB/s")."""
    make_sim(storage_world)
    rds = aws("rds")

    def create() -> Any:
        return rds.create_db_instance_read_replica(
            DBInstanceIdentifier="r", SourceDBInstanceIdentifier=source, **settings
        )

    if outcome is None:
        assert create()["DBInstance"]["DBInstanceStatus"] == "creating"
    else:
        assert refusal(create) == outcome


def test_gp3_ratios_are_enforced(make_sim, aws, storage_world):
    """Same page: "The maximum ratio of storage throughput to IOPS is 0.25 for all supported DB engines." / "The
    maximum ratio of IOPS to allocated storage is 500" / "The minimum ratio of IOPS to allocated storage (in
    GiB) is 0.5 on RDS for SQL Server." """
    make_sim(storage_world)
    rds = aws("rds")
    assert refusal(lambda: rds.create_db_instance_read_replica(
        DBInstanceIdentifier="r", SourceDBInstanceIdentifier="mysql-large", Iops=12000, StorageThroughput=3001
    )) == "InvalidParameterCombination"


@pytest.mark.parametrize(
    "settings",
    [{"StorageType": "io1"}, {"StorageType": "gp2", "Iops": 1000}, {"StorageType": "gp2", "StorageThroughput": 125}],
)
def test_io1_needs_iops_and_gp2_takes_neither_iops_nor_throughput(rds, settings):
    """botocore rds service model, CreateDBInstanceReadReplica.StorageType: "If you specify io1, io2, or gp3, you
    must also include a value for the Iops parameter." (for gp3 below the threshold the User Guide forbids Iops:
    the simulator requires Iops for io1/io2 only); CreateDBInstance.StorageThroughput: "This setting applies only
    to the gp3 storage type." """
    assert refusal(lambda: rds.create_db_instance_read_replica(
        DBInstanceIdentifier="r", SourceDBInstanceIdentifier="prod", **settings)) == "InvalidParameterCombination"


def test_storage_cannot_shrink_but_can_grow_past_the_threshold_with_provisioning(make_sim, aws, storage_world, clock):
    """User Guide "Settings for DB instances", Allocated storage: "You can only increase the allocated storage.
    You can't reduce the allocated storage." The reported baseline follows the new size."""
    make_sim(storage_world)
    rds = aws("rds")
    assert refusal(lambda: rds.modify_db_instance(
        DBInstanceIdentifier="mysql-gp2", AllocatedStorage=50, ApplyImmediately=True)) == "InvalidParameterValue"
    rds.modify_db_instance(DBInstanceIdentifier="mysql-small", AllocatedStorage=440, Iops=13000, ApplyImmediately=True)
    assert described(rds, "mysql-small")["PendingModifiedValues"] == {"AllocatedStorage": 440, "Iops": 13000}
    clock.t = L.modify_lag + L.modify
    grown = described(rds, "mysql-small")
    assert (grown["AllocatedStorage"], performance(grown)) == (440, (13000, 500))


def test_an_instance_created_without_allocated_storage_gets_20_gib(rds):
    """Undocumented default (CreateDBInstance.AllocatedStorage gives only ranges, from 20 GiB for gp3): the
    simulator gives 20 GiB, moto's default."""
    created = rds.create_db_instance(DBInstanceIdentifier="bare", Engine="mysql", DBInstanceClass="db.t3.micro",
                                     MasterUsername="admin", MasterUserPassword="secret-password")["DBInstance"]
    assert (created["AllocatedStorage"], created["StorageType"], performance(created)) == (20, "gp3", (3000, 125))
