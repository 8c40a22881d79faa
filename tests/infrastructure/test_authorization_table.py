"""The authorization table of the simulated IAM (simulator.iam.AUTHORIZATIONS: which actions and resources AWS
checks for each call) against the IAM Service Authorization Reference (tests/infrastructure/
authorization_reference.py): every resource the table names is of a type the reference lists for that action,
every resource type the reference requires and every dependent action it lists is in the table or exempted
here with its reason, and every condition key the table supplies is one the reference lists. A requirement the
table omits fails this test."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.deployment import ACCOUNT_ID
from simulator.iam import AUTHORIZATIONS, Authorization, authorizations
from tests.infrastructure.authorization_reference import key_matches, requirement

REGION = "us-west-2"
DB = f"arn:aws:rds:{REGION}:{ACCOUNT_ID}:db:"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROLE = f"arn:aws:iam::{ACCOUNT_ID}:role/rds-monitoring"
SECRET = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT_ID}:secret:demo-password-AbCdEf"
MACHINE = f"arn:aws:states:{REGION}:{ACCOUNT_ID}:stateMachine:stack-mitosis-refresh"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:stack-mitosis-notifications"

# Each call the handlers make, with every parameter that changes what AWS authorizes, and what the simulated
# AWS records with it (`implied`: what RDS takes from the source; `targets`: the instances a command reaches).
CALLS: dict[tuple[str, str], list[dict[str, Any]]] = {
    ("rds", "DescribeDBInstances"): [{}, {"DBInstanceIdentifier": "staging"}],
    ("rds", "DescribeAccountAttributes"): [{}],
    ("rds", "ListTagsForResource"): [{"ResourceName": f"{DB}staging"}],
    ("rds", "AddTagsToResource"): [{"ResourceName": f"{DB}staging", "Tags": [{"Key": "k", "Value": "v"}]}],
    ("rds", "RemoveTagsFromResource"): [{"ResourceName": f"{DB}staging", "TagKeys": ["k"]}],
    ("rds", "CreateDBInstanceReadReplica"): [
        {"params": {"DBInstanceIdentifier": "temp-staging", "SourceDBInstanceIdentifier": "production",
                    "DBParameterGroupName": "pg1", "OptionGroupName": "og1", "DBSubnetGroupName": "sub1",
                    "KmsKeyId": KEY, "MonitoringRoleArn": ROLE, "MonitoringInterval": 60,
                    "Tags": [{"Key": "k", "Value": "v"}]}},
        {"params": {"DBInstanceIdentifier": "temp-staging", "SourceDBInstanceIdentifier": "production"},
         "implied": {"DBParameterGroupName": "prod-pg", "OptionGroupName": "default:mysql-8-0",
                     "DBSubnetGroupName": "prod-subnets", "KmsKeyId": KEY}},
    ],
    ("rds", "PromoteReadReplica"): [{"DBInstanceIdentifier": "temp-staging", "BackupRetentionPeriod": 3}],
    ("rds", "RestoreDBInstanceToPointInTime"): [
        {"SourceDBInstanceIdentifier": "production", "TargetDBInstanceIdentifier": "temp-staging",
         "UseLatestRestorableTime": True, "DBParameterGroupName": "pg1", "OptionGroupName": "og1",
         "DBSubnetGroupName": "sub1", "Tags": [{"Key": "k", "Value": "v"}]}],
    ("rds", "RestoreDBInstanceFromDBSnapshot"): [
        {"DBInstanceIdentifier": "temp-staging", "DBSnapshotIdentifier": "production-weekly",
         "DBParameterGroupName": "pg1", "OptionGroupName": "og1", "DBSubnetGroupName": "sub1",
         "Tags": [{"Key": "k", "Value": "v"}]},
        {"DBInstanceIdentifier": "temp-staging",
         "DBSnapshotIdentifier": "arn:aws:rds:us-west-2:210987654321:snapshot:production-weekly"}],
    ("rds", "CopyDBSnapshot"): [
        {"SourceDBSnapshotIdentifier": "arn:aws:rds:us-west-2:210987654321:snapshot:production-weekly",
         "TargetDBSnapshotIdentifier": "staging-source-run-1", "KmsKeyId": KEY, "Tags": [{"Key": "k", "Value": "v"}]}],
    ("kms", "DescribeKey"): [{"KeyId": "arn:aws:kms:us-west-2:210987654321:key/prod"}],
    ("rds", "ModifyDBInstance"): [
        {"DBInstanceIdentifier": "staging", "NewDBInstanceIdentifier": "old-staging", "ApplyImmediately": True},
        {"DBInstanceIdentifier": "temp-staging", "DBParameterGroupName": "pg1", "OptionGroupName": "og1",
         "DBSubnetGroupName": "sub1", "MonitoringRoleArn": ROLE, "PerformanceInsightsKMSKeyId": KEY},
    ],
    ("rds", "RebootDBInstance"): [{"DBInstanceIdentifier": "temp-staging"}],
    ("rds", "DeleteDBInstance"): [{"DBInstanceIdentifier": "old-staging", "FinalDBSnapshotIdentifier": "final"},
                                  {"DBInstanceIdentifier": "old-staging", "SkipFinalSnapshot": True}],
    ("rds", "DescribeDBSnapshots"): [{}, {"DBSnapshotIdentifier": "final"}],
    ("rds", "CreateDBSnapshot"): [{"DBInstanceIdentifier": "staging", "DBSnapshotIdentifier": "s",
                                   "Tags": [{"Key": "k", "Value": "v"}]}],
    ("rds", "DeleteDBSnapshot"): [{"DBSnapshotIdentifier": "final"}],
    ("rds", "DescribeDBClusters"): [{}, {"DBClusterIdentifier": "staging"}],
    ("rds", "RestoreDBClusterToPointInTime"): [
        {"params": {"DBClusterIdentifier": "temp-staging", "SourceDBClusterIdentifier": "production",
                    "RestoreType": "copy-on-write", "UseLatestRestorableTime": True,
                    "DBClusterParameterGroupName": "cpg1", "DBSubnetGroupName": "sub1", "KmsKeyId": KEY,
                    "Tags": [{"Key": "k", "Value": "v"}]},
         "implied": {"OptionGroupName": "default:aurora-postgresql-15"}},
        {"params": {"DBClusterIdentifier": "temp-staging", "SourceDBClusterIdentifier": "production",
                    "RestoreType": "copy-on-write", "UseLatestRestorableTime": True},
         "implied": {"DBClusterParameterGroupName": "default.aurora-postgresql15",
                     "OptionGroupName": "default:aurora-postgresql-15", "DBSubnetGroupName": "prod-subnets",
                     "KmsKeyId": KEY}},
    ],
    ("rds", "CreateDBInstance"): [
        {"DBInstanceIdentifier": "temp-staging-1", "DBClusterIdentifier": "temp-staging",
         "Engine": "aurora-postgresql", "DBInstanceClass": "db.r6g.large", "DBParameterGroupName": "pg1",
         "MonitoringInterval": 60, "MonitoringRoleArn": ROLE, "EnablePerformanceInsights": True,
         "PerformanceInsightsKMSKeyId": KEY, "Tags": [{"Key": "k", "Value": "v"}]}],
    ("rds", "ModifyDBCluster"): [
        {"params": {"DBClusterIdentifier": "staging", "NewDBClusterIdentifier": "old-staging",
                    "ApplyImmediately": True}, "members": ["staging-1", "staging-2"]},
        {"params": {"DBClusterIdentifier": "temp-staging", "DBClusterParameterGroupName": "cpg1",
                    "OptionGroupName": "og1", "DBInstanceParameterGroupName": "pg1", "MonitoringRoleArn": ROLE,
                    "PerformanceInsightsKMSKeyId": KEY}},
    ],
    ("rds", "DeleteDBCluster"): [
        {"params": {"DBClusterIdentifier": "old-staging", "FinalDBSnapshotIdentifier": "final"},
         "members": ["old-staging-1"]},
        {"params": {"DBClusterIdentifier": "temp-staging", "SkipFinalSnapshot": True}}],
    ("rds", "DescribeDBClusterSnapshots"): [{}, {"DBClusterSnapshotIdentifier": "final"}],
    ("rds", "DeleteDBClusterSnapshot"): [{"DBClusterSnapshotIdentifier": "final"}],
    ("ecs", "UpdateService"): [{"cluster": "demo", "service": "web", "forceNewDeployment": True}],
    ("ecs", "DescribeServices"): [{"cluster": "demo", "services": ["web"]}],
    ("ecs", "RunTask"): [{"cluster": "demo", "taskDefinition": "scrub:3"}],
    ("ecs", "DescribeTasks"): [{"cluster": "demo", "tasks": ["0123456789abcdef"]}],
    ("ssm", "SendCommand"): [{"params": {"DocumentName": "AWS-RunShellScript",
                                         "Targets": [{"Key": "tag:app", "Values": ["demo"]}]},
                              "targets": {"i-0123456789abcdef0": {"app": "demo"}}}],
    ("ssm", "ListCommandInvocations"): [{"CommandId": "c"}],
    ("ssm", "ListCommands"): [{"CommandId": "c"}],
    ("ssm", "GetCommandInvocation"): [{"CommandId": "c", "InstanceId": "i-0123456789abcdef0"}],
    ("ssm", "DescribeInstanceInformation"): [{}],
    ("secretsmanager", "GetSecretValue"): [{"params": {"SecretId": "demo-password"},
                                            "implied": {"ARN": SECRET, "KmsKeyId": KEY}}],
    ("stepfunctions", "ListExecutions"): [{"stateMachineArn": MACHINE, "statusFilter": "RUNNING"}],
    ("stepfunctions", "DescribeExecution"): [{"executionArn": MACHINE.replace("stateMachine", "execution") + ":e"}],
    ("stepfunctions", "GetExecutionHistory"): [{"executionArn": MACHINE.replace("stateMachine", "execution") + ":e",
                                                "includeExecutionData": True}],
    ("sns", "Publish"): [{"TopicArn": TOPIC, "Subject": "s", "Message": "m"}],
}
PREFIX = {"stepfunctions": "states"}

# Resource types the reference marks required that no call of this workflow involves, and why.
NOT_INVOLVED = {
    ("rds:CreateDBInstanceReadReplica", "cluster"): "only for a replica of a Multi-AZ DB cluster "
                                                   "(SourceDBClusterIdentifier), which the workflow never creates",
    ("states:ListExecutions", "maprun"): "a distributed Map's runs; the guard lists the state machine's own "
                                         "executions (a mapRunArn request is unmapped: it fails closed)",
    ("states:DescribeExecution", "express"): "the reference lists Express executions as the alternative; this state "
                                             "machine is a Standard one",
}
# Dependent actions the reference lists that no call of this workflow triggers, and why.
NOT_TRIGGERED = {
    ("rds:DeleteDBInstance", "rds:DeleteTenantDatabase"): "multi-tenant (Oracle CDB) instances only",
    ("rds:ModifyDBInstance", "rds:AddTagsToResource"): "only with TagSpecifications, never sent",
    ("rds:RestoreDBInstanceToPointInTime", "iam:PassRole"): "only with a role in the request (Domain, a custom "
                                                            "instance profile), never sent: monitoring is set by "
                                                            "a modify after the restore",
    ("rds:RestoreDBInstanceToPointInTime", "rds:CreateTenantDatabase"): "multi-tenant (Oracle CDB) instances only",
    ("rds:RestoreDBInstanceFromDBSnapshot", "iam:PassRole"): "as for RestoreDBInstanceToPointInTime",
    ("rds:RestoreDBInstanceFromDBSnapshot", "rds:CreateTenantDatabase"): "multi-tenant (Oracle CDB) instances only",
    ("rds:CopyDBSnapshot", "rds:CopyCustomDBEngineVersion"): "RDS Custom only",
    ("rds:ModifyDBInstance", "rds:CreateTenantDatabase"): "multi-tenant (Oracle CDB) instances only",
    ("rds:ModifyDBInstance", "kms:Decrypt"): "only when turning on ManageMasterUserPassword (a managed master "
                                             "password is refused by the planner)",
    ("rds:ModifyDBInstance", "kms:GenerateDataKey"): "as for kms:Decrypt",
    ("rds:ModifyDBInstance", "secretsmanager:CreateSecret"): "as for kms:Decrypt",
    ("rds:ModifyDBInstance", "secretsmanager:RotateSecret"): "as for kms:Decrypt",
    ("rds:ModifyDBInstance", "secretsmanager:TagResource"): "as for kms:Decrypt",
    ("rds:PromoteReadReplica", "rds:AddTagsToResource"): "only with TagSpecifications, never sent",
    ("rds:RestoreDBClusterToPointInTime", "iam:PassRole"): "only with a role in the request (AssociatedRoles, "
                                                           "Domain, a monitoring role), never sent: an Aurora "
                                                           "cluster's monitoring is its instances'",
    ("rds:RestoreDBClusterToPointInTime", "rds:CreateDBInstance"): "assumed only for a Multi-AZ DB cluster, whose "
                                                                   "restore creates its instances "
                                                                   "(DBClusterInstanceClass, never sent): an Aurora "
                                                                   "restore creates none (the reference does not say "
                                                                   "when)",
    ("rds:CreateDBInstance", "kms:Decrypt"): "only when the master password is managed (ManageMasterUserPassword), "
                                             "which an Aurora cluster's instance never takes",
    ("rds:CreateDBInstance", "kms:GenerateDataKey"): "as for kms:Decrypt",
    ("rds:CreateDBInstance", "secretsmanager:CreateSecret"): "as for kms:Decrypt",
    ("rds:CreateDBInstance", "secretsmanager:TagResource"): "as for kms:Decrypt",
    ("rds:CreateDBInstance", "rds:CreateTenantDatabase"): "multi-tenant (Oracle CDB) instances only",
    ("rds:ModifyDBCluster", "kms:Decrypt"): "only when turning on ManageMasterUserPassword, never sent (a managed "
                                            "master password is refused by the planner)",
    ("rds:ModifyDBCluster", "kms:GenerateDataKey"): "as for kms:Decrypt",
    ("rds:ModifyDBCluster", "secretsmanager:CreateSecret"): "as for kms:Decrypt",
    ("rds:ModifyDBCluster", "secretsmanager:RotateSecret"): "as for kms:Decrypt",
    ("rds:ModifyDBCluster", "secretsmanager:TagResource"): "as for kms:Decrypt",
    ("ecs:RunTask", "iam:PassRole"): "the task definition's roles: granted (BeforeSwap's role), but which roles "
                                     "a task definition names cannot be known from the request",
}


def call_of(service: str, operation: str, example: dict[str, Any]) -> dict[str, Any]:
    if "params" in example:
        return {"service": service, "operation": operation, **example}
    return {"service": service, "operation": operation, "params": example}


def test_every_mapped_call_has_examples() -> None:
    assert set(CALLS) == set(AUTHORIZATIONS)


def pairs_of(service: str, operation: str) -> list[Authorization]:
    return [pair for example in CALLS[(service, operation)]
            for pair in authorizations(call_of(service, operation, example), REGION)]


@pytest.mark.parametrize(("service", "operation"), sorted(CALLS), ids=lambda v: str(v))
def test_the_table_names_only_resources_the_reference_lists(service: str, operation: str) -> None:
    for pair in pairs_of(service, operation):
        reference = requirement(pair.action)
        if pair.resource == "*":
            assert not any(t.required for t in reference.resource_types), \
                f"{pair.action} is checked against `*` but the reference requires a resource"
        else:
            assert reference.types_of(pair.resource), f"{pair.action} on {pair.resource}: no resource type matches"


@pytest.mark.parametrize(("service", "operation"), sorted(CALLS), ids=lambda v: str(v))
def test_the_table_covers_every_resource_type_the_reference_requires(service: str, operation: str) -> None:
    action = f"{PREFIX.get(service, service)}:{operation}"
    reference = requirement(action)
    covered = {name for pair in pairs_of(service, operation) if pair.action == reference.action
               for name in reference.types_of(pair.resource)}
    missing = {t.name for t in reference.resource_types if t.required} - covered - {
        name for (exempt, name) in NOT_INVOLVED if exempt == reference.action}
    assert not missing, f"{action}: the reference requires {sorted(missing)}, which the table never checks"


@pytest.mark.parametrize(("service", "operation"), sorted(CALLS), ids=lambda v: str(v))
def test_the_table_covers_every_dependent_action_the_reference_lists(service: str, operation: str) -> None:
    reference = requirement(f"{PREFIX.get(service, service)}:{operation}")
    produced = {pair.action.lower() for pair in pairs_of(service, operation)}
    missing = [dependent for dependent in reference.dependent_actions
               if dependent.lower() not in produced and (reference.action, dependent) not in NOT_TRIGGERED]
    assert not missing, f"{reference.action}: dependent actions {missing} are neither in the table nor exempted"


@pytest.mark.parametrize(("service", "operation"), sorted(CALLS), ids=lambda v: str(v))
def test_every_condition_key_the_table_supplies_is_one_the_reference_lists(service: str, operation: str) -> None:
    for pair in pairs_of(service, operation):
        listed = requirement(pair.action).keys_for(pair.resource)
        for key in pair.context:
            assert key_matches(key, listed), f"{pair.action} on {pair.resource}: {key} is not a listed condition key"


def test_the_exemptions_are_still_needed() -> None:
    # an exemption the reference no longer calls for must go
    for action, name in NOT_INVOLVED:
        assert any(t.name == name and t.required for t in requirement(action).resource_types), (action, name)
    for action, dependent in NOT_TRIGGERED:
        assert dependent in requirement(action).dependent_actions, (action, dependent)
