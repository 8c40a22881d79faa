"""The pure planner, on plain data: the original stack-mitosis's planner cases and the refusals."""

from __future__ import annotations

from typing import Any

import pytest
from mitosis.errors import PlanRefused
from mitosis.models import DBInstance, RefreshRequest, ReplicationGraph
from mitosis.planner import plan_refresh


def instance(name: str, source: str | None = None, replicas: list[str] | None = None, **settings: Any) -> DBInstance:
    return DBInstance(DBInstanceIdentifier=name, ReadReplicaSourceDBInstanceIdentifier=source,
                      ReadReplicaDBInstanceIdentifiers=replicas or [], **settings)


def graph(*instances: DBInstance) -> ReplicationGraph:
    return ReplicationGraph(region="us-west-2", instances=list(instances))


def request(source: str = "production", target: str = "staging", **extra: Any) -> RefreshRequest:
    return RefreshRequest.parse({"source": source, "target": target, **extra})


def own_tags(params: dict[str, Any]) -> list[dict[str, str]]:
    """The tags a copy took from its counterpart (the workflow adds its own, stack-mitosis:*)."""
    return [t for t in params["Tags"] if not t["Key"].startswith("stack-mitosis:")]


def operations(plan: Any) -> list[tuple[str, str, str | None]]:
    """(operation, instance, new name or replication source) for each line of the flight plan."""
    return [(op.op, op.params.get("DBInstanceIdentifier"),
             op.params.get("NewDBInstanceIdentifier") or op.params.get("SourceDBInstanceIdentifier"))
            for op in plan.flight_plan]


STAGING = graph(
    instance("production", replicas=["production-replica"], BackupRetentionPeriod=7),
    instance("production-replica", source="production"),
    instance("staging", replicas=["staging-replica"], BackupRetentionPeriod=3),
    instance("staging-replica", source="staging"),
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
    # Given a's replica list still names c, but c replicates from b (the original's copy-tree fixture)
    tree = graph(
        instance("source", Iops=1000),
        instance("target", replicas=["a", "b"], Iops=500, TagList=[{"Key": "k", "Value": "target"}]),
        instance("a", "target", ["c"]),
        instance("b", "target", TagList=[{"Key": "k", "Value": "b"}]),
        instance("c", "b"),
    )
    plan = plan_refresh(tree, request("source", "target"))
    assert plan.clone is not None
    # Then temp-c replicates from temp-b, a level after it
    assert [[(b.name, b.create["SourceDBInstanceIdentifier"]) for b in level.replicas] for level in plan.levels] == \
        [[("a", "temp-target"), ("b", "temp-target")], [("c", "temp-b")]]
    assert plan.clone["Iops"] == 500 and own_tags(plan.clone) == [{"Key": "k", "Value": "target"}]
    assert own_tags(plan.levels[0].replicas[1].create) == [{"Key": "k", "Value": "b"}]
    # b serves a replica, so it gets backups before c is created; a and c do not need them
    assert plan.levels[0].replicas[1].enable_backups == {
        "DBInstanceIdentifier": "temp-b", "BackupRetentionPeriod": 1, "ApplyImmediately": True}
    assert plan.levels[0].replicas[0].enable_backups is None


def test_each_clone_takes_its_own_counterparts_windows_never_the_sources() -> None:
    tree = graph(
        instance("production", PreferredMaintenanceWindow="sun:01:00-sun:02:00", PreferredBackupWindow="00:00-00:30"),
        instance("staging", replicas=["staging-replica"], PreferredMaintenanceWindow="tue:02:00-tue:03:00",
                 PreferredBackupWindow="04:00-04:30"),
        instance("staging-replica", "staging", PreferredMaintenanceWindow="tue:03:00-tue:04:00"),
    )
    plan = plan_refresh(tree, request())
    installs = {swap.name: swap.renames[-1].rename for swap in plan.swaps}
    assert plan.promote is not None
    assert installs["staging"]["PreferredMaintenanceWindow"] == "tue:02:00-tue:03:00"
    assert installs["staging-replica"]["PreferredMaintenanceWindow"] == "tue:03:00-tue:04:00"
    assert installs["staging"]["PreferredBackupWindow"] == "04:00-04:30"
    assert "PreferredBackupWindow" not in plan.promote  # it could overlap the source's maintenance window
    assert "sun:01:00" not in str(plan.model_dump())


def test_settings_come_from_the_target_not_the_source() -> None:
    settings: dict[str, Any]
    settings = dict(DBInstanceClass="db.t3.small", Port=5431, MultiAZ=False, StorageType="gp3", DeletionProtection=True,
                    VpcSecurityGroups=[{"VpcSecurityGroupId": "sg-demo", "Status": "active"},
                                       {"VpcSecurityGroupId": "sg-leaving", "Status": "removing"}],
                    DBParameterGroups=[{"DBParameterGroupName": "demo-mysql8", "ParameterApplyStatus": "in-sync"}],
                    OptionGroupMemberships=[{"OptionGroupName": "demo-options", "Status": "in-sync"}],
                    MonitoringInterval=60, MonitoringRoleArn="arn:aws:iam::1:role/monitoring",
                    PerformanceInsightsEnabled=True, PerformanceInsightsRetentionPeriod=7,
                    IAMDatabaseAuthenticationEnabled=True, EnabledCloudwatchLogsExports=["error"],
                    PubliclyAccessible=False, AutoMinorVersionUpgrade=True, CopyTagsToSnapshot=True,
                    MaxAllocatedStorage=200, BackupRetentionPeriod=3, TagList=[{"Key": "env", "Value": "demo"}])
    tree = graph(instance("production", DBInstanceClass="db.r6g.large", Port=3306, MultiAZ=True,
                          BackupRetentionPeriod=7, DeletionProtection=False, KmsKeyId="prod-key"),
                 instance("staging", **settings))
    plan = plan_refresh(tree, request())
    assert plan.clone is not None
    assert own_tags(plan.clone) == [{"Key": "env", "Value": "demo"}]
    assert {k: v for k, v in plan.clone.items() if k != "Tags"} == {
        "DBInstanceIdentifier": "temp-staging", "SourceDBInstanceIdentifier": "production",
        "DBInstanceClass": "db.t3.small", "Port": 5431, "MultiAZ": False, "StorageType": "gp3",
        "VpcSecurityGroupIds": ["sg-demo"], "DBParameterGroupName": "demo-mysql8",
        "OptionGroupName": "demo-options", "MonitoringInterval": 60,
        "MonitoringRoleArn": "arn:aws:iam::1:role/monitoring", "EnablePerformanceInsights": True,
        "PerformanceInsightsRetentionPeriod": 7, "EnableIAMDatabaseAuthentication": True,
        "EnableCloudwatchLogsExports": ["error"], "PubliclyAccessible": False, "AutoMinorVersionUpgrade": True,
        "CopyTagsToSnapshot": True, "MaxAllocatedStorage": 200,
    }
    # the old target's retention, not the source's, and no KMS key on a same-region replica
    assert plan.promote == {"DBInstanceIdentifier": "temp-staging", "BackupRetentionPeriod": 3}
    assert "KmsKeyId" not in str(plan.model_dump())


def test_parameter_group_pending_reboot_is_not_copied() -> None:
    tree = graph(instance("production"), instance("staging", DBParameterGroups=[
        {"DBParameterGroupName": "changing", "ParameterApplyStatus": "pending-reboot"}]))
    clone = plan_refresh(tree, request()).clone
    assert clone is not None and "DBParameterGroupName" not in clone


def test_restart_sits_between_swap_and_delete() -> None:
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
    assert {"Key": "stack-mitosis:deletion-protection", "Value": "true"} in [t.model_dump() for t in retire.tags]
    assert plan.restores[0].reinstate["DeletionProtection"] is True
    # the copy is protected once every name is swapped: until then a broken copy can always be deleted
    assert "DeletionProtection" not in install.rename
    assert plan.protect == [{"DBInstanceIdentifier": "staging", "DeletionProtection": True, "ApplyImmediately": True}]
    # an unprotected copy can be discarded if it breaks; it is protected from the moment it holds the name
    assert plan.clone is not None and "DeletionProtection" not in plan.clone


def test_only_the_leading_temp_prefix_names_the_copy() -> None:
    tree = graph(instance("production"), instance("reports-temp-db"))
    plan = plan_refresh(tree, request(target="reports-temp-db"))
    install = plan.swaps[0].renames[1].rename
    assert install["DBInstanceIdentifier"] == "temp-reports-temp-db"
    assert install["NewDBInstanceIdentifier"] == "reports-temp-db"


def test_three_levels_deep() -> None:
    tree = graph(instance("production"), instance("staging", replicas=["l1"]), instance("l1", "staging", ["l2"]),
                 instance("l2", "l1", ["l3"]), instance("l3", "l2"))
    plan = plan_refresh(tree, request())
    assert [[b.create["SourceDBInstanceIdentifier"] for b in level.replicas] for level in plan.levels] == \
        [["temp-staging"], ["temp-l1"], ["temp-l2"]]
    assert [b.enable_backups is not None for level in plan.levels for b in level.replicas] == [True, True, False]
    assert plan.promote is not None
    assert plan.promote["BackupRetentionPeriod"] == 1  # staging had none, but it serves l1


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
    (graph(instance("production", DBInstanceStatus="modifying"), instance("staging")), "production", "staging",
     "production is modifying"),
])
def test_refusals_before_anything_changes(tree: ReplicationGraph, source: str, target: str, reason: str) -> None:
    with pytest.raises(PlanRefused, match=reason):
        plan_refresh(tree, request(source, target))


def test_undeclared_refresh_job_is_refused() -> None:
    with pytest.raises(PlanRefused, match="No refresh job from 'production' to 'staging'"):
        plan_refresh(STAGING, request(), declared=[("production", "demo")])
    assert plan_refresh(STAGING, request(), declared=[("production", "staging")]).target == "staging"


def test_no_operation_of_any_plan_names_a_source_tree_instance() -> None:
    plan = plan_refresh(STAGING, request())
    named = {v for op in plan.flight_plan for k, v in op.params.items()
             if k in ("DBInstanceIdentifier", "NewDBInstanceIdentifier")}
    assert not named & {"production", "production-replica"}
