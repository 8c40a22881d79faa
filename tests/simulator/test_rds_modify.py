"""ModifyDBInstance and RebootDBInstance in the simulated RDS: what happens at once, what waits in
PendingModifiedValues, which status each change shows, parameter groups and their ParameterApplyStatus.

Sources: the botocore rds service model (ModifyDBInstance.<Parameter>) and the User Guide "Settings for DB
instances" (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ModifyInstance.Settings.html), whose
"When the change occurs" column says, for each setting, "The change occurs immediately. This setting ignores the
apply immediately setting." or "If you choose to apply the change immediately, it occurs immediately. If you
don't choose to apply the change immediately, it occurs during the next maintenance window."
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from simulator.latency import Latency

L = Latency()


def described(rds: Any, identifier: str) -> dict[str, Any]:
    return rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]


def status(rds: Any, identifier: str) -> str:
    return described(rds, identifier)["DBInstanceStatus"]


def pending(rds: Any, identifier: str) -> dict[str, Any]:
    return described(rds, identifier).get("PendingModifiedValues", {})


def parameter_status(rds: Any, identifier: str) -> tuple[str, str]:
    [group] = described(rds, identifier)["DBParameterGroups"]
    return group["DBParameterGroupName"], group["ParameterApplyStatus"]


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return excinfo.value.response["Error"]["Code"]


def mysql8_group(rds: Any, name: str = "staging-mysql8") -> str:
    rds.create_db_parameter_group(DBParameterGroupName=name, DBParameterGroupFamily="mysql8.0", Description="t")
    return name


# What happens at once


@pytest.mark.parametrize("apply_immediately", [True, False])
def test_immediate_settings_take_effect_at_once_without_a_status_change(rds, apply_immediately):
    """User Guide "Settings for DB instances": deletion protection, auto minor version upgrade, copy tags to
    snapshots, maintenance window: "The change occurs immediately. This setting ignores the apply immediately
    setting."; backup window: "The change is applied asynchronously, as soon as possible."; botocore rds service
    model, ModifyDBInstance.BackupRetentionPeriod: "If you change the parameter from one non-zero value to
    another non-zero value, the change is asynchronously applied as soon as possible." """
    rds.modify_db_instance(
        DBInstanceIdentifier="demo",
        ApplyImmediately=apply_immediately,
        PreferredMaintenanceWindow="mon:01:00-mon:02:00",
        PreferredBackupWindow="03:00-03:30",
        DeletionProtection=True,
        BackupRetentionPeriod=9,
        CopyTagsToSnapshot=True,
        AutoMinorVersionUpgrade=False,
    )
    demo = described(rds, "demo")
    assert demo["DBInstanceStatus"] == "available"
    assert "PendingModifiedValues" not in demo
    assert (
        demo["PreferredMaintenanceWindow"],
        demo["PreferredBackupWindow"],
        demo["BackupRetentionPeriod"],
        demo["DeletionProtection"],
        demo["CopyTagsToSnapshot"],
        demo["AutoMinorVersionUpgrade"],
    ) == ("mon:01:00-mon:02:00", "03:00-03:30", 9, True, True, False)


def test_a_parameter_group_name_changes_at_once_then_applies_then_waits_for_a_reboot(rds, clock):
    """botocore rds service model, ModifyDBInstance.DBParameterGroupName: "The parameter group name itself is
    changed immediately, but the actual parameter changes are not applied until you reboot the instance without
    failover."; DBParameterGroupStatus.ParameterApplyStatus: "applying: The parameter group change is being
    applied to the database." / "pending-reboot: The parameter group change will be applied after the DB
    instance reboots." How long `applying` lasts is undocumented: alone, for the modify lag."""
    group = mysql8_group(rds)
    response = rds.modify_db_instance(DBInstanceIdentifier="demo", DBParameterGroupName=group, ApplyImmediately=True)
    [shown] = response["DBInstance"]["DBParameterGroups"]
    assert (shown["DBParameterGroupName"], shown["ParameterApplyStatus"]) == (group, "applying")
    assert status(rds, "demo") == "available"
    clock.t = L.modify_lag
    assert parameter_status(rds, "demo") == (group, "pending-reboot")
    clock.t = 3600  # "the DB instance isn't rebooted automatically"
    assert parameter_status(rds, "demo") == (group, "pending-reboot")


def test_a_reboot_brings_a_pending_reboot_parameter_group_in_sync(rds, clock):
    """User Guide "Rebooting a DB instance": "To apply the latest parameter changes to that DB instance, manually
    reboot the DB instance." The group is in-sync once the reboot ends."""
    group = mysql8_group(rds)
    rds.modify_db_instance(DBInstanceIdentifier="demo", DBParameterGroupName=group, ApplyImmediately=True)
    clock.t = L.modify_lag
    rds.reboot_db_instance(DBInstanceIdentifier="demo")
    assert parameter_status(rds, "demo") == (group, "pending-reboot")
    clock.t = L.modify_lag + L.reboot
    assert parameter_status(rds, "demo") == (group, "in-sync")


def test_a_parameter_group_with_other_changes_is_applying_until_they_end(rds, clock):
    """The group is `applying` for as long as the modification it came with (undocumented; the simulator's
    assumption), then `pending-reboot`."""
    group = mysql8_group(rds)
    rds.modify_db_instance(
        DBInstanceIdentifier="demo", DBParameterGroupName=group, DBInstanceClass="db.t3.large", ApplyImmediately=True
    )
    clock.t = L.modify_lag + L.modify - 1
    assert (status(rds, "demo"), parameter_status(rds, "demo")) == ("modifying", (group, "applying"))
    clock.t = L.modify_lag + L.modify
    assert (status(rds, "demo"), parameter_status(rds, "demo")) == ("available", (group, "pending-reboot"))


def test_a_promotion_applies_a_pending_reboot_parameter_group(rds, clock):
    """User Guide "Promoting a read replica to be a standalone DB instance": "RDS reboots the DB instance before
    making it available". Whether that reboot applies a pending-reboot parameter group is UNDOCUMENTED: the
    simulator assumes it does (the group is in-sync when the promotion's `modifying` ends)."""
    rds.create_db_instance_read_replica(DBInstanceIdentifier="temp-demo", SourceDBInstanceIdentifier="prod")
    clock.t = L.create_read_replica
    group = mysql8_group(rds)
    rds.modify_db_instance(DBInstanceIdentifier="temp-demo", DBParameterGroupName=group, ApplyImmediately=True)
    clock.t += L.modify_lag
    assert parameter_status(rds, "temp-demo") == (group, "pending-reboot")
    rds.promote_read_replica(DBInstanceIdentifier="temp-demo", BackupRetentionPeriod=0)
    clock.t += L.promote
    assert (status(rds, "temp-demo"), parameter_status(rds, "temp-demo")) == ("available", (group, "in-sync"))


def test_a_parameter_group_must_exist_and_be_of_the_instance_family(rds):
    """botocore rds service model, ModifyDBInstance.DBParameterGroupName: "Constraints: Must be in the same DB
    parameter group family as the DB instance." (code undocumented: InvalidParameterCombination); a missing
    group is DBParameterGroupNotFound (the operation's listed error)."""
    rds.create_db_parameter_group(DBParameterGroupName="pg15", DBParameterGroupFamily="postgres15", Description="t")
    with pytest.raises(ClientError) as excinfo:
        rds.modify_db_instance(DBInstanceIdentifier="demo", DBParameterGroupName="pg15", ApplyImmediately=True)
    assert error_code(excinfo) == "InvalidParameterCombination"
    with pytest.raises(rds.exceptions.DBParameterGroupNotFoundFault):
        rds.modify_db_instance(DBInstanceIdentifier="demo", DBParameterGroupName="missing", ApplyImmediately=True)
    with pytest.raises(rds.exceptions.OptionGroupNotFoundFault):
        rds.modify_db_instance(DBInstanceIdentifier="demo", OptionGroupName="missing", ApplyImmediately=True)
    assert parameter_status(rds, "demo") == ("default.mysql8.0", "in-sync")


# What waits: the modify lag, then a status


def test_a_change_waits_in_pending_modified_values_for_the_modify_lag_then_is_modifying(rds, clock):
    """botocore rds service model, DBInstance.PendingModifiedValues: "Information about pending changes to the
    DB instance."; ApplyImmediately: changes are "asynchronously applied as soon as possible". How long a change
    waits before the instance shows it (the modify lag) is undocumented. The value reaches the instance when the
    modification ends."""
    response = rds.modify_db_instance(DBInstanceIdentifier="demo", DBInstanceClass="db.t3.large", ApplyImmediately=True)
    assert response["DBInstance"]["PendingModifiedValues"] == {"DBInstanceClass": "db.t3.large"}
    assert response["DBInstance"]["DBInstanceStatus"] == "available"
    clock.t = L.modify_lag - 1
    assert (status(rds, "demo"), pending(rds, "demo")) == ("available", {"DBInstanceClass": "db.t3.large"})
    clock.t = L.modify_lag
    demo = described(rds, "demo")
    assert (demo["DBInstanceStatus"], demo["DBInstanceClass"]) == ("modifying", "db.t3.small")
    assert demo["PendingModifiedValues"] == {"DBInstanceClass": "db.t3.large"}
    clock.t = L.modify_lag + L.modify
    demo = described(rds, "demo")
    assert (demo["DBInstanceStatus"], demo["DBInstanceClass"]) == ("available", "db.t3.large")
    assert "PendingModifiedValues" not in demo


def test_calls_during_the_lag_are_accepted_and_merge_into_one_modification(rds, clock):
    """Undocumented: a second ModifyDBInstance during the lag is accepted (the instance is still available) and
    its changes join the first's, which starts when the first call's lag ends."""
    rds.modify_db_instance(DBInstanceIdentifier="demo", DBInstanceClass="db.t3.large", ApplyImmediately=True)
    clock.t = 10
    rds.modify_db_instance(DBInstanceIdentifier="demo", DBPortNumber=5431, ApplyImmediately=True)
    assert pending(rds, "demo") == {"DBInstanceClass": "db.t3.large", "Port": 5431}
    clock.t = L.modify_lag
    assert status(rds, "demo") == "modifying"
    clock.t = L.modify_lag + L.modify
    demo = described(rds, "demo")
    assert (demo["DBInstanceStatus"], demo["DBInstanceClass"], demo["Endpoint"]["Port"]) == (
        "available", "db.t3.large", 5431)


def test_a_rename_waits_under_the_old_identifier_then_is_renaming_under_the_new(rds, clock):
    """User Guide "Renaming a DB instance" (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/
    USER_RenameInstance.html): "The new DNS name for the renamed DB instance becomes effective in about 10
    minutes. The renamed DB instance is not available until the new name becomes effective." During the modify
    lag the instance is still described under its old identifier, the rename in PendingModifiedValues
    (DBInstanceIdentifier, as the PendingModifiedValues shape names it)."""
    rds.modify_db_instance(DBInstanceIdentifier="demo", NewDBInstanceIdentifier="old-demo", ApplyImmediately=True)
    assert (status(rds, "demo"), pending(rds, "demo")) == ("available", {"DBInstanceIdentifier": "old-demo"})
    with pytest.raises(rds.exceptions.DBInstanceNotFoundFault):
        described(rds, "old-demo")
    clock.t = L.modify_lag
    with pytest.raises(rds.exceptions.DBInstanceNotFoundFault):
        described(rds, "demo")
    assert (status(rds, "old-demo"), pending(rds, "old-demo")) == ("renaming", {})
    clock.t = L.modify_lag + L.rename
    assert status(rds, "old-demo") == "available"


def test_an_identifier_is_taken_from_the_rename_request_until_the_rename_ends(rds, clock):
    """Undocumented when an identifier renamed away becomes reusable ("You cannot use an existing DB instance
    name when renaming an instance"): the simulator reserves the new name from the request and the old one
    until the rename ends."""
    rds.create_db_instance_read_replica(DBInstanceIdentifier="temp-demo", SourceDBInstanceIdentifier="prod")
    clock.t = start = L.create_read_replica
    rds.modify_db_instance(DBInstanceIdentifier="demo", NewDBInstanceIdentifier="old-demo", ApplyImmediately=True)
    with pytest.raises(rds.exceptions.DBInstanceAlreadyExistsFault):  # claimed by the pending rename
        rds.create_db_instance_read_replica(DBInstanceIdentifier="old-demo", SourceDBInstanceIdentifier="prod")
    clock.t = start + L.modify_lag
    for call in (
        lambda: rds.modify_db_instance(
            DBInstanceIdentifier="temp-demo", NewDBInstanceIdentifier="demo", ApplyImmediately=True
        ),
        lambda: rds.create_db_instance_read_replica(DBInstanceIdentifier="demo", SourceDBInstanceIdentifier="prod"),
    ):
        with pytest.raises(rds.exceptions.DBInstanceAlreadyExistsFault):
            call()
    clock.t = start + L.modify_lag + L.rename
    rds.modify_db_instance(DBInstanceIdentifier="temp-demo", NewDBInstanceIdentifier="demo", ApplyImmediately=True)
    clock.t += L.modify_lag
    assert status(rds, "demo") == "renaming"


def test_a_rename_with_immediate_changes_takes_only_the_rename_time(rds, clock):
    rds.modify_db_instance(
        DBInstanceIdentifier="demo",
        NewDBInstanceIdentifier="old-demo",
        ApplyImmediately=True,
        PreferredMaintenanceWindow="mon:01:00-mon:02:00",
        DeletionProtection=False,
    )
    clock.t = L.modify_lag + L.rename
    assert status(rds, "old-demo") == "available"


def test_a_rename_with_other_changes_is_renaming_then_modifying(rds, clock):
    rds.modify_db_instance(
        DBInstanceIdentifier="demo", NewDBInstanceIdentifier="old-demo", DBInstanceClass="db.t3.large",
        ApplyImmediately=True,
    )
    clock.t = L.modify_lag + L.rename
    assert (status(rds, "old-demo"), pending(rds, "old-demo")) == ("modifying", {"DBInstanceClass": "db.t3.large"})
    clock.t = L.modify_lag + L.rename + L.modify
    assert (status(rds, "old-demo"), described(rds, "old-demo")["DBInstanceClass"]) == ("available", "db.t3.large")


def test_a_password_change_is_resetting_master_credentials_and_pending_until_done(rds, clock):
    """botocore rds service model, ModifyDBInstance.MasterUserPassword: "Between the time of the request and the
    completion of the request, the MasterUserPassword element exists in the PendingModifiedValues element of the
    operation response."; User Guide "Viewing Amazon RDS DB instance status": resetting-master-credentials, "The
    master credentials for the DB instance are being reset because of a customer request to reset them." RDS
    never returns the password: PendingModifiedValues shows "****"."""
    response = rds.modify_db_instance(
        DBInstanceIdentifier="demo", MasterUserPassword="new-secret-1", ApplyImmediately=True
    )
    assert response["DBInstance"]["PendingModifiedValues"] == {"MasterUserPassword": "****"}
    clock.t = L.modify_lag
    assert status(rds, "demo") == "resetting-master-credentials"
    assert pending(rds, "demo") == {"MasterUserPassword": "****"}
    clock.t = L.modify_lag + L.modify
    assert (status(rds, "demo"), pending(rds, "demo")) == ("available", {})


def test_a_password_change_ignores_apply_immediately(rds, clock):
    """User Guide "Settings for DB instances", New master password: "The change is applied asynchronously, as
    soon as possible. This setting ignores the apply immediately setting." So do the security groups and the
    port ("The change occurs immediately. This setting ignores the apply immediately setting.")."""
    rds.modify_db_instance(DBInstanceIdentifier="demo", MasterUserPassword="new-secret-1", ApplyImmediately=False)
    clock.t = L.modify_lag
    assert status(rds, "demo") == "resetting-master-credentials"
    clock.t = L.modify_lag + L.modify
    rds.modify_db_instance(DBInstanceIdentifier="demo", DBPortNumber=5431)
    clock.t += L.modify_lag + L.modify
    assert described(rds, "demo")["Endpoint"]["Port"] == 5431


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        ({"MonitoringInterval": 60, "MonitoringRoleArn": "arn:aws:iam::123456789012:role/rds-monitoring"},
         "configuring-enhanced-monitoring"),
        ({"CloudwatchLogsExportConfiguration": {"EnableLogTypes": ["error"]}}, "configuring-log-exports"),
        ({"EnableIAMDatabaseAuthentication": True}, "configuring-iam-database-auth"),
        ({"VpcSecurityGroupIds": ["sg-other"]}, "modifying"),
        ({"MasterUserPassword": "new-secret-1", "DBInstanceClass": "db.t3.large"}, "modifying"),
    ],
)
def test_a_change_alone_shows_its_own_status(rds, clock, change, shown):
    """User Guide "Viewing Amazon RDS DB instance status": configuring-enhanced-monitoring "Enhanced Monitoring
    is being enabled or disabled for this DB instance."; configuring-log-exports "Publishing log files to Amazon
    CloudWatch Logs is being enabled or disabled for this DB instance."; configuring-iam-database-auth; modifying
    "The DB instance is being modified because of a customer request to modify the DB instance." (which status a
    mix of changes shows is undocumented: `modifying`)"""
    rds.modify_db_instance(DBInstanceIdentifier="demo", ApplyImmediately=True, **change)
    clock.t = L.modify_lag
    assert status(rds, "demo") == shown


def test_log_exports_pending_show_as_pending_cloudwatch_logs_exports(rds):
    """botocore rds service model, PendingModifiedValues.PendingCloudwatchLogsExports (LogTypesToEnable,
    LogTypesToDisable)."""
    rds.modify_db_instance(
        DBInstanceIdentifier="demo",
        CloudwatchLogsExportConfiguration={"EnableLogTypes": ["error", "slowquery"]},
        ApplyImmediately=True,
    )
    assert pending(rds, "demo") == {"PendingCloudwatchLogsExports": {"LogTypesToEnable": ["error", "slowquery"]}}


def test_turning_backups_on_is_backing_up_after_the_lag(rds, clock):
    """botocore rds service model, ModifyDBInstance.BackupRetentionPeriod: "Setting this parameter to a positive
    number enables backups." User Guide "Settings for DB instances": "Downtime occurs if you change from 0 to a
    nonzero value". The status while the first backup runs (`backing-up`, enable_backups) is an assumption."""
    rds.modify_db_instance(DBInstanceIdentifier="nobackups", BackupRetentionPeriod=5, ApplyImmediately=True)
    assert pending(rds, "nobackups") == {"BackupRetentionPeriod": 5}
    clock.t = L.modify_lag
    assert status(rds, "nobackups") == "backing-up"
    clock.t = L.modify_lag + L.enable_backups
    nobackups = described(rds, "nobackups")
    assert (nobackups["DBInstanceStatus"], nobackups["BackupRetentionPeriod"]) == ("available", 5)


def test_turning_backups_off_on_a_source_of_replicas_is_refused(rds):
    """botocore rds service model, ModifyDBInstance.BackupRetentionPeriod: "Can't be set to 0 if the DB instance
    is a source to read replicas." (code undocumented: InvalidParameterCombination)"""
    with pytest.raises(ClientError) as excinfo:
        rds.modify_db_instance(DBInstanceIdentifier="demo", BackupRetentionPeriod=0, ApplyImmediately=True)
    assert error_code(excinfo) == "InvalidParameterCombination"


def test_a_reboot_during_the_lag_delays_the_modification_until_it_ends(rds, clock):
    """Undocumented: a modification whose lag ends during a reboot starts when the reboot ends."""
    rds.modify_db_instance(DBInstanceIdentifier="demo", DBInstanceClass="db.t3.large", ApplyImmediately=True)
    rds.reboot_db_instance(DBInstanceIdentifier="demo")
    clock.t = L.modify_lag
    assert status(rds, "demo") == "rebooting"
    clock.t = L.reboot
    assert status(rds, "demo") == "modifying"
    clock.t = L.reboot + L.modify
    assert described(rds, "demo")["DBInstanceClass"] == "db.t3.large"


def test_a_rename_delayed_by_a_reboot_keeps_its_new_identifier_claimed(rds, clock):
    rds.modify_db_instance(DBInstanceIdentifier="demo", NewDBInstanceIdentifier="old-demo", ApplyImmediately=True)
    rds.reboot_db_instance(DBInstanceIdentifier="demo")
    clock.t = L.modify_lag + 1
    with pytest.raises(rds.exceptions.DBInstanceAlreadyExistsFault):
        rds.create_db_instance_read_replica(DBInstanceIdentifier="old-demo", SourceDBInstanceIdentifier="prod")
    clock.t = L.reboot
    assert status(rds, "old-demo") == "renaming"


def test_deferred_changes_wait_for_the_maintenance_window_until_a_modify_applies_them(rds, clock):
    """botocore rds service model, ModifyDBInstance.ApplyImmediately: "If this parameter is disabled, changes to
    the DB instance are applied during the next maintenance window." and, when enabled, "the modifications in
    this request and any pending modifications are asynchronously applied as soon as possible". The maintenance
    window never comes in the simulation."""
    rds.modify_db_instance(
        DBInstanceIdentifier="demo",
        NewDBInstanceIdentifier="old-demo",
        DBInstanceClass="db.t3.large",
        PreferredMaintenanceWindow="mon:01:00-mon:02:00",
    )
    demo = described(rds, "demo")
    assert (demo["DBInstanceStatus"], demo["DBInstanceClass"]) == ("available", "db.t3.small")
    assert demo["PreferredMaintenanceWindow"] == "mon:01:00-mon:02:00"
    assert demo["PendingModifiedValues"] == {"DBInstanceIdentifier": "old-demo", "DBInstanceClass": "db.t3.large"}
    clock.t = 86400
    assert status(rds, "demo") == "available"
    # a modify that applies immediately takes the pending changes along
    rds.modify_db_instance(DBInstanceIdentifier="demo", CopyTagsToSnapshot=True, ApplyImmediately=True)
    clock.t += L.modify_lag
    assert (status(rds, "old-demo"), pending(rds, "old-demo")) == ("renaming", {"DBInstanceClass": "db.t3.large"})
    clock.t += L.rename + L.modify
    old_demo = described(rds, "old-demo")
    assert (old_demo["DBInstanceStatus"], old_demo["DBInstanceClass"]) == ("available", "db.t3.large")
    assert "PendingModifiedValues" not in old_demo


def test_an_incompatible_instance_can_be_modified_to_repair_it(make_sim, aws, clock):
    """Which statuses allow ModifyDBInstance is undocumented: the simulator allows `available` and incompatible-*
    (User Guide, incompatible-parameters: "... you can modify the DB instance to use a compatible parameter
    group"...), and refuses the others."""
    sim = make_sim(faults=[{"operation": "rds:status", "match": {"DBInstanceIdentifier": "demo"},
                            "status": "incompatible-parameters"}])
    rds = aws("rds")
    with sim.recording():
        rds.reboot_db_instance(DBInstanceIdentifier="demo")
    clock.t = L.reboot
    assert status(rds, "demo") == "incompatible-parameters"
    rds.modify_db_instance(DBInstanceIdentifier="demo", DBInstanceClass="db.t3.large", ApplyImmediately=True)
    clock.t += L.modify_lag + L.modify
    assert status(rds, "demo") == "available"


# Managed master passwords


@pytest.fixture
def managed_world(world):
    world["rds"]["instances"].append(
        {
            "DBInstanceIdentifier": "managed",
            "Engine": "mysql",
            "EngineVersion": "8.0.35",
            "DBInstanceClass": "db.t3.micro",
            "AllocatedStorage": 20,
            "MasterUsername": "admin",
            "ManageMasterUserPassword": True,
            "BackupRetentionPeriod": 1,
        }
    )
    return world


def test_managed_master_password_shows_an_active_master_user_secret(make_sim, aws, managed_world):
    """botocore rds service model, DBInstance.MasterUserSecret (SecretArn, SecretStatus, KmsKeyId): "active -
    The secret is available for normal use and rotation." """
    make_sim(managed_world)
    secret = described(aws("rds"), "managed")["MasterUserSecret"]
    assert secret["SecretStatus"] == "active"
    assert secret["SecretArn"].startswith("arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!db-")
    assert secret["KmsKeyId"].startswith("arn:aws:kms:us-west-2:123456789012:key/")


def test_a_password_is_refused_while_rds_manages_it(make_sim, aws, managed_world, clock):
    """botocore rds service model, ModifyDBInstance.MasterUserPassword: "Can't be specified if
    ManageMasterUserPassword is turned on."; ManageMasterUserPassword: "If the DB instance already manages the
    master user password with Amazon Web Services Secrets Manager, and you specify that the master user password
    is not managed ..., then you must specify MasterUserPassword." (code undocumented: InvalidParameterCombination)"""
    make_sim(managed_world)
    rds = aws("rds")
    with pytest.raises(ClientError) as excinfo:
        rds.modify_db_instance(DBInstanceIdentifier="managed", MasterUserPassword="new-secret-1", ApplyImmediately=True)
    assert error_code(excinfo) == "InvalidParameterCombination"
    with pytest.raises(ClientError) as excinfo:
        rds.modify_db_instance(
            DBInstanceIdentifier="demo", MasterUserPassword="new-secret-1", ManageMasterUserPassword=True,
            ApplyImmediately=True,
        )
    assert error_code(excinfo) == "InvalidParameterCombination"
    rds.modify_db_instance(
        DBInstanceIdentifier="managed", MasterUserPassword="new-secret-1", ManageMasterUserPassword=False,
        ApplyImmediately=True,
    )
    assert "MasterUserSecret" not in described(rds, "managed")  # "RDS deletes the secret"
    clock.t = L.modify_lag
    assert status(rds, "managed") == "resetting-master-credentials"


def test_rotating_a_managed_password_must_apply_immediately(make_sim, aws, managed_world):
    """botocore rds service model, ModifyDBInstance.RotateMasterUserPassword: "You must apply the change
    immediately when rotating the master user password." (InvalidParameterCombination, as moto says)"""
    make_sim(managed_world)
    rds = aws("rds")
    with pytest.raises(ClientError) as excinfo:
        rds.modify_db_instance(DBInstanceIdentifier="managed", RotateMasterUserPassword=True)
    assert error_code(excinfo) == "InvalidParameterCombination"
    rds.modify_db_instance(DBInstanceIdentifier="managed", RotateMasterUserPassword=True, ApplyImmediately=True)
    assert status(rds, "managed") == "available"


def test_a_refused_modification_changes_nothing(rds):
    """botocore rds service model, ModifyDBInstance.PreferredBackupWindow: "Must not conflict with the preferred
    maintenance window." A refused request leaves nothing pending."""
    demo = described(rds, "demo")
    with pytest.raises(ClientError) as excinfo:
        rds.modify_db_instance(
            DBInstanceIdentifier="demo", DBInstanceClass="db.t3.large", ApplyImmediately=True,
            PreferredMaintenanceWindow="mon:01:00-mon:02:00", PreferredBackupWindow="01:00-01:30",
        )
    assert error_code(excinfo) == "InvalidParameterValue"
    after = described(rds, "demo")
    assert "PendingModifiedValues" not in after
    assert after["PreferredMaintenanceWindow"] == demo["PreferredMaintenanceWindow"]
