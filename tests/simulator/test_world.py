"""WORLD.json loading, its refusals, and the latency model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.latency import EPOCH, Latency, load_latency, world_start
from simulator.world import WorldError, validate_world

EXAMPLE = Path(__file__).resolve().parents[2] / "simulator" / "examples" / "world-example.json"


def test_example_world_loads_every_instance_available_at_time_zero_with_its_settings(make_sim):
    world = json.loads(EXAMPLE.read_text())
    sim = make_sim(world)
    report = {i["DBInstanceIdentifier"]: i for i in sim.instances_report()}
    assert set(report) == {i["DBInstanceIdentifier"] for i in world["rds"]["instances"]}
    assert {i["DBInstanceStatus"] for i in report.values()} == {"available"}
    demo = report["mitosis-demo"]
    assert [g["VpcSecurityGroupId"] for g in demo["VpcSecurityGroups"]] == ["sg-demo"]  # kept as written
    assert [g["DBParameterGroupName"] for g in demo["DBParameterGroups"]] == ["demo-mysql8"]  # created
    assert (demo["Endpoint"]["Port"], demo["DeletionProtection"], demo["BackupRetentionPeriod"]) == (5431, True, 3)
    replica = report["mitosis-demo-replica"]
    # keys CreateDBInstanceReadReplica does not take are applied by a follow-up modify
    assert replica["PreferredMaintenanceWindow"] == "mon:07:30-mon:08:00"
    assert (replica["ReadReplicaSourceDBInstanceIdentifier"], replica["data_origin"]) == (
        "mitosis-demo",
        "mitosis-demo",
    )
    assert demo["ReadReplicaDBInstanceIdentifiers"] == ["mitosis-demo-replica"]
    assert sim.downtime_s(["mitosis-demo", "mitosis-demo-replica"], 0.0) == {
        "mitosis-demo": 0.0,
        "mitosis-demo-replica": 0.0,
    }


def test_world_setup_calls_are_not_recorded(make_sim):
    assert make_sim().calls == []


def test_world_snapshots_inherit_data_origin(make_sim, world):
    world["rds"]["snapshots"] = [{"DBSnapshotIdentifier": "demo-old", "DBInstanceIdentifier": "demo-replica"}]
    [snapshot] = make_sim(world).snapshots_report()
    assert (snapshot["DBSnapshotIdentifier"], snapshot["data_origin"]) == ("demo-old", "demo")


def test_world_option_and_subnet_groups_are_created(make_sim, world):
    world["rds"]["instances"][2].update(OptionGroupName="demo-options", DBSubnetGroupName="demo-subnets")
    sim = make_sim(world)
    demo = {i["DBInstanceIdentifier"]: i for i in sim.instances_report()}["demo"]
    assert demo["OptionGroupMemberships"][0]["OptionGroupName"] == "demo-options"
    assert demo["DBSubnetGroup"]["DBSubnetGroupName"] == "demo-subnets"


@pytest.mark.parametrize(
    "unusable",
    [
        [],
        {"region": "us-west-2"},
        {"rds": {"instances": [{"Engine": "mysql", "DBInstanceClass": "db.t3.micro"}]}},
        {"rds": {"instances": [{"DBInstanceIdentifier": "r", "SourceDBInstanceIdentifier": "missing"}]}},
        {"rds": {"instances": [{"DBInstanceIdentifier": "a", "DBInstanceClass": "db.t3.micro"}]}},
        {
            "rds": {
                "instances": [
                    {"DBInstanceIdentifier": "a", "Engine": "mysql", "DBInstanceClass": "db.t3.micro", "Colour": "blue"}
                ]
            }
        },
        {
            "rds": {
                "instances": [{"DBInstanceIdentifier": "a", "Engine": "mysql", "DBInstanceClass": "db.t3.micro"}] * 2
            }
        },
        {"rds": {"instances": [], "snapshots": [{"DBSnapshotIdentifier": "s", "DBInstanceIdentifier": "missing"}]}},
        {"rds": {"instances": []}, "ecs": {"clusters": [{"services": []}]}},
        {"rds": {"instances": []}, "ec2": {"instances": [{"ImageId": "ami-1"}]}},
        {"rds": {"instances": []}, "ecs": ["demo"]},
        {"rds": {"instances": []}, "start": "soon"},
        {"rds": {"instances": [], "subnet_groups": [{"DBSubnetGroupName": "a"}]}},
        {"rds": {"instances": [], "subnet_groups": [{"DBSubnetGroupName": "a", "VpcId": "v", "Cidr": "x"}]}},
        {"rds": {"instances": [], "quotas": {"DBInstances": -1}}},
        {"rds": {"instances": [], "quotas": {"Snapshots": 5}}},
        {"rds": {"instances": []}, "ecs": {"clusters": [{"name": "c", "services": [
            {"name": "s", "deploymentController": "BLUE_GREEN"}]}]}},
        {"rds": {"instances": []}, "ecs": {"clusters": [{"name": "c", "services": [
            {"name": "s", "circuitBreaker": "yes"}]}]}},
        {"rds": {"instances": []}, "ecs": {"clusters": [{"name": "c", "services": [{"name": "s", "colour": 1}]}]}},
        {"rds": {"instances": [], "clusters": [{"DBClusterIdentifier": "c"}]}},
        {"rds": {"instances": [], "clusters": [{"DBClusterIdentifier": "c", "Engine": "aurora-mysql", "Colour": 1}]}},
        {"rds": {"instances": [], "clusters": [{"DBClusterIdentifier": "c", "Engine": "aurora-mysql"}] * 2}},
        {"rds": {"instances": [{"DBInstanceIdentifier": "c-1", "DBClusterIdentifier": "c",
                                "DBInstanceClass": "db.r6g.large"}]}},
        {"rds": {"clusters": [{"DBClusterIdentifier": "c", "Engine": "aurora-mysql"}],
                 "instances": [{"DBInstanceIdentifier": "c-1", "DBClusterIdentifier": "c"}]}},
    ],
    ids=[
        "not-an-object",
        "no-rds",
        "no-identifier",
        "unknown-source",
        "no-engine",
        "unknown-key",
        "duplicate",
        "snapshot-of-nothing",
        "nameless-cluster",
        "unknown-ec2-key",
        "ecs-not-an-object",
        "bad-start",
        "subnet-group-without-vpc",
        "subnet-group-unknown-key",
        "negative-quota",
        "unknown-quota",
        "unknown-deployment-controller",
        "circuit-breaker-not-a-boolean",
        "unknown-service-key",
        "cluster-without-engine",
        "cluster-unknown-key",
        "duplicate-cluster",
        "instance-of-an-unknown-cluster",
        "cluster-instance-without-class",
    ],
)
def test_unusable_worlds_raise_world_error(unusable):
    with pytest.raises(WorldError):
        validate_world(unusable)


def test_aws_refusal_while_loading_is_a_world_error(make_sim, world):
    world["rds"]["instances"].append({"DBInstanceIdentifier": "r", "SourceDBInstanceIdentifier": "nobackups"})
    with pytest.raises(WorldError, match="instance r: .*Automated backups"):
        make_sim(world)


def test_latency_defaults_are_the_contracts_and_overrides_merge():
    """rename: User Guide "Renaming a DB instance" (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/
    USER_RenameInstance.html): "The new DNS name for the renamed DB instance becomes effective in about 10
    minutes." The other figures are the simulator's (AWS documents none)."""
    assert load_latency(None) == Latency()
    defaults = Latency()
    assert (defaults.create_read_replica, defaults.ecs_deployment, defaults.rename) == (1200, 180, 600)
    assert (defaults.modify_lag, defaults.reboot, defaults.restore_point_in_time) == (30, 120, 1500)
    merged = load_latency({"rename": 60, "modify_lag": 5})
    assert (merged.rename, merged.modify_lag, merged.delete) == (60, 5, 300)


def test_world_start_is_the_calendar_origin():
    assert world_start({"rds": {"instances": []}}) == EPOCH
    assert EPOCH.isoformat() == "2026-01-01T00:00:00+00:00" and EPOCH.strftime("%A") == "Thursday"
    assert world_start({"start": "2026-03-02T01:00:00Z"}).isoformat() == "2026-03-02T01:00:00+00:00"
    for unusable in ("yesterday", "2026-03-02T01:00:00+02:00", 1767225600):
        with pytest.raises(WorldError):
            world_start({"start": unusable})


@pytest.mark.parametrize("overrides", [{"renmae": 60}, {"rename": -1}, {"rename": "60"}, [60]])
def test_unusable_latency_raises_world_error(overrides):
    with pytest.raises(WorldError):
        load_latency(overrides)


def test_world_subnet_groups_are_in_one_simulated_vpc_per_label(make_sim, aws, world):
    """WORLD.json `rds.subnet_groups`: each distinct VpcId label is one VPC (tagged Name=<label>); groups that
    instances name without declaring them, and instances without a group, share the default VPC."""
    world["rds"]["subnet_groups"] = [
        {"DBSubnetGroupName": "prod-a", "VpcId": "vpc-prod"},
        {"DBSubnetGroupName": "prod-b", "VpcId": "vpc-prod"},
        {"DBSubnetGroupName": "staging", "VpcId": "vpc-staging"},
    ]
    world["rds"]["instances"][0]["DBSubnetGroupName"] = "prod-a"
    world["rds"]["instances"][2]["DBSubnetGroupName"] = "undeclared"
    make_sim(world)
    ec2, rds = aws("ec2"), aws("rds")
    vpcs = {tag["Value"]: vpc["VpcId"] for vpc in ec2.describe_vpcs()["Vpcs"] for tag in vpc.get("Tags", [])
            if tag["Key"] == "Name"}
    [default_vpc] = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    groups = {g["DBSubnetGroupName"]: g["VpcId"] for g in rds.describe_db_subnet_groups()["DBSubnetGroups"]}
    assert groups == {
        "prod-a": vpcs["vpc-prod"],
        "prod-b": vpcs["vpc-prod"],
        "staging": vpcs["vpc-staging"],
        "undeclared": default_vpc["VpcId"],
        "default": default_vpc["VpcId"],
    }
    assert vpcs["vpc-prod"] != vpcs["vpc-staging"]
    zones = {s["SubnetAvailabilityZone"]["Name"] for g in rds.describe_db_subnet_groups(DBSubnetGroupName="staging")[
        "DBSubnetGroups"] for s in g["Subnets"]}
    assert zones == {"us-west-2a", "us-west-2b"}
    located = {i["DBInstanceIdentifier"]: i["DBSubnetGroup"]["VpcId"] for i in rds.describe_db_instances()[
        "DBInstances"]}
    assert located["prod"] == located["prod-replica"] == vpcs["vpc-prod"]
    assert located["demo"] == located["nobackups"] == default_vpc["VpcId"]


def test_world_instances_take_every_create_setting(make_sim, aws, world):
    world["rds"]["instances"].append(
        {
            "DBInstanceIdentifier": "full",
            "Engine": "mysql",
            "EngineVersion": "8.0.35",
            "DBInstanceClass": "db.m5.large",
            "AllocatedStorage": 500,
            "StorageType": "gp3",
            "Iops": 15000,
            "StorageThroughput": 750,
            "MasterUsername": "admin",
            "ManageMasterUserPassword": True,
            "StorageEncrypted": True,
            "KmsKeyId": "full-key",
            "MonitoringInterval": 30,
            "MonitoringRoleArn": "arn:aws:iam::123456789012:role/rds-monitoring",
            "OptionGroupName": "full-options",
            "EnableCloudwatchLogsExports": ["error"],
            "DeletionProtection": True,
            "BackupRetentionPeriod": 7,
        }
    )
    make_sim(world)
    full = aws("rds").describe_db_instances(DBInstanceIdentifier="full")["DBInstances"][0]
    assert (full["DBInstanceStatus"], full["Iops"], full["StorageThroughput"]) == ("available", 15000, 750)
    assert (full["StorageEncrypted"], full["KmsKeyId"], full["MasterUserSecret"]["SecretStatus"]) == (
        True, "full-key", "active")
    assert (full["MonitoringInterval"], full["MonitoringRoleArn"]) == (
        30, "arn:aws:iam::123456789012:role/rds-monitoring")
    assert [g["OptionGroupName"] for g in full["OptionGroupMemberships"]] == ["full-options"]
    assert (full["EnabledCloudwatchLogsExports"], full["DeletionProtection"]) == (["error"], True)


def test_a_world_replica_parameter_group_is_applied_by_modify_and_reboot_in_sync(make_sim, aws, world):
    """RDS refuses DBParameterGroupName on a same-Region MySQL replica (botocore rds service model,
    CreateDBInstanceReadReplica.DBParameterGroupName): the loader applies it by ModifyDBInstance and reboots the
    replica, so the world starts with the group in-sync."""
    world["rds"]["instances"][3]["DBParameterGroupName"] = "reporting-mysql8"
    sim = make_sim(world)
    [group] = aws("rds").describe_db_instances(DBInstanceIdentifier="demo-replica")["DBInstances"][0][
        "DBParameterGroups"]
    assert (group["DBParameterGroupName"], group["ParameterApplyStatus"]) == ("reporting-mysql8", "in-sync")
    assert {entry["DBInstanceStatus"] for entry in sim.status_history(0.0)} == {"available"}


def test_world_loads_even_inside_a_backup_window(make_sim, aws, world):
    """World setup is not blocked by the daily backups: they start once the world is loaded."""
    world["start"] = "2026-01-01T03:10:00Z"
    world["rds"]["instances"][3].update(PreferredBackupWindow="03:00-03:30", BackupRetentionPeriod=2)
    make_sim(world)
    assert aws("rds").describe_db_instances(DBInstanceIdentifier="demo-replica")["DBInstances"][0][
        "DBInstanceStatus"] == "backing-up"
