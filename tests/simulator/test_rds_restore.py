"""Restores and snapshots in the simulated RDS, each behaviour pinned to the AWS text it follows: the botocore rds
service model (the RDS API reference) and the RDS User Guide pages "Restoring to a DB instance"
(https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_RestoreFromSnapshot.html), "Sharing a DB snapshot"
(USER_ShareSnapshot.html) and "Encrypting Amazon RDS resources" (Overview.Encryption.html). Where AWS names no
error code, the test says so and pins the simulator's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from simulator.aws import SimulatedAWS
from simulator.latency import Latency

L = Latency()
PRODUCTION_ACCOUNT = "210987654321"
KEY = f"arn:aws:kms:us-west-2:{PRODUCTION_ACCOUNT}:key/"


def shared(name: str, **spec: Any) -> dict[str, Any]:
    return {"DBSnapshotIdentifier": name, "SourceAccount": PRODUCTION_ACCOUNT, "DBInstanceIdentifier": "orders",
            "Engine": "mysql", "EngineVersion": "8.0.35", "AllocatedStorage": 50, **spec}


def arn(name: str) -> str:
    return f"arn:aws:rds:us-west-2:{PRODUCTION_ACCOUNT}:snapshot:{name}"


SHARED_SNAPSHOTS = [
    shared("orders-plain"),
    shared("orders-encrypted", Encrypted=True, KmsKeyId=f"{KEY}shared-key"),
    shared("orders-key-kept", Encrypted=True, KmsKeyId=f"{KEY}private-key", KeyShared=False),
]
OWN_KEY = "arn:aws:kms:us-west-2:123456789012:key/staging-key"


@pytest.fixture
def sim(make_sim: Callable[..., SimulatedAWS], world: dict[str, Any]) -> SimulatedAWS:
    world["rds"]["shared_snapshots"] = SHARED_SNAPSHOTS
    return make_sim(world)


def status(rds: Any, identifier: str) -> str:
    return str(rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]["DBInstanceStatus"])


def refused(call: Callable[[], Any]) -> str:
    with pytest.raises(ClientError) as excinfo:
        call()
    return str(excinfo.value.response["Error"]["Code"])


def origin(sim: SimulatedAWS, identifier: str) -> str:
    return str({i["DBInstanceIdentifier"]: i["data_origin"] for i in sim.instances_report()}[identifier])


# --- point-in-time restore -------------------------------------------------------------------------------------


def test_a_point_in_time_restore_is_a_new_instance_with_the_sources_data_and_the_requests_settings(sim, rds, clock):
    """RestoreDBInstanceToPointInTime: "The target database is created with most of the original configuration,
    but in a system-selected Availability Zone, with the default security group, the default subnet group, and
    the default DB parameter group. By default, the new DB instance is created as a single-AZ deployment"; the
    request's settings replace the defaults. BackupRetentionPeriod "Default: Uses existing setting", so the new
    instance's first backup follows its creation (how long either takes is undocumented: the latencies)."""
    rds.restore_db_instance_to_point_in_time(
        SourceDBInstanceIdentifier="prod", TargetDBInstanceIdentifier="restored", UseLatestRestorableTime=True,
        DBInstanceClass="db.t3.small", Port=3307, VpcSecurityGroupIds=["sg-demo"])
    assert status(rds, "restored") == "creating"
    clock.t = L.restore_point_in_time
    assert status(rds, "restored") == "backing-up"
    clock.t = L.restore_point_in_time + L.enable_backups
    [restored] = rds.describe_db_instances(DBInstanceIdentifier="restored")["DBInstances"]
    assert restored["DBInstanceStatus"] == "available"
    assert (restored["Engine"], restored["AllocatedStorage"], restored["BackupRetentionPeriod"]) == ("mysql", 20, 7)
    assert (restored["DBInstanceClass"], restored["Endpoint"]["Port"]) == ("db.t3.small", 3307)
    assert [g["VpcSecurityGroupId"] for g in restored["VpcSecurityGroups"]] == ["sg-demo"]
    assert restored["MultiAZ"] is False and restored["DeletionProtection"] is False
    # a restore is no replica: production serves nothing to it
    assert "ReadReplicaSourceDBInstanceIdentifier" not in restored
    assert origin(sim, "restored") == "prod"


@pytest.mark.parametrize("when", [{}, {"UseLatestRestorableTime": True, "RestoreTime": "2025-12-31T23:00:00Z"}],
                         ids=["neither", "both"])
def test_a_point_in_time_restore_names_exactly_one_time(rds, when):
    """RestoreTime: "Can't be specified if the UseLatestRestorableTime parameter is enabled"; UseLatestRestorableTime:
    "By default, the DB instance isn't restored from the latest backup time" (so one of them is needed). The error
    code is undocumented: InvalidParameterCombination."""
    code = refused(lambda: rds.restore_db_instance_to_point_in_time(
        SourceDBInstanceIdentifier="prod", TargetDBInstanceIdentifier="restored", **when))
    assert code == "InvalidParameterCombination"


def test_a_point_in_time_restore_needs_the_sources_automated_backups(rds):
    """PointInTimeRestoreNotEnabledFault: "SourceDBInstanceIdentifier refers to a DB instance with
    BackupRetentionPeriod equal to 0." """
    code = refused(lambda: rds.restore_db_instance_to_point_in_time(
        SourceDBInstanceIdentifier="nobackups", TargetDBInstanceIdentifier="restored", UseLatestRestorableTime=True))
    assert code == "PointInTimeRestoreNotEnabled"


@pytest.mark.parametrize("restore", ["point_in_time", "snapshot"])
def test_a_restore_never_shrinks_storage(rds, restore):
    """User Guide, Restoring to a DB instance: "You can't reduce the amount of storage when you restore a DB
    instance." (error code undocumented: InvalidParameterValue)"""
    if restore == "point_in_time":
        call = lambda: rds.restore_db_instance_to_point_in_time(  # noqa: E731
            SourceDBInstanceIdentifier="prod", TargetDBInstanceIdentifier="restored", UseLatestRestorableTime=True,
            AllocatedStorage=10)
    else:
        call = lambda: rds.restore_db_instance_from_db_snapshot(  # noqa: E731
            DBInstanceIdentifier="restored", DBSnapshotIdentifier=arn("orders-plain"), AllocatedStorage=20)
    assert refused(call) == "InvalidParameterValue"


# --- snapshots ---------------------------------------------------------------------------------------------------


def test_describe_lists_automated_and_manual_snapshots_and_shared_ones_only_when_asked(rds):
    """DescribeDBSnapshots.SnapshotType: "If you don't specify a SnapshotType value, then both automated and manual
    snapshots are returned. Shared and public DB snapshots are not included in the returned results by default.
    You can include shared snapshots with these results by enabling the IncludeShared parameter." """
    kinds = {s["SnapshotType"] for s in rds.describe_db_snapshots()["DBSnapshots"]}
    assert kinds == {"automated"}  # the world has no manual snapshot yet
    shared_ones = rds.describe_db_snapshots(SnapshotType="shared")["DBSnapshots"]
    assert sorted(s["DBSnapshotArn"] for s in shared_ones) == sorted(arn(s["DBSnapshotIdentifier"])
                                                                      for s in SHARED_SNAPSHOTS)
    included = rds.describe_db_snapshots(IncludeShared=True)["DBSnapshots"]
    assert {s["SnapshotType"] for s in included} == {"automated", "shared"}


def test_a_shared_snapshot_is_restored_by_its_arn(sim, rds, clock):
    """RestoreDBInstanceFromDBSnapshot.DBSnapshotIdentifier: "If you are restoring from a shared manual DB snapshot,
    the DBSnapshotIdentifier must be the ARN of the shared DB snapshot." A bare name is this account's
    (DBSnapshotNotFound)."""
    assert refused(lambda: rds.restore_db_instance_from_db_snapshot(
        DBInstanceIdentifier="restored", DBSnapshotIdentifier="orders-plain")) == "DBSnapshotNotFound"
    rds.restore_db_instance_from_db_snapshot(DBInstanceIdentifier="restored", DBSnapshotIdentifier=arn("orders-plain"))
    clock.t = L.restore_snapshot
    assert origin(sim, "restored") == "orders"


def test_a_snapshot_both_shared_and_encrypted_is_not_restored_but_copied(rds):
    """User Guide, Restoring to a DB instance: "You can't restore a DB instance from a DB snapshot that is both
    shared and encrypted. Instead, you can make a copy of the DB snapshot and restore the DB instance from the
    copy." (error code undocumented: InvalidParameterCombination)"""
    code = refused(lambda: rds.restore_db_instance_from_db_snapshot(
        DBInstanceIdentifier="restored", DBSnapshotIdentifier=arn("orders-encrypted")))
    assert code == "InvalidParameterCombination"


def test_a_shared_encrypted_snapshot_is_copied_only_with_a_key_of_this_account(rds):
    """CopyDBSnapshot.KmsKeyId: "If you copy an encrypted DB snapshot that is shared from another Amazon Web
    Services account, then you must specify a value for KmsKeyId." (error code undocumented:
    InvalidParameterValue)"""
    code = refused(lambda: rds.copy_db_snapshot(SourceDBSnapshotIdentifier=arn("orders-encrypted"),
                                                TargetDBSnapshotIdentifier="orders-copy"))
    assert code == "InvalidParameterValue"


def test_a_shared_snapshot_whose_key_is_not_shared_cannot_be_copied(rds):
    """User Guide, Sharing a DB snapshot: "For another AWS account to copy an encrypted DB snapshot shared from
    your account, the account that you share your snapshot with must have access to the AWS KMS key that encrypted
    the snapshot." Which error the copy returns is not said; KMSKeyNotAccessibleFault is one CopyDBSnapshot lists."""
    code = refused(lambda: rds.copy_db_snapshot(SourceDBSnapshotIdentifier=arn("orders-key-kept"),
                                                TargetDBSnapshotIdentifier="orders-copy", KmsKeyId=OWN_KEY))
    assert code == "KMSKeyNotAccessibleFault"


def test_a_copy_is_creating_then_restores_with_its_new_key_and_the_original_data(sim, rds, clock):
    """CopyDBSnapshot makes a manual snapshot of this account (its status "creating" until done; how long is
    undocumented: the copy_snapshot latency), encrypted with KmsKeyId; a restore "can't" take another key (no
    KmsKeyId parameter on RestoreDBInstanceFromDBSnapshot), so the copy's key is the instance's. A snapshot not yet
    available is not restored: RestoreDBInstanceFromDBSnapshot lists InvalidDBSnapshotStateFault among its errors
    (its text, "The state of the DB snapshot doesn't allow deletion", is shared with DeleteDBSnapshot). A second
    copy to the same name is DBSnapshotAlreadyExistsFault, one of CopyDBSnapshot's errors."""
    copied = rds.copy_db_snapshot(SourceDBSnapshotIdentifier=arn("orders-encrypted"),
                                  TargetDBSnapshotIdentifier="orders-copy", KmsKeyId=OWN_KEY)["DBSnapshot"]
    assert (copied["Status"], copied["SnapshotType"], copied["KmsKeyId"]) == ("creating", "manual", OWN_KEY)
    assert refused(lambda: rds.restore_db_instance_from_db_snapshot(
        DBInstanceIdentifier="restored", DBSnapshotIdentifier="orders-copy")) == "InvalidDBSnapshotState"
    clock.t = L.copy_snapshot
    [available] = rds.describe_db_snapshots(DBSnapshotIdentifier="orders-copy")["DBSnapshots"]
    assert available["Status"] == "available"
    rds.restore_db_instance_from_db_snapshot(DBInstanceIdentifier="restored", DBSnapshotIdentifier="orders-copy")
    clock.t = L.copy_snapshot + L.restore_snapshot
    [restored] = rds.describe_db_instances(DBInstanceIdentifier="restored")["DBInstances"]
    assert (restored["StorageEncrypted"], restored["KmsKeyId"]) == (True, OWN_KEY)
    assert origin(sim, "restored") == "orders"
    assert refused(lambda: rds.copy_db_snapshot(SourceDBSnapshotIdentifier=arn("orders-encrypted"),
                                                TargetDBSnapshotIdentifier="orders-copy", KmsKeyId=OWN_KEY)) == \
        "DBSnapshotAlreadyExists"


def test_a_shared_key_describes_and_a_key_kept_private_is_access_denied(sim, aws):
    """KMS Developer Guide, Allowing users in other accounts to use a KMS key: "the key policy for the KMS key must
    give the external account (or users and roles in the external account) permission to use the KMS key"; a
    caller the key policy does not allow gets AccessDeniedException."""
    kms = aws("kms")
    assert kms.describe_key(KeyId=f"{KEY}shared-key")["KeyMetadata"]["AWSAccountId"] == PRODUCTION_ACCOUNT
    assert refused(lambda: kms.describe_key(KeyId=f"{KEY}private-key")) == "AccessDeniedException"
