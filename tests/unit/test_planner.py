"""The pure planner, on plain data: the original stack-mitosis's planner cases, requests as RDS accepts them, and
the refusals."""

from __future__ import annotations

from typing import Any

import pytest
from mitosis.errors import PlanRefused
from mitosis.models import AccountQuota, Call, DBInstance, DBSnapshot, Plan, RefreshRequest, ReplicationGraph, Run
from mitosis.planner import plan_refresh
from mitosis.status import Readiness, progress


def instance(name: str, source: str | None = None, replicas: list[str] | None = None, **settings: Any) -> DBInstance:
    return DBInstance(DBInstanceIdentifier=name, ReadReplicaSourceDBInstanceIdentifier=source,
                      ReadReplicaDBInstanceIdentifiers=replicas or [], **settings)


def graph(*instances: DBInstance, quotas: list[AccountQuota] | None = None) -> ReplicationGraph:
    return ReplicationGraph(region="us-west-2", instances=list(instances), quotas=quotas or [])


def request(source: str = "production", target: str = "staging", **extra: Any) -> RefreshRequest:
    return RefreshRequest.parse({"source": source, "target": target, **extra})


def own_tags(params: dict[str, Any]) -> list[dict[str, str]]:
    """The tags a copy took from its counterpart (the workflow adds its own, stack-mitosis:*)."""
    return [t for t in params["Tags"] if not t["Key"].startswith("stack-mitosis:")]


def operations(plan: Plan) -> list[tuple[str, Any, Any]]:
    """(operation, instance, new name or replication source) for each line of the flight plan."""
    return [(op.op, op.params.get("DBInstanceIdentifier"),
             op.params.get("NewDBInstanceIdentifier") or op.params.get("SourceDBInstanceIdentifier"))
            for op in plan.flight_plan]


def clone(plan: Plan) -> dict[str, Any]:
    assert plan.root is not None
    return plan.root.create.request


def setting_notes(plan: Plan) -> list[str]:
    """The plan's notes on settings: all but the first, which names the clone method."""
    assert plan.notes[0].startswith("Clone method: ")
    return plan.notes[1:]


def promote(plan: Plan) -> Call:
    assert plan.root is not None and plan.root.promote is not None
    return plan.root.promote


MYSQL: dict[str, Any] = {"Engine": "mysql", "EngineVersion": "8.0.35"}
STAGING = graph(
    instance("production", replicas=["production-replica"], BackupRetentionPeriod=7, **MYSQL),
    instance("production-replica", source="production", **MYSQL),
    instance("staging", replicas=["staging-replica"], BackupRetentionPeriod=3, **MYSQL),
    instance("staging-replica", source="staging", **MYSQL),
)


def test_list_tree_is_breadth_first() -> None:
    # Given a -> [b, c] and b -> [d]
    tree = graph(instance("a", replicas=["b", "c"]), instance("b", "a", ["d"]), instance("c", "a"),
                 instance("d", "b"))
    # Then the tree lists each level before the next
    assert tree.tree("a") == ["a", "b", "c", "d"]
    assert graph(instance("a", replicas=["b"]), instance("b", "a", ["c"]), instance("c", "b")).tree("a") == \
        ["a", "b", "c"]


def test_replace_tree_order_clone_promote_replicas_swap_delete() -> None:
    plan = plan_refresh(STAGING, request(final_snapshot=False))
    assert operations(plan) == [
        ("CreateDBInstanceReadReplica", "temp-staging", "production"),
        ("PromoteReadReplica", "temp-staging", None),
        ("CreateDBInstanceReadReplica", "temp-staging-replica", "temp-staging"),
        ("ModifyDBInstance", "staging", "old-staging"),
        ("ModifyDBInstance", "temp-staging", "staging"),
        ("ModifyDBInstance", "staging-replica", "old-staging-replica"),
        ("ModifyDBInstance", "temp-staging-replica", "staging-replica"),
        ("DeleteDBInstance", "old-staging-replica", None),
        ("DeleteDBInstance", "old-staging", None),
    ]
    # production's own replica is never copied
    assert "temp-production-replica" not in str(plan.model_dump())


def test_child_link_wins_over_a_stale_replica_list() -> None:
    # Given target-a's replica list still names target-c, but target-c replicates from target-b
    tree = graph(
        instance("source", Iops=1000, **MYSQL),
        instance("target", replicas=["target-a", "target-b"], StorageType="io1", Iops=5000,
                 TagList=[{"Key": "k", "Value": "target"}], **MYSQL),
        instance("target-a", "target", ["target-c"], **MYSQL),
        instance("target-b", "target", TagList=[{"Key": "k", "Value": "b"}], **MYSQL),
        instance("target-c", "target-b", **MYSQL),
    )
    plan = plan_refresh(tree, request("source", "target"))
    # Then temp-target-c replicates from temp-target-b, a level after it
    assert [[(b.name, b.create.request["SourceDBInstanceIdentifier"]) for b in level.replicas]
            for level in plan.levels] == [[("target-a", "temp-target"), ("target-b", "temp-target")],
                                          [("target-c", "temp-target-b")]]
    assert clone(plan)["Iops"] == 5000 and own_tags(clone(plan)) == [{"Key": "k", "Value": "target"}]
    assert own_tags(plan.levels[0].replicas[1].create.request) == [{"Key": "k", "Value": "b"}]
    # target-b serves a replica, so it gets backups before target-c is created; target-a and target-c do not
    configure = plan.levels[0].replicas[1].configure
    assert configure is not None and configure.request == {
        "DBInstanceIdentifier": "temp-target-b", "BackupRetentionPeriod": 1, "ApplyImmediately": True}
    assert configure.expect.values == {"BackupRetentionPeriod": 1}
    assert plan.levels[0].replicas[0].configure is None


def test_each_clone_takes_its_own_counterparts_windows_never_the_sources() -> None:
    tree = graph(
        instance("production", PreferredMaintenanceWindow="sun:01:00-sun:02:00", PreferredBackupWindow="00:00-00:30"),
        instance("staging", replicas=["staging-replica"], PreferredMaintenanceWindow="tue:02:00-tue:03:00",
                 PreferredBackupWindow="04:00-04:30"),
        instance("staging-replica", "staging", PreferredMaintenanceWindow="tue:03:00-tue:04:00"),
    )
    plan = plan_refresh(tree, request())
    installs = {swap.name: swap.renames[-1] for swap in plan.swaps}
    assert installs["staging"].rename["PreferredMaintenanceWindow"] == "tue:02:00-tue:03:00"
    assert installs["staging-replica"].rename["PreferredMaintenanceWindow"] == "tue:03:00-tue:04:00"
    assert installs["staging"].rename["PreferredBackupWindow"] == "04:00-04:30"
    # and the rename's check waits for the windows to be in effect, not only for the new name
    assert installs["staging"].expect.values == {"PreferredMaintenanceWindow": "tue:02:00-tue:03:00",
                                                 "PreferredBackupWindow": "04:00-04:30"}
    assert plan.root is not None and "PreferredBackupWindow" not in promote(plan).request
    assert "sun:01:00" not in str(plan.model_dump())


SETTINGS: dict[str, Any] = dict(
    DBInstanceClass="db.t3.small", Port=5431, MultiAZ=False, StorageType="gp3", AllocatedStorage=50,
    Iops=3000, StorageThroughput=125, DeletionProtection=True,
    VpcSecurityGroups=[{"VpcSecurityGroupId": "sg-demo", "Status": "active"},
                       {"VpcSecurityGroupId": "sg-leaving", "Status": "removing"}],
    DBParameterGroups=[{"DBParameterGroupName": "demo-mysql8", "ParameterApplyStatus": "in-sync"}],
    OptionGroupMemberships=[{"OptionGroupName": "demo-options", "Status": "in-sync"}],
    DBSubnetGroup={"DBSubnetGroupName": "demo-subnets", "VpcId": "vpc-shared"},
    StorageEncrypted=True, KmsKeyId="arn:aws:kms:us-west-2:123456789012:key/demo",
    MonitoringInterval=60, MonitoringRoleArn="arn:aws:iam::1:role/monitoring",
    PerformanceInsightsEnabled=True, PerformanceInsightsRetentionPeriod=7,
    IAMDatabaseAuthenticationEnabled=True, EnabledCloudwatchLogsExports=["error"],
    PubliclyAccessible=False, AutoMinorVersionUpgrade=True, CopyTagsToSnapshot=True,
    MaxAllocatedStorage=200, BackupRetentionPeriod=3, TagList=[{"Key": "env", "Value": "demo"}], **MYSQL)
PRODUCTION: dict[str, Any] = dict(
    DBInstanceClass="db.r6g.large", Port=3306, MultiAZ=True, BackupRetentionPeriod=7, DeletionProtection=False,
    StorageType="gp3", AllocatedStorage=50, Iops=3000, StorageThroughput=125, StorageEncrypted=True,
    KmsKeyId="arn:aws:kms:us-west-2:123456789012:key/prod",
    DBParameterGroups=[{"DBParameterGroupName": "prod-mysql8", "ParameterApplyStatus": "in-sync"}],
    DBSubnetGroup={"DBSubnetGroupName": "prod-subnets", "VpcId": "vpc-shared"}, **MYSQL)


def test_settings_come_from_the_target_not_the_source() -> None:
    tree = graph(instance("production", **PRODUCTION), instance("staging", **SETTINGS))
    plan = plan_refresh(tree, request())
    assert own_tags(clone(plan)) == [{"Key": "env", "Value": "demo"}]
    assert {k: v for k, v in clone(plan).items() if k != "Tags"} == {
        "DBInstanceIdentifier": "temp-staging", "SourceDBInstanceIdentifier": "production",
        "DBInstanceClass": "db.t3.small", "Port": 5431, "MultiAZ": False, "StorageType": "gp3",
        "VpcSecurityGroupIds": ["sg-demo"], "OptionGroupName": "demo-options", "DBSubnetGroupName": "demo-subnets",
        "KmsKeyId": "arn:aws:kms:us-west-2:123456789012:key/demo", "MonitoringInterval": 60,
        "MonitoringRoleArn": "arn:aws:iam::1:role/monitoring", "EnablePerformanceInsights": True,
        "PerformanceInsightsRetentionPeriod": 7, "EnableIAMDatabaseAuthentication": True,
        "EnableCloudwatchLogsExports": ["error"], "PubliclyAccessible": False, "AutoMinorVersionUpgrade": True,
        "CopyTagsToSnapshot": True, "MaxAllocatedStorage": 200,
    }
    # the old target's retention, not the source's
    assert promote(plan).request == {
        "DBInstanceIdentifier": "temp-staging", "BackupRetentionPeriod": 3}
    assert "prod-" not in str(clone(plan)) and "db.r6g" not in str(plan.model_dump())


def test_a_mysql_copy_gets_its_parameter_group_by_a_modify_then_a_reboot() -> None:
    # "Specifying a parameter group for this operation ... isn't supported for MySQL DB instances for same
    # Region read replicas" (CreateDBInstanceReadReplica.DBParameterGroupName)
    tree = graph(instance("production", **PRODUCTION),
                 instance("staging", replicas=["staging-replica"], **SETTINGS),
                 instance("staging-replica", "staging", DBParameterGroups=[
                     {"DBParameterGroupName": "reporting-mysql8", "ParameterApplyStatus": "in-sync"}],
                     StorageEncrypted=True, **MYSQL))
    plan = plan_refresh(tree, request())
    assert plan.root is not None and plan.root.configure is not None
    assert "DBParameterGroupName" not in clone(plan)
    assert plan.root.configure.request == {"DBInstanceIdentifier": "temp-staging",
                                           "DBParameterGroupName": "demo-mysql8", "ApplyImmediately": True}
    # the promote reboots the copy; whether that applies the group is undocumented, so a reboot follows
    # (skipped when the group is already in sync) and the swap waits for the parameters in effect
    assert promote(plan).expect.parameter_group == "demo-mysql8"
    assert plan.root.reboot is not None and plan.root.reboot.expect.parameters_in_sync
    ops = [op.op for op in plan.flight_plan]
    assert ops[:4] == ["CreateDBInstanceReadReplica", "ModifyDBInstance", "PromoteReadReplica", "RebootDBInstance"]
    replica = plan.levels[0].replicas[0]
    assert "DBParameterGroupName" not in replica.create.request
    assert replica.configure is not None and replica.configure.request["DBParameterGroupName"] == "reporting-mysql8"
    assert replica.reboot is not None and replica.reboot.request == {"DBInstanceIdentifier": "temp-staging-replica"}
    assert replica.reboot.expect.parameters_in_sync


def test_a_copy_that_inherits_the_right_parameter_group_is_not_modified() -> None:
    # A same-Region replica gets its source's group: a replica whose old group is its old parent's needs nothing
    tree = graph(instance("production", **PRODUCTION), instance("staging", replicas=["staging-replica"], **SETTINGS),
                 instance("staging-replica", "staging", DBParameterGroups=SETTINGS["DBParameterGroups"],
                          StorageEncrypted=True, **MYSQL))
    plan = plan_refresh(tree, request())
    assert plan.levels[0].replicas[0].configure is None and plan.levels[0].replicas[0].reboot is None


def test_an_oracle_copy_takes_its_parameter_group_at_creation() -> None:
    oracle: dict[str, Any] = {"Engine": "oracle-ee", "EngineVersion": "19.0.0.0"}
    tree = graph(instance("production", **{**PRODUCTION, **oracle}), instance("staging", **{**SETTINGS, **oracle}))
    plan = plan_refresh(tree, request())
    assert clone(plan)["DBParameterGroupName"] == "demo-mysql8"
    assert plan.root is not None and plan.root.configure is None


def test_a_pending_parameter_group_is_taken_and_the_plan_says_so() -> None:
    tree = graph(instance("production", **PRODUCTION), instance("staging", **{**SETTINGS, "DBParameterGroups": [
        {"DBParameterGroupName": "changing", "ParameterApplyStatus": "pending-reboot"}]}))
    plan = plan_refresh(tree, request())
    assert plan.root is not None and plan.root.configure is not None
    assert plan.root.configure.request["DBParameterGroupName"] == "changing"
    assert any("changing is pending-reboot" in note for note in plan.notes)


@pytest.mark.parametrize(("engine", "size", "provisioned"), [
    ("mysql", 50, False), ("mysql", 399, False), ("mysql", 400, True), ("postgres", 100, False),
    ("oracle-ee", 200, True), ("oracle-ee", 150, False), ("sqlserver-se", 20, True),
])
def test_small_gp3_volumes_get_no_iops_or_throughput(engine: str, size: int, provisioned: bool) -> None:
    # gp3 below the engine's threshold has a fixed baseline that DescribeDBInstances reports: sending it back
    # is refused (RDS User Guide, gp3 storage)
    volume: dict[str, Any] = {"Engine": engine, "EngineVersion": "8.0.35", "StorageType": "gp3",
                              "AllocatedStorage": size, "Iops": 12000, "StorageThroughput": 500}
    plan = plan_refresh(graph(instance("production", **volume), instance("staging", **volume)), request())
    assert ("Iops" in clone(plan), "StorageThroughput" in clone(plan)) == (provisioned, provisioned)
    assert clone(plan)["StorageType"] == "gp3"


def test_a_copy_of_a_bigger_production_keeps_productions_size_and_says_so() -> None:
    tree = graph(instance("production", AllocatedStorage=500, StorageType="gp2", **MYSQL),
                 instance("staging", replicas=["staging-replica"], AllocatedStorage=100, StorageType="gp2", **MYSQL),
                 instance("staging-replica", "staging", AllocatedStorage=200, StorageType="gp2", **MYSQL))
    plan = plan_refresh(tree, request())
    # storage never shrinks: the copy has production's 500 GiB (no request needed), so does its replica
    assert "AllocatedStorage" not in clone(plan)
    assert "AllocatedStorage" not in plan.levels[0].replicas[0].create.request
    assert any("staging" in note and "500 GiB" in note and "never shrinks" in note for note in plan.notes)


def test_a_copy_of_a_smaller_production_gets_the_old_instances_size() -> None:
    tree = graph(instance("production", AllocatedStorage=20, **MYSQL), instance("staging", AllocatedStorage=100,
                                                                                **MYSQL))
    assert clone(plan_refresh(tree, request()))["AllocatedStorage"] == 100


def test_each_copy_keeps_its_old_instances_key() -> None:
    # "If you specify a KMS key identifier, the read replica is encrypted with that KMS key, which can be
    # different from the KMS key of the source" (CreateDBInstanceReadReplica.KmsKeyId)
    tree = graph(instance("production", **PRODUCTION), instance("staging", replicas=["staging-replica"], **SETTINGS),
                 instance("staging-replica", "staging", StorageEncrypted=True, KmsKeyId="replica-key", **MYSQL))
    plan = plan_refresh(tree, request())
    assert clone(plan)["KmsKeyId"] == SETTINGS["KmsKeyId"]
    assert plan.levels[0].replicas[0].create.request["KmsKeyId"] == "replica-key"


@pytest.mark.parametrize(("production", "staging", "reason"), [
    ({"StorageEncrypted": False}, {"StorageEncrypted": True, "KmsKeyId": "k"}, "encrypted but production"),
    ({"StorageEncrypted": True, "KmsKeyId": "k"}, {"StorageEncrypted": False}, "is encrypted but 'staging' is not"),
])
def test_encryption_must_match(production: dict[str, Any], staging: dict[str, Any], reason: str) -> None:
    with pytest.raises(PlanRefused, match=reason):
        plan_refresh(graph(instance("production", **production), instance("staging", **staging)), request())


def test_the_copy_lands_in_the_old_instances_subnet_group_in_productions_vpc() -> None:
    tree = graph(instance("production", **PRODUCTION), instance("staging", **SETTINGS))
    assert clone(plan_refresh(tree, request()))["DBSubnetGroupName"] == "demo-subnets"


OTHER_VPC: dict[str, Any] = {**SETTINGS, "DBSubnetGroup": {"DBSubnetGroupName": "staging-subnets", "VpcId": "vpc-b"}}


def test_a_replica_of_production_is_refused_for_a_target_in_another_vpc() -> None:
    tree = graph(instance("production", **PRODUCTION), instance("staging", **OTHER_VPC))
    with pytest.raises(PlanRefused, match="VPC vpc-b .* cannot land in the target's subnet group.*point_in_time"):
        plan_refresh(tree, request(clone={"method": "replica"}))


def test_auto_restores_a_target_in_another_vpc_to_the_latest_restorable_time_and_says_why() -> None:
    tree = graph(instance("production", **PRODUCTION), instance("staging", **OTHER_VPC))
    plan = plan_refresh(tree, request())
    assert plan.clone_method == "point_in_time" and plan.root is not None
    assert any("point_in_time" in note and "auto:" in note and "vpc-b" in note for note in plan.notes)
    restore = plan.root.create
    assert restore.op == "RestoreDBInstanceToPointInTime" and plan.flight_plan[0].op == restore.op
    # the target's settings where the restore takes them: its subnet group, groups, backups at once...
    assert {k: v for k, v in restore.request.items() if k != "Tags"} == {
        "SourceDBInstanceIdentifier": "production", "TargetDBInstanceIdentifier": "temp-staging",
        "UseLatestRestorableTime": True, "DBInstanceClass": "db.t3.small", "Port": 5431, "MultiAZ": False,
        "DBSubnetGroupName": "staging-subnets", "VpcSecurityGroupIds": ["sg-demo"], "OptionGroupName": "demo-options",
        "DBParameterGroupName": "demo-mysql8", "BackupRetentionPeriod": 3, "StorageType": "gp3",
        "AllocatedStorage": 50, "MaxAllocatedStorage": 200, "PubliclyAccessible": False,
        "AutoMinorVersionUpgrade": True, "CopyTagsToSnapshot": True, "EnableIAMDatabaseAuthentication": True,
        "EnableCloudwatchLogsExports": ["error"]}
    # ...the rest by a modify (a restore takes no monitoring or Performance Insights), and no promote
    assert plan.root.configure is not None and plan.root.configure.request == {
        "DBInstanceIdentifier": "temp-staging", "MonitoringInterval": 60,
        "MonitoringRoleArn": "arn:aws:iam::1:role/monitoring", "EnablePerformanceInsights": True,
        "PerformanceInsightsRetentionPeriod": 7, "ApplyImmediately": True}
    assert plan.root.configure.expect.values["PerformanceInsightsEnabled"] is True
    assert plan.root.promote is None and plan.root.reboot is None and plan.source_ready is None
    # a point-in-time restore keeps production's key: the plan says so
    assert any("production's key" in note for note in plan.notes)


@pytest.mark.parametrize("method", ["point_in_time", "snapshot"])
def test_a_restore_keeps_the_targets_backups_off(method: str) -> None:
    # left out, BackupRetentionPeriod "Uses existing setting": production's or the snapshot's, not the target's
    snapshot = DBSnapshot(DBSnapshotIdentifier="weekly", DBInstanceIdentifier="production", Engine="mysql",
                          AllocatedStorage=50, Encrypted=True, KmsKeyId=PRODUCTION["KmsKeyId"])
    tree = graph(instance("production", **PRODUCTION),
                 instance("staging", **{**OTHER_VPC, "BackupRetentionPeriod": 0}))
    tree = tree.model_copy(update={"snapshots": [snapshot]})
    plan = plan_refresh(tree, request(clone={"method": method}))
    assert plan.root is not None and plan.root.create.request["BackupRetentionPeriod"] == 0
    assert plan.root.create.expect.values["BackupRetentionPeriod"] == 0


def test_a_point_in_time_restore_needs_productions_backups() -> None:
    tree = graph(instance("production", **{**PRODUCTION, "BackupRetentionPeriod": 0}), instance("staging", **OTHER_VPC))
    with pytest.raises(PlanRefused, match="automated backups off"):
        plan_refresh(tree, request())


def test_managed_master_passwords() -> None:
    # "Managing master user passwords with Secrets Manager isn't supported for ... Creating a read replica when
    # the source DB ... manages credentials with Secrets Manager": auto restores instead; a target's managed
    # secret is deleted with it, which no copy can take over
    secret: dict[str, Any] = {"MasterUserSecret": {"SecretArn": "arn:aws:secretsmanager:us-west-2:1:secret:rds!db-1"}}
    production = instance("production", BackupRetentionPeriod=1, **secret)
    assert plan_refresh(graph(production, instance("staging")), request()).clone_method == "point_in_time"
    with pytest.raises(PlanRefused, match="managed by Secrets Manager: RDS creates no read replica"):
        plan_refresh(graph(production, instance("staging")), request(clone={"method": "replica"}))
    with pytest.raises(PlanRefused, match="'staging' has its master password managed by RDS"):
        plan_refresh(graph(instance("production", BackupRetentionPeriod=1), instance("staging", **secret)), request())


def snapshot(name: str, created: str, **fields: Any) -> DBSnapshot:
    return DBSnapshot.model_validate({
        "DBSnapshotIdentifier": name, "DBSnapshotArn": f"arn:aws:rds:us-west-2:123456789012:snapshot:{name}",
        "DBInstanceIdentifier": "production", "SnapshotCreateTime": created, "Engine": "mysql",
        "EngineVersion": "8.0.35", "AllocatedStorage": 50, **fields})


SHARED = "arn:aws:rds:us-west-2:210987654321:snapshot:production-weekly"


def snapshots_graph(*snapshots: DBSnapshot, production: bool = True) -> ReplicationGraph:
    instances = [instance("staging", **SETTINGS)] + ([instance("production", **PRODUCTION)] if production else [])
    return ReplicationGraph(region="us-west-2", instances=instances, snapshots=list(snapshots))


def test_a_snapshot_restore_reads_productions_newest_available_snapshot() -> None:
    key: dict[str, Any] = {"Encrypted": True, "KmsKeyId": SETTINGS["KmsKeyId"]}
    automated: dict[str, Any] = {**key, "SnapshotType": "automated"}
    tree = snapshots_graph(snapshot("rds:production-2026-01-03", "2026-01-03T03:00:00", **automated),
                           snapshot("before-upgrade", "2026-01-04T10:00:00", **key),
                           snapshot("in-progress", "2026-01-05T10:00:00", Status="creating", **key),
                           snapshot("rds:production-2026-01-02", "2026-01-02T03:00:00", **automated))
    plan = plan_refresh(tree, request(clone={"method": "snapshot"}))
    assert plan.root is not None and plan.root.create.op == "RestoreDBInstanceFromDBSnapshot"
    assert plan.root.create.request["DBSnapshotIdentifier"] == "before-upgrade"
    assert plan.root.create.request["DBInstanceIdentifier"] == "temp-staging"
    assert "MaxAllocatedStorage" not in plan.root.create.request  # the snapshot restore does not take it
    assert any("before-upgrade" in note and "newest available" in note for note in plan.notes)
    assert plan.snapshot_copy is None  # encrypted with the old instance's key already: restored as it is


@pytest.mark.parametrize(("named", "snapshots", "reason"), [
    (None, [], "No available snapshot of 'production'"),
    ("other", [snapshot("other", "2026-01-01T00:00:00", DBInstanceIdentifier="billing")], "is of 'billing'"),
    ("pg", [snapshot("pg", "2026-01-01T00:00:00", Engine="postgres")], "runs postgres and 'staging' mysql"),
    ("missing", [], "'missing' was not found"),
    ("busy", [snapshot("busy", "2026-01-01T00:00:00", Status="creating")], "'busy' is creating"),
    (SHARED, [snapshot("production-weekly", "2026-01-01T00:00:00", DBSnapshotArn=SHARED, SnapshotType="shared",
                       Encrypted=True, KmsKeyId="arn:aws:kms:us-west-2:210987654321:key/prod", KeyUsable=False)],
     "not shared with this account"),
])
def test_snapshot_refusals_before_anything_changes(named: str | None, snapshots: list[DBSnapshot], reason: str) -> None:
    with pytest.raises(PlanRefused, match=reason):
        plan_refresh(snapshots_graph(*snapshots), request(clone={"method": "snapshot", "snapshot": named}))


def test_a_snapshot_shared_from_productions_account_is_copied_with_the_targets_key_then_restored() -> None:
    # "You can't restore a DB instance from a DB snapshot that is both shared and encrypted. Instead, you can make
    # a copy of the DB snapshot and restore the DB instance from the copy" (User Guide, restoring from a snapshot)
    shared = snapshot("production-weekly", "2026-01-01T00:00:00", DBSnapshotArn=SHARED, SnapshotType="shared",
                      Encrypted=True, KmsKeyId="arn:aws:kms:us-west-2:210987654321:key/prod", KeyUsable=True)
    plan = plan_refresh(snapshots_graph(shared, production=False),
                        request(clone={"method": "snapshot", "snapshot": SHARED}), Run(name="weekly"))
    assert plan.snapshot_copy is not None and plan.snapshot_copy.request["SourceDBSnapshotIdentifier"] == SHARED
    assert plan.snapshot_copy.request["TargetDBSnapshotIdentifier"] == "staging-source-weekly"
    assert plan.snapshot_copy.request["KmsKeyId"] == SETTINGS["KmsKeyId"]
    assert plan.root is not None and plan.root.create.request["DBSnapshotIdentifier"] == "staging-source-weekly"
    assert [op.op for op in plan.flight_plan][:2] == ["CopyDBSnapshot", "RestoreDBInstanceFromDBSnapshot"]
    # the copy is deleted once the refresh is done
    assert ("staging-source-", 0) in [(s.prefix, s.keep) for s in plan.snapshots]


def test_an_unencrypted_shared_snapshot_is_restored_by_its_arn() -> None:
    staging = {**SETTINGS, "StorageEncrypted": False}
    shared = snapshot("production-weekly", "2026-01-01T00:00:00", DBSnapshotArn=SHARED, SnapshotType="shared")
    tree = ReplicationGraph(region="us-west-2", instances=[instance("staging", **staging)], snapshots=[shared])
    plan = plan_refresh(tree, request(clone={"method": "snapshot", "snapshot": SHARED}))
    assert plan.root is not None and plan.root.create.request["DBSnapshotIdentifier"] == SHARED
    assert plan.snapshot_copy is None


# --- what the plan says about its clone method, in full (the only record of the choice a scheduled run leaves) --


@pytest.mark.parametrize(("clone_request", "staging", "note"), [
    ({}, SETTINGS, "Clone method: replica: a read replica of production, promoted (auto: a same-Region replica of "
                   "production can land in the target's subnet group)."),
    ({"method": "replica"}, SETTINGS, "Clone method: replica: a read replica of production, promoted."),
    ({}, OTHER_VPC, "Clone method: point_in_time: a restore of production's automated backups at their latest "
                    "restorable time (auto: 'staging' is in VPC vpc-b (subnet group staging-subnets) and production's "
                    "replicas in vpc-shared: a read replica of production cannot land in the target's subnet "
                    "group.)."),
    ({"method": "point_in_time"}, SETTINGS, "Clone method: point_in_time: a restore of production's automated "
                                            "backups at their latest restorable time."),
])
def test_the_plan_names_its_clone_method_and_why(clone_request: dict[str, Any], staging: dict[str, Any],
                                                 note: str) -> None:
    plan = plan_refresh(graph(instance("production", **PRODUCTION), instance("staging", **staging)),
                        request(clone=clone_request))
    assert plan.notes[0] == note


def test_a_snapshot_note_says_which_snapshot_and_when_it_was_taken() -> None:
    key: dict[str, Any] = {"Encrypted": True, "KmsKeyId": SETTINGS["KmsKeyId"]}
    # a snapshot RDS gives no creation time yet sorts as the oldest, and is said to be taken "now"
    undated = snapshot("undated", "", **key).model_copy(update={"SnapshotCreateTime": None})
    tree = snapshots_graph(undated, snapshot("weekly", "2026-01-04T10:00:00", **key))
    newest = plan_refresh(tree, request(clone={"method": "snapshot"}))
    assert newest.notes[0] == ("Clone method: snapshot: a restore of weekly (the newest available of 'production', "
                               "taken 2026-01-04T10:00:00).")
    named = plan_refresh(tree, request(clone={"method": "snapshot", "snapshot": "undated"}))
    assert named.notes[0] == "Clone method: snapshot: a restore of undated (named, taken now)."


@pytest.mark.parametrize(("production", "snapshots", "named", "reason"), [
    (True, [], None, "No available snapshot of 'production' was found: take one, or choose the clone method "
                     "point_in_time."),
    (True, [], "missing", "Snapshot 'missing' was not found (a snapshot shared from another account is named by its "
                          "ARN, and must be shared with this account)."),
    (False, [snapshot("production-weekly", "2026-01-01T00:00:00", DBSnapshotArn=SHARED, SnapshotType="shared",
                      Encrypted=True, KmsKeyId="arn:aws:kms:us-west-2:210987654321:key/prod", KeyUsable=False)],
     SHARED, f"Snapshot '{SHARED}' is encrypted with arn:aws:kms:us-west-2:210987654321:key/prod, which is not "
             "shared with this account: the production account must share the key too."),
])
def test_a_snapshot_refusal_says_what_to_do(production: bool, snapshots: list[DBSnapshot], named: str | None,
                                            reason: str) -> None:
    tree = snapshots_graph(*snapshots, production=production)
    if production:  # production without backups has no automated snapshot: only a snapshot of one's own helps
        tree_without_backups = ReplicationGraph(region="us-west-2", snapshots=tree.snapshots, instances=[
            instance("staging", **SETTINGS), instance("production", **{**PRODUCTION, "BackupRetentionPeriod": 0})])
        with pytest.raises(PlanRefused) as without_backups:
            plan_refresh(tree_without_backups, request(clone={"method": "snapshot", "snapshot": named}))
        assert str(without_backups.value) == reason.replace(", or choose the clone method point_in_time", "")
    with pytest.raises(PlanRefused) as refused:
        plan_refresh(tree, request(clone={"method": "snapshot", "snapshot": named}))
    assert str(refused.value) == reason


def test_without_backups_production_can_only_be_restored_from_a_snapshot() -> None:
    tree = graph(instance("production", **{**PRODUCTION, "BackupRetentionPeriod": 0}), instance("staging", **SETTINGS))
    for method in ("auto", "replica", "point_in_time"):
        with pytest.raises(PlanRefused) as refused:
            plan_refresh(tree, request(clone={"method": method}))
        assert str(refused.value) == ("Production 'production' has automated backups off: RDS makes neither a read "
                                      "replica of it nor a point-in-time restore. Choose the clone method snapshot.")


def test_a_restore_takes_the_size_of_what_it_restores_and_configures_by_a_modify() -> None:
    # production has grown to 80 GiB; the restore cannot shrink it to staging's 50
    tree = graph(instance("production", **{**PRODUCTION, "AllocatedStorage": 80}), instance("staging", **OTHER_VPC))
    plan = plan_refresh(tree, request())
    assert plan.root is not None and plan.root.create.request["AllocatedStorage"] == 80
    assert "staging: production's storage (80 GiB) is larger than the old instance's (50 GiB); the copy keeps 80 " \
        "GiB, as RDS storage never shrinks." in plan.notes
    assert "staging: the copy is encrypted with production's key arn:aws:kms:us-west-2:123456789012:key/prod (a " \
        "point-in-time restore keeps its source's key), not the old instance's." in plan.notes
    # what the restore does not take follows in a modify, listed in the flight plan between the restore and the
    # replicas built from the copy
    assert [op.op for op in plan.flight_plan][:2] == ["RestoreDBInstanceToPointInTime", "ModifyDBInstance"]


def test_the_copy_of_a_snapshot_is_tagged_as_the_refresh_s() -> None:
    shared = snapshot("production-weekly", "2026-01-01T00:00:00", DBSnapshotArn=SHARED, SnapshotType="shared",
                      Encrypted=True, KmsKeyId="arn:aws:kms:us-west-2:210987654321:key/prod", KeyUsable=True)
    plan = plan_refresh(snapshots_graph(shared, production=False),
                        request(clone={"method": "snapshot", "snapshot": SHARED}), Run(name="weekly"))
    assert plan.snapshot_copy is not None
    assert plan.snapshot_copy.request["Tags"] == [
        {"Key": "stack-mitosis:target", "Value": "staging"}, {"Key": "stack-mitosis:name", "Value": "staging"},
        {"Key": "stack-mitosis:source", "Value": "production"}, {"Key": "stack-mitosis:generation", "Value": "weekly"}]


def test_a_shared_snapshot_refresh_still_needs_the_target() -> None:
    shared = snapshot("production-weekly", "2026-01-01T00:00:00", DBSnapshotArn=SHARED, SnapshotType="shared")
    tree = ReplicationGraph(region="us-west-2", instances=[], snapshots=[shared])
    with pytest.raises(PlanRefused) as refused:
        plan_refresh(tree, request(clone={"method": "snapshot", "snapshot": SHARED}))
    assert str(refused.value) == "Target instance 'staging' does not exist in us-west-2."


def test_a_named_snapshot_is_a_shared_one_only_by_its_arn_and_with_the_snapshot_method() -> None:
    # production named but absent: with a local snapshot name the source must be an instance of this account
    local = snapshot("weekly", "2026-01-01T00:00:00")
    tree = ReplicationGraph(region="us-west-2", instances=[instance("staging")], snapshots=[local])
    with pytest.raises(PlanRefused) as refused:
        plan_refresh(tree, request(clone={"method": "snapshot", "snapshot": "weekly"}))
    assert str(refused.value) == "Source instance 'production' does not exist in us-west-2."


def test_a_gp3_copy_above_the_threshold_keeps_its_iops_and_throughput() -> None:
    big: dict[str, Any] = {"StorageType": "gp3", "AllocatedStorage": 500, "Iops": 12000, "StorageThroughput": 500}
    tree = graph(instance("production", **{**PRODUCTION, "AllocatedStorage": 500}),
                 instance("staging", **{**SETTINGS, **big}))
    assert {k: clone(plan_refresh(tree, request())).get(k) for k in big} == {**big, "AllocatedStorage": None}


def test_a_postgres_tree_deeper_than_its_version_allows_is_refused() -> None:
    # cascading read replicas came with PostgreSQL 14.1: a 13 tree two levels deep cannot be rebuilt as replicas
    postgres: dict[str, Any] = {"Engine": "postgres", "EngineVersion": "13.12"}
    tree = graph(instance("production", **postgres), instance("staging", replicas=["staging-1"], **postgres),
                 instance("staging-1", "staging", ["staging-2"]), instance("staging-2", "staging-1"))
    with pytest.raises(PlanRefused) as refused:
        plan_refresh(tree, request())
    assert str(refused.value) == ("'staging' has replicas 2 levels deep; RDS allows 1 for postgres: its tree cannot "
                                  "be rebuilt as read replicas.")


def test_auto_keeps_a_targets_own_key_by_restoring_productions_newest_snapshot_copied_with_it() -> None:
    # staging (another VPC) has a key of its own: a point-in-time restore would keep production's
    production_key: dict[str, Any] = {"Encrypted": True, "KmsKeyId": PRODUCTION["KmsKeyId"]}
    tree = graph(instance("production", **PRODUCTION), instance("staging", **OTHER_VPC)).model_copy(update={
        "snapshots": [snapshot("rds:production-2026-01-04", "2026-01-04T03:00:00", SnapshotType="automated",
                               **production_key)]})
    plan = plan_refresh(tree, request(), Run(name="weekly"))
    assert plan.clone_method == "snapshot" and plan.notes[0] == (
        "Clone method: snapshot: a restore of rds:production-2026-01-04 (the newest available of 'production', taken "
        "2026-01-04T03:00:00) (auto: 'staging' is in VPC vpc-b (subnet group staging-subnets) and production's "
        "replicas in vpc-shared: a read replica of production cannot land in the target's subnet group. A "
        "point-in-time restore would keep production's key; a snapshot copied with the target's key keeps it.).")
    assert plan.snapshot_copy is not None and plan.snapshot_copy.request["KmsKeyId"] == SETTINGS["KmsKeyId"]
    # with production's own key, or no snapshot to restore, the restore is to the latest restorable time
    same_key = graph(instance("production", **PRODUCTION), instance("staging", **{
        **OTHER_VPC, "KmsKeyId": PRODUCTION["KmsKeyId"]})).model_copy(update={"snapshots": tree.snapshots})
    assert plan_refresh(same_key, request()).clone_method == "point_in_time"
    no_snapshot = graph(instance("production", **PRODUCTION), instance("staging", **OTHER_VPC))
    assert plan_refresh(no_snapshot, request()).clone_method == "point_in_time"


def test_auto_says_a_snapshot_rds_gives_no_creation_time_yet_is_taken_now() -> None:
    # given production's only snapshot, just taken (RDS gives it no creation time yet), and a target with its own key
    undated = snapshot("production-manual", "", Encrypted=True, KmsKeyId=PRODUCTION["KmsKeyId"]).model_copy(
        update={"SnapshotCreateTime": None})
    tree = graph(instance("production", **PRODUCTION), instance("staging", **OTHER_VPC)).model_copy(update={
        "snapshots": [undated]})
    # then auto restores it, and its note says when it was taken as the named method's does
    plan = plan_refresh(tree, request())
    assert plan.clone_method == "snapshot" and plan.notes[0].startswith(
        "Clone method: snapshot: a restore of production-manual (the newest available of 'production', taken now) "
        "(auto: 'staging' is in VPC vpc-b")


def test_the_restart_sits_between_swap_and_delete() -> None:
    plan = plan_refresh(STAGING, request(restart={"type": "ecs", "cluster": "demo", "services": ["web"]}))
    ops = [op.op for op in plan.flight_plan]
    restart = ops.index("Restart (ecs)")
    assert ops[restart - 1] == "ModifyDBInstance" and ops[restart + 1] == "DeleteDBInstance"


def test_deletion_protection_moves_from_the_retired_instance_to_the_copy_with_the_name() -> None:
    tree = graph(instance("production"), instance("staging", DeletionProtection=True))
    plan = plan_refresh(tree, request())
    retire, install = plan.swaps[0].renames
    # lifted only on the instance the workflow retires (so it can be deleted whatever status it ends in),
    # remembered in a tag, and given back if a rollback puts it back under its name
    assert retire.rename == {"DBInstanceIdentifier": "staging", "NewDBInstanceIdentifier": "old-staging",
                             "ApplyImmediately": True, "DeletionProtection": False}
    assert retire.expect.values == {"DeletionProtection": False}
    assert {"Key": "stack-mitosis:deletion-protection", "Value": "true"} in [t.model_dump() for t in retire.tags]
    assert plan.restores[0].reinstate["DeletionProtection"] is True
    # the copy is protected once every name is swapped: until then a broken copy can always be deleted
    assert "DeletionProtection" not in install.rename
    assert [p.DBInstanceIdentifier for p in plan.protect] == ["staging"]
    assert "DeletionProtection" not in clone(plan)


def test_only_the_leading_temp_prefix_names_the_copy() -> None:
    tree = graph(instance("production"), instance("reports-temp-db"))
    plan = plan_refresh(tree, request(target="reports-temp-db"))
    install = plan.swaps[0].renames[1].rename
    assert install["DBInstanceIdentifier"] == "temp-reports-temp-db"
    assert install["NewDBInstanceIdentifier"] == "reports-temp-db"


def test_three_levels_deep() -> None:
    tree = graph(instance("production", **MYSQL), instance("staging", replicas=["staging-1"], **MYSQL),
                 instance("staging-1", "staging", ["staging-2"]), instance("staging-2", "staging-1", ["staging-3"]),
                 instance("staging-3", "staging-2"))
    plan = plan_refresh(tree, request())
    assert [[b.create.request["SourceDBInstanceIdentifier"] for b in level.replicas] for level in plan.levels] == \
        [["temp-staging"], ["temp-staging-1"], ["temp-staging-2"]]
    assert [b.configure is not None for level in plan.levels for b in level.replicas] == [True, True, False]
    assert promote(plan).request["BackupRetentionPeriod"] == 1


def test_production_busy_is_waited_for_before_the_clone() -> None:
    tree = graph(instance("production", DBInstanceStatus="backing-up"), instance("staging"))
    plan = plan_refresh(tree, request())
    assert plan.source_ready is not None and plan.source_ready.DBInstanceIdentifier == "production"
    assert plan.source_ready.ready == ["available", "storage-optimization"]


QUOTA = [AccountQuota(AccountQuotaName="DBInstances", Used=39, Max=40)]


@pytest.mark.parametrize(("tree", "source", "target", "reason"), [
    (STAGING, "staging", "staging", "both 'staging'"),
    (STAGING, "production", "production-replica", "replica in the source's tree"),
    (STAGING, "staging-replica", "staging", "inside the target's tree"),
    (STAGING, "production", "staging-replica", "itself a read replica"),
    (STAGING, "nope", "staging", "Source instance 'nope' does not exist"),
    (STAGING, "production", "nope", "Target instance 'nope' does not exist"),
    (graph(instance("production"), instance("staging", DBClusterIdentifier="aurora")), "production", "staging",
     "Aurora cluster"),
    (graph(instance("production"), instance("staging", replicas=["arn:aws:rds:eu-west-1:1:db:far"])),
     "production", "staging", "cross-region"),
    (graph(instance("production"), instance("s" * 60)), "production", "s" * 60, "RDS allows 63"),
    (graph(instance("production"), instance("staging"), instance("temp-staging")), "production", "staging",
     "temp-staging"),
    (graph(instance("production"), instance("staging"), instance("old-staging")), "production", "staging",
     "old-staging"),
    (graph(instance("production", DBInstanceStatus="failed"), instance("staging")), "production", "staging",
     "Production 'production' is failed"),
    (graph(instance("production"), instance("staging", DBInstanceStatus="modifying")), "production", "staging",
     "staging is modifying"),
    (graph(instance("production"), instance("staging", replicas=["reports"]), instance("reports", "staging")),
     "production", "staging", "Replica 'reports' of 'staging' is not named 'staging-...'"),
    (graph(instance("production", Engine="postgres"), instance("staging", Engine="mysql")), "production", "staging",
     "runs postgres and 'staging' mysql"),
    (graph(instance("production", **MYSQL), instance("staging", Engine="mysql", EngineVersion="5.7.44")),
     "production", "staging", "Upgrade the target"),
    (graph(instance("production", BackupRetentionPeriod=0), instance("staging")), "production", "staging",
     "automated backups off: RDS makes neither a read replica of it nor a point-in-time restore"),
    (graph(instance("production"), instance("staging", replicas=["staging-1"]), instance("staging-1", "staging"),
           quotas=QUOTA), "production", "staging", "uses 39 of its 40 DB instances"),
])
def test_refusals_before_anything_changes(tree: ReplicationGraph, source: str, target: str, reason: str) -> None:
    with pytest.raises(PlanRefused, match=reason):
        plan_refresh(tree, request(source, target))


@pytest.mark.parametrize(("engine", "limit"), [("mysql", 15), ("oracle-ee", 5)])
def test_a_replica_beyond_rdss_limit_is_refused_and_auto_restores_instead(engine: str, limit: int) -> None:
    tree = graph(instance("production", Engine=engine, BackupRetentionPeriod=7,
                          replicas=[f"p-{n}" for n in range(limit)]), instance("staging", Engine=engine))
    with pytest.raises(PlanRefused, match=f"has {limit} read replicas; RDS allows {limit}"):
        plan_refresh(tree, request(clone={"method": "replica"}))
    assert plan_refresh(tree, request()).clone_method == "point_in_time"


def test_a_target_tree_deeper_than_the_engine_allows_is_refused() -> None:
    chain = [instance("staging", replicas=["staging-1"], **MYSQL)]
    chain += [instance(f"staging-{n}", "staging" if n == 1 else f"staging-{n - 1}", [f"staging-{n + 1}"])
              for n in range(1, 5)]
    with pytest.raises(PlanRefused, match="4 levels deep; RDS allows 3"):
        plan_refresh(graph(instance("production", **MYSQL), *chain), request())


def test_no_operation_of_any_plan_names_a_source_tree_instance() -> None:
    plan = plan_refresh(STAGING, request())
    named = {v for op in plan.flight_plan for k, v in op.params.items()
             if k in ("DBInstanceIdentifier", "NewDBInstanceIdentifier")}
    assert not named & {"production", "production-replica"}


# --- the copy's password and the before-swap hook, on the copy, before the swap ---------------------------------

SECRET = "arn:aws:secretsmanager:us-west-2:123456789012:secret:staging-pw"
SCRUB = {"type": "ssm", "document": "AWS-RunShellScript", "targets": [{"Key": "tag:app", "Values": ["scrub"]}],
         "parameters": {"commands": ["scrub --host {endpoint} --port {port}"]}}


def test_the_new_master_password_is_set_on_the_copy_before_the_swap() -> None:
    plan = plan_refresh(STAGING, request(master_password={"secret_arn": SECRET}))
    assert plan.password is not None
    assert plan.password.DBInstanceIdentifier == "temp-staging" and plan.password.secret_arn == SECRET
    # its check waits until RDS no longer lists the password as a pending change
    assert plan.password.expect.DBInstanceIdentifier == "temp-staging"
    assert plan.password.expect.settled == ["MasterUserPassword"]
    ops = [(op.op, op.params.get("DBInstanceIdentifier")) for op in plan.flight_plan]
    change = ops.index(("ModifyDBInstance", "temp-staging"), ops.index(("CreateDBInstanceReadReplica",
                                                                        "temp-staging-replica")))
    assert plan.flight_plan[change].params == {"DBInstanceIdentifier": "temp-staging",
                                               "MasterUserPassword": f"(the value of {SECRET})",
                                               "ApplyImmediately": True}
    assert change < ops.index(("ModifyDBInstance", "staging"))  # before the first rename
    assert plan_refresh(STAGING, request()).password is None


def test_the_before_swap_hook_runs_on_the_copy_before_the_swap() -> None:
    plan = plan_refresh(STAGING, request(before_swap=SCRUB))
    assert plan.before_swap is not None
    assert plan.before_swap.DBInstanceIdentifier == "temp-staging"
    assert plan.before_swap.hook.model_dump() == {**SCRUB, "timeout_s": 1800}
    ops = [op.op for op in plan.flight_plan]
    assert ops.index("Before-swap hook (ssm)") < ops.index("ModifyDBInstance", ops.index("Before-swap hook (ssm)"))
    assert plan.flight_plan[ops.index("Before-swap hook (ssm)") + 1].params["NewDBInstanceIdentifier"] == "old-staging"
    assert plan_refresh(STAGING, request()).before_swap is None


# --- renames, rollbacks and their checks ---------------------------------------------------------------------


def test_each_rename_is_immediate_and_only_moves_the_instance_it_expects() -> None:
    tree = graph(instance("production"), instance("staging", PreferredMaintenanceWindow="tue:02:00-tue:03:00",
                                                  PreferredBackupWindow="04:00-04:30"))
    retire, install = plan_refresh(tree, request()).swaps[0].renames
    assert (retire.rename, retire.is_copy) == ({"DBInstanceIdentifier": "staging",
                                                "NewDBInstanceIdentifier": "old-staging", "ApplyImmediately": True},
                                               False)
    assert (install.rename, install.is_copy) == ({"DBInstanceIdentifier": "temp-staging",
                                                  "NewDBInstanceIdentifier": "staging", "ApplyImmediately": True,
                                                  "PreferredMaintenanceWindow": "tue:02:00-tue:03:00",
                                                  "PreferredBackupWindow": "04:00-04:30"}, True)


def test_a_rename_is_awaited_until_rds_has_made_it_not_only_accepted_it() -> None:
    # RDS describes a renamed instance under its old name, available, with the rename pending, until it starts
    tree = graph(instance("production"), instance("staging", PreferredMaintenanceWindow="tue:02:00-tue:03:00"))
    for rename in plan_refresh(tree, request()).swaps[0].renames:
        new_name = rename.rename["NewDBInstanceIdentifier"]
        accepted = DBInstance(DBInstanceIdentifier=new_name, PreferredMaintenanceWindow="tue:02:00-tue:03:00",
                              PendingModifiedValues={"DBInstanceIdentifier": "later"})
        assert progress(accepted, rename.expect) is Readiness.WAIT
        assert progress(accepted.model_copy(update={"PendingModifiedValues": {}}), rename.expect) is Readiness.READY


def test_a_rollback_puts_the_old_instance_back_or_else_the_copy() -> None:
    tree = graph(instance("production"), instance("staging", PreferredMaintenanceWindow="tue:02:00-tue:03:00"))
    restore = plan_refresh(tree, request()).restores[0]
    assert restore.name == "staging" and restore.generation == "unnamed-run"
    assert restore.reinstate == {"DBInstanceIdentifier": "old-staging", "NewDBInstanceIdentifier": "staging",
                                 "ApplyImmediately": True}
    assert restore.install == {"DBInstanceIdentifier": "temp-staging", "NewDBInstanceIdentifier": "staging",
                               "ApplyImmediately": True, "PreferredMaintenanceWindow": "tue:02:00-tue:03:00"}


def test_without_an_execution_the_plan_is_of_the_unnamed_run() -> None:
    plan = plan_refresh(STAGING, request())
    assert plan.generation == "unnamed-run"
    assert plan.deletes[-1].FinalDBSnapshotIdentifier == "staging-final-unnamed-run"


# --- what each copy is created with ------------------------------------------------------------------------


def test_the_promote_is_awaited_until_the_copy_is_standalone_with_its_backups() -> None:
    tree = graph(instance("production", **PRODUCTION), instance("staging", **SETTINGS))
    promoted = promote(plan_refresh(tree, request())).expect
    assert promoted.model_dump() == {"DBInstanceIdentifier": "temp-staging", "ready": ["available"],
                                     "values": {"BackupRetentionPeriod": 3}, "parameter_group": "demo-mysql8",
                                     "parameters_in_sync": False, "promoted": True, "settled": []}
    replica = DBInstance(DBInstanceIdentifier="temp-staging", ReadReplicaSourceDBInstanceIdentifier="production",
                         BackupRetentionPeriod=3, DBParameterGroups=SETTINGS["DBParameterGroups"])
    assert progress(replica, promoted) is Readiness.WAIT
    assert progress(replica.model_copy(update={"ReadReplicaSourceDBInstanceIdentifier": None}),
                    promoted) is Readiness.READY


def test_a_copys_modify_and_reboot_are_awaited_until_in_effect() -> None:
    tree = graph(instance("production", **PRODUCTION), instance("staging", replicas=["staging-replica"], **SETTINGS),
                 instance("staging-replica", "staging", ["staging-replica-2"], DBParameterGroups=[
                     {"DBParameterGroupName": "reporting-mysql8", "ParameterApplyStatus": "in-sync"}],
                     StorageEncrypted=True, **MYSQL),
                 instance("staging-replica-2", "staging-replica", StorageEncrypted=True, **MYSQL))
    replica = plan_refresh(tree, request()).levels[0].replicas[0]
    assert replica.configure is not None and replica.reboot is not None
    assert replica.configure.request == {"DBInstanceIdentifier": "temp-staging-replica",
                                         "DBParameterGroupName": "reporting-mysql8", "BackupRetentionPeriod": 1,
                                         "ApplyImmediately": True}
    assert replica.configure.expect.model_dump() == {
        "DBInstanceIdentifier": "temp-staging-replica", "ready": ["available"],
        "values": {"BackupRetentionPeriod": 1}, "parameter_group": "reporting-mysql8", "parameters_in_sync": False,
        "promoted": False, "settled": ["BackupRetentionPeriod"]}
    assert replica.reboot.expect.model_dump() == {
        "DBInstanceIdentifier": "temp-staging-replica", "ready": ["available"], "values": {},
        "parameter_group": "reporting-mysql8", "parameters_in_sync": True, "promoted": False, "settled": []}


def test_a_copy_of_a_target_sharing_productions_parameter_group_is_not_modified() -> None:
    shared = [{"DBParameterGroupName": "shared-mysql8", "ParameterApplyStatus": "in-sync"}]
    tree = graph(instance("production", **{**PRODUCTION, "DBParameterGroups": shared}),
                 instance("staging", **{**SETTINGS, "DBParameterGroups": shared}))
    plan = plan_refresh(tree, request())
    assert plan.root is not None and plan.root.configure is None and plan.root.reboot is None
    assert setting_notes(plan) == []


@pytest.mark.parametrize("engine", ["sqlserver-se", "sqlserver-ee"])
def test_a_sql_server_copy_takes_its_sources_option_group_and_size(engine: str) -> None:
    # CreateDBInstanceReadReplica: AllocatedStorage "isn't valid for RDS for SQL Server"; "For SQL Server, you must
    # use the option group associated with the source"
    tree = graph(instance("production", Engine=engine, AllocatedStorage=20),
                 instance("staging", Engine=engine, AllocatedStorage=100, StorageType="gp2",
                          OptionGroupMemberships=[{"OptionGroupName": "staging-options"}]))
    create = clone(plan_refresh(tree, request()))
    assert "OptionGroupName" not in create and "AllocatedStorage" not in create
    other = graph(instance("production", **MYSQL, AllocatedStorage=20),
                  instance("staging", **MYSQL, AllocatedStorage=100,
                           OptionGroupMemberships=[{"OptionGroupName": "staging-options"}]))
    assert clone(plan_refresh(other, request()))["OptionGroupName"] == "staging-options"


def test_a_db2_copy_takes_its_parameter_group_at_creation() -> None:
    db2: dict[str, Any] = {"Engine": "db2-se", "EngineVersion": "11.5.9",
                           "DBParameterGroups": [{"DBParameterGroupName": "staging-db2"}]}
    tree = graph(instance("production", Engine="db2-se", EngineVersion="11.5.9"), instance("staging", **db2))
    plan = plan_refresh(tree, request())
    assert clone(plan)["DBParameterGroupName"] == "staging-db2" and plan.root is not None
    assert plan.root.configure is None


def test_settings_that_are_off_send_none_of_their_values() -> None:
    # DescribeDBInstances can still report a monitoring role, a Performance Insights key or retention, or a key for
    # an unencrypted instance; RDS refuses them without the setting they belong to
    tree = graph(instance("production"), instance("staging", MonitoringInterval=0, MonitoringRoleArn="role",
                                                  PerformanceInsightsEnabled=False, PerformanceInsightsKMSKeyId="pi",
                                                  PerformanceInsightsRetentionPeriod=7, StorageEncrypted=False,
                                                  KmsKeyId="key"))
    create = clone(plan_refresh(tree, request()))
    assert not {"MonitoringRoleArn", "PerformanceInsightsKMSKeyId", "PerformanceInsightsRetentionPeriod",
                "KmsKeyId"} & set(create)
    assert create["EnablePerformanceInsights"] is False and create["MonitoringInterval"] == 0


def test_performance_insights_keep_their_key_and_retention() -> None:
    tree = graph(instance("production"), instance("staging", PerformanceInsightsEnabled=True,
                                                  PerformanceInsightsKMSKeyId="pi-key",
                                                  PerformanceInsightsRetentionPeriod=731))
    create = clone(plan_refresh(tree, request()))
    assert (create["EnablePerformanceInsights"], create["PerformanceInsightsKMSKeyId"],
            create["PerformanceInsightsRetentionPeriod"]) == (True, "pi-key", 731)


@pytest.mark.parametrize("storage_type", ["io1", "io2"])
def test_provisioned_iops_volumes_keep_their_iops(storage_type: str) -> None:
    tree = graph(instance("production", **MYSQL), instance("staging", StorageType=storage_type, Iops=5000,
                                                           AllocatedStorage=100, StorageThroughput=500, **MYSQL))
    create = clone(plan_refresh(tree, request()))
    assert create["Iops"] == 5000 and "StorageThroughput" not in create


def test_a_small_gp3_volume_gets_no_iops_even_when_its_copy_is_big_enough() -> None:
    # the old volume's Iops are the baseline of a small volume: sending them back would pin a big one's
    tree = graph(instance("production", AllocatedStorage=500, StorageType="gp3", **MYSQL),
                 instance("staging", AllocatedStorage=100, StorageType="gp3", Iops=3000, StorageThroughput=125,
                          **MYSQL))
    create = clone(plan_refresh(tree, request()))
    assert "Iops" not in create and "StorageThroughput" not in create


def test_storage_the_same_size_as_productions_needs_no_size_and_no_note() -> None:
    tree = graph(instance("production", AllocatedStorage=100, **MYSQL),
                 instance("staging", AllocatedStorage=100, MaxAllocatedStorage=100, **MYSQL))
    plan = plan_refresh(tree, request())
    assert "AllocatedStorage" not in clone(plan) and setting_notes(plan) == []
    # autoscaling's maximum is sent only above the copy's size (RDS refuses it otherwise)
    assert "MaxAllocatedStorage" not in clone(plan)


def test_a_copy_of_unknown_size_is_sent_no_size() -> None:
    tree = graph(instance("production", **MYSQL), instance("staging", **MYSQL))
    assert "AllocatedStorage" not in clone(plan_refresh(tree, request()))
    bigger = graph(instance("production", **MYSQL), instance("staging", AllocatedStorage=30, **MYSQL))
    assert clone(plan_refresh(bigger, request()))["AllocatedStorage"] == 30


def test_a_parameter_group_in_sync_needs_no_note() -> None:
    tree = graph(instance("production", **PRODUCTION), instance("staging", **SETTINGS))
    assert setting_notes(plan_refresh(tree, request())) == []


def test_a_pending_parameter_group_note_says_what_the_copy_gets() -> None:
    tree = graph(instance("production", **PRODUCTION), instance("staging", **{**SETTINGS, "DBParameterGroups": [
        {"DBParameterGroupName": "changing", "ParameterApplyStatus": "pending-reboot"}]}))
    assert setting_notes(plan_refresh(tree, request())) == [
        "staging: its parameter group changing is pending-reboot; the copy gets changing with its current parameters "
        "in effect (the copy is rebooted before the swap)."]
