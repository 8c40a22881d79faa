"""The simulated RDS: lifecycles on the clock, refusals, consistent links, data_origin, reports, downtime.

Each test names a behaviour of RDS, where moto 5.2.5 alone differs, and its source (the botocore rds service
model, cited as "botocore rds service model, Operation.Parameter", or a User Guide page), or says
"undocumented" and what the simulator assumes. ModifyDBInstance, replicas, storage, quotas and backups have
their own files (test_rds_modify.py, test_rds_replicas.py, test_rds_storage.py, test_rds_account.py).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from simulator.aws import SimulatedAWS
from simulator.latency import Latency

L = Latency()


def described(rds: Any, identifier: str) -> dict[str, Any]:
    return rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]


def status(rds: Any, identifier: str) -> str:
    return described(rds, identifier)["DBInstanceStatus"]


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return excinfo.value.response["Error"]["Code"]


def make_temp(rds: Any, clock: Any, name: str = "temp-demo", source: str = "prod", **settings: Any) -> None:
    """A replica of `source`, available at the clock's time once created."""
    rds.create_db_instance_read_replica(DBInstanceIdentifier=name, SourceDBInstanceIdentifier=source, **settings)
    clock.t += L.create_read_replica


def rename(rds: Any, clock: Any, old: str, new: str) -> None:
    """Rename and wait until the new name is available."""
    rds.modify_db_instance(DBInstanceIdentifier=old, NewDBInstanceIdentifier=new, ApplyImmediately=True)
    clock.t += L.modify_lag + L.rename


# Lifecycles


def test_replica_is_creating_until_create_read_replica_latency_then_available(rds, clock):
    """User Guide "Viewing Amazon RDS DB instance status": creating, "The DB instance is being created." How long
    is undocumented: the create_read_replica latency."""
    response = rds.create_db_instance_read_replica(DBInstanceIdentifier="temp-demo", SourceDBInstanceIdentifier="prod")
    assert response["DBInstance"]["DBInstanceStatus"] == "creating"
    clock.t = L.create_read_replica - 1
    assert status(rds, "temp-demo") == "creating"
    clock.t = L.create_read_replica
    assert status(rds, "temp-demo") == "available"


def test_promote_is_modifying_then_backing_up_when_it_turns_backups_on(rds, clock):
    """User Guide "Promoting a read replica to be a standalone DB instance": "RDS reboots the DB instance before
    making it available"; botocore rds service model, ModifyDBInstance.BackupRetentionPeriod: enabling backups
    (0 -> n) creates a backup. The statuses (`modifying`, then `backing-up`) are the simulator's assumption."""
    make_temp(rds, clock)
    start = clock.t
    rds.promote_read_replica(DBInstanceIdentifier="temp-demo", BackupRetentionPeriod=3)
    assert status(rds, "temp-demo") == "modifying"
    clock.t = start + L.promote
    assert status(rds, "temp-demo") == "backing-up"
    clock.t = start + L.promote + L.enable_backups
    assert status(rds, "temp-demo") == "available"
    assert described(rds, "temp-demo")["BackupRetentionPeriod"] == 3


def test_promote_without_retention_enables_backups_as_aws_default_of_one(rds, clock):
    """botocore rds service model, PromoteReadReplica.BackupRetentionPeriod: "Default: 1"."""
    make_temp(rds, clock)
    start = clock.t
    rds.promote_read_replica(DBInstanceIdentifier="temp-demo")
    clock.t = start + L.promote
    assert status(rds, "temp-demo") == "backing-up"
    assert described(rds, "temp-demo")["BackupRetentionPeriod"] == 1


def test_promote_with_backups_off_is_only_modifying(rds, clock):
    make_temp(rds, clock)
    start = clock.t
    rds.promote_read_replica(DBInstanceIdentifier="temp-demo", BackupRetentionPeriod=0)
    clock.t = start + L.promote
    assert status(rds, "temp-demo") == "available"


def test_promote_of_a_source_of_replicas_with_backups_off_is_refused(rds, clock):
    """botocore rds service model, PromoteReadReplica.BackupRetentionPeriod: "Can't be set to 0 if the DB
    instance is a source to read replicas." (error code undocumented: InvalidParameterCombination)"""
    make_temp(rds, clock)
    rds.modify_db_instance(DBInstanceIdentifier="temp-demo", BackupRetentionPeriod=1, ApplyImmediately=True)
    clock.t += L.modify_lag + L.enable_backups
    make_temp(rds, clock, name="temp-demo-replica", source="temp-demo")
    with pytest.raises(ClientError) as excinfo:
        rds.promote_read_replica(DBInstanceIdentifier="temp-demo", BackupRetentionPeriod=0)
    assert error_code(excinfo) == "InvalidParameterCombination"


def test_promote_is_refused_while_the_replica_is_backing_up(rds, clock):
    """botocore rds service model, PromoteReadReplica: "a read replica cannot be promoted to a standalone
    instance when it is in the backing-up status." (The simulator keeps requiring `available`.)"""
    make_temp(rds, clock)
    rds.modify_db_instance(DBInstanceIdentifier="temp-demo", BackupRetentionPeriod=1, ApplyImmediately=True)
    clock.t += L.modify_lag
    assert status(rds, "temp-demo") == "backing-up"
    with pytest.raises(rds.exceptions.InvalidDBInstanceStateFault):
        rds.promote_read_replica(DBInstanceIdentifier="temp-demo")


def test_delete_is_deleting_then_gone(rds, clock):
    """User Guide "Viewing Amazon RDS DB instance status": deleting, "The DB instance is being deleted."; how long
    is undocumented: the delete latency."""
    response = rds.delete_db_instance(DBInstanceIdentifier="demo-replica", SkipFinalSnapshot=True)
    assert response["DBInstance"]["DBInstanceStatus"] == "deleting"
    clock.t = L.delete - 1
    assert status(rds, "demo-replica") == "deleting"
    clock.t = L.delete
    with pytest.raises(rds.exceptions.DBInstanceNotFoundFault):
        described(rds, "demo-replica")
    assert described(rds, "demo")["ReadReplicaDBInstanceIdentifiers"] == []


def test_delete_with_final_snapshot_leaves_an_available_snapshot_with_data_origin(sim, rds):
    """botocore rds service model, DeleteDBInstance.SkipFinalSnapshot: "If you don't enable this parameter, RDS
    creates a DB snapshot before the DB instance is deleted." """
    rds.delete_db_instance(DBInstanceIdentifier="demo", FinalDBSnapshotIdentifier="demo-final")
    [snapshot] = rds.describe_db_snapshots(DBSnapshotIdentifier="demo-final")["DBSnapshots"]
    assert snapshot["Status"] == "available"
    [report] = sim.snapshots_report()
    assert (report["DBSnapshotIdentifier"], report["DBInstanceIdentifier"], report["data_origin"]) == (
        "demo-final",
        "demo",
        "demo",
    )


def test_automated_snapshots_are_named_after_the_virtual_clock(rds):
    """moto names automated snapshots after the wall clock; the simulator keeps its own: last night's snapshot of
    each instance with backups, named `rds:<instance>-<yyyy-mm-dd-hh-mm>` from the virtual clock, so a run is
    reproducible (the name format is what RDS shows; the day-before time is the simulator's choice)."""
    snapshots = rds.describe_db_snapshots()["DBSnapshots"]
    assert {s["SnapshotType"] for s in snapshots} == {"automated"}
    assert all(s["DBSnapshotIdentifier"] == f"rds:{s['DBInstanceIdentifier']}-2025-12-31-12-00" for s in snapshots)
    assert rds.describe_db_snapshots(SnapshotType="manual")["DBSnapshots"] == []


def test_reboot_is_rebooting_for_the_reboot_latency(rds, clock):
    """botocore rds service model, RebootDBInstance: "Rebooting a DB instance results in a momentary outage,
    during which the DB instance status is set to rebooting." How long is undocumented: the reboot latency."""
    response = rds.reboot_db_instance(DBInstanceIdentifier="demo")
    assert response["DBInstance"]["DBInstanceStatus"] == "rebooting"
    clock.t = L.reboot - 1
    assert status(rds, "demo") == "rebooting"
    clock.t = L.reboot
    assert status(rds, "demo") == "available"


# Refusals


def test_reboot_is_refused_unless_available(rds):
    """User Guide "Rebooting a DB instance" (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/
    USER_RebootInstance.html): "You can't reboot your DB instance if it isn't in the available state." """
    rds.reboot_db_instance(DBInstanceIdentifier="demo")
    with pytest.raises(rds.exceptions.InvalidDBInstanceStateFault):
        rds.reboot_db_instance(DBInstanceIdentifier="demo")
    rds.create_db_instance_read_replica(DBInstanceIdentifier="temp-demo", SourceDBInstanceIdentifier="prod")
    with pytest.raises(rds.exceptions.InvalidDBInstanceStateFault):
        rds.reboot_db_instance(DBInstanceIdentifier="temp-demo")


def test_reboot_with_force_failover_needs_multi_az(rds, clock):
    """botocore rds service model, RebootDBInstance.ForceFailover: "Constraint: You can't enable force failover
    if the instance isn't configured for Multi-AZ." (error code undocumented: InvalidParameterCombination)"""
    with pytest.raises(ClientError) as excinfo:
        rds.reboot_db_instance(DBInstanceIdentifier="demo", ForceFailover=True)
    assert error_code(excinfo) == "InvalidParameterCombination"
    rds.modify_db_instance(DBInstanceIdentifier="demo", MultiAZ=True, ApplyImmediately=True)
    clock.t = L.modify_lag + L.modify
    assert rds.reboot_db_instance(DBInstanceIdentifier="demo", ForceFailover=True)["DBInstance"][
        "DBInstanceStatus"
    ] == "rebooting"


def test_operations_on_an_unavailable_instance_are_invalid_state(rds, clock):
    """Which statuses allow ModifyDBInstance and PromoteReadReplica is undocumented: the simulator requires
    `available` (incompatible-* for a modify, see test_rds_modify.py). CreateDBSnapshot: "The source DB instance
    must be in the available or storage-optimization state." (botocore rds service model, CreateDBSnapshot)"""
    rds.modify_db_instance(DBInstanceIdentifier="prod-replica", DBInstanceClass="db.t3.large", ApplyImmediately=True)
    rds.modify_db_instance(DBInstanceIdentifier="nobackups", BackupRetentionPeriod=1, ApplyImmediately=True)
    clock.t = L.modify_lag
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


@pytest.mark.parametrize("busy", ["creating", "renaming", "deleting", "rebooting"])
def test_delete_is_refused_while_creating_renaming_deleting_or_rebooting(rds, clock, busy):
    """Undocumented: the simulator refuses DeleteDBInstance while creating, renaming, deleting or rebooting
    (InvalidDBInstanceState, which DeleteDBInstance lists among its errors)."""
    target = {"creating": "busy", "renaming": "busy", "deleting": "prod-replica", "rebooting": "demo"}[busy]
    if busy == "creating":
        rds.create_db_instance_read_replica(DBInstanceIdentifier="busy", SourceDBInstanceIdentifier="prod")
    elif busy == "renaming":
        rds.modify_db_instance(
            DBInstanceIdentifier="demo-replica", NewDBInstanceIdentifier="busy", ApplyImmediately=True
        )
        clock.t = L.modify_lag
    elif busy == "deleting":
        rds.delete_db_instance(DBInstanceIdentifier="prod-replica", SkipFinalSnapshot=True)
    else:
        rds.reboot_db_instance(DBInstanceIdentifier="demo")
    assert status(rds, target) == busy
    with pytest.raises(rds.exceptions.InvalidDBInstanceStateFault):
        rds.delete_db_instance(DBInstanceIdentifier=target, SkipFinalSnapshot=True)


def test_final_snapshot_needs_an_available_instance(make_sim, aws, clock):
    """User Guide "Deleting a DB instance" (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/
    USER_DeleteInstance.html): "You can't create a final DB snapshot of your DB instance if it isn't in the
    Available state."; botocore rds service model, DeleteDBInstance.SkipFinalSnapshot: "When a DB instance is in
    a failure state and has a status of failed, incompatible-restore, or incompatible-network, RDS can delete
    the instance only if you enable this parameter." """
    sim = make_sim(faults=[{"operation": "rds:status", "match": {"DBInstanceIdentifier": "demo"},
                            "status": "incompatible-network"}])
    rds = aws("rds")
    with sim.recording():
        rds.reboot_db_instance(DBInstanceIdentifier="demo")
    clock.t = L.reboot
    assert status(rds, "demo") == "incompatible-network"
    with pytest.raises(rds.exceptions.InvalidDBInstanceStateFault):
        rds.delete_db_instance(DBInstanceIdentifier="demo", FinalDBSnapshotIdentifier="demo-final")
    assert rds.delete_db_instance(DBInstanceIdentifier="demo", SkipFinalSnapshot=True)["DBInstance"][
        "DBInstanceStatus"
    ] == "deleting"


def test_create_or_rename_onto_an_existing_identifier_is_already_exists(rds):
    """User Guide "Renaming a DB instance": "You cannot use an existing DB instance name when renaming an
    instance." DBInstanceAlreadyExists is among the errors of ModifyDBInstance and CreateDBInstanceReadReplica."""
    with pytest.raises(rds.exceptions.DBInstanceAlreadyExistsFault):
        rds.modify_db_instance(
            DBInstanceIdentifier="demo-replica", NewDBInstanceIdentifier="demo", ApplyImmediately=True
        )
    with pytest.raises(rds.exceptions.DBInstanceAlreadyExistsFault):
        rds.create_db_instance_read_replica(DBInstanceIdentifier="demo", SourceDBInstanceIdentifier="prod")
    assert described(rds, "demo")["ReadReplicaDBInstanceIdentifiers"] == ["demo-replica"]


def test_calls_on_a_missing_instance_are_not_found(rds):
    """DBInstanceNotFound is among the errors of each of these operations (botocore rds service model)."""
    arn = "arn:aws:rds:us-west-2:123456789012:db:missing"
    calls = [
        lambda: rds.describe_db_instances(DBInstanceIdentifier="missing"),
        lambda: rds.modify_db_instance(DBInstanceIdentifier="missing", ApplyImmediately=True),
        lambda: rds.delete_db_instance(DBInstanceIdentifier="missing", SkipFinalSnapshot=True),
        lambda: rds.promote_read_replica(DBInstanceIdentifier="missing"),
        lambda: rds.reboot_db_instance(DBInstanceIdentifier="missing"),
        lambda: rds.create_db_instance_read_replica(DBInstanceIdentifier="x", SourceDBInstanceIdentifier="missing"),
        lambda: rds.list_tags_for_resource(ResourceName=arn),
        lambda: rds.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": "k", "Value": "v"}]),
        lambda: rds.remove_tags_from_resource(ResourceName=arn, TagKeys=["k"]),
    ]
    for call in calls:
        with pytest.raises(rds.exceptions.DBInstanceNotFoundFault):
            call()


def test_promote_of_a_non_replica_is_invalid_state(rds):
    """botocore rds service model, PromoteReadReplica.DBInstanceIdentifier: "Must match the identifier of an
    existing read replica DB instance." (InvalidDBInstanceState, the operation's listed error)"""
    with pytest.raises(rds.exceptions.InvalidDBInstanceStateFault):
        rds.promote_read_replica(DBInstanceIdentifier="demo")


@pytest.mark.parametrize(
    "options", [{}, {"SkipFinalSnapshot": False}, {"SkipFinalSnapshot": True, "FinalDBSnapshotIdentifier": "final"}]
)
def test_delete_needs_exactly_one_of_skip_final_snapshot_and_a_final_snapshot(rds, options):
    """botocore rds service model, DeleteDBInstance.SkipFinalSnapshot: "If you don't enable this parameter, you
    must specify the FinalDBSnapshotIdentifier parameter."; FinalDBSnapshotIdentifier: "If you enable this
    parameter and also enable SkipFinalShapshot, the command results in an error." (code undocumented:
    InvalidParameterCombination)"""
    with pytest.raises(ClientError) as excinfo:
        rds.delete_db_instance(DBInstanceIdentifier="demo", **options)
    assert error_code(excinfo) == "InvalidParameterCombination"
    assert status(rds, "demo") == "available"


def test_delete_of_a_protected_instance_is_refused(rds):
    """botocore rds service model, ModifyDBInstance.DeletionProtection: "The database can't be deleted when
    deletion protection is enabled." (error code undocumented: InvalidParameterCombination, as moto says)"""
    rds.modify_db_instance(DBInstanceIdentifier="demo", DeletionProtection=True, ApplyImmediately=True)
    with pytest.raises(ClientError, match="Cannot delete protected DB Instance") as excinfo:
        rds.delete_db_instance(DBInstanceIdentifier="demo", SkipFinalSnapshot=True)
    assert error_code(excinfo) == "InvalidParameterCombination"


def test_final_snapshot_of_a_replica_is_refused(rds):
    """botocore rds service model, DeleteDBInstance.FinalDBSnapshotIdentifier: "Can't be specified when deleting
    a read replica."; SkipFinalSnapshot: "If you delete a read replica or an RDS Custom instance, you must enable
    this setting." """
    with pytest.raises(ClientError) as excinfo:
        rds.delete_db_instance(DBInstanceIdentifier="demo-replica", FinalDBSnapshotIdentifier="final")
    assert error_code(excinfo) == "InvalidParameterCombination"


@pytest.mark.parametrize("identifier", ["1demo", "demo--x", "demo-", "de_mo", "a" * 64])
def test_malformed_identifiers_are_invalid_parameter_value(rds, identifier):
    """botocore rds service model, ModifyDBInstance.NewDBInstanceIdentifier: "Must contain from 1 to 63 letters,
    numbers, or hyphens. The first character must be a letter. Can't end with a hyphen or contain two consecutive
    hyphens." """
    with pytest.raises(ClientError) as excinfo:
        rds.create_db_instance_read_replica(DBInstanceIdentifier=identifier, SourceDBInstanceIdentifier="prod")
    assert error_code(excinfo) == "InvalidParameterValue"
    with pytest.raises(ClientError) as excinfo:
        rds.modify_db_instance(DBInstanceIdentifier="demo", NewDBInstanceIdentifier=identifier, ApplyImmediately=True)
    assert error_code(excinfo) == "InvalidParameterValue"


def test_longest_valid_identifier_is_accepted(rds):
    rds.create_db_instance_read_replica(DBInstanceIdentifier="a" * 63, SourceDBInstanceIdentifier="prod")


# Consistent links and attributes


def test_rename_keeps_replica_links_on_both_sides(rds, clock):
    """User Guide "Renaming a DB instance": "All read replicas associated with a DB instance remain associated
    with that instance after it is renamed." """
    rename(rds, clock, "demo", "old-demo")
    assert described(rds, "demo-replica")["ReadReplicaSourceDBInstanceIdentifier"] == "old-demo"
    rename(rds, clock, "demo-replica", "old-demo-replica")
    assert described(rds, "old-demo")["ReadReplicaDBInstanceIdentifiers"] == ["old-demo-replica"]


def test_promote_detaches_the_replica_from_its_source(rds, clock):
    """A promoted replica is "a standalone DB instance" (User Guide "Promoting a read replica...")."""
    make_temp(rds, clock)
    rds.promote_read_replica(DBInstanceIdentifier="temp-demo", BackupRetentionPeriod=3)
    assert "ReadReplicaSourceDBInstanceIdentifier" not in described(rds, "temp-demo")
    assert described(rds, "prod")["ReadReplicaDBInstanceIdentifiers"] == ["prod-replica"]


def test_deleting_a_renamed_replica_works_and_unlinks_it(rds, clock):
    rename(rds, clock, "demo-replica", "old-demo-replica")
    rds.delete_db_instance(DBInstanceIdentifier="old-demo-replica", SkipFinalSnapshot=True)
    clock.t += L.delete
    assert described(rds, "demo")["ReadReplicaDBInstanceIdentifiers"] == []


def test_deleting_a_source_makes_its_replicas_standalone(rds, clock):
    """User Guide "Deleting a DB instance": "If you delete a DB instance that has read replicas in the same AWS
    Region, each read replica is automatically promoted to a standalone DB instance." """
    rds.delete_db_instance(DBInstanceIdentifier="demo", SkipFinalSnapshot=True)
    clock.t = L.delete
    assert "ReadReplicaSourceDBInstanceIdentifier" not in described(rds, "demo-replica")


def test_replica_changes_never_touch_the_source(rds, clock):
    """moto's replica is a shallow copy of its source: the simulator copies its mutable attributes apart."""
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
    clock.t += L.modify_lag + L.modify
    assert described(rds, "temp-demo")["EnabledCloudwatchLogsExports"] == ["error", "slowquery"]
    prod = described(rds, "prod")
    assert prod["TagList"] == [{"Key": "env", "Value": "prod"}]
    assert [g["VpcSecurityGroupId"] for g in prod["VpcSecurityGroups"]] == ["sg-prod"]
    assert prod["EnabledCloudwatchLogsExports"] == []


def test_instances_get_unique_dbi_resource_ids(sim, rds, clock):
    """moto gives every instance the same DbiResourceId; RDS's are unique per instance."""
    make_temp(rds, clock)
    ids = [i["DbiResourceId"] for i in sim.instances_report()]
    assert len(ids) == len(set(ids)) == 6


def test_arn_follows_a_rename(rds, clock):
    rename(rds, clock, "demo", "old-demo")
    arn = described(rds, "old-demo")["DBInstanceArn"]
    assert arn.endswith(":db:old-demo")
    assert rds.list_tags_for_resource(ResourceName=arn)["TagList"] == [{"Key": "env", "Value": "demo"}]
    with pytest.raises(rds.exceptions.DBInstanceNotFoundFault):
        rds.list_tags_for_resource(ResourceName=arn.replace(":db:old-demo", ":db:demo"))


def test_instances_without_a_subnet_group_are_in_the_default_vpc_default_group(rds, aws):
    """botocore rds service model, RestoreDBInstanceFromDBSnapshot: a restored instance gets "the default
    subnet group"; User Guide "Restoring to a DB instance": "the default virtual private cloud (VPC), DB subnet
    group, and VPC security group are associated with the restored instance". Undocumented for CreateDBInstance
    without DBSubnetGroupName (the API text still says "isn't created in a VPC", from EC2-Classic): the simulator
    assumes the default VPC's `default` group."""
    group = described(rds, "demo")["DBSubnetGroup"]
    [default_vpc] = aws("ec2").describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    assert (group["DBSubnetGroupName"], group["VpcId"]) == ("default", default_vpc["VpcId"])


# data_origin, reports, downtime


def test_data_origin_follows_replicas_through_renames_and_promotions(sim, rds, clock):
    make_temp(rds, clock)
    rds.promote_read_replica(DBInstanceIdentifier="temp-demo", BackupRetentionPeriod=3)
    clock.t += L.promote + L.enable_backups
    make_temp(rds, clock, name="temp-demo-replica", source="temp-demo")
    rename(rds, clock, "demo", "old-demo")
    rename(rds, clock, "temp-demo", "demo")
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
    # RestoreDBInstanceFromDBSnapshot.BackupRetentionPeriod, "Default: Uses existing setting": the snapshot's
    # backups are on, so a first backup follows
    clock.t = L.restore_snapshot
    assert status(rds, "restored") == "backing-up"
    clock.t = L.restore_snapshot + L.enable_backups
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
    clock.t += L.modify_lag + L.rename + 30  # the name is free for 30 s once the rename ended
    rename(rds, clock, "temp-demo", "demo")
    # Then demo was held until its rename started (1230) and again once temp-demo's rename ended (2490);
    # old-demo is held from the end of its rename (1830), temp-demo until its rename started (1890)
    until = clock.t + 100
    assert until == 2590
    assert sim.downtime_s(["demo", "old-demo", "temp-demo", "prod"], until) == {
        "demo": until - 1230 - 100,
        "old-demo": 1830.0,
        "temp-demo": until - (1890 - 1200),
        "prod": 0.0,
    }


def test_status_history_lists_each_status_an_instance_went_through(sim, rds, clock):
    rds.reboot_db_instance(DBInstanceIdentifier="demo")
    clock.t = L.reboot + 10
    history = [(h["t"], h["DBInstanceStatus"]) for h in sim.status_history(clock.t)
               if h["DBInstanceIdentifier"] == "demo"]
    assert history == [(0.0, "rebooting"), (L.reboot, "available")]
