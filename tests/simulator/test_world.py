"""WORLD.json loading, its refusals, and the latency model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.latency import Latency, load_latency
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
    assert load_latency(None) == Latency()
    assert Latency().create_read_replica == 1200 and Latency().ecs_deployment == 180
    merged = load_latency({"rename": 60})
    assert (merged.rename, merged.delete) == (60, 300)


@pytest.mark.parametrize("overrides", [{"renmae": 60}, {"rename": -1}, {"rename": "60"}, [60]])
def test_unusable_latency_raises_world_error(overrides):
    with pytest.raises(WorldError):
        load_latency(overrides)
