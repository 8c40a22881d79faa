"""The planner on Aurora clusters (mitosis.aurora and the planner's generic swap): the clone and its instances as the
RDS API reference accepts them (citations in mitosis/aurora.py), the swap name by name, re-runs read from tags, and
every refusal before any change."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import botocore.session
import pytest
from botocore.validate import validate_parameters
from mitosis.errors import PlanRefused
from mitosis.models import (
    TAG_GENERATION,
    TAG_NAME,
    TAG_PROTECTED,
    TAG_REPLACED_BY,
    TAG_SOURCE,
    TAG_TARGET,
    AccountQuota,
    DBCluster,
    DBInstance,
    Plan,
    RefreshRequest,
    ReplicationGraph,
    Run,
)
from mitosis.planner import plan_refresh
from mitosis.status import Resource

RUN_1, RUN_2 = Run(name="run-1"), Run(name="run-2")
PG: dict[str, Any] = {"Engine": "aurora-postgresql", "EngineVersion": "15.4"}
KEY = "arn:aws:kms:us-west-2:123456789012:key/"


def cluster(name: str, members: Sequence[tuple[str, bool]] = (), status: str = "available",
            **settings: Any) -> DBCluster:
    fields: dict[str, Any] = {**PG, "StorageEncrypted": True, "KmsKeyId": f"{KEY}{name}", **settings}
    return DBCluster(DBClusterIdentifier=name, Status=status, DBClusterMembers=[
        {"DBInstanceIdentifier": m, "IsClusterWriter": w, "PromotionTier": 1} for m, w in members], **fields)


def member(name: str, cluster_name: str, status: str = "available", **settings: Any) -> DBInstance:
    return DBInstance(DBInstanceIdentifier=name, DBClusterIdentifier=cluster_name, DBInstanceStatus=status,
                      Engine=PG["Engine"], **settings)


def tagged(holds: str, generation: str = "run-1", **extra: str) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in {TAG_TARGET: "staging", TAG_NAME: holds, TAG_SOURCE: "production",
                                                TAG_GENERATION: generation, **extra}.items()]


def retired_tags(holds: str, protected: bool = False) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in {TAG_TARGET: "staging", TAG_NAME: holds, TAG_REPLACED_BY: "run-1",
                                                TAG_PROTECTED: str(protected).lower()}.items()]


PRODUCTION: list[Resource] = [
    cluster("production", [("production-a", True), ("production-b", False), ("production-c", False)],
            BackupRetentionPeriod=7, DeletionProtection=True, PreferredMaintenanceWindow="sun:05:00-sun:05:30"),
    *(member(f"production-{x}", "production", DBInstanceClass="db.r6g.2xlarge") for x in "abc")]
STAGING_CLUSTER = cluster(
    "staging", [("staging-2", False), ("staging-1", True)], DBSubnetGroup="staging-subnets",
    VpcSecurityGroups=[{"VpcSecurityGroupId": "sg-staging"}, {"VpcSecurityGroupId": "sg-gone", "Status": "inactive"}],
    DBClusterParameterGroup="staging-cluster-params", Port=5433, BackupRetentionPeriod=2,
    PreferredBackupWindow="03:00-03:30", PreferredMaintenanceWindow="tue:01:00-tue:01:30", DeletionProtection=True,
    CopyTagsToSnapshot=True, EnabledCloudwatchLogsExports=["postgresql"], IAMDatabaseAuthenticationEnabled=True,
    ServerlessV2ScalingConfiguration={"MinCapacity": 0.5, "MaxCapacity": 8.0}, StorageType="aurora-iopt1",
    TagList=[{"Key": "env", "Value": "staging"}])
STAGING: list[Resource] = [STAGING_CLUSTER,
           member("staging-1", "staging", DBInstanceClass="db.serverless", PromotionTier=0,
                  DBParameterGroups=[{"DBParameterGroupName": "staging-params"}], MonitoringInterval=60,
                  MonitoringRoleArn="arn:aws:iam::123456789012:role/monitoring", PerformanceInsightsEnabled=True,
                  PerformanceInsightsKMSKeyId=f"{KEY}insights", PerformanceInsightsRetentionPeriod=7,
                  PreferredMaintenanceWindow="wed:01:00-wed:01:30", PubliclyAccessible=False,
                  AutoMinorVersionUpgrade=True, TagList=[{"Key": "role", "Value": "writer"}]),
           member("staging-2", "staging", DBInstanceClass="db.t4g.medium", PromotionTier=2,
                  TagList=[{"Key": "role", "Value": "reader"}])]


def changed(resource: DBCluster, **update: Any) -> DBCluster:
    return DBCluster.model_validate({**resource.model_dump(), **update})


def graph(*resources: DBInstance | DBCluster, quotas: list[AccountQuota] | None = None) -> ReplicationGraph:
    return ReplicationGraph(region="us-west-2", instances=[r for r in resources if isinstance(r, DBInstance)],
                            clusters=[r for r in resources if isinstance(r, DBCluster)], quotas=quotas or [])


def aurora(**request: Any) -> RefreshRequest:
    return RefreshRequest.parse({"source": "production", "target": "staging", "aurora": True, **request})


def plan(*resources: DBInstance | DBCluster, run: Run = RUN_1, **request: Any) -> Plan:
    return plan_refresh(graph(*resources), aurora(**request), run)


def refusal(*resources: DBInstance | DBCluster, **request: Any) -> str:
    with pytest.raises(PlanRefused) as refused:
        plan(*resources, **request)
    return str(refused.value)


def operations(result: Plan) -> list[tuple[str, Any, Any]]:
    """(operation, what it names, its new name or source) for each line of the flight plan."""
    def second(params: dict[str, Any]) -> Any:
        joins = params.get("DBClusterIdentifier") if "DBInstanceIdentifier" in params else None
        return params.get("NewDBInstanceIdentifier") or params.get("NewDBClusterIdentifier") \
            or params.get("SourceDBClusterIdentifier") or joins

    return [(op.op, op.params.get("DBInstanceIdentifier") or op.params.get("DBClusterIdentifier"), second(op.params))
            for op in result.flight_plan]


def own(tags: list[dict[str, str]]) -> list[dict[str, str]]:
    return [t for t in tags if not t["Key"].startswith("stack-mitosis:")]


# --- the plan -----------------------------------------------------------------------------------------------------


def test_a_cluster_is_cloned_its_writer_then_its_readers_created_swapped_name_by_name_and_deleted_after() -> None:
    result = plan(*PRODUCTION, *STAGING)
    assert result.clone_method == "copy_on_write"
    assert operations(result) == [
        ("RestoreDBClusterToPointInTime", "temp-staging", "production"),
        ("CreateDBInstance", "temp-staging-1", "temp-staging"),  # the writer's copy first
        ("CreateDBInstance", "temp-staging-2", "temp-staging"),
        ("ModifyDBCluster", "staging", "old-staging"),
        ("ModifyDBCluster", "temp-staging", "staging"),
        ("ModifyDBInstance", "staging-1", "old-staging-1"),
        ("ModifyDBInstance", "temp-staging-1", "staging-1"),
        ("ModifyDBInstance", "staging-2", "old-staging-2"),
        ("ModifyDBInstance", "temp-staging-2", "staging-2"),
        ("ModifyDBCluster", "staging", None),  # the copy takes the old cluster's deletion protection
        ("DeleteDBInstance", "old-staging-2", None),
        ("DeleteDBInstance", "old-staging-1", None),
        ("DeleteDBCluster", "old-staging", None),
    ]
    assert [[b.name for b in level.replicas] for level in result.levels] == [["staging-1"], ["staging-2"]]
    assert any("first" in note and "staging-1" in note for note in result.notes)
    assert result.notes[0].startswith("Clone method: copy_on_write")


def test_the_clone_takes_every_setting_of_the_target_cluster_the_restore_accepts() -> None:
    result = plan(*PRODUCTION, *STAGING)
    assert result.root is not None
    request = result.root.create.request
    assert {k: v for k, v in request.items() if k != "Tags"} == {
        "DBClusterIdentifier": "temp-staging", "SourceDBClusterIdentifier": "production",
        "RestoreType": "copy-on-write", "UseLatestRestorableTime": True,
        "DBSubnetGroupName": "staging-subnets", "VpcSecurityGroupIds": ["sg-staging"],
        "DBClusterParameterGroupName": "staging-cluster-params", "Port": 5433, "BackupRetentionPeriod": 2,
        "EnableCloudwatchLogsExports": ["postgresql"], "EnableIAMDatabaseAuthentication": True,
        "CopyTagsToSnapshot": True, "DeletionProtection": False, "StorageType": "aurora-iopt1",
        "ServerlessV2ScalingConfiguration": {"MinCapacity": 0.5, "MaxCapacity": 8.0},
        "KmsKeyId": f"{KEY}staging",
    }
    assert own(request["Tags"]) == [{"Key": "env", "Value": "staging"}]
    # not parameters of the restore: the windows ride on the rename into place
    install = next(r.rename for s in result.swaps for r in s.renames if r.rename.get("NewDBClusterIdentifier")
                   == "staging")
    assert (install["PreferredMaintenanceWindow"], install["PreferredBackupWindow"]) == (
        "tue:01:00-tue:01:30", "03:00-03:30")


def test_each_instance_is_created_with_its_counterparts_settings_and_none_the_cluster_manages() -> None:
    result = plan(*PRODUCTION, *STAGING)
    writer, reader = (level.replicas[0].create.request for level in result.levels)
    assert {k: v for k, v in writer.items() if k != "Tags"} == {
        "DBInstanceIdentifier": "temp-staging-1", "DBClusterIdentifier": "temp-staging", "Engine": "aurora-postgresql",
        "DBInstanceClass": "db.serverless", "DBParameterGroupName": "staging-params", "PromotionTier": 0,
        "PubliclyAccessible": False, "AutoMinorVersionUpgrade": True,
        "PreferredMaintenanceWindow": "wed:01:00-wed:01:30", "MonitoringInterval": 60,
        "MonitoringRoleArn": "arn:aws:iam::123456789012:role/monitoring", "EnablePerformanceInsights": True,
        "PerformanceInsightsKMSKeyId": f"{KEY}insights", "PerformanceInsightsRetentionPeriod": 7,
    }
    assert own(writer["Tags"]) == [{"Key": "role", "Value": "writer"}]
    assert (reader["DBInstanceClass"], reader["PromotionTier"], own(reader["Tags"])) == (
        "db.t4g.medium", 2, [{"Key": "role", "Value": "reader"}])
    # an instance's rename into place carries no window: its maintenance window was set at its creation
    installs = [r.rename for s in result.swaps for r in s.renames if r.rename.get("NewDBInstanceIdentifier")
                in ("staging-1", "staging-2")]
    assert installs and all(set(i) == {"DBInstanceIdentifier", "NewDBInstanceIdentifier", "ApplyImmediately"}
                            for i in installs)


def test_without_a_final_snapshot_the_old_cluster_is_deleted_without_one() -> None:
    result = plan(*PRODUCTION, *STAGING, final_snapshot=False)
    assert [d.request() for d in result.deletes][-1] == {"DBClusterIdentifier": "old-staging",
                                                         "SkipFinalSnapshot": True}


def test_the_old_cluster_is_deleted_with_a_final_cluster_snapshot_and_its_instances_without() -> None:
    result = plan(*PRODUCTION, *STAGING)
    assert [d.request() for d in result.deletes] == [
        {"DBInstanceIdentifier": "old-staging-2", "SkipFinalSnapshot": True},
        {"DBInstanceIdentifier": "old-staging-1", "SkipFinalSnapshot": True},
        {"DBClusterIdentifier": "old-staging", "FinalDBSnapshotIdentifier": "staging-final-run-1"}]
    assert [s.model_dump() for s in result.snapshots] == [{"prefix": "staging-final-", "keep": 2, "cluster": True}]
    retire = result.swaps[0].renames[0]
    assert retire.rename == {"DBClusterIdentifier": "staging", "NewDBClusterIdentifier": "old-staging",
                             "ApplyImmediately": True, "DeletionProtection": False}
    assert {t.Key: t.Value for t in retire.tags}[TAG_PROTECTED] == "true"


def test_the_master_password_and_the_before_swap_hook_are_the_cluster_copys() -> None:
    hook = {"type": "ssm", "targets": [{"Key": "tag:app", "Values": ["x"]}], "parameters": {"commands": ["a"]}}
    result = plan(*PRODUCTION, *STAGING, master_password={
        "secret_arn": "arn:aws:secretsmanager:us-west-2:123456789012:secret:staging-pw"}, before_swap=hook)
    assert result.password is not None and result.before_swap is not None
    assert (result.password.cluster, result.password.identifier) == (True, "temp-staging")
    assert result.password.expect.model_dump(exclude_defaults=True) == {
        "DBClusterIdentifier": "temp-staging", "settled": ["MasterUserPassword"]}
    assert (result.before_swap.cluster, result.before_swap.identifier) == (True, "temp-staging")
    assert [op.op for op in result.flight_plan if "Password" in str(op.params)] == ["ModifyDBCluster"]


def test_an_aurora_mysql_clone_says_its_backtrack_window_and_a_data_api_is_noted() -> None:
    mysql = {"Engine": "aurora-mysql", "EngineVersion": "8.0.mysql_aurora.3.05.2"}
    prod: list[Resource] = [cluster("production", [("production-a", True)], **mysql),
                            member("production-a", "production")]
    old = cluster("staging", [("staging-1", True)], HttpEndpointEnabled=True, **mysql)
    result = plan(*prod, old, member("staging-1", "staging"))
    assert result.root is not None and result.root.create.request["BacktrackWindow"] == 0
    assert any("Data API" in note for note in result.notes)


def test_a_target_without_instances_is_cloned_without_any() -> None:
    result = plan(*PRODUCTION, cluster("staging"))
    assert result.levels == [] and [op.op for op in result.flight_plan][:1] == ["RestoreDBClusterToPointInTime"]


def test_the_plan_never_names_productions_cluster_or_instances_but_as_the_clones_source() -> None:
    for op in plan(*PRODUCTION, *STAGING).flight_plan:
        named = {op.params.get(k) for k in ("DBInstanceIdentifier", "DBClusterIdentifier", "NewDBInstanceIdentifier",
                                            "NewDBClusterIdentifier")}
        assert not named & {"production", "production-a", "production-b", "production-c"}, op


# --- re-runs ------------------------------------------------------------------------------------------------------


def clone_of_run_1(status: str = "available", writer: str | None = "temp-staging-1") -> list[Resource]:
    members = [(writer, True)] if writer else []
    return [cluster("temp-staging", members, status=status, TagList=tagged("staging")),
            *([member("temp-staging-1", "temp-staging", TagList=tagged("staging-1"))] if writer else [])]


def test_a_rerun_keeps_the_clone_and_the_writer_it_built_and_creates_the_rest() -> None:
    result = plan(*PRODUCTION, *STAGING, *clone_of_run_1(), run=RUN_2)
    assert result.generation == "run-1" and result.discards == []
    assert result.root is not None and result.root.create.request["DBClusterIdentifier"] == "temp-staging"


def test_a_failed_clone_is_discarded_with_its_instances() -> None:
    result = plan(*PRODUCTION, *STAGING, *clone_of_run_1(status="cloning-failed"), run=RUN_2)
    assert [d.request() for d in result.discards] == [
        {"DBInstanceIdentifier": "temp-staging-1", "SkipFinalSnapshot": True},
        {"DBClusterIdentifier": "temp-staging", "SkipFinalSnapshot": True}]
    assert [op.op for op in result.flight_plan][:3] == ["DeleteDBInstance", "DeleteDBCluster",
                                                        "RestoreDBClusterToPointInTime"]


def test_a_failed_writer_takes_the_clone_with_it_a_failed_reader_goes_alone() -> None:
    failed_writer: list[Resource] = [cluster("temp-staging", [("temp-staging-1", True), ("temp-staging-2", False)],
                             TagList=tagged("staging")),
                     member("temp-staging-1", "temp-staging", status="failed", TagList=tagged("staging-1")),
                     member("temp-staging-2", "temp-staging", TagList=tagged("staging-2"))]
    assert [d.identifier for d in plan(*PRODUCTION, *STAGING, *failed_writer, run=RUN_2).discards] == [
        "temp-staging-1", "temp-staging-2", "temp-staging"]
    failed_reader: list[Resource] = [*failed_writer[:1],
                                     member("temp-staging-1", "temp-staging", TagList=tagged("staging-1")),
                     member("temp-staging-2", "temp-staging", status="failed", TagList=tagged("staging-2"))]
    assert [d.identifier for d in plan(*PRODUCTION, *STAGING, *failed_reader, run=RUN_2).discards] == [
        "temp-staging-2"]


def test_a_clone_whose_writer_is_not_the_old_writers_copy_is_discarded() -> None:
    # the writer's copy failed over to the reader's: the names would swap writer and reader
    wrong: list[Resource] = [cluster("temp-staging", [("temp-staging-1", False), ("temp-staging-2", True)],
                                     TagList=tagged("staging")),
             member("temp-staging-1", "temp-staging", TagList=tagged("staging-1")),
             member("temp-staging-2", "temp-staging", TagList=tagged("staging-2"))]
    assert [d.identifier for d in plan(*PRODUCTION, *STAGING, *wrong, run=RUN_2).discards] == [
        "temp-staging-1", "temp-staging-2", "temp-staging"]


def test_a_half_done_swap_is_finished_from_the_tags() -> None:
    # run-1 retired the cluster and its writer, and installed the cluster's copy; the instances' copies wait
    old: list[Resource] = [cluster("old-staging", [("old-staging-2", False), ("old-staging-1", True)],
                                   DeletionProtection=False,
                   TagList=retired_tags("staging", protected=True)),
           member("old-staging-1", "old-staging", TagList=retired_tags("staging-1")),
           member("staging-2", "old-staging", TagList=[{"Key": "role", "Value": "reader"}])]
    copy: list[Resource] = [cluster("staging", [("temp-staging-1", True), ("temp-staging-2", False)],
                                    TagList=tagged("staging")),
            member("temp-staging-1", "staging", TagList=tagged("staging-1")),
            member("temp-staging-2", "staging", TagList=tagged("staging-2"))]
    result = plan(*PRODUCTION, *old, *copy, run=RUN_2)
    assert result.root is None and result.generation == "run-1"
    assert [(r.rename.get("DBInstanceIdentifier") or r.rename["DBClusterIdentifier"]) for s in result.swaps
            for r in s.renames] == ["temp-staging-1", "staging-2", "temp-staging-2"]
    assert [p.model_dump() for p in result.protect] == [{"DBClusterIdentifier": "staging"}]
    assert [d.identifier for d in result.deletes] == ["old-staging-2", "old-staging-1", "old-staging"]
    assert [r.name for r in result.restores] == ["staging", "staging-1", "staging-2"]


# --- refusals ------------------------------------------------------------------------------------------------------


def test_a_job_must_declare_the_kind_of_its_target() -> None:
    # IAM grants a job the cluster actions only when it declares aurora
    assert refusal(*PRODUCTION, *STAGING, aurora=False) == (
        "'production' and 'staging' are Aurora DB clusters, but the refresh job declares aurora: false: IAM grants a "
        "job only the actions of the kind it declares. Declare aurora: true in the job (cdk.json refresh_jobs).")
    instances = [DBInstance(DBInstanceIdentifier=name, Engine="postgres") for name in ("production", "staging")]
    assert refusal(*instances) == (
        "'production' and 'staging' are RDS instances, but the refresh job declares aurora: true: IAM grants a job "
        "only the actions of the kind it declares. Declare aurora: false in the job (cdk.json refresh_jobs).")


def test_an_instance_refresh_leaves_alone_a_cluster_tagged_for_its_target() -> None:
    # a cluster an Aurora refresh of another deployment left, tagged for a target of the same name, is not a copy
    # of this instance refresh: neither discarded nor deleted
    stray = cluster("temp-staging-reports", TagList=tagged("staging-reports", generation="run-0"))
    instances = [DBInstance(DBInstanceIdentifier=name, Engine="postgres", EngineVersion="15.4")
                 for name in ("production", "staging")]
    result = plan(*instances, stray, aurora=False)
    assert result.discards == []
    assert "temp-staging-reports" not in {op.params.get("DBClusterIdentifier") for op in result.flight_plan}


def test_an_instance_and_a_cluster_are_refused_either_way() -> None:
    instance_target = DBInstance(DBInstanceIdentifier="staging", Engine="postgres")
    assert "Aurora DB cluster and target 'staging' is an RDS instance" in refusal(*PRODUCTION, instance_target)
    instance_source = DBInstance(DBInstanceIdentifier="production", Engine="postgres")
    assert "source 'production' is an RDS instance" in refusal(instance_source, *STAGING)


@pytest.mark.parametrize(("change", "says"), [
    pytest.param({"Engine": "aurora-mysql", "EngineVersion": "8.0.mysql_aurora.3.05.2"}, "and 'staging' aurora-mysql",
                 id="engines-differ"),
    pytest.param({"EngineVersion": "16.2"}, "Upgrade the target", id="major-versions-differ"),
    pytest.param({"EngineMode": "serverless"}, "Aurora Serverless v1", id="serverless-v1"),
    pytest.param({"GlobalClusterIdentifier": "world"}, "Global Database 'world'", id="global-database"),
    pytest.param({"ReplicationSourceIdentifier": "arn:aws:rds:eu-west-1:123456789012:cluster:other"},
                 "read replica", id="cross-region-replica"),
    pytest.param({"ReadReplicaIdentifiers": ["arn:aws:rds:eu-west-1:123456789012:cluster:far"]}, "replica clusters",
                 id="has-cross-region-replicas"),
    pytest.param({"Engine": "postgres", "DBClusterInstanceClass": "db.m6gd.large"}, "Multi-AZ DB cluster",
                 id="multi-az-db-cluster"),
    pytest.param({"ClusterScalabilityType": "limitless"}, "Limitless", id="limitless"),
    pytest.param({"StorageEncrypted": False}, "is not", id="unencrypted-target"),
    pytest.param({"MasterUserSecret": {"SecretArn": "arn:aws:secretsmanager:x"}}, "Secrets Manager",
                 id="managed-master-password"),
    pytest.param({"Status": "modifying"}, "staging is modifying", id="busy-target"),
])
def test_a_target_cluster_that_cannot_be_refreshed_is_refused(change: dict[str, Any], says: str) -> None:
    assert says in refusal(*PRODUCTION, changed(STAGING_CLUSTER, **change), *STAGING[1:])


@pytest.mark.parametrize(("change", "says"), [
    pytest.param({"EngineMode": "serverless"}, "Source 'production' is an Aurora Serverless v1", id="serverless-v1"),
    pytest.param({"GlobalClusterIdentifier": "world"}, "Global Database", id="global-database"),
    pytest.param({"DBClusterMembers": []}, "has no DB instance", id="no-instances"),
    pytest.param({"Status": "stopped"}, "is stopped", id="stopped"),
    pytest.param({"StorageEncrypted": False}, "is encrypted but production's cluster", id="unencrypted-production"),
])
def test_a_production_cluster_that_cannot_be_cloned_is_refused(change: dict[str, Any], says: str) -> None:
    assert isinstance(PRODUCTION[0], DBCluster)
    production = changed(PRODUCTION[0], **change)
    assert says in refusal(production, *PRODUCTION[1:], *STAGING)


def test_a_clone_method_for_instances_is_refused() -> None:
    assert "copy-on-write" in refusal(*PRODUCTION, *STAGING, clone={"method": "point_in_time"})


def test_an_instance_not_named_after_its_cluster_is_refused() -> None:
    stray = changed(STAGING_CLUSTER, DBClusterMembers=[
        *STAGING_CLUSTER.model_dump()["DBClusterMembers"], {"DBInstanceIdentifier": "reporting"}])
    assert "'reporting' of cluster 'staging' is not named 'staging-...'" in refusal(
        *PRODUCTION, stray, *STAGING[1:], member("reporting", "staging"))


def test_names_that_would_be_too_long_are_refused() -> None:
    name = "staging-" + "x" * 52  # 60 characters: old-/temp- would be 64
    long_member = changed(STAGING_CLUSTER, DBClusterMembers=[{"DBInstanceIdentifier": name}])
    assert "characters; RDS allows 63" in refusal(*PRODUCTION, long_member, member(name, "staging"))


def test_quotas_are_checked_before_anything_is_created() -> None:
    with pytest.raises(PlanRefused, match="of its 4 DB clusters"):
        plan_refresh(graph(*PRODUCTION, *STAGING, quotas=[AccountQuota(AccountQuotaName="DBClusters", Used=4, Max=4)]),
                     aurora(), RUN_1)
    with pytest.raises(PlanRefused, match="of its 6 DB instances; the refresh needs 2"):
        plan_refresh(graph(*PRODUCTION, *STAGING, quotas=[AccountQuota(AccountQuotaName="DBInstances", Used=5, Max=6)]),
                     aurora(), RUN_1)


def test_a_source_named_as_the_targets_copy_or_old_cluster_is_refused() -> None:
    # the clone an earlier run left is not production, however it is named in the input
    clone = clone_of_run_1()
    assert refusal(*PRODUCTION, *STAGING, *clone, source="temp-staging") == (
        "Source 'temp-staging' is one of the names a refresh of 'staging' uses for its copy and its old cluster: "
        "name production's DB cluster.")


def test_a_temp_cluster_the_workflow_did_not_make_is_refused() -> None:
    foreign = cluster("temp-staging", TagList=[{"Key": "owner", "Value": "someone"}])
    assert "did not create are in the way (temp-staging)" in refusal(*PRODUCTION, *STAGING, foreign)
    # with an instance of its own, it is still named as what is in the way (not as one of the target's instances)
    with_instance: list[Resource] = [cluster("temp-staging", [("temp-staging-1", True)]),
                                     member("temp-staging-1", "temp-staging")]
    assert "did not create are in the way (temp-staging" in refusal(*PRODUCTION, *STAGING, *with_instance)


def test_every_request_of_the_plan_is_one_the_rds_api_reference_accepts() -> None:
    # botocore's rds service model is the API reference: each call's parameters validate against its input shape
    # (RestoreDBClusterToPointInTime takes no PreferredMaintenanceWindow: the windows ride on the rename), and a
    # cluster's instance is sent none of the settings "managed by the DB cluster" (CreateDBInstance)
    model = botocore.session.get_session().get_service_model("rds")
    hook = {"type": "ssm", "targets": [{"Key": "tag:app", "Values": ["x"]}]}
    result = plan(*PRODUCTION, *STAGING, master_password={
        "secret_arn": "arn:aws:secretsmanager:us-west-2:123456789012:secret:pw"}, before_swap=hook)
    calls = [op for op in result.flight_plan if op.op in model.operation_names]
    assert {op.op for op in calls} == {"RestoreDBClusterToPointInTime", "CreateDBInstance", "ModifyDBCluster",
                                       "ModifyDBInstance", "DeleteDBInstance", "DeleteDBCluster"}
    for op in calls:
        validate_parameters(op.params, model.operation_model(op.op).input_shape)
    managed = {"MasterUserPassword", "VpcSecurityGroupIds", "BackupRetentionPeriod", "PreferredBackupWindow", "Port",
               "EngineVersion", "StorageType", "StorageEncrypted", "KmsKeyId", "AllocatedStorage", "OptionGroupName",
               "MultiAZ", "CopyTagsToSnapshot", "EnableIAMDatabaseAuthentication", "EnableCloudwatchLogsExports",
               "DeletionProtection"}
    assert not [op for op in calls if op.op == "CreateDBInstance" and managed & set(op.params)]


# --- the refusals in full (the only thing a failed scheduled refresh tells its user) ---------------------------------


MYSQL: dict[str, Any] = {"Engine": "aurora-mysql", "EngineVersion": "8.0.mysql_aurora.3.05.2"}
REPLICA_ARN = "arn:aws:rds:eu-west-1:123456789012:cluster:"


def production_with(**change: Any) -> list[Resource]:
    assert isinstance(PRODUCTION[0], DBCluster)
    return [changed(PRODUCTION[0], **change), *PRODUCTION[1:]]


def staging_with(**change: Any) -> list[Resource]:
    return [changed(STAGING_CLUSTER, **change), *STAGING[1:]]


@pytest.mark.parametrize(("resources", "message"), [
    pytest.param([*PRODUCTION, DBInstance(DBInstanceIdentifier="staging", Engine="postgres")],
                 "Source 'production' is an Aurora DB cluster and target 'staging' is an RDS instance: an Aurora "
                 "cluster is refreshed into an Aurora cluster only (name the target's DB cluster).",
                 id="instance-target"),
    pytest.param([*PRODUCTION],
                 "Source 'production' is an Aurora DB cluster and target 'staging' is no DB cluster of this region: "
                 "an Aurora cluster is refreshed into an Aurora cluster only (name the target's DB cluster).",
                 id="no-target"),
    pytest.param([DBInstance(DBInstanceIdentifier="production", Engine="postgres"), *STAGING],
                 "Target 'staging' is an Aurora DB cluster and source 'production' is an RDS instance: an Aurora "
                 "cluster is refreshed from an Aurora cluster only (name production's DB cluster).",
                 id="instance-source"),
    pytest.param([*PRODUCTION, *staging_with(Engine="aurora", EngineVersion="5.6.10a")],
                 "Target 'staging' runs aurora: only Aurora MySQL and Aurora PostgreSQL clusters are cloned (a "
                 "Multi-AZ DB cluster is not an Aurora cluster).", id="aurora-mysql-1"),
    pytest.param([*PRODUCTION, *staging_with(Engine="postgres", DBClusterInstanceClass="db.m6gd.large")],
                 "Target 'staging' runs postgres: only Aurora MySQL and Aurora PostgreSQL clusters are cloned (a "
                 "Multi-AZ DB cluster is not an Aurora cluster).", id="multi-az-db-cluster"),
    pytest.param([*production_with(EngineMode="serverless"), *STAGING],
                 "Source 'production' is an Aurora Serverless v1 cluster: only provisioned clusters (and Aurora "
                 "Serverless v2, whose instances are db.serverless) are refreshed.", id="serverless-v1-source"),
    pytest.param([*PRODUCTION, *staging_with(EngineMode="multimaster")],
                 "Target 'staging' is in engine mode multimaster: only provisioned clusters (and Aurora Serverless v2, "
                 "whose instances are db.serverless) are refreshed.", id="multi-master-target"),
    pytest.param([*PRODUCTION, *staging_with(GlobalClusterIdentifier="world")],
                 "Target 'staging' is a member of Global Database 'world': a refresh would change the global "
                 "database; refresh a cluster of its own.", id="global-database"),
    pytest.param([*PRODUCTION, *staging_with(ClusterScalabilityType="limitless")],
                 "Target 'staging' is an Aurora Limitless Database, which is not cloned this way.", id="limitless"),
    pytest.param([*PRODUCTION, *staging_with(ReplicationSourceIdentifier=f"{REPLICA_ARN}other")],
                 f"Target 'staging' is a read replica of '{REPLICA_ARN}other': a replica cluster is not refreshed (its "
                 "source is).", id="replica-cluster"),
    pytest.param([*PRODUCTION, *staging_with(ReadReplicaIdentifiers=[f"{REPLICA_ARN}far", f"{REPLICA_ARN}farther"])],
                 f"Target 'staging' has replica clusters ({REPLICA_ARN}far, {REPLICA_ARN}farther), which this tool "
                 "cannot recreate.", id="replica-clusters"),
    pytest.param([*production_with(DBClusterMembers=[]), *STAGING],
                 "Production cluster 'production' has no DB instance: Aurora cannot clone a cluster that has no DB "
                 "instances.", id="production-without-instances"),
    pytest.param([*production_with(Status="stopped"), *STAGING],
                 "Production cluster 'production' is stopped: it cannot be cloned until it is available again.",
                 id="production-stopped"),
    pytest.param([*PRODUCTION, changed(STAGING_CLUSTER, Status="modifying"), STAGING[1],
                  member("staging-2", "staging", status="rebooting")],
                 "A refresh needs the target cluster available, but staging is modifying; staging-2 is rebooting.",
                 id="target-busy"),
    pytest.param([*PRODUCTION, *staging_with(**MYSQL)],
                 "'production' runs aurora-postgresql and 'staging' aurora-mysql: a clone of production cannot keep "
                 "the target's engine.", id="engines-differ"),
    pytest.param([*production_with(**MYSQL), *staging_with(Engine="aurora-mysql",
                                                           EngineVersion="5.7.mysql_aurora.2.11.2")],
                 "'production' runs aurora-mysql 8.0 and 'staging' 5.7: the clone would run 8.0, which the target's "
                 "parameter groups are not for. Upgrade the target to production's major version first.",
                 id="major-versions-differ"),
    pytest.param([*production_with(StorageEncrypted=False), *STAGING],
                 "'staging' is encrypted but production's cluster 'production' is not: RDS clones an unencrypted "
                 "cluster unencrypted, and takes no key for it.", id="unencrypted-production"),
    pytest.param([*PRODUCTION, *staging_with(StorageEncrypted=False)],
                 "Production's cluster 'production' is encrypted but 'staging' is not: its clone would be encrypted "
                 "(encryption cannot be turned off). Encrypt the target, or refresh another one.",
                 id="unencrypted-target"),
    pytest.param([*PRODUCTION, *staging_with(MasterUserSecret={"SecretArn": "arn:aws:secretsmanager:x"})],
                 "'staging' has its master password managed by RDS in Secrets Manager (ManageMasterUserPassword): RDS "
                 "deletes that secret with the old cluster, and the clone cannot take it over. Turn it off on the "
                 "target, or use master_password with a secret of your own.", id="managed-master-password"),
])
def test_a_refusal_says_what_is_wrong_and_what_to_do_in_full(resources: list[Resource], message: str) -> None:
    assert refusal(*resources) == message


def test_a_clone_method_for_instances_is_refused_in_full() -> None:
    assert refusal(*PRODUCTION, *STAGING, clone={"method": "point_in_time"}) == (
        "An Aurora cluster is refreshed by an Aurora clone (copy-on-write), not the clone method point_in_time, which "
        "is for RDS instances: leave clone out.")


def test_a_name_too_long_is_refused_in_full_and_one_of_63_characters_is_not() -> None:
    # given an instance whose temp- name would be 65 characters (its old- name 64)
    name = "staging-" + "x" * 52
    long_member = changed(STAGING_CLUSTER, DBClusterMembers=[{"DBInstanceIdentifier": name}])
    assert refusal(*PRODUCTION, long_member, member(name, "staging")) == (
        f"'temp-{name}' would be 65 characters; RDS allows 63: shorten the target's names.")
    # given one whose temp- name is exactly RDS's 63 characters
    longest = "staging-" + "x" * 50
    longest_member = changed(STAGING_CLUSTER, DBClusterMembers=[{"DBInstanceIdentifier": longest}])
    result = plan(*PRODUCTION, longest_member, member(longest, "staging"))
    assert [b.create.request["DBInstanceIdentifier"] for level in result.levels for b in level.replicas] == [
        f"temp-{longest}"]


def test_a_quota_refusal_says_the_use_the_need_and_what_to_do() -> None:
    quotas = [AccountQuota(AccountQuotaName="DBClusters", Used=4, Max=4)]
    with pytest.raises(PlanRefused) as refused:
        plan_refresh(graph(*PRODUCTION, *STAGING, quotas=quotas), aurora(), RUN_1)
    assert str(refused.value) == ("The account uses 4 of its 4 DB clusters; the refresh needs 1 more until the old "
                                  "ones are deleted. Raise the quota or free some.")


def test_a_refresh_that_fills_its_quotas_exactly_is_planned() -> None:
    # one cluster and two instances more reach both maximums without passing them
    quotas = [AccountQuota(AccountQuotaName="DBClusters", Used=3, Max=4),
              AccountQuota(AccountQuotaName="DBInstances", Used=4, Max=6)]
    result = plan_refresh(graph(*PRODUCTION, *STAGING, quotas=quotas), aurora(), RUN_1)
    assert result.clone_method == "copy_on_write"


def test_a_rerun_whose_target_cluster_is_gone_is_refused_rather_than_taking_the_clone_for_it() -> None:
    # given run-1's clone, and no cluster under the target's name any more
    # then the clone does not stand in for the old cluster (its settings would be production's)
    assert refusal(*PRODUCTION, *clone_of_run_1(), run=RUN_2) == (
        "Target DB cluster 'staging' does not exist in us-west-2.")


def test_a_cluster_described_as_provisioned_is_refreshed() -> None:
    # DescribeDBClusters gives a provisioned cluster (and an Aurora Serverless v2 one) EngineMode provisioned
    result = plan(*production_with(EngineMode="provisioned"), *staging_with(EngineMode="provisioned"))
    assert result.clone_method == "copy_on_write"


def test_aurora_postgresql_clusters_of_one_major_version_are_refreshed_whatever_their_minor_versions() -> None:
    # the cluster parameter group family is aurora-postgresql15 for 15.4 and 15.6 alike
    result = plan(*PRODUCTION, *staging_with(EngineVersion="15.6"))
    assert result.clone_method == "copy_on_write"


# --- what the plan says, and what each copy takes ------------------------------------------------------------------


def test_the_notes_say_the_clone_and_the_order_of_the_instances_in_full() -> None:
    assert plan(*PRODUCTION, *STAGING).notes == [
        "Clone method: copy_on_write: an Aurora clone of production's cluster 'production' at its latest restorable "
        "time, sharing production's storage until either side writes.",
        "staging: the copy of its writer staging-1 is created first (the first instance of a cluster is its writer), "
        "then the readers'."]


def test_a_data_api_to_turn_on_again_is_noted_in_full() -> None:
    result = plan(*production_with(**MYSQL), *staging_with(HttpEndpointEnabled=True, **MYSQL))
    assert "staging: the RDS Data API (HTTP endpoint) is not a setting a clone takes; turn it on again after the " \
           "refresh (EnableHttpEndpoint)." in result.notes


def test_an_unencrypted_clone_is_asked_for_no_key() -> None:
    # RestoreDBClusterToPointInTime.KmsKeyId: "If DBClusterIdentifier refers to a DB cluster that isn't encrypted,
    # then the restore request is rejected": a key the description still carries is not sent
    result = plan(*production_with(StorageEncrypted=False), *staging_with(StorageEncrypted=False))
    assert result.root is not None and "KmsKeyId" not in result.root.create.request


def test_an_instance_with_monitoring_and_insights_off_is_created_without_their_leftover_settings() -> None:
    # CreateDBInstance: "If MonitoringRoleArn is specified, then you must set MonitoringInterval to a value other
    # than 0"; the Performance Insights key and retention go with Performance Insights on
    off = member("staging-1", "staging", DBInstanceClass="db.r6g.large", MonitoringInterval=0,
                 MonitoringRoleArn="arn:aws:iam::123456789012:role/monitoring", PerformanceInsightsEnabled=False,
                 PerformanceInsightsKMSKeyId=f"{KEY}insights", PerformanceInsightsRetentionPeriod=7)
    writer = plan(*PRODUCTION, STAGING_CLUSTER, off, STAGING[2]).levels[0].replicas[0].create.request
    assert {k: v for k, v in writer.items() if k != "Tags"} == {
        "DBInstanceIdentifier": "temp-staging-1", "DBClusterIdentifier": "temp-staging", "Engine": "aurora-postgresql",
        "DBInstanceClass": "db.r6g.large", "MonitoringInterval": 0, "EnablePerformanceInsights": False}


def test_each_instance_copy_is_awaited_with_its_parameter_group_in_effect() -> None:
    # the writer's copy has a parameter group of its own: it is not ready until the group's parameters apply; the
    # reader's has the default one
    writer, reader = (level.replicas[0].create.expect for level in plan(*PRODUCTION, *STAGING).levels)
    assert (writer.DBInstanceIdentifier, writer.parameter_group, writer.parameters_in_sync) == (
        "temp-staging-1", "staging-params", True)
    assert (reader.DBInstanceIdentifier, reader.parameter_group, reader.parameters_in_sync) == (
        "temp-staging-2", None, False)


# --- re-runs mid-swap read the old view ------------------------------------------------------------------------------


def test_a_rerun_after_both_instances_were_retired_deletes_the_old_writer_last() -> None:
    # given run-1 swapped the cluster and its writer staging-2, and retired the reader staging-1 (Describe lists
    # the instances by name: the old reader first)
    old: list[Resource] = [
        cluster("old-staging", [("old-staging-1", False), ("old-staging-2", True)], DeletionProtection=False,
                TagList=retired_tags("staging")),
        member("old-staging-1", "old-staging", TagList=retired_tags("staging-1")),
        member("old-staging-2", "old-staging", TagList=retired_tags("staging-2"))]
    copy: list[Resource] = [
        cluster("staging", [("staging-2", True), ("temp-staging-1", False)], TagList=tagged("staging")),
        member("staging-2", "staging", TagList=tagged("staging-2")),
        member("temp-staging-1", "staging", TagList=tagged("staging-1"))]
    result = plan(*PRODUCTION, old[0], copy[0], old[1], old[2], copy[1], copy[2], run=RUN_2)
    # then the old cluster's writer is still known from its members: its instance is deleted after the reader's
    # (no failover in the old cluster), and a rollback puts it back first
    assert [(r.rename.get("DBInstanceIdentifier"), r.rename.get("NewDBInstanceIdentifier")) for s in result.swaps
            for r in s.renames] == [("temp-staging-1", "staging-1")]
    assert [d.identifier for d in result.deletes] == ["old-staging-1", "old-staging-2", "old-staging"]
    assert [r.name for r in result.restores] == ["staging", "staging-2", "staging-1"]


def test_a_clone_left_by_a_refresh_from_another_source_is_discarded() -> None:
    # given a clone an earlier refresh of staging from another source left (as for instances: start over)
    elsewhere = {TAG_SOURCE: "elsewhere"}
    stale: list[Resource] = [
        cluster("temp-staging", [("temp-staging-1", True)], TagList=tagged("staging", "run-0", **elsewhere)),
        member("temp-staging-1", "temp-staging", TagList=tagged("staging-1", "run-0", **elsewhere))]
    result = plan(*PRODUCTION, *STAGING, *stale, run=RUN_2)
    assert [d.identifier for d in result.discards] == ["temp-staging-1", "temp-staging"]


def test_an_instance_copy_installed_before_the_clusters_copy_still_counts_as_the_target_clusters() -> None:
    # run-1 installed the writer's copy under its name (its old instance failed and was dropped: no old- left), but
    # the cluster's copy is still temp-staging and the old cluster still holds the name with its reader
    old: list[Resource] = [changed(STAGING_CLUSTER, DBClusterMembers=[
                               {"DBInstanceIdentifier": "staging-2", "IsClusterWriter": True, "PromotionTier": 1}]),
                           member("staging-2", "staging", TagList=[{"Key": "role", "Value": "reader"}])]
    copy: list[Resource] = [cluster("temp-staging", [("staging-1", True), ("temp-staging-2", False)],
                                    TagList=tagged("staging")),
                            member("staging-1", "temp-staging", TagList=tagged("staging-1")),
                            member("temp-staging-2", "temp-staging", TagList=tagged("staging-2"))]
    result = plan(*PRODUCTION, *old, *copy, run=RUN_2)
    # Then the installed copy is one of the target cluster's names, to roll back with the others
    assert sorted(r.name for r in result.restores) == ["staging", "staging-1", "staging-2"]
