"""Limits a real account would hit: Step Functions' 256 KiB per state, IAM's policy sizes, CloudFormation's
template size and resource count (IAM User Guide "IAM and AWS STS quotas": a role's inline policies hold at most
10,240 characters in all and a managed policy 6,144, whitespace not counted; 10 managed policies per role by
default; CloudFormation User Guide "quotas": a template uploaded through S3 (as CDK does) up to 1 MB, at most 500
resources per stack)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mitosis.models import DBInstance, DBSnapshot, DescribeEvent, ReplicationGraph, Run
from mitosis.planner import plan_refresh
from mitosis.steps.describe import describe

from infrastructure.permissions import LONGEST, MANAGED_POLICIES_PER_ROLE, MANAGED_POLICY_CHARACTERS
from infrastructure.settings import STATE_MACHINE_NAME
from simulator.deployment import synthesize

STATE_LIMIT = 256 * 1024
INLINE_POLICY_CHARACTERS = 10_240
TEMPLATE_BYTES = 1024 * 1024
RESOURCES = 500


def described(name: str, source: str | None = None, replicas: list[str] | None = None) -> dict[str, Any]:
    """A DescribeDBInstances entry of realistic size (about 3 KB, as RDS returns them)."""
    return {
        "DBInstanceIdentifier": name, "DBInstanceArn": f"arn:aws:rds:us-west-2:123456789012:db:{name}",
        "DBInstanceClass": "db.r6g.large", "Engine": "mysql", "EngineVersion": "8.0.35",
        "DBInstanceStatus": "available", "MasterUsername": "admin", "AllocatedStorage": 100, "StorageType": "gp3",
        "Endpoint": {"Address": f"{name}.abcdefghijkl.us-west-2.rds.amazonaws.com", "Port": 3306,
                     "HostedZoneId": "Z1PVIF0B656C1W"},
        "PreferredBackupWindow": "03:00-03:30", "PreferredMaintenanceWindow": "sun:05:00-sun:06:00",
        "BackupRetentionPeriod": 7, "ReadReplicaSourceDBInstanceIdentifier": source,
        "ReadReplicaDBInstanceIdentifiers": replicas or [],
        "DBParameterGroups": [{"DBParameterGroupName": "default.mysql8.0", "ParameterApplyStatus": "in-sync"}],
        "VpcSecurityGroups": [{"VpcSecurityGroupId": "sg-0123456789abcdef0", "Status": "active"}],
        "DBSubnetGroup": {"DBSubnetGroupName": "default", "VpcId": "vpc-0123456789abcdef0", "SubnetGroupStatus":
                          "Complete", "Subnets": [{"SubnetIdentifier": f"subnet-{n:017x}", "SubnetStatus": "Active",
                                                   "SubnetAvailabilityZone": {"Name": f"us-west-2{z}"}}
                                                  for n, z in enumerate("abc")]},
        "TagList": [{"Key": f"tag-{n}", "Value": "x" * 40} for n in range(10)],
        "OptionGroupMemberships": [{"OptionGroupName": "default:mysql-8-0", "Status": "in-sync"}],
        "CACertificateIdentifier": "rds-ca-rsa2048-g1", "DbiResourceId": "db-" + "A" * 26,
    }


class FiveHundredInstances:
    """An account of 500 instances: production with 2 replicas, the target with 2, and 493 others; production
    with 35 days of automated snapshots and 100 manual ones (the default quota of manual snapshots)."""

    client = None

    def replication_graph(self) -> ReplicationGraph:
        entries = [described("production", replicas=["production-r1", "production-r2"]),
                   described("production-r1", "production"), described("production-r2", "production"),
                   described("staging", replicas=["staging-r1", "staging-r2"]),
                   described("staging-r1", "staging"), described("staging-r2", "staging")]
        entries += [described(f"other-db-{n}") for n in range(500 - len(entries))]
        return ReplicationGraph(region="us-west-2", instances=[DBInstance.model_validate(e) for e in entries])

    def snapshots_of(self, instance: str) -> list[DBSnapshot]:
        automated = [{"DBSnapshotIdentifier": f"rds:{instance}-2026-10-{day:02d}-03-00", "SnapshotType": "automated",
                      "SnapshotCreateTime": f"2026-10-{day:02d}T03:00:00Z"} for day in range(1, 32)]
        manual = [{"DBSnapshotIdentifier": f"{instance}-manual-{n}", "SnapshotCreateTime": "2026-09-01T00:00:00Z"}
                  for n in range(100)]
        return [DBSnapshot.model_validate({
            **s, "DBSnapshotArn": f"arn:aws:rds:us-west-2:123456789012:snapshot:{s['DBSnapshotIdentifier']}",
            "DBInstanceIdentifier": instance, "Engine": "mysql", "EngineVersion": "8.0.35", "AllocatedStorage": 100,
            "Encrypted": True, "KmsKeyId": "arn:aws:kms:us-west-2:123456789012:key/" + "0" * 36})
            for s in automated + manual]


def test_the_state_of_a_refresh_in_an_account_of_500_instances_stays_far_under_256_kib() -> None:
    event = DescribeEvent(input={"source": "production", "target": "staging"}, run=Run(name="weekly"))
    jobs = [{"name": "staging", "source": "production", "target": "staging"}]
    from mitosis.models import REFRESH_JOBS

    refresh = describe(FiveHundredInstances(), None, event, REFRESH_JOBS.validate_python(jobs))  # type: ignore[arg-type]
    plan = plan_refresh(refresh.graph, refresh.request, refresh.run)
    state = {"source": "production", "target": "staging", "context": {"execution": "weekly", "target": "staging"},
             "refresh": refresh.model_dump(mode="json"), "plan": plan.model_dump(mode="json")}
    size = len(json.dumps(state))
    assert len(refresh.graph.instances) == 6
    # Of production's 131 snapshots only the newest is kept: the only one a restore of "the latest" reads
    assert [s.DBSnapshotIdentifier for s in refresh.graph.snapshots] == ["rds:production-2026-10-31-03-00"]
    assert size < STATE_LIMIT / 4, f"{size} bytes"


def rendered(value: Any) -> Any:
    """A template value with its pseudo parameters at their longest."""
    if isinstance(value, dict) and len(value) == 1:
        (key, arg), = value.items()
        if key == "Fn::Join":
            return arg[0].join(str(rendered(part)) for part in arg[1])
        if key == "Ref":
            return LONGEST.get(arg, "x" * 64)
        if key == "Fn::GetAtt":
            return "x" * 128
    if isinstance(value, dict):
        return {k: rendered(v) for k, v in value.items()}
    if isinstance(value, list):
        return [rendered(v) for v in value]
    return value


def characters(document: Any) -> int:
    return len(json.dumps(rendered(document), separators=(",", ":")))


def fifty_jobs(aurora: bool = False) -> dict[str, Any]:
    jobs = []
    for n in range(50):
        target = f"staging-{n:02d}-environment"
        jobs.append({
            "name": f"job-{n:02d}", "source": f"production-{n % 5}", "target": target, "aurora": aurora,
            "schedule": "cron(0 3 ? * SUN *)",
            "restart": {"type": "ecs", "cluster": f"cluster-{n}", "services": ["web", "worker"]},
            "before_swap": {"type": "ssm", "document": "scrub-data",
                            "targets": [{"Key": "tag:app", "Values": [target]}]},
            "master_password": {"secret_arn": f"arn:aws:secretsmanager:us-west-2:123456789012:secret:{target}-pw"},
        })
    return {"refresh_jobs": jobs}


@pytest.fixture(scope="module", params=[False, True], ids=["instances", "aurora clusters"])
def big_template(request: pytest.FixtureRequest) -> dict[str, Any]:
    return synthesize(fifty_jobs(aurora=request.param))


def test_fifty_jobs_fit_in_one_cloudformation_template(big_template: dict[str, Any]) -> None:
    assert len(json.dumps(big_template).encode()) < TEMPLATE_BYTES
    assert len(big_template["Resources"]) <= RESOURCES


def test_fifty_jobs_fit_iams_policy_size_limits(big_template: dict[str, Any]) -> None:
    resources = big_template["Resources"]
    roles = [logical_id for logical_id, r in resources.items() if r["Type"] == "AWS::IAM::Role"]
    for role in roles:
        inline = sum(characters(r["Properties"]["PolicyDocument"]) for r in resources.values()
                     if r["Type"] == "AWS::IAM::Policy" and {"Ref": role} in r["Properties"]["Roles"])
        inline += sum(characters(p["PolicyDocument"]) for p in resources[role]["Properties"].get("Policies", []))
        assert inline <= INLINE_POLICY_CHARACTERS, (role, inline)
        managed = [r for r in resources.values()
                   if r["Type"] == "AWS::IAM::ManagedPolicy" and {"Ref": role} in r["Properties"].get("Roles", [])]
        attached = len(managed) + len(resources[role]["Properties"].get("ManagedPolicyArns", []))
        assert attached <= MANAGED_POLICIES_PER_ROLE, (role, attached)
        for policy in managed:
            assert characters(policy["Properties"]["PolicyDocument"]) <= MANAGED_POLICY_CHARACTERS, role


def test_the_state_machine_name_fits_every_arn_it_is_part_of() -> None:
    assert len(STATE_MACHINE_NAME) <= 80
