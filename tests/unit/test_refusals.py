"""What the planner refuses, where the limits are, and what the refusal tells the person who has to act on it (the
whole message: it is the only thing a failed scheduled refresh says). Also the last guard: a plan that would name a
production instance is refused even when every other check let it through."""

from __future__ import annotations

from typing import Any

import pytest
from mitosis.errors import PlanRefused
from mitosis.models import (
    TAG_GENERATION,
    TAG_NAME,
    TAG_SOURCE,
    TAG_TARGET,
    AccountQuota,
    DBInstance,
    RefreshRequest,
    ReplicationGraph,
    Run,
)
from mitosis.planner import plan_refresh

MYSQL: dict[str, Any] = {"Engine": "mysql", "EngineVersion": "8.0.35"}


def db(name: str, source: str | None = None, replicas: list[str] | None = None, **settings: Any) -> DBInstance:
    return DBInstance(DBInstanceIdentifier=name, ReadReplicaSourceDBInstanceIdentifier=source,
                      ReadReplicaDBInstanceIdentifiers=replicas or [], **settings)


def refresh(*instances: DBInstance, source: str = "production", target: str = "staging",
            quotas: list[AccountQuota] | None = None, clone: str = "auto") -> Any:
    graph = ReplicationGraph(region="us-west-2", instances=list(instances), quotas=quotas or [])
    request = RefreshRequest.model_validate({"source": source, "target": target, "clone": {"method": clone}})
    return plan_refresh(graph, request, Run(name="run-1"))


def refusal(*instances: DBInstance, **request: Any) -> str:
    with pytest.raises(PlanRefused) as refused:
        refresh(*instances, **request)
    return str(refused.value)


def in_vpc(vpc: str, subnets: str = "subnets") -> dict[str, Any]:
    return {"DBSubnetGroup": {"DBSubnetGroupName": subnets, "VpcId": vpc}}


# --- the messages ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("instances", "request_", "message"), [
    pytest.param([db("staging")], {"source": "nope"}, "Source instance 'nope' does not exist in us-west-2.",
                 id="no-source"),
    pytest.param([db("production", "staging"), db("staging")], {},
                 "Source 'production' is inside the target's tree: the refresh would delete it.", id="source-inside"),
    pytest.param([db("production"), db("staging", replicas=["arn:aws:rds:eu-west-1:1:db:far",
                                                             "arn:aws:rds:eu-west-2:1:db:farther"])], {},
                 "'staging' has cross-region replicas (arn:aws:rds:eu-west-1:1:db:far, arn:aws:rds:eu-west-2:1:db:"
                 "farther), which this tool cannot recreate.", id="cross-region"),
    pytest.param([db("production", DBInstanceStatus="storage-full"), db("staging")], {},
                 "Production 'production' is storage-full: it cannot be copied until it is available again.",
                 id="production-stuck"),
    pytest.param([db("production"), db("staging", DBInstanceStatus="modifying"),
                  db("staging-r", "staging", DBInstanceStatus="rebooting")], {},
                 "A refresh needs the target's tree available, but staging is modifying; staging-r is rebooting.",
                 id="target-busy"),
    pytest.param([db("production", Engine="postgres"), db("staging", Engine="mysql")], {},
                 "'production' runs postgres and 'staging' mysql: a copy of production cannot keep the target's "
                 "engine.", id="engine"),
    pytest.param([db("production", Engine="postgres", EngineVersion="15.4"),
                  db("staging", Engine="postgres", EngineVersion="14.9")], {},
                 "'production' runs postgres 15 and 'staging' 14: the copy would run 15, which the target's parameter "
                 "and option groups are not for. Upgrade the target to production's major version first.",
                 id="major-version"),
    pytest.param([db("production", StorageEncrypted=False), db("staging", StorageEncrypted=True)], {},
                 "'staging' is encrypted but production's data ('production') is not: RDS creates no encrypted copy "
                 "of unencrypted data (replica or restore).", id="encrypted-target"),
    pytest.param([db("production", StorageEncrypted=True), db("staging", StorageEncrypted=True),
                  db("staging-r", "staging", StorageEncrypted=False)], {},
                 "Production's data ('production') is encrypted but 'staging-r' is not: its copy would be encrypted, "
                 "and RDS keeps encryption on replicas and restores. Encrypt the target, or refresh another one.",
                 id="unencrypted-replica"),
    pytest.param([db("production"), db("staging", MasterUserSecret={"SecretArn": "arn:secret"})], {},
                 "'staging' has its master password managed by RDS in Secrets Manager (ManageMasterUserPassword): RDS "
                 "deletes that secret with the old instance, and the copy cannot take it over. Turn it off on the "
                 "target, or use master_password with a secret of your own.", id="managed-secret"),
    pytest.param([db("production", **in_vpc("vpc-a")), db("staging", **in_vpc("vpc-b", "staging-subnets"))],
                 {"clone": "replica"},
                 "'staging' is in VPC vpc-b (subnet group staging-subnets) and production's replicas in vpc-a: a "
                 "read replica of production cannot land in the target's subnet group. Choose the clone method "
                 "point_in_time or snapshot.", id="other-vpc"),
    pytest.param([db("production", replicas=[f"p-{n}" for n in range(15)], **MYSQL),
                  *[db(f"p-{n}", "production") for n in range(15)], db("staging", **MYSQL)], {"clone": "replica"},
                 "Production 'production' has 15 read replicas; RDS allows 15 for mysql, and the copy would be one "
                 "more. Choose the clone method point_in_time or snapshot.", id="replicas"),
    pytest.param([db("production", Engine="oracle-ee"), db("staging", Engine="oracle-ee"),
                  db("staging-1", "staging"), db("staging-2", "staging-1")], {},
                 "'staging' has replicas 2 levels deep; RDS allows 1 for oracle-ee: its tree cannot be rebuilt as "
                 "read replicas.", id="depth"),
    pytest.param([db("production"), db("staging"), db("staging-r", "staging")],
                 {"quotas": [AccountQuota(AccountQuotaName="DBInstances", Used=39, Max=40)]},
                 "The account uses 39 of its 40 DB instances; the refresh needs 2 more until the old ones are "
                 "deleted. Raise the quota or free instances.", id="instances-quota"),
    pytest.param([db("production", AllocatedStorage=100), db("staging", AllocatedStorage=300)],
                 {"quotas": [AccountQuota(AccountQuotaName="AllocatedStorage", Used=800, Max=1000)]},
                 "The account uses 800 of its 1000 GiB of storage; the copies need 300 GiB more. Raise the quota or "
                 "free storage.", id="storage-quota"),
    pytest.param([db("production"), db("staging"), db("temp-staging"), db("old-staging")], {},
                 "Instances this workflow did not create are in the way (temp-staging, old-staging): rename or "
                 "remove them before refreshing.", id="foreign-leftovers"),
])
def test_a_refusal_says_what_is_wrong_and_what_to_do(instances: list[DBInstance], request_: dict[str, Any],
                                                     message: str) -> None:
    assert refusal(*instances, **request_) == message


# --- the limits, at their boundaries ----------------------------------------------------------------------------


def test_a_target_whose_temp_name_is_63_characters_is_refreshed_and_one_more_is_refused() -> None:
    # temp-<name> is the longest name the workflow gives: RDS takes at most 63 characters
    longest = "s" * 58
    plan = refresh(db("production"), db(longest), target=longest)
    assert plan.swaps[0].renames[1].rename["DBInstanceIdentifier"] == f"temp-{longest}"
    too_long = "s" * 59
    assert refusal(db("production"), db(too_long), target=too_long) == (
        f"'temp-{too_long}' would be 64 characters; RDS allows 63: shorten the target's names.")
    # the first name that does not fit is named, with its own length
    assert refusal(db("production"), db("s" * 60), target="s" * 60) == (
        f"'temp-{'s' * 60}' would be 65 characters; RDS allows 63: shorten the target's names.")


def test_production_with_fourteen_replicas_can_still_be_copied() -> None:
    replicas = [f"p-{n}" for n in range(14)]
    plan = refresh(db("production", replicas=replicas, **MYSQL), *[db(r, "production") for r in replicas],
                   db("staging", **MYSQL))
    assert plan.root is not None


def test_quotas_that_the_copies_exactly_fill_are_enough() -> None:
    # two more instances, and 200 GiB more (staging's copy; its replica's is as big as its parent, requested as none)
    quotas = [AccountQuota(AccountQuotaName="DBInstances", Used=38, Max=40),
              AccountQuota(AccountQuotaName="AllocatedStorage", Used=800, Max=1000)]
    plan = refresh(db("production", AllocatedStorage=100), db("staging", AllocatedStorage=200),
                   db("staging-r", "staging", AllocatedStorage=100), quotas=quotas)
    assert plan.root is not None


def test_the_storage_quota_counts_only_the_storage_the_copies_request() -> None:
    # the copies are as big as production (no AllocatedStorage requested): nothing to count
    quotas = [AccountQuota(AccountQuotaName="AllocatedStorage", Used=1000, Max=1000)]
    assert refresh(db("production", AllocatedStorage=500), db("staging", AllocatedStorage=100),
                   quotas=quotas).root is not None


def test_the_vpc_that_counts_is_the_one_of_productions_own_replicas() -> None:
    # "All read replicas ... created from the same source DB instance must ... specify DB subnet groups from the
    # same VPC": production's replicas are in vpc-b, so a copy can land in vpc-b, not in production's vpc-a
    production = db("production", replicas=["production-r", "arn:aws:rds:eu-west-1:1:db:far"], **in_vpc("vpc-a"))
    replica = db("production-r", "production", **in_vpc("vpc-b"))
    assert refresh(production, replica, db("staging", **in_vpc("vpc-b"))).root is not None
    assert refusal(production, replica, db("staging", **in_vpc("vpc-a", "s")), clone="replica") == (
        "'staging' is in VPC vpc-a (subnet group s) and production's replicas in vpc-b: a read replica of production "
        "cannot land in the target's subnet group. Choose the clone method point_in_time or snapshot.")


def test_another_refreshs_copy_counts_among_productions_replicas_this_refreshs_does_not() -> None:
    # another target's copy in vpc-b is a replica of production like any other: a copy must land in vpc-b too;
    # this target's stale copy in vpc-b (made for another source: it cannot be reused) is discarded before the
    # clone, so it does not count
    for target, counts in (("qa", True), ("staging", False)):
        production = db("production", replicas=[f"temp-{target}"], **in_vpc("vpc-a"), BackupRetentionPeriod=7)
        tags = {TAG_TARGET: target, TAG_NAME: target, TAG_SOURCE: "production-2025", TAG_GENERATION: "run-0"}
        copy = db(f"temp-{target}", "production", **in_vpc("vpc-b"),
                  TagList=[{"Key": key, "Value": value} for key, value in tags.items()])
        plan = refresh(production, copy, db("staging", **in_vpc("vpc-a")))
        assert (plan.clone_method == "point_in_time") is counts, target
        assert [d.DBInstanceIdentifier for d in plan.discards] == ([] if counts else ["temp-staging"])


@pytest.mark.parametrize(("engine", "quota", "limit"), [
    ("mysql", None, 15), ("mysql", 5, 5),
    # the account's ReadReplicasPerMaster quota is not these engines' limit: the API's is
    ("oracle-ee", 15, 5), ("sqlserver-se", 15, 5), ("db2-se", 15, 3),
])
def test_a_copy_is_a_replica_up_to_the_replicas_rds_allows_per_source(engine: str, quota: int | None,
                                                                      limit: int) -> None:
    quotas = [AccountQuota(AccountQuotaName="ReadReplicasPerMaster", Used=0, Max=quota)] if quota else None

    def plan(replicas: int, clone: str = "auto") -> Any:
        names = [f"p-{n}" for n in range(replicas)]
        return refresh(db("production", replicas=names, Engine=engine, BackupRetentionPeriod=7),
                       *[db(name, "production") for name in names], db("staging", Engine=engine),
                       quotas=quotas, clone=clone)

    assert plan(limit - 1).clone_method == "replica"
    assert plan(limit).clone_method == "point_in_time"
    with pytest.raises(PlanRefused) as refused:
        plan(limit, clone="replica")
    assert str(refused.value) == (f"Production 'production' has {limit} read replicas; RDS allows {limit} for "
                                  f"{engine}, and the copy would be one more. Choose the clone method point_in_time "
                                  "or snapshot.")


def test_production_replicas_in_several_vpcs_make_auto_restore() -> None:
    production = db("production", replicas=["r1", "r2"], **in_vpc("vpc-a"), BackupRetentionPeriod=7)
    replicas = [db("r1", "production", **in_vpc("vpc-a")), db("r2", "production", **in_vpc("vpc-b"))]
    plan = refresh(production, *replicas, db("staging", **in_vpc("vpc-a")))
    assert plan.clone_method == "point_in_time"
    assert plan.notes[0] == ("Clone method: point_in_time: a restore of production's automated backups at their "
                             "latest restorable time (auto: Production 'production' has replicas in several VPCs "
                             "(vpc-a, vpc-b): where RDS would accept one more is not documented.).")


def test_an_aurora_member_is_refused_as_the_source_or_in_the_target_tree() -> None:
    member: dict[str, Any] = {"DBClusterIdentifier": "orders-cluster"}
    for instances, name in (([db("production", **member), db("staging")], "production"),
                            ([db("production"), db("staging", **member)], "staging")):
        assert refusal(*instances) == f"'{name}' is an instance of Aurora cluster 'orders-cluster': an Aurora " \
            "cluster is refreshed as a whole (name the DB clusters as source and target)."


# --- the last guard --------------------------------------------------------------------------------------------


def test_a_plan_that_would_delete_a_production_instance_is_refused() -> None:
    # Given run 1's clone failed while it still replicated from production, and someone made a replica of it:
    # that replica is in production's tree. Discarding the failed clone takes its replicas with it, so the plan
    # would delete an instance of production's tree: the guard refuses the whole plan.
    tags = [{"Key": TAG_TARGET, "Value": "staging"}, {"Key": TAG_NAME, "Value": "staging"},
            {"Key": TAG_SOURCE, "Value": "production"}, {"Key": TAG_GENERATION, "Value": "run-1"}]
    failed_clone = db("temp-staging", "production", DBInstanceStatus="failed", TagList=tags)
    reports = db("reports", "temp-staging")
    assert refusal(db("production", replicas=["temp-staging"]), failed_clone, reports, db("staging")) == (
        "The plan would run DeleteDBInstance on production instance 'reports'; refusing.")
