"""The simulated RDS: lifecycles on the clock, AWS's refusals, consistent links, data_origin, reports, downtime.

Each test names a behaviour where moto 5.2.5 alone differs from RDS, so a moto upgrade that changes one shows.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from simulator.aws import SimulatedAWS

DEFAULT = {
    "create_read_replica": 1200,
    "promote": 300,
    "modify": 120,
    "enable_backups": 300,
    "rename": 120,
    "delete": 300,
    "restore_snapshot": 1500,
}


def described(rds: Any, identifier: str) -> dict[str, Any]:
    return rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]


def status(rds: Any, identifier: str) -> str:
    return described(rds, identifier)["DBInstanceStatus"]


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return excinfo.value.response["Error"]["Code"]


def make_temp(rds: Any, clock: Any, name: str = "temp-demo", source: str = "prod", **settings: Any) -> None:
    """A replica of `source`, available at the clock's time once created."""
    rds.create_db_instance_read_replica(DBInstanceIdentifier=name, SourceDBInstanceIdentifier=source, **settings)
    clock.t += DEFAULT["create_read_replica"]


# Lifecycles


def test_replica_is_creating_until_create_read_replica_latency_then_available(rds, clock):
    # Given a source with backups / When a replica is created
    response = rds.create_db_instance_read_replica(DBInstanceIdentifier="temp-demo", SourceDBInstanceIdentifier="prod")
    # Then it is creating for create_read_replica seconds, then available
    assert response["DBInstance"]["DBInstanceStatus"] == "creating"
    clock.t = 1199.0
    assert status(rds, "temp-demo") == "creating"
    clock.t = 1200.0
    assert status(rds, "temp-demo") == "available"


def test_promote_is_modifying_then_backing_up_when_it_turns_backups_on(rds, clock):
    make_temp(rds, clock)
    start = clock.t
    rds.promote_read_replica(DBInstanceIdentifier="temp-demo", BackupRetentionPeriod=3)
    assert status(rds, "temp-demo") == "modifying"
    clock.t = start + DEFAULT["promote"]
    assert status(rds, "temp-demo") == "backing-up"
    clock.t = start + DEFAULT["promote"] + DEFAULT["enable_backups"]
    assert status(rds, "temp-demo") == "available"
    assert described(rds, "temp-demo")["BackupRetentionPeriod"] == 3


def test_promote_without_retention_enables_backups_as_aws_default_of_one(rds, clock):
    make_temp(rds, clock)
    start = clock.t
    rds.promote_read_replica(DBInstanceIdentifier="temp-demo")
    clock.t = start + DEFAULT["promote"]
    assert status(rds, "temp-demo") == "backing-up"
    assert described(rds, "temp-demo")["BackupRetentionPeriod"] == 1


def test_promote_with_backups_off_is_only_modifying(rds, clock):
    make_temp(rds, clock)
    start = clock.t
    rds.promote_read_replica(DBInstanceIdentifier="temp-demo", BackupRetentionPeriod=0)
    clock.t = start + DEFAULT["promote"]
    assert status(rds, "temp-demo") == "available"


def test_rename_frees_old_identifier_at_once_and_shows_renaming_under_new_one(rds, clock):
    rds.modify_db_instance(DBInstanceIdentifier="demo", NewDBInstanceIdentifier="old-demo", ApplyImmediately=True)
    with pytest.raises(rds.exceptions.DBInstanceNotFoundFault):
        described(rds, "demo")
    assert status(rds, "old-demo") == "renaming"
    clock.t = DEFAULT["rename"]
    assert status(rds, "old-demo") == "available"


def test_renamed_away_identifier_stays_reserved_until_the_rename_completes(rds, clock):
    make_temp(rds, clock)
    start = clock.t
    rds.modify_db_instance(DBInstanceIdentifier="demo", NewDBInstanceIdentifier="old-demo", ApplyImmediately=True)
    with pytest.raises(ClientError) as excinfo:
        rds.modify_db_instance(DBInstanceIdentifier="temp-demo", NewDBInstanceIdentifier="demo", ApplyImmediately=True)
    assert error_code(excinfo) == "DBInstanceAlreadyExists"
    with pytest.raises(ClientError) as excinfo:
        rds.create_db_instance_read_replica(DBInstanceIdentifier="demo", SourceDBInstanceIdentifier="prod")
    assert error_code(excinfo) == "DBInstanceAlreadyExists"
    clock.t = start + DEFAULT["rename"]
    rds.modify_db_instance(DBInstanceIdentifier="temp-demo", NewDBInstanceIdentifier="demo", ApplyImmediately=True)
    assert status(rds, "demo") == "renaming"


def test_turning_backups_on_by_modify_is_backing_up(rds, clock):
    rds.modify_db_instance(DBInstanceIdentifier="nobackups", BackupRetentionPeriod=5, ApplyImmediately=True)
    assert status(rds, "nobackups") == "backing-up"
    clock.t = DEFAULT["enable_backups"]
    assert status(rds, "nobackups") == "available"


def test_in_place_modifications_take_no_time(rds):
    rds.modify_db_instance(
        DBInstanceIdentifier="demo",
        ApplyImmediately=True,
        PreferredMaintenanceWindow="mon:01:00-mon:02:00",
        PreferredBackupWindow="03:00-03:30",
        DeletionProtection=True,
        BackupRetentionPeriod=9,
        CopyTagsToSnapshot=True,
        AutoMinorVersionUpgrade=False,
    )
    demo = described(rds, "demo")
    assert demo["DBInstanceStatus"] == "available"
    assert (demo["PreferredMaintenanceWindow"], demo["BackupRetentionPeriod"], demo["DeletionProtection"]) == (
        "mon:01:00-mon:02:00",
        9,
        True,
    )


def test_rename_with_in_place_changes_takes_only_the_rename_time(rds, clock):
    rds.modify_db_instance(
        DBInstanceIdentifier="demo",
        NewDBInstanceIdentifier="old-demo",
        ApplyImmediately=True,
        PreferredMaintenanceWindow="mon:01:00-mon:02:00",
        DeletionProtection=False,
    )
    clock.t = DEFAULT["rename"]
    assert status(rds, "old-demo") == "available"


def test_slow_modification_is_modifying(rds, clock):
    rds.modify_db_instance(DBInstanceIdentifier="demo", DBInstanceClass="db.t3.large", ApplyImmediately=True)
    assert status(rds, "demo") == "modifying"
    clock.t = DEFAULT["modify"]
    demo = described(rds, "demo")
    assert (demo["DBInstanceStatus"], demo["DBInstanceClass"]) == ("available", "db.t3.large")


def test_password_reset_is_resetting_master_credentials(rds, clock):
    rds.modify_db_instance(DBInstanceIdentifier="demo", MasterUserPassword="new-secret-1", ApplyImmediately=True)
    assert status(rds, "demo") == "resetting-master-credentials"
    clock.t = DEFAULT["modify"]
    assert status(rds, "demo") == "available"


def test_port_change_reaches_the_endpoint(rds, clock):
    rds.modify_db_instance(DBInstanceIdentifier="demo", DBPortNumber=5431, ApplyImmediately=True)
    clock.t = DEFAULT["modify"]
    assert described(rds, "demo")["Endpoint"]["Port"] == 5431


def test_modify_without_apply_immediately_leaves_deferred_changes_pending(rds):
    rds.modify_db_instance(
        DBInstanceIdentifier="demo",
        NewDBInstanceIdentifier="old-demo",
        DBInstanceClass="db.t3.large",
        PreferredMaintenanceWindow="mon:01:00-mon:02:00",
    )
    demo = described(rds, "demo")
    assert demo["DBInstanceStatus"] == "available"
    assert demo["DBInstanceClass"] == "db.t3.small"
    assert demo["PreferredMaintenanceWindow"] == "mon:01:00-mon:02:00"
    assert demo["PendingModifiedValues"] == {"DBInstanceIdentifier": "old-demo", "DBInstanceClass": "db.t3.large"}
    # a modify that applies immediately takes the pending changes along
    rds.modify_db_instance(DBInstanceIdentifier="demo", CopyTagsToSnapshot=True, ApplyImmediately=True)
    old_demo = described(rds, "old-demo")
    assert (old_demo["DBInstanceStatus"], old_demo["DBInstanceClass"]) == ("renaming", "db.t3.large")
    assert not old_demo.get("PendingModifiedValues")


def test_delete_is_deleting_then_gone(rds, clock):
    response = rds.delete_db_instance(DBInstanceIdentifier="demo-replica", SkipFinalSnapshot=True)
    assert response["DBInstance"]["DBInstanceStatus"] == "deleting"
    clock.t = DEFAULT["delete"] - 1
    assert status(rds, "demo-replica") == "deleting"
    clock.t = DEFAULT["delete"]
    with pytest.raises(rds.exceptions.DBInstanceNotFoundFault):
        described(rds, "demo-replica")
    assert described(rds, "demo")["ReadReplicaDBInstanceIdentifiers"] == []


def test_delete_with_final_snapshot_leaves_an_available_snapshot_with_data_origin(sim, rds):
    rds.delete_db_instance(DBInstanceIdentifier="demo", FinalDBSnapshotIdentifier="demo-final")
    [snapshot] = rds.describe_db_snapshots(DBSnapshotIdentifier="demo-final")["DBSnapshots"]
    assert snapshot["Status"] == "available"
    [report] = sim.snapshots_report()
    assert (report["DBSnapshotIdentifier"], report["DBInstanceIdentifier"], report["data_origin"]) == (
        "demo-final",
        "demo",
        "demo",
    )


def test_no_automated_snapshots_named_after_the_wall_clock(rds):
    assert rds.describe_db_snapshots()["DBSnapshots"] == []


# Refusals


def test_operations_on_an_unavailable_instance_are_invalid_state(rds, clock):
    rds.modify_db_instance(DBInstanceIdentifier="prod-replica", DBInstanceClass="db.t3.large", ApplyImmediately=True)
    rds.modify_db_instance(DBInstanceIdentifier="nobackups", BackupRetentionPeriod=1, ApplyImmediately=True)
    refused = [
        lambda: rds.modify_db_instance(
            DBInstanceIdentifier="prod-replica", DeletionProtection=True, ApplyImmediately=True
        ),
        lambda: rds.promote_read_replica(DBInstanceIdentifier="prod-replica"),
        # a source still backing-up cannot have replicas yet
        lambda: rds.create_db_instance_read_replica(DBInstanceIdentifier="r", SourceDBInstanceIdentifier="nobackups"),
        lambda: rds.create_db_snapshot(DBInstanceIdentifier="nobackups", DBSnapshotIdentifier="s"),
    ]
    for call in refused:
        with pytest.raises(rds.exceptions.InvalidDBInstanceStateFault):
            call()


@pytest.mark.parametrize("busy", ["creating", "renaming", "deleting"])
def test_delete_is_refused_while_creating_renaming_or_deleting(rds, busy):
    if busy == "creating":
        rds.create_db_instance_read_replica(DBInstanceIdentifier="busy", SourceDBInstanceIdentifier="prod")
    elif busy == "renaming":
        rds.modify_db_instance(
            DBInstanceIdentifier="demo-replica", NewDBInstanceIdentifier="busy", ApplyImmediately=True
        )
    else:
        rds.delete_db_instance(DBInstanceIdentifier="prod-replica", SkipFinalSnapshot=True)
    target = "prod-replica" if busy == "deleting" else "busy"
    assert status(rds, target) == busy
    with pytest.raises(rds.exceptions.InvalidDBInstanceStateFault):
        rds.delete_db_instance(DBInstanceIdentifier=target, SkipFinalSnapshot=True)


def test_create_or_rename_onto_an_existing_identifier_is_already_exists(rds):
    with pytest.raises(rds.exceptions.DBInstanceAlreadyExistsFault):
        rds.modify_db_instance(
            DBInstanceIdentifier="demo-replica", NewDBInstanceIdentifier="demo", ApplyImmediately=True
        )
    with pytest.raises(rds.exceptions.DBInstanceAlreadyExistsFault):
        rds.create_db_instance_read_replica(DBInstanceIdentifier="demo", SourceDBInstanceIdentifier="prod")
    assert described(rds, "demo")["ReadReplicaDBInstanceIdentifiers"] == ["demo-replica"]


def test_calls_on_a_missing_instance_are_not_found(rds):
    arn = "arn:aws:rds:us-west-2:123456789012:db:missing"
    calls = [
        lambda: rds.describe_db_instances(DBInstanceIdentifier="missing"),
        lambda: rds.modify_db_instance(DBInstanceIdentifier="missing", ApplyImmediately=True),
        lambda: rds.delete_db_instance(DBInstanceIdentifier="missing", SkipFinalSnapshot=True),
        lambda: rds.promote_read_replica(DBInstanceIdentifier="missing"),
        lambda: rds.create_db_instance_read_replica(DBInstanceIdentifier="x", SourceDBInstanceIdentifier="missing"),
        lambda: rds.list_tags_for_resource(ResourceName=arn),
        lambda: rds.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": "k", "Value": "v"}]),
        lambda: rds.remove_tags_from_resource(ResourceName=arn, TagKeys=["k"]),
    ]
    for call in calls:
        with pytest.raises(rds.exceptions.DBInstanceNotFoundFault):
            call()


def test_promote_of_a_non_replica_is_invalid_state(rds):
    with pytest.raises(rds.exceptions.InvalidDBInstanceStateFault):
        rds.promote_read_replica(DBInstanceIdentifier="demo")


def test_replica_of_a_source_without_backups_is_refused(rds):
    with pytest.raises(rds.exceptions.InvalidDBInstanceStateFault, match="Automated backups are not enabled"):
        rds.create_db_instance_read_replica(DBInstanceIdentifier="r", SourceDBInstanceIdentifier="nobackups")


@pytest.mark.parametrize(
    "options", [{}, {"SkipFinalSnapshot": False}, {"SkipFinalSnapshot": True, "FinalDBSnapshotIdentifier": "final"}]
)
def test_delete_needs_exactly_one_of_skip_final_snapshot_and_a_final_snapshot(rds, options):
    with pytest.raises(ClientError) as excinfo:
        rds.delete_db_instance(DBInstanceIdentifier="demo", **options)
    assert error_code(excinfo) == "InvalidParameterCombination"
    assert status(rds, "demo") == "available"


def test_delete_of_a_protected_instance_is_refused(rds):
    rds.modify_db_instance(DBInstanceIdentifier="demo", DeletionProtection=True, ApplyImmediately=True)
    with pytest.raises(ClientError, match="Cannot delete protected DB Instance") as excinfo:
        rds.delete_db_instance(DBInstanceIdentifier="demo", SkipFinalSnapshot=True)
    assert error_code(excinfo) == "InvalidParameterCombination"


def test_final_snapshot_of_a_replica_is_refused(rds):
    with pytest.raises(ClientError) as excinfo:
        rds.delete_db_instance(DBInstanceIdentifier="demo-replica", FinalDBSnapshotIdentifier="final")
    assert error_code(excinfo) == "InvalidParameterCombination"


@pytest.mark.parametrize("identifier", ["1demo", "demo--x", "demo-", "de_mo", "a" * 64])
def test_malformed_identifiers_are_invalid_parameter_value(rds, identifier):
    with pytest.raises(ClientError) as excinfo:
        rds.create_db_instance_read_replica(DBInstanceIdentifier=identifier, SourceDBInstanceIdentifier="prod")
    assert error_code(excinfo) == "InvalidParameterValue"
    with pytest.raises(ClientError) as excinfo:
        rds.modify_db_instance(DBInstanceIdentifier="demo", NewDBInstanceIdentifier=identifier, ApplyImmediately=True)
    assert error_code(excinfo) == "InvalidParameterValue"


def test_missing_parameter_or_option_groups_are_refused(rds):
    with pytest.raises(rds.exceptions.DBParameterGroupNotFoundFault):
        rds.create_db_instance_read_replica(
            DBInstanceIdentifier="r", SourceDBInstanceIdentifier="prod", DBParameterGroupName="missing"
        )
    with pytest.raises(rds.exceptions.OptionGroupNotFoundFault):
        rds.modify_db_instance(DBInstanceIdentifier="demo", OptionGroupName="missing", ApplyImmediately=True)


def test_longest_valid_identifier_is_accepted(rds):
    rds.create_db_instance_read_replica(DBInstanceIdentifier="a" * 63, SourceDBInstanceIdentifier="prod")


# Consistent links and attributes


def test_rename_keeps_replica_links_on_both_sides(rds):
    rds.modify_db_instance(DBInstanceIdentifier="demo", NewDBInstanceIdentifier="old-demo", ApplyImmediately=True)
    assert described(rds, "demo-replica")["ReadReplicaSourceDBInstanceIdentifier"] == "old-demo"
    rds.modify_db_instance(
        DBInstanceIdentifier="demo-replica", NewDBInstanceIdentifier="old-demo-replica", ApplyImmediately=True
    )
    assert described(rds, "old-demo")["ReadReplicaDBInstanceIdentifiers"] == ["old-demo-replica"]


def test_promote_detaches_the_replica_from_its_source(rds, clock):
    make_temp(rds, clock)
    rds.promote_read_replica(DBInstanceIdentifier="temp-demo", BackupRetentionPeriod=3)
    assert "ReadReplicaSourceDBInstanceIdentifier" not in described(rds, "temp-demo")
    assert described(rds, "prod")["ReadReplicaDBInstanceIdentifiers"] == ["prod-replica"]


def test_deleting_a_renamed_replica_works_and_unlinks_it(rds, clock):
    rds.modify_db_instance(
        DBInstanceIdentifier="demo-replica", NewDBInstanceIdentifier="old-demo-replica", ApplyImmediately=True
    )
    clock.t = DEFAULT["rename"]
    rds.delete_db_instance(DBInstanceIdentifier="old-demo-replica", SkipFinalSnapshot=True)
    clock.t += DEFAULT["delete"]
    assert described(rds, "demo")["ReadReplicaDBInstanceIdentifiers"] == []


def test_deleting_a_source_makes_its_replicas_standalone(rds, clock):
    rds.delete_db_instance(DBInstanceIdentifier="demo", SkipFinalSnapshot=True)
    clock.t = DEFAULT["delete"]
    assert "ReadReplicaSourceDBInstanceIdentifier" not in described(rds, "demo-replica")


def test_replica_changes_never_touch_the_source(rds, clock):
    make_temp(
        rds,
        clock,
        Tags=[{"Key": "env", "Value": "demo"}],
        VpcSecurityGroupIds=["sg-demo"],
        EnableCloudwatchLogsExports=["error"],
    )
    arn = described(rds, "temp-demo")["DBInstanceArn"]
    rds.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": "extra", "Value": "1"}])
    rds.modify_db_instance(
        DBInstanceIdentifier="temp-demo",
        VpcSecurityGroupIds=["sg-other"],
        ApplyImmediately=True,
        CloudwatchLogsExportConfiguration={"EnableLogTypes": ["slowquery"]},
    )
    assert described(rds, "temp-demo")["EnabledCloudwatchLogsExports"] == ["error", "slowquery"]
    prod = described(rds, "prod")
    assert prod["TagList"] == [{"Key": "env", "Value": "prod"}]
    assert [g["VpcSecurityGroupId"] for g in prod["VpcSecurityGroups"]] == ["sg-prod"]
    assert prod["EnabledCloudwatchLogsExports"] == []


def test_replica_starts_without_backups_and_with_aws_own_defaults(rds, clock):
    rds.modify_db_instance(DBInstanceIdentifier="prod", DeletionProtection=True, MultiAZ=True, ApplyImmediately=True)
    clock.t = DEFAULT["modify"]
    make_temp(rds, clock)
    replica = described(rds, "temp-demo")
    assert replica["BackupRetentionPeriod"] == 0
    assert (replica["DeletionProtection"], replica["MultiAZ"], replica["TagList"]) == (False, False, [])
    assert [g["VpcSecurityGroupId"] for g in replica["VpcSecurityGroups"]] != ["sg-prod"]
    assert (replica["DBInstanceClass"], replica["Engine"]) == ("db.t3.medium", "mysql")  # inherited


def test_instances_get_unique_dbi_resource_ids(sim, rds, clock):
    make_temp(rds, clock)
    ids = [i["DbiResourceId"] for i in sim.instances_report()]
    assert len(ids) == len(set(ids)) == 6


def test_arn_follows_a_rename(rds):
    rds.modify_db_instance(DBInstanceIdentifier="demo", NewDBInstanceIdentifier="old-demo", ApplyImmediately=True)
    arn = described(rds, "old-demo")["DBInstanceArn"]
    assert arn.endswith(":db:old-demo")
    assert rds.list_tags_for_resource(ResourceName=arn)["TagList"] == [{"Key": "env", "Value": "demo"}]
    with pytest.raises(rds.exceptions.DBInstanceNotFoundFault):
        rds.list_tags_for_resource(ResourceName=arn.replace(":db:old-demo", ":db:demo"))


# data_origin, reports, downtime


def test_data_origin_follows_replicas_through_renames_and_promotions(sim, rds, clock):
    make_temp(rds, clock)
    rds.promote_read_replica(DBInstanceIdentifier="temp-demo", BackupRetentionPeriod=3)
    clock.t += DEFAULT["promote"] + DEFAULT["enable_backups"]
    make_temp(rds, clock, name="temp-demo-replica", source="temp-demo")
    rds.modify_db_instance(DBInstanceIdentifier="demo", NewDBInstanceIdentifier="old-demo", ApplyImmediately=True)
    clock.t += DEFAULT["rename"]
    rds.modify_db_instance(DBInstanceIdentifier="temp-demo", NewDBInstanceIdentifier="demo", ApplyImmediately=True)
    clock.t += DEFAULT["rename"]
    origins = {i["DBInstanceIdentifier"]: i["data_origin"] for i in sim.instances_report()}
    assert origins == {
        "prod": "prod",
        "prod-replica": "prod",
        "demo": "prod",
        "temp-demo-replica": "prod",
        "old-demo": "demo",
        "demo-replica": "demo",
        "nobackups": "nobackups",
    }


def test_restore_from_snapshot_inherits_data_origin_and_takes_restore_latency(sim, rds, clock):
    rds.create_db_snapshot(DBInstanceIdentifier="prod", DBSnapshotIdentifier="prod-snap")
    rds.restore_db_instance_from_db_snapshot(DBInstanceIdentifier="restored", DBSnapshotIdentifier="prod-snap")
    assert status(rds, "restored") == "creating"
    clock.t = DEFAULT["restore_snapshot"]
    restored = described(rds, "restored")
    assert restored["DBInstanceStatus"] == "available"
    assert "ReadReplicaSourceDBInstanceIdentifier" not in restored
    assert {i["DBInstanceIdentifier"]: i["data_origin"] for i in sim.instances_report()}["restored"] == "prod"


def test_instances_report_is_json_with_status_now_tags_links_and_data_origin(sim, rds):
    rds.create_db_instance_read_replica(DBInstanceIdentifier="temp-demo", SourceDBInstanceIdentifier="prod")
    report = {i["DBInstanceIdentifier"]: i for i in sim.instances_report()}
    json.dumps(report)
    assert report["temp-demo"]["DBInstanceStatus"] == "creating"
    assert report["demo"]["TagList"] == [{"Key": "env", "Value": "demo"}]
    assert report["demo"]["ReadReplicaSourceDBInstanceIdentifier"] is None
    assert report["demo"]["InstanceCreateTime"] == "2026-01-01T00:00:00+00:00"
    assert report["demo-replica"]["ReadReplicaSourceDBInstanceIdentifier"] == "demo"
    assert report["demo-replica"]["data_origin"] == "demo"


def test_downtime_counts_the_time_no_available_instance_holds_a_name(sim: SimulatedAWS, rds, clock):
    # Given temp-demo ready at 1200 / When demo is renamed away then temp-demo renamed onto it
    make_temp(rds, clock)
    rds.modify_db_instance(DBInstanceIdentifier="demo", NewDBInstanceIdentifier="old-demo", ApplyImmediately=True)
    clock.t += DEFAULT["rename"] + 30  # the name is free for 30 s once the rename ended
    rds.modify_db_instance(DBInstanceIdentifier="temp-demo", NewDBInstanceIdentifier="demo", ApplyImmediately=True)
    clock.t += DEFAULT["rename"]
    # Then demo was down from 1200 to 1470, old-demo unheld until its rename ended, temp-demo gone since 1320
    until = clock.t + 100
    assert sim.downtime_s(["demo", "old-demo", "temp-demo", "prod"], until) == {
        "demo": 270.0,
        "old-demo": 1320.0,
        "temp-demo": 1200.0 + (until - 1350.0),
        "prod": 0.0,
    }
