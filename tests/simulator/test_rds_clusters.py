"""Aurora DB clusters in the simulated RDS (simulator/rds/clusters.py), each behaviour pinned to the AWS text it
follows: the botocore rds service model (the RDS API reference: "botocore rds service model, Operation.Parameter"),
the Aurora User Guide pages "Cloning a volume for an Amazon Aurora DB cluster" (Aurora.Managing.Clone.html),
"Modifying an Amazon Aurora DB cluster" (Aurora.Modifying.html), "Deleting Aurora DB clusters and DB instances"
(USER_DeleteCluster.html) and "Restoring a DB cluster to a specified time" (aurora-pitr.html). Where AWS documents
nothing (an error code, a duration, a status), the test says so and pins the simulator's assumption. moto 5.2.5
differs in most of these: it keeps a renamed cluster's instances behind, replaces a cluster restored or renamed onto
an existing name, ignores RestoreType, gives every clone Aurora MySQL's parameter group and no security group, drops
IAM authentication and log exports from a clone, and deletes instances and clusters at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from simulator.aws import SimulatedAWS
from simulator.latency import Latency

L = Latency()
KEY = "arn:aws:kms:us-west-2:123456789012:key/"
CLUSTER_WORLD: dict[str, Any] = {
    "region": "us-west-2",
    "rds": {
        "subnet_groups": [{"DBSubnetGroupName": "prod-subnets", "VpcId": "prod-vpc"},
                          {"DBSubnetGroupName": "staging-subnets", "VpcId": "staging-vpc"}],
        "clusters": [
            {"DBClusterIdentifier": "prod", "Engine": "aurora-postgresql", "EngineVersion": "15.4",
             "MasterUsername": "admin", "MasterUserPassword": "prod-secret", "DBSubnetGroupName": "prod-subnets",
             "DBClusterParameterGroupName": "prod-cluster-params", "VpcSecurityGroupIds": ["sg-prod"],
             "StorageEncrypted": True, "KmsKeyId": f"{KEY}prod", "BackupRetentionPeriod": 7, "Port": 5432,
             "EnableCloudwatchLogsExports": ["postgresql"], "EnableIAMDatabaseAuthentication": True,
             "DeletionProtection": True, "Tags": [{"Key": "env", "Value": "prod"}]},
            {"DBClusterIdentifier": "staging", "Engine": "aurora-postgresql", "EngineVersion": "15.4",
             "MasterUsername": "admin", "MasterUserPassword": "staging-secret", "DBSubnetGroupName": "staging-subnets",
             "VpcSecurityGroupIds": ["sg-staging"], "Port": 5433},
            {"DBClusterIdentifier": "empty", "Engine": "aurora-mysql", "EngineVersion": "8.0.mysql_aurora.3.05.2",
             "MasterUsername": "admin", "MasterUserPassword": "empty-secret"},
        ],
        "instances": [
            {"DBInstanceIdentifier": "prod-1", "DBClusterIdentifier": "prod", "DBInstanceClass": "db.r6g.large"},
            {"DBInstanceIdentifier": "prod-2", "DBClusterIdentifier": "prod", "DBInstanceClass": "db.r6g.large",
             "PromotionTier": 3},
            {"DBInstanceIdentifier": "prod-3", "DBClusterIdentifier": "prod", "DBInstanceClass": "db.r6g.xlarge",
             "PromotionTier": 2},
            {"DBInstanceIdentifier": "staging-1", "DBClusterIdentifier": "staging", "DBInstanceClass": "db.t4g.medium"},
        ],
    },
}


@pytest.fixture
def sim(make_sim: Callable[..., SimulatedAWS]) -> SimulatedAWS:
    return make_sim(CLUSTER_WORLD)


def cluster(rds: Any, identifier: str) -> dict[str, Any]:
    return dict(rds.describe_db_clusters(DBClusterIdentifier=identifier)["DBClusters"][0])


def instance(rds: Any, identifier: str) -> dict[str, Any]:
    return dict(rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0])


def members(rds: Any, identifier: str) -> dict[str, bool]:
    return {m["DBInstanceIdentifier"]: m["IsClusterWriter"] for m in cluster(rds, identifier)["DBClusterMembers"]}


def refused(call: Callable[[], Any]) -> str:
    with pytest.raises(ClientError) as excinfo:
        call()
    return str(excinfo.value.response["Error"]["Code"])


def clone(rds: Any, name: str = "temp-staging", source: str = "prod", **settings: Any) -> dict[str, Any]:
    return dict(rds.restore_db_cluster_to_point_in_time(
        DBClusterIdentifier=name, SourceDBClusterIdentifier=source, RestoreType="copy-on-write",
        UseLatestRestorableTime=True, **settings)["DBCluster"])


def clone_available(rds: Any, clock: Any, name: str = "temp-staging", **settings: Any) -> None:
    clone(rds, name, **settings)
    clock.t += L.clone_cluster


def add_instance(rds: Any, name: str, cluster_name: str = "temp-staging", **settings: Any) -> dict[str, Any]:
    request = {"Engine": "aurora-postgresql", "DBInstanceClass": "db.t4g.medium", **settings}
    return dict(rds.create_db_instance(DBInstanceIdentifier=name, DBClusterIdentifier=cluster_name,
                                       **request)["DBInstance"])


def origins(sim: SimulatedAWS) -> dict[str, Any]:
    return {c["DBClusterIdentifier"]: c["data_origin"] for c in sim.clusters_report()}


# --- the world -------------------------------------------------------------------------------------------------


def test_a_worlds_clusters_come_before_its_instances_and_the_first_instance_is_the_writer(sim, rds):
    """User Guide "Restoring a DB cluster to a specified time": "The primary instance is the first instance that is
    created in a DB cluster." DBClusterMember.IsClusterWriter: "Indicates whether the cluster member is the primary
    DB instance for the DB cluster." A cluster's instances take its engine, port, security groups and subnet group
    (CreateDBInstance.Port: "The port number is managed by the cluster"; VpcSecurityGroupIds: "managed by the DB
    cluster")."""
    assert members(rds, "prod") == {"prod-1": True, "prod-2": False, "prod-3": False}
    assert cluster(rds, "prod")["Status"] == "available"
    member = instance(rds, "staging-1")
    assert (member["Engine"], member["DBClusterIdentifier"], member["Endpoint"]["Port"]) == (
        "aurora-postgresql", "staging", 5433)
    assert [g["VpcSecurityGroupId"] for g in member["VpcSecurityGroups"]] == ["sg-staging"]
    assert member["DBSubnetGroup"]["DBSubnetGroupName"] == "staging-subnets"
    assert origins(sim) == {"empty": "empty", "prod": "prod", "staging": "staging"}
    assert {i["DBInstanceIdentifier"]: i["data_origin"] for i in sim.instances_report()}["prod-2"] == "prod"


def test_a_cluster_without_a_parameter_group_gets_its_engines_default_one(rds):
    """CreateDBCluster.DBClusterParameterGroupName: "If this argument is omitted, the default DB cluster parameter
    group for the specified engine is used" (moto gives Aurora MySQL 8.0's, whatever the engine);
    StorageType: "Default: aurora (Aurora DB clusters)"."""
    assert cluster(rds, "staging")["DBClusterParameterGroup"] == "default.aurora-postgresql15"
    assert cluster(rds, "empty")["DBClusterParameterGroup"] == "default.aurora-mysql8.0"
    assert cluster(rds, "staging")["StorageType"] == "aurora"


def test_an_aurora_instance_has_no_automated_snapshot_of_its_own(rds):
    """The cluster's volume is backed up, not its instances: DeleteDBCluster "When you delete a DB cluster, all
    automated backups for that DB cluster are deleted"; CreateDBInstance.BackupRetentionPeriod: "The retention
    period for automated backups is managed by the DB cluster." The simulator takes no instance snapshot of them,
    and no daily backup window makes them `backing-up` (which status an Aurora backup shows is undocumented)."""
    snapshots = rds.describe_db_snapshots(SnapshotType="automated")["DBSnapshots"]
    assert not [s for s in snapshots if s["DBInstanceIdentifier"].startswith(("prod-", "staging-"))]


# --- RestoreDBClusterToPointInTime -------------------------------------------------------------------------------


def test_a_copy_on_write_clone_is_creating_then_available_with_the_sources_data_and_no_instances(sim, rds, clock):
    """RestoreDBClusterToPointInTime.RestoreType: "copy-on-write - The new DB cluster is restored as a clone of the
    source DB cluster." The operation "only restores the DB cluster, not the DB instances for that DB cluster".
    How long a clone takes is undocumented ("The process is designed to be fast", User Guide): clone_cluster."""
    assert clone(rds)["Status"] == "creating"
    clock.t = L.clone_cluster - 1
    assert cluster(rds, "temp-staging")["Status"] == "creating"
    clock.t = L.clone_cluster
    restored = cluster(rds, "temp-staging")
    assert restored["Status"] == "available" and restored["DBClusterMembers"] == []
    assert origins(sim)["temp-staging"] == "prod"


def test_a_clone_has_the_sources_configuration_but_the_default_security_group_and_documented_defaults(rds, clock):
    """RestoreDBClusterToPointInTime: "The target DB cluster is created from the source DB cluster with the same
    configuration as the original DB cluster, except that the new DB cluster is created with the default DB
    security group." Where a parameter documents a default, it applies when left out: DBClusterParameterGroupName
    ("If the DBClusterParameterGroupName parameter is omitted, the default DB cluster parameter group for the
    specified engine is used"), Port ("Default: The default port for the engine"), DeletionProtection ("By
    default, deletion protection isn't enabled"), EnableIAMDatabaseAuthentication ("By default, mapping isn't
    enabled"); KmsKeyId: "If the DB cluster is encrypted, then the restored DB cluster is encrypted using the KMS
    key that was used to encrypt the source DB cluster"; BackupRetentionPeriod "Default: Uses existing setting".
    Whether the source's tags are copied is undocumented: the simulator copies none."""
    clone_available(rds, clock)
    restored, source = cluster(rds, "temp-staging"), cluster(rds, "prod")
    assert [g["VpcSecurityGroupId"] for g in restored["VpcSecurityGroups"]] != ["sg-prod"]
    assert restored["DBClusterParameterGroup"] == "default.aurora-postgresql15"
    assert (restored["Port"], restored["DeletionProtection"], restored["IAMDatabaseAuthenticationEnabled"]) == (
        5432, False, False)
    assert (restored["KmsKeyId"], restored["StorageEncrypted"]) == (f"{KEY}prod", True)
    same = ("Engine", "EngineVersion", "DBSubnetGroup", "BackupRetentionPeriod", "PreferredMaintenanceWindow",
            "PreferredBackupWindow", "EnabledCloudwatchLogsExports", "MasterUsername")
    assert {k: restored[k] for k in same} == {k: source[k] for k in same}
    assert restored["TagList"] == []


def test_a_clones_request_settings_replace_the_sources(rds, clock):
    """Each setting of the request applies to the new cluster: KmsKeyId ("You can restore to a new DB cluster and
    encrypt the new DB cluster with a KMS key that is different from the KMS key used to encrypt the source DB
    cluster"), DBSubnetGroupName, VpcSecurityGroupIds, Port, BackupRetentionPeriod, PreferredBackupWindow,
    ServerlessV2ScalingConfiguration, Tags..."""
    clone_available(rds, clock, KmsKeyId=f"{KEY}staging", DBSubnetGroupName="staging-subnets",
                    VpcSecurityGroupIds=["sg-staging"], Port=5433, BackupRetentionPeriod=2,
                    PreferredBackupWindow="04:00-04:30", EnableCloudwatchLogsExports=[],
                    ServerlessV2ScalingConfiguration={"MinCapacity": 0.5, "MaxCapacity": 8},
                    Tags=[{"Key": "env", "Value": "staging"}], CopyTagsToSnapshot=True)
    restored = cluster(rds, "temp-staging")
    assert restored["KmsKeyId"] == f"{KEY}staging"
    assert (restored["DBSubnetGroup"], restored["Port"], restored["BackupRetentionPeriod"]) == (
        "staging-subnets", 5433, 2)
    assert [g["VpcSecurityGroupId"] for g in restored["VpcSecurityGroups"]] == ["sg-staging"]
    assert restored["PreferredBackupWindow"] == "04:00-04:30" and restored["EnabledCloudwatchLogsExports"] == []
    assert restored["ServerlessV2ScalingConfiguration"] == {"MinCapacity": 0.5, "MaxCapacity": 8.0}
    assert (restored["TagList"], restored["CopyTagsToSnapshot"]) == ([{"Key": "env", "Value": "staging"}], True)


def test_a_clone_and_its_source_share_a_clone_group(rds, clock):
    """DBCluster.CloneGroupId: "If you clone a DB cluster when the ID is null, the operation populates the ID value
    for the source cluster and the clone because both clusters become part of the same clone group." (moto leaves
    it null.)"""
    clone_available(rds, clock)
    group = cluster(rds, "prod").get("CloneGroupId")
    assert group and cluster(rds, "temp-staging")["CloneGroupId"] == group


def test_a_full_copy_is_the_default_and_takes_a_point_in_time_restores_time(sim, rds, clock):
    """RestoreType: "If you don't specify a RestoreType value, then the new DB cluster is restored as a full copy
    of the source DB cluster." A full copy takes restore_point_in_time (undocumented, like a clone's time)."""
    rds.restore_db_cluster_to_point_in_time(DBClusterIdentifier="copy", SourceDBClusterIdentifier="prod",
                                            UseLatestRestorableTime=True)
    clock.t = L.clone_cluster
    assert cluster(rds, "copy")["Status"] == "creating"
    clock.t = L.restore_point_in_time
    assert cluster(rds, "copy")["Status"] == "available" and origins(sim)["copy"] == "prod"


@pytest.mark.parametrize(("settings", "code"), [
    pytest.param({"RestoreType": "copy-on-write", "RestoreToTime": "2025-12-31T23:00:00Z"},
                 "InvalidParameterCombination", id="restore-time-with-copy-on-write"),
    pytest.param({"RestoreType": "copy-on-write"}, "InvalidParameterCombination", id="no-time"),
    pytest.param({"RestoreType": "copy-on-write", "UseLatestRestorableTime": True,
                  "RestoreToTime": "2025-12-31T23:00:00Z"}, "InvalidParameterCombination", id="both-times"),
    pytest.param({"RestoreType": "instant", "UseLatestRestorableTime": True}, "InvalidParameterValue",
                 id="unknown-restore-type"),
    pytest.param({"UseLatestRestorableTime": True, "DBClusterParameterGroupName": "missing"},
                 "DBClusterParameterGroupNotFound", id="missing-parameter-group"),
    pytest.param({"UseLatestRestorableTime": True, "DBSubnetGroupName": "missing"}, "DBSubnetGroupNotFoundFault",
                 id="missing-subnet-group"),
])
def test_a_restore_the_api_reference_forbids_is_refused(rds, settings, code):
    """RestoreToTime: "Can't be specified if the RestoreType parameter is copy-on-write" and "Must be specified if
    UseLatestRestorableTime parameter isn't provided"; UseLatestRestorableTime: "Can't be specified if
    RestoreToTime parameter is provided"; RestoreType: "You can specify one of the following values: full-copy ...
    copy-on-write"; DBClusterParameterGroupName / DBSubnetGroupName: "If supplied, must match the name of an
    existing" group (error codes DBClusterParameterGroupNotFound and DBSubnetGroupNotFoundFault, as the service
    model names them). Which error the first four raise is undocumented: InvalidParameterCombination, or
    InvalidParameterValue for a value."""
    assert refused(lambda: rds.restore_db_cluster_to_point_in_time(
        DBClusterIdentifier="temp-staging", SourceDBClusterIdentifier="prod", **settings)) == code


def test_a_clone_onto_an_existing_cluster_is_refused(rds):
    """DBClusterAlreadyExistsFault (botocore rds service model, errors of RestoreDBClusterToPointInTime): "The user
    already has a DB cluster with the given identifier." (moto replaces the cluster.)"""
    assert refused(lambda: clone(rds, "staging")) == "DBClusterAlreadyExistsFault"
    assert members(rds, "staging") == {"staging-1": True}


def test_a_cluster_without_instances_cannot_be_cloned(rds):
    """User Guide, Limitations of Aurora cloning: "You can't create a clone from an Aurora DB cluster that has no DB
    instances." The error code is undocumented: InvalidDBClusterStateFault."""
    assert refused(lambda: clone(rds, "temp-empty", source="empty")) == "InvalidDBClusterStateFault"


def test_a_key_for_the_clone_of_an_unencrypted_cluster_is_refused(rds, clock):
    """KmsKeyId: "If DBClusterIdentifier refers to a DB cluster that isn't encrypted, then the restore request is
    rejected." The error code is undocumented: InvalidParameterCombination."""
    clone_available(rds, clock, "plain", KmsKeyId=f"{KEY}staging")  # prod is encrypted: accepted
    add_instance(rds, "staging-2", "staging")
    clock.t += L.create_cluster_instance
    assert refused(lambda: clone(rds, "temp-x", source="staging", KmsKeyId=f"{KEY}x")) == "InvalidParameterCombination"


# --- the instances of a cluster ------------------------------------------------------------------------------------


def test_instances_are_created_only_once_the_cluster_is_available(sim, rds, clock):
    """RestoreDBClusterToPointInTime: "You can create DB instances only after the RestoreDBClusterToPointInTime
    operation has completed and the DB cluster is available." (InvalidDBClusterStateFault: "The requested operation
    can't be performed while the cluster is in this state.") How long an Aurora instance is `creating` is
    undocumented: create_cluster_instance. It holds its cluster's data."""
    clone(rds)
    assert refused(lambda: add_instance(rds, "temp-staging-1")) == "InvalidDBClusterStateFault"
    clock.t = L.clone_cluster
    assert add_instance(rds, "temp-staging-1")["DBInstanceStatus"] == "creating"
    clock.t += L.create_cluster_instance
    assert instance(rds, "temp-staging-1")["DBInstanceStatus"] == "available"
    assert {i["DBInstanceIdentifier"]: i["data_origin"] for i in sim.instances_report()}["temp-staging-1"] == "prod"


def test_the_first_instance_of_a_clone_is_its_writer(rds, clock):
    """User Guide "Restoring a DB cluster to a specified time": "If you use the RDS API to restore a DB cluster to
    a specified time, you must explicitly create the primary instance for your DB cluster. The primary instance is
    the first instance that is created in a DB cluster." PromotionTier orders failovers only."""
    clone_available(rds, clock)
    add_instance(rds, "temp-staging-1", PromotionTier=15)
    add_instance(rds, "temp-staging-2", PromotionTier=0)
    assert members(rds, "temp-staging") == {"temp-staging-1": True, "temp-staging-2": False}


@pytest.mark.parametrize("setting", [
    {"MasterUserPassword": "a-password"}, {"VpcSecurityGroupIds": ["sg-x"]}, {"BackupRetentionPeriod": 3},
    {"Port": 5440}, {"AllocatedStorage": 100}, {"DeletionProtection": True}, {"StorageEncrypted": True},
])
def test_settings_the_cluster_manages_are_refused_on_its_instances(rds, clock, setting):
    """CreateDBInstance: each of these "doesn't apply to Amazon Aurora DB instances" or is "managed by the DB
    cluster" (MasterUserPassword: "The password for the master user is managed by the DB cluster.";
    VpcSecurityGroupIds: "The associated list of EC2 VPC security groups is managed by the DB cluster."; Port:
    "The port number is managed by the cluster."...). What RDS does with them is undocumented; public reports show
    InvalidParameterCombination ("The requested DB Instance will be a member of a DB Cluster. Set master user
    password for the DB Cluster."), which the simulator answers for all of them."""
    clone_available(rds, clock)
    assert refused(lambda: add_instance(rds, "temp-staging-1", **setting)) == "InvalidParameterCombination"


def test_a_serverless_v2_instance_needs_the_clusters_capacity_range(rds, clock):
    """AWS CloudFormation, AWS::RDS::DBCluster ServerlessV2ScalingConfiguration: "If you have an Aurora cluster,
    you must set this attribute before you add a DB instance that uses the db.serverless DB instance class." The
    error code is undocumented: InvalidParameterCombination."""
    clone_available(rds, clock)
    assert refused(lambda: add_instance(rds, "temp-staging-1", DBInstanceClass="db.serverless")) == \
        "InvalidParameterCombination"
    clone_available(rds, clock, "temp-serverless", ServerlessV2ScalingConfiguration={"MinCapacity": 0.5,
                                                                                     "MaxCapacity": 4})
    assert add_instance(rds, "temp-serverless-1", "temp-serverless", DBInstanceClass="db.serverless")[
        "DBInstanceClass"] == "db.serverless"


def test_an_instance_needs_its_clusters_engine_and_an_existing_cluster(rds, clock):
    """CreateDBInstance.Engine must be the cluster's (error code undocumented: InvalidParameterCombination);
    DBClusterNotFoundFault for a cluster that does not exist."""
    clone_available(rds, clock)
    assert refused(lambda: rds.create_db_instance(
        DBInstanceIdentifier="temp-staging-1", DBClusterIdentifier="temp-staging", Engine="aurora-mysql",
        DBInstanceClass="db.t4g.medium")) == "InvalidParameterCombination"
    assert refused(lambda: add_instance(rds, "x-1", "missing")) == "DBClusterNotFoundFault"


def test_an_instances_parameter_group_must_be_of_its_clusters_family(rds, clock):
    """CreateDBInstance.DBParameterGroupName: the DB parameter group of the instance's engine and version (the
    error of another family is undocumented: InvalidParameterCombination, as ModifyDBInstance's)."""
    clone_available(rds, clock)
    assert refused(lambda: add_instance(rds, "temp-staging-1", DBParameterGroupName="default.aurora-mysql8.0")) == \
        "InvalidParameterCombination"
    assert add_instance(rds, "temp-staging-1", DBParameterGroupName="default.aurora-postgresql15")[
        "DBParameterGroups"][0]["DBParameterGroupName"] == "default.aurora-postgresql15"


def test_deleting_an_instance_of_a_cluster_takes_no_final_snapshot(rds, clock):
    """re:Post Knowledge Center "rds-error-delete-aurora-cluster": "FinalDBSnapshotIdentifier can not be specified
    when deleting a cluster instance"; the User Guide deletes one with no snapshot option (`aws rds
    delete-db-instance --db-instance-identifier mydbinstance`)."""
    assert refused(lambda: rds.delete_db_instance(DBInstanceIdentifier="prod-2", FinalDBSnapshotIdentifier="x")) == \
        "InvalidParameterCombination"
    assert rds.delete_db_instance(DBInstanceIdentifier="prod-2")["DBInstance"]["DBInstanceStatus"] == "deleting"


def test_when_the_writer_is_gone_the_reader_with_the_best_promotion_tier_is_the_writer(rds, clock):
    """User Guide "High availability for Amazon Aurora": "If the primary instance fails, Amazon RDS promotes the
    Aurora Replica with the better priority" ("Priorities range from 0 for the first priority to 15 for the last").
    When the writer's deletion makes the cluster fail over is undocumented: the simulator elects the new writer
    once the old one is gone."""
    rds.delete_db_instance(DBInstanceIdentifier="prod-1", SkipFinalSnapshot=True)
    assert members(rds, "prod")["prod-1"] is True
    clock.t = L.delete
    assert members(rds, "prod") == {"prod-2": False, "prod-3": True}


# --- ModifyDBCluster -------------------------------------------------------------------------------------------------


def test_a_cluster_rename_moves_its_endpoints_and_its_instances_and_is_renaming(rds, clock):
    """User Guide "Modifying an Amazon Aurora DB cluster", DB cluster identifier: "When you change the DB cluster
    identifier, the DB cluster endpoint changes, and the endpoints of the DB instances in the DB cluster change."
    NewDBClusterIdentifier: "This value is stored as a lowercase string." Status "renaming": "The DB cluster is
    being renamed because of a customer request to rename it." How long, and when the new name resolves, is
    undocumented for Aurora (a Multi-AZ DB cluster's "becomes effective in about two minutes"): rename_cluster, the
    identifier changing at once. (moto leaves the instances with the old name, so a cluster later renamed to it
    adopts them.)"""
    response = rds.modify_db_cluster(DBClusterIdentifier="staging", NewDBClusterIdentifier="Old-Staging",
                                     ApplyImmediately=True)["DBCluster"]
    assert (response["DBClusterIdentifier"], response["Status"]) == ("old-staging", "renaming")
    renamed = cluster(rds, "old-staging")
    assert renamed["Endpoint"].startswith("old-staging.cluster-") and renamed["ReaderEndpoint"].startswith(
        "old-staging.cluster-ro-")
    assert members(rds, "old-staging") == {"staging-1": True}
    assert instance(rds, "staging-1")["DBClusterIdentifier"] == "old-staging"
    clock.t = L.rename_cluster
    assert cluster(rds, "old-staging")["Status"] == "available"
    clone_available(rds, clock, "staging")  # the old name is free: a new cluster under it has no instance
    assert members(rds, "staging") == {}


def test_a_rename_onto_an_existing_cluster_is_refused(rds):
    """ModifyDBCluster's errors: DBClusterAlreadyExistsFault, "The user already has a DB cluster with the given
    identifier." (moto replaces the existing cluster.)"""
    assert refused(lambda: rds.modify_db_cluster(DBClusterIdentifier="staging", NewDBClusterIdentifier="prod",
                                                 ApplyImmediately=True)) == "DBClusterAlreadyExistsFault"
    assert members(rds, "prod") == {"prod-1": True, "prod-2": False, "prod-3": False}


def test_a_cluster_is_modified_only_when_available(rds, clock):
    """InvalidDBClusterStateFault (ModifyDBCluster's errors): "The requested operation can't be performed while the
    cluster is in this state." Which statuses allow which change is undocumented: the simulator allows `available`
    only."""
    clone(rds)
    assert refused(lambda: rds.modify_db_cluster(DBClusterIdentifier="temp-staging", DeletionProtection=True,
                                                 ApplyImmediately=True)) == "InvalidDBClusterStateFault"


def test_a_new_master_password_is_resetting_master_credentials(rds, clock):
    """Cluster status "resetting-master-credentials": "The master credentials for the DB cluster are being reset
    because of a customer request to reset them." How long is undocumented: the modify latency."""
    rds.modify_db_cluster(DBClusterIdentifier="staging", MasterUserPassword="a-new-password", ApplyImmediately=True)
    assert cluster(rds, "staging")["Status"] == "resetting-master-credentials"
    clock.t = L.modify
    assert cluster(rds, "staging")["Status"] == "available"


def test_deletion_protection_and_windows_change_at_once_without_a_status(rds):
    """User Guide "Modifying an Amazon Aurora DB cluster": deletion protection, the backup and maintenance windows:
    "An outage doesn't occur during this change" (no status is documented for them: none is shown)."""
    response = rds.modify_db_cluster(DBClusterIdentifier="staging", DeletionProtection=True,
                                     PreferredMaintenanceWindow="sun:05:00-sun:05:30",
                                     PreferredBackupWindow="03:00-03:30", ApplyImmediately=True)["DBCluster"]
    assert (response["Status"], response["DeletionProtection"]) == ("available", True)
    assert (response["PreferredMaintenanceWindow"], response["PreferredBackupWindow"]) == (
        "sun:05:00-sun:05:30", "03:00-03:30")


def test_without_apply_immediately_a_change_waits_for_the_maintenance_window(rds):
    """ModifyDBCluster.ApplyImmediately: "If this parameter is disabled, changes to the DB cluster are applied
    during the next maintenance window ... Some modifications, such as turning on deletion protection and changing
    the master password, are applied immediately—regardless of when you choose to apply them. By default, this
    parameter is disabled." ClusterPendingModifiedValues names a pending rename DBClusterIdentifier. The simulation
    never reaches a cluster's maintenance window."""
    rds.modify_db_cluster(DBClusterIdentifier="staging", NewDBClusterIdentifier="later", DeletionProtection=True)
    described = cluster(rds, "staging")
    assert described["PendingModifiedValues"] == {"DBClusterIdentifier": "later"}
    assert described["DeletionProtection"] is True


# --- DeleteDBCluster -------------------------------------------------------------------------------------------------


def test_a_cluster_is_deleted_once_its_instances_are_deleting_with_a_final_snapshot_of_its_data(sim, rds, clock):
    """User Guide "Deleting Aurora DB clusters and DB instances": "To delete the cluster itself, you call ...
    DeleteDBCluster ... when the cluster has zero associated DB instances" ("Cluster cannot be deleted, it still
    contains DB instances in non-deleting state."; "As soon as the DB instance goes into deleting state, we can
    delete the cluster also."). SkipFinalSnapshot: "If you set this value to false or don't specify it, RDS creates a
    DB cluster snapshot before it deletes the DB cluster." How long `deleting` lasts is undocumented:
    delete_cluster."""
    final = {"DBClusterIdentifier": "staging", "FinalDBSnapshotIdentifier": "staging-final"}
    assert refused(lambda: rds.delete_db_cluster(**final)) == "InvalidDBClusterStateFault"
    rds.delete_db_instance(DBInstanceIdentifier="staging-1")
    assert rds.delete_db_cluster(**final)["DBCluster"]["Status"] == "deleting"
    [snapshot] = sim.cluster_snapshots_report()
    assert (snapshot["DBClusterSnapshotIdentifier"], snapshot["data_origin"]) == ("staging-final", "staging")
    clock.t = L.delete_cluster
    assert "staging" not in origins(sim)
    assert refused(lambda: cluster(rds, "staging")) == "DBClusterNotFoundFault"


@pytest.mark.parametrize("options", [{}, {"SkipFinalSnapshot": True, "FinalDBSnapshotIdentifier": "s"}])
def test_a_delete_needs_exactly_one_of_a_final_snapshot_and_skipping_it(rds, options):
    """SkipFinalSnapshot: "If SkipFinalSnapshot is disabled, you must specify a value for the
    FinalDBSnapshotIdentifier parameter."; FinalDBSnapshotIdentifier: "If you specify this parameter and also skip
    the creation of a final DB cluster snapshot with the SkipFinalShapshot parameter, the request results in an
    error." The error code is undocumented: InvalidParameterCombination."""
    rds.delete_db_instance(DBInstanceIdentifier="staging-1")
    assert refused(lambda: rds.delete_db_cluster(DBClusterIdentifier="staging", **options)) == \
        "InvalidParameterCombination"


def test_a_protected_cluster_is_not_deleted(rds):
    """User Guide, "Deletion protection for Aurora clusters": "You can't delete clusters that have deletion
    protection enabled. You can delete DB instances within the cluster, but not the cluster itself." The error code
    is undocumented: InvalidParameterCombination."""
    for name in ("prod-1", "prod-2", "prod-3"):
        rds.delete_db_instance(DBInstanceIdentifier=name)
    assert refused(lambda: rds.delete_db_cluster(DBClusterIdentifier="prod", SkipFinalSnapshot=True)) == \
        "InvalidParameterCombination"


def test_a_final_snapshot_name_in_use_is_refused(rds):
    """User Guide "Deleting Aurora DB clusters": "If you choose to take a final snapshot but the name you specify
    matches an existing snapshot, the operation stops with an error." (DBClusterSnapshotAlreadyExistsFault)"""
    rds.create_db_cluster_snapshot(DBClusterIdentifier="prod", DBClusterSnapshotIdentifier="taken")
    rds.delete_db_instance(DBInstanceIdentifier="staging-1")
    assert refused(lambda: rds.delete_db_cluster(DBClusterIdentifier="staging", FinalDBSnapshotIdentifier="taken")) \
        == "DBClusterSnapshotAlreadyExistsFault"


def test_a_failed_clone_is_deleted_without_a_final_snapshot(make_sim, aws, clock):
    """Cluster status "cloning-failed": "Cloning a DB cluster failed." (an rds:status fault imposes it). Which
    statuses allow a deletion is undocumented: a failed cluster can be deleted, without a final snapshot (none can
    be taken of a cluster that never came up)."""
    make_sim(CLUSTER_WORLD, faults=[{"operation": "rds:status", "match": {"DBClusterIdentifier": "temp-staging"},
                                     "status": "cloning-failed"}])
    rds = aws("rds")
    clone_available(rds, clock)
    assert cluster(rds, "temp-staging")["Status"] == "cloning-failed"
    assert refused(lambda: rds.delete_db_cluster(DBClusterIdentifier="temp-staging",
                                                 FinalDBSnapshotIdentifier="x")) == "InvalidDBClusterStateFault"
    assert rds.delete_db_cluster(DBClusterIdentifier="temp-staging", SkipFinalSnapshot=True)["DBCluster"][
        "Status"] == "deleting"


# --- reports ---------------------------------------------------------------------------------------------------------


def test_a_cluster_name_is_down_while_no_available_cluster_with_an_available_writer_holds_it(sim, rds, clock):
    """A cluster's endpoint "connects to the current primary DB instance for that DB cluster" (User Guide "Cluster
    endpoints for Amazon Aurora"): its name serves while an available cluster holds it and that cluster's writer is
    available. Renaming the writer (ModifyDBInstance.NewDBInstanceIdentifier: "an instance reboot occurs
    immediately") takes it down too."""
    rds.modify_db_cluster(DBClusterIdentifier="staging", NewDBClusterIdentifier="old-staging", ApplyImmediately=True)
    clock.t = 1000
    rds.modify_db_instance(DBInstanceIdentifier="staging-1", NewDBInstanceIdentifier="old-staging-1",
                           ApplyImmediately=True)
    clock.t = 4000
    down = sim.downtime_s(["staging", "old-staging", "prod"], 4000, clusters=("staging", "old-staging", "prod"))
    assert down["prod"] == 0.0 and down["staging"] == 4000.0  # no cluster holds `staging` from the rename on
    # old-staging: renaming, then available with its writer until the writer's own rename (after the modify lag)
    assert down["old-staging"] == L.rename_cluster + L.rename


def test_the_clusters_report_is_describe_db_clusters_with_data_origin(sim, rds, clock):
    """The report's `clusters` (not in RDS): each cluster as DescribeDBClusters shows it as the run ends, with the
    data it holds."""
    clone_available(rds, clock)
    report = {c["DBClusterIdentifier"]: c for c in sim.clusters_report()}
    assert set(report) == {"empty", "prod", "staging", "temp-staging"}
    assert (report["temp-staging"]["Status"], report["temp-staging"]["data_origin"]) == ("available", "prod")
    assert report["prod"]["TagList"] == [{"Key": "env", "Value": "prod"}]


def test_a_clone_beyond_the_accounts_cluster_quota_is_refused(make_sim, aws):
    """DBClusterQuotaExceededFault (botocore rds service model, errors of RestoreDBClusterToPointInTime): "The user
    attempted to create a new DB cluster and the user has already reached the maximum allowed DB cluster quota."
    The world's rds.quotas sets the maximum (default 40)."""
    make_sim({**CLUSTER_WORLD, "rds": {**CLUSTER_WORLD["rds"], "quotas": {"DBClusters": 3}}})
    rds = aws("rds")
    quota = {q["AccountQuotaName"]: (q["Used"], q["Max"]) for q in rds.describe_account_attributes()["AccountQuotas"]}
    assert quota["DBClusters"] == (3, 3)
    assert refused(lambda: clone(rds)) == "DBClusterQuotaExceededFault"


def test_a_writer_that_fails_is_replaced_by_the_reader_with_the_best_promotion_tier(make_sim, aws, clock):
    """User Guide "High availability for Amazon Aurora": "If the primary instance fails, Amazon RDS promotes the
    Aurora Replica with the better priority". (An rds:status fault makes the writer's rename end `failed`.) How long
    the failover takes is not simulated ("Failover times are typically less than 35 seconds", FailoverDBCluster)."""
    make_sim(CLUSTER_WORLD, faults=[{"operation": "rds:status", "match": {"DBInstanceIdentifier": "prod-1"},
                                     "status": "failed"}])
    rds = aws("rds")
    rds.modify_db_instance(DBInstanceIdentifier="prod-1", NewDBInstanceIdentifier="prod-one", ApplyImmediately=True)
    clock.t = L.modify_lag + L.rename
    assert instance(rds, "prod-one")["DBInstanceStatus"] == "failed"
    assert members(rds, "prod") == {"prod-one": False, "prod-2": False, "prod-3": True}


def test_a_backup_window_that_conflicts_with_the_maintenance_window_is_refused(rds, clock):
    """RestoreDBClusterToPointInTime.PreferredBackupWindow and ModifyDBCluster.PreferredBackupWindow: "Must not
    conflict with the preferred maintenance window." A clone has its source's maintenance window (the call takes
    none), so a backup window in it is refused; moving both at once is not. The error code is undocumented:
    InvalidParameterValue, moto's for an instance's windows."""
    production = cluster(rds, "prod")["PreferredMaintenanceWindow"]  # wed:02:40-wed:03:10, moto's default
    assert production == "wed:02:40-wed:03:10"
    assert refused(lambda: clone(rds, PreferredBackupWindow="02:30-03:00")) == "InvalidParameterValue"
    assert refused(lambda: rds.modify_db_cluster(DBClusterIdentifier="staging", PreferredBackupWindow="02:30-03:00",
                                                 ApplyImmediately=True)) == "InvalidParameterValue"
    rds.modify_db_cluster(DBClusterIdentifier="staging", PreferredBackupWindow="02:30-03:00",
                          PreferredMaintenanceWindow="sun:05:00-sun:05:30", ApplyImmediately=True)
    assert cluster(rds, "staging")["PreferredBackupWindow"] == "02:30-03:00"


def test_an_instance_without_a_parameter_group_has_its_engines_default_one(rds):
    """CreateDBInstance.DBParameterGroupName: "If you don't specify a value, then Amazon RDS uses the default DB
    parameter group for the specified DB engine and version": default.<family>, the family as RDS names them
    (aurora-mysql8.0; moto names it after the whole version, default.aurora-mysql8.0.mysql_aurora.3.05)."""
    rds.create_db_instance(DBInstanceIdentifier="empty-1", DBClusterIdentifier="empty", Engine="aurora-mysql",
                           DBInstanceClass="db.r6g.large")
    assert instance(rds, "empty-1")["DBParameterGroups"][0]["DBParameterGroupName"] == "default.aurora-mysql8.0"
    assert instance(rds, "prod-1")["DBParameterGroups"][0]["DBParameterGroupName"] == "default.aurora-postgresql15"
