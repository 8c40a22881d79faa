"""The simulated account: DescribeAccountAttributes, the quotas it reports and the refusals at their maxima, and
the daily automated backups on the virtual calendar."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from simulator.latency import Latency

L = Latency()
HOUR = 3600.0
DAY = 86400.0


def described(rds: Any, identifier: str) -> dict[str, Any]:
    return rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]


def status(rds: Any, identifier: str) -> str:
    return described(rds, identifier)["DBInstanceStatus"]


def quotas(rds: Any) -> dict[str, tuple[int, int]]:
    return {q["AccountQuotaName"]: (q["Used"], q["Max"]) for q in rds.describe_account_attributes()["AccountQuotas"]}


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return excinfo.value.response["Error"]["Code"]


# Quotas


def test_account_attributes_report_usage_and_the_default_maxima(rds):
    """botocore rds service model, DescribeAccountAttributes (moto 5.2.5 lacks it) and AccountQuota:
    "DBInstances - ... The used value is the count of the DB instances in the account." / "AllocatedStorage -
    The total allocated storage per account, in GiB." / "ReadReplicasPerMaster - ... The used value is the
    highest number of read replicas for a DB instance in the account." / "DBClusters - The number of DB clusters
    per account. The used value is the count of DB clusters in the account." Default maxima: User Guide "Quotas
    and constraints for Amazon RDS" (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html): DB
    instances 40, read replicas per primary 15, DB clusters 40; total storage 100,000 GiB."""
    assert quotas(rds) == {"DBInstances": (5, 40), "AllocatedStorage": (100, 100000), "ReadReplicasPerMaster": (1, 15),
                           "DBClusters": (0, 40)}
    rds.create_db_instance_read_replica(DBInstanceIdentifier="r", SourceDBInstanceIdentifier="prod")
    assert quotas(rds) == {"DBInstances": (6, 40), "AllocatedStorage": (120, 100000), "ReadReplicasPerMaster": (2, 15),
                           "DBClusters": (0, 40)}


def test_the_world_sets_the_maxima(make_sim, aws, world):
    world["rds"]["quotas"] = {"DBInstances": 6, "AllocatedStorage": 130}
    make_sim(world)
    assert quotas(aws("rds")) == {"DBInstances": (5, 6), "AllocatedStorage": (100, 130),
                                  "ReadReplicasPerMaster": (1, 15), "DBClusters": (0, 40)}


def test_creating_beyond_the_instance_quota_is_refused(make_sim, aws, world, clock):
    """InstanceQuotaExceededFault (botocore rds service model, error of CreateDBInstance,
    CreateDBInstanceReadReplica, RestoreDBInstanceFromDBSnapshot): "The request would result in the user
    exceeding the allowed number of DB instances." An instance being deleted counts until it is gone
    (undocumented; Used is "the count of the DB instances in the account")."""
    world["rds"]["quotas"] = {"DBInstances": 6}
    make_sim(world)
    rds = aws("rds")
    rds.create_db_instance_read_replica(DBInstanceIdentifier="r1", SourceDBInstanceIdentifier="prod")
    with pytest.raises(ClientError) as excinfo:
        rds.create_db_instance_read_replica(DBInstanceIdentifier="r2", SourceDBInstanceIdentifier="prod")
    assert error_code(excinfo) == "InstanceQuotaExceeded"
    rds.create_db_snapshot(DBInstanceIdentifier="prod", DBSnapshotIdentifier="snap")
    with pytest.raises(ClientError) as excinfo:
        rds.restore_db_instance_from_db_snapshot(DBInstanceIdentifier="restored", DBSnapshotIdentifier="snap")
    assert error_code(excinfo) == "InstanceQuotaExceeded"
    rds.delete_db_instance(DBInstanceIdentifier="demo-replica", SkipFinalSnapshot=True)
    with pytest.raises(ClientError):
        rds.create_db_instance_read_replica(DBInstanceIdentifier="r2", SourceDBInstanceIdentifier="prod")
    clock.t = L.delete
    rds.create_db_instance_read_replica(DBInstanceIdentifier="r2", SourceDBInstanceIdentifier="prod")


def test_creating_beyond_the_storage_quota_is_refused(make_sim, aws, world):
    """StorageQuotaExceededFault (same operations): "The request would result in the user exceeding the allowed
    amount of storage available across all DB instances." """
    world["rds"]["quotas"] = {"AllocatedStorage": 110}
    make_sim(world)
    with pytest.raises(ClientError) as excinfo:
        aws("rds").create_db_instance_read_replica(DBInstanceIdentifier="r", SourceDBInstanceIdentifier="prod")
    assert error_code(excinfo) == "StorageQuotaExceeded"


# Automated backups on the virtual calendar


@pytest.fixture
def windowed(world):
    """demo backs up daily at 01:00-01:30 UTC; nobackups has the window but no retention."""
    world["rds"]["instances"][2]["PreferredBackupWindow"] = "01:00-01:30"
    world["rds"]["instances"][4]["PreferredBackupWindow"] = "01:00-01:30"
    return world


def test_an_instance_is_backing_up_during_its_backup_window_every_day(make_sim, aws, windowed, clock):
    """User Guide "Introduction to backups" (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/
    USER_WorkingWithAutomatedBackups.html): "Automated backups occur daily during the preferred backup window."
    That the STATUS is `backing-up` meanwhile is undocumented (the status table only says "The DB instance is
    currently being backed up."): the simulator shows it for the whole window. The calendar starts at
    2026-01-01T00:00Z."""
    make_sim(windowed)
    rds = aws("rds")
    for t, expected in [(HOUR - 1, "available"), (HOUR, "backing-up"), (1.5 * HOUR - 1, "backing-up"),
                        (1.5 * HOUR, "available"), (DAY + HOUR + 60, "backing-up"), (2 * DAY, "available")]:
        clock.t = t
        assert status(rds, "demo") == expected, t
        assert status(rds, "nobackups") == "available"  # BackupRetentionPeriod 0: no automated backups


def test_a_window_across_midnight(make_sim, aws, world, clock):
    world["rds"]["instances"][2]["PreferredBackupWindow"] = "23:45-00:15"
    world["rds"]["instances"][2]["PreferredMaintenanceWindow"] = "sun:05:00-sun:06:00"
    make_sim(world)
    rds = aws("rds")
    assert status(rds, "demo") == "backing-up"  # 00:00 on the first day is inside the window of the day before
    clock.t = 15 * 60
    assert status(rds, "demo") == "available"
    clock.t = DAY - 10 * 60
    assert status(rds, "demo") == "backing-up"


def test_the_world_start_moves_the_calendar(make_sim, aws, windowed, clock):
    """The calendar starts at the world's `start` (simulator.latency.world_start); timestamps follow it."""
    windowed["start"] = "2026-03-02T00:50:00Z"
    make_sim(windowed)
    rds = aws("rds")
    assert described(rds, "demo")["InstanceCreateTime"].isoformat() == "2026-03-02T00:50:00+00:00"
    clock.t = 600
    assert status(rds, "demo") == "backing-up"


def test_another_operation_is_shown_instead_of_the_backup(make_sim, aws, windowed, clock):
    """Undocumented: while an operation runs during the window, the instance shows that operation's status."""
    make_sim(windowed)
    rds = aws("rds")
    clock.t = HOUR - L.modify_lag - 10
    rds.modify_db_instance(DBInstanceIdentifier="demo", DBInstanceClass="db.t3.large", ApplyImmediately=True)
    clock.t = HOUR + 10
    assert status(rds, "demo") == "modifying"
    clock.t = HOUR - 10 + L.modify
    assert status(rds, "demo") == "backing-up"  # the rest of the window


def test_what_a_backup_blocks(make_sim, aws, windowed, clock):
    """Documented: RebootDBInstance ("You can't reboot your DB instance if it isn't in the available state. Your
    database can be unavailable for several reasons, such as an in-progress backup", User Guide "Rebooting a DB
    instance"), PromoteReadReplica ("a read replica cannot be promoted to a standalone instance when it is in the
    backing-up status"), CreateDBSnapshot ("available or storage-optimization"), a final snapshot ("You can't
    create a final DB snapshot of your DB instance if it isn't in the Available state"). Assumed: ModifyDBInstance
    and CreateDBInstanceReadReplica from it (which statuses allow them is undocumented)."""
    make_sim(windowed)
    rds = aws("rds")
    clock.t = HOUR
    calls = [
        lambda: rds.reboot_db_instance(DBInstanceIdentifier="demo"),
        lambda: rds.create_db_snapshot(DBInstanceIdentifier="demo", DBSnapshotIdentifier="s"),
        lambda: rds.modify_db_instance(DBInstanceIdentifier="demo", DBInstanceClass="db.t3.large",
                                       ApplyImmediately=True),
        lambda: rds.create_db_instance_read_replica(DBInstanceIdentifier="r", SourceDBInstanceIdentifier="demo"),
        lambda: rds.delete_db_instance(DBInstanceIdentifier="demo", FinalDBSnapshotIdentifier="final"),
    ]
    for call in calls:
        with pytest.raises(rds.exceptions.InvalidDBInstanceStateFault):
            call()


def test_backups_show_in_the_status_history_and_count_as_downtime(make_sim, aws, windowed, clock):
    """The report's downtime is the time no `available` instance held a name (docs/simulation.md): a backup counts."""
    sim = make_sim(windowed)
    until = 2 * HOUR
    history = [(h["t"], h["DBInstanceStatus"]) for h in sim.status_history(until)
               if h["DBInstanceIdentifier"] == "demo"]
    assert history == [(0.0, "available"), (HOUR, "backing-up"), (1.5 * HOUR, "available")]
    assert sim.downtime_s(["demo", "prod"], until) == {"demo": 0.5 * HOUR, "prod": 0.0}


def test_a_promoted_replica_backs_up_in_its_window_once_backups_are_on(rds, clock):
    """PromoteReadReplica.PreferredBackupWindow: "The daily time range during which automated backups are created
    if automated backups are enabled". A replica (backups off) never shows a daily backup."""
    rds.create_db_instance_read_replica(DBInstanceIdentifier="temp", SourceDBInstanceIdentifier="prod")
    clock.t = L.create_read_replica
    rds.promote_read_replica(DBInstanceIdentifier="temp", BackupRetentionPeriod=1, PreferredBackupWindow="02:00-02:30")
    clock.t = 2 * HOUR + 60
    assert status(rds, "temp") == "backing-up"
    assert status(rds, "prod-replica") == "available"
