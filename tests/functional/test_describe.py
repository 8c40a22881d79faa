"""Describe: the execution input checked against the deployment's declared refresh jobs before anything is read,
then the part of the region's replication graph the refresh needs, with the account's quotas."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from mitosis.adapters.kms import Kms
from mitosis.errors import InvalidInput
from mitosis.handlers import describe
from mitosis.models import TAG_GENERATION, TAG_NAME, TAG_TARGET, RefreshJob

from tests.functional.conftest import (
    ACCOUNT,
    EXECUTION,
    REGION,
    Answer,
    CreateInstance,
    FakeLambdaContext,
    Json,
    Stub,
    envelope,
    is_plain_json,
)

RUN = {"name": EXECUTION, "started": "2026-01-01T00:00:00+00:00",
       "state_machine": f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:stack-mitosis-refresh"}
REQUEST = {"source": "production", "target": "staging"}
ECS_RESTART = {"type": "ecs", "cluster": "demo", "services": ["web"], "timeout_s": 1800}
SSM_BEFORE_SWAP = {"type": "ssm", "document": "AWS-RunShellScript", "targets": [{"Key": "tag:app", "Values": ["x"]}],
                   "parameters": {"commands": ["scrub {endpoint}"]}, "timeout_s": 1800}
PASSWORD = {"secret_arn": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:staging-password-AbCdEf"}
# The job production -> staging, declaring every field an input may repeat.
JOB = {"name": "staging", **REQUEST, "restart": ECS_RESTART, "on_restart_failure": "rollback",
       "before_swap": SSM_BEFORE_SWAP, "master_password": PASSWORD}
DECLARED = ("restart", "before_swap", "master_password", "on_restart_failure")
QUOTAS = [{"AccountQuotaName": "DBInstances", "Used": 4, "Max": 40},
          {"AccountQuotaName": "AllocatedStorage", "Used": 80, "Max": 100000}]


def event(execution_input: Any) -> Json:
    """Describe's envelope: the execution input as sent and the execution (no target is known yet)."""
    return envelope({"input": execution_input, "run": RUN}, target=None)


@pytest.fixture
def quotas(answer: Answer) -> list[Json]:
    """DescribeAccountAttributes (which moto does not implement) answers QUOTAS; moto answers the rest."""
    answer(describe, "rds", "describe_account_attributes", {"AccountQuotas": QUOTAS})
    return QUOTAS


@pytest.mark.usefixtures("world", "quotas")
def test_describe_returns_the_declared_request_and_the_graph_with_tags_and_replica_links(
        context: FakeLambdaContext, declare: Any) -> None:
    # Given production and staging trees, each with a replica and tags, and the job production -> staging declared
    declare({"name": "staging", **REQUEST, "restart": ECS_RESTART})
    # When Describe runs on the input naming the pair, as a dry run
    result = describe.handler(event({**REQUEST, "dry_run": True}), context)

    # Then the request travels on with the job's declarations and the defaults, and the execution it runs in
    assert result["request"] == {**REQUEST, "dry_run": True, "restart": ECS_RESTART, "on_restart_failure": "keep",
                                 "before_swap": None, "master_password": None, "final_snapshot": True,
                                 "keep_final_snapshots": 2, "clone": {"method": "auto", "snapshot": None},
                                 "aurora": False}
    assert result["run"] == RUN
    # And the graph has both trees with their tags, port, backups and replica links, and the account's quotas
    graph = result["graph"]
    assert graph["region"] == REGION
    instances = {i["DBInstanceIdentifier"]: i for i in graph["instances"]}
    assert set(instances) == {"production", "production-replica", "staging", "staging-replica"}
    assert instances["staging"]["TagList"] == [{"Key": "env", "Value": "staging"}, {"Key": "team", "Value": "data"}]
    assert instances["staging-replica"]["TagList"] == [{"Key": "env", "Value": "staging"},
                                                       {"Key": "role", "Value": "reporting"}]
    assert instances["staging"]["ReadReplicaDBInstanceIdentifiers"] == ["staging-replica"]
    assert instances["staging-replica"]["ReadReplicaSourceDBInstanceIdentifier"] == "staging"
    assert instances["production-replica"]["ReadReplicaSourceDBInstanceIdentifier"] == "production"
    assert instances["staging"]["BackupRetentionPeriod"] == 3
    assert instances["staging"]["Port"] == 3306
    assert graph["quotas"] == QUOTAS
    # And the output is plain JSON, as Step Functions carries it
    assert is_plain_json(result)


@pytest.mark.usefixtures("world", "quotas")
def test_describe_keeps_only_the_two_trees_and_what_earlier_runs_left_for_the_target(
        context: FakeLambdaContext, declare: Any, create_instance: CreateInstance,
        create_replica: CreateInstance) -> None:
    # Given, besides the two trees: what may be left for staging under temp- and old- names (the Plan decides
    # whether they are ours), a copy tagged for staging under another name, and instances that are none of the
    # refresh's business (another tree, another target's copy)
    declare({"name": "staging", **REQUEST})
    ours = {TAG_TARGET: "staging", TAG_NAME: "staging", TAG_GENERATION: "run-0"}
    create_replica("temp-staging", "production", tags=ours)
    create_instance("old-staging-replica")
    create_instance("orphan-copy", tags={**ours, TAG_NAME: "staging-gone"})
    create_instance("other")
    create_replica("other-replica", "other")
    create_instance("temp-other", tags={TAG_TARGET: "other"})
    # When Describe runs
    result = describe.handler(event(REQUEST), context)
    # Then the graph holds the two trees and what earlier runs left for staging, and nothing else
    assert {i["DBInstanceIdentifier"] for i in result["graph"]["instances"]} == {
        "production", "production-replica", "staging", "staging-replica", "temp-staging", "old-staging-replica",
        "orphan-copy"}


def test_describe_reads_tags_separately_when_the_listing_has_none(
        context: FakeLambdaContext, stub: Stub, declare: Any) -> None:
    # Given a DescribeDBInstances entry and a DescribeDBClusters one without a TagList, and the account's quotas
    declare({"name": "staging", **REQUEST})
    rds = stub(describe, "rds")
    arn = f"arn:aws:rds:{REGION}:{ACCOUNT}:db:staging"
    cluster_arn = f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:staging"
    rds.add_response("describe_db_instances", {"DBInstances": [
        {"DBInstanceIdentifier": "staging", "DBInstanceArn": arn, "DBInstanceStatus": "available"}]})
    rds.add_response("describe_db_clusters", {"DBClusters": [
        {"DBClusterIdentifier": "staging", "DBClusterArn": cluster_arn, "Status": "available"}]})
    rds.add_response("describe_account_attributes", {"AccountQuotas": QUOTAS}, {})
    rds.add_response("list_tags_for_resource", {"TagList": [{"Key": "env", "Value": "staging"}]},
                     expected_params={"ResourceName": arn})
    rds.add_response("list_tags_for_resource", {"TagList": [{"Key": "env", "Value": "cluster"}]},
                     expected_params={"ResourceName": cluster_arn})
    # (and production's snapshots, which `auto` may restore)
    rds.add_response("describe_db_snapshots", {"DBSnapshots": []},
                     {"DBInstanceIdentifier": "production"})
    # When Describe runs
    result = describe.handler(event(REQUEST), context)
    # Then the instance's and the cluster's tags come from ListTagsForResource, the quotas from
    # DescribeAccountAttributes
    assert result["graph"]["instances"][0]["TagList"] == [{"Key": "env", "Value": "staging"}]
    assert result["graph"]["clusters"][0]["TagList"] == [{"Key": "env", "Value": "cluster"}]
    assert result["graph"]["quotas"] == QUOTAS


@pytest.mark.parametrize(("execution_input", "field"), [
    pytest.param({"target": "staging"}, "source", id="missing-source"),
    pytest.param({"source": "production"}, "target", id="missing-target"),
    pytest.param({**REQUEST, "dry_rn": True}, "dry_rn", id="dry_rn-typo"),
    pytest.param({**REQUEST, "dry_run": "false"}, "dry_run", id="dry_run-string"),
    pytest.param({"source": 42, "target": "staging"}, "source", id="source-int"),
    pytest.param({"source": "production", "target": ["staging"]}, "target", id="target-list"),
    pytest.param({"source": "prod--db", "target": "staging"}, "source", id="source-not-an-identifier"),
    pytest.param({**REQUEST, "restart": {"type": "k8s", "cluster": "demo"}}, "restart", id="unknown-restart"),
    pytest.param({**REQUEST, "restart": {"type": "ecs", "cluster": "demo", "services": "web"}},
                 "restart.ecs.services", id="services-not-a-list"),
    pytest.param({**REQUEST, "keep_final_snapshots": 0}, "keep_final_snapshots", id="keep-no-snapshot"),
    pytest.param(["production", "staging"], "JSON object", id="list"),
    pytest.param("production", "JSON object", id="string"),
    pytest.param(None, "JSON object", id="null"),
])
def test_describe_refuses_bad_input_before_any_call(context: FakeLambdaContext, stub: Stub, declare: Any,
                                                     execution_input: Any, field: str) -> None:
    # Given the pair is declared, and an adapter that fails on any AWS call (nothing scripted)
    declare(JOB)
    stub(describe, "rds")
    # When Describe runs on bad input
    with pytest.raises(InvalidInput) as raised:
        describe.handler(event(execution_input), context)
    # Then it fails as InvalidInput (the error type the state machine catches), naming what is wrong
    assert type(raised.value).__name__ == "InvalidInput"
    assert field in str(raised.value)


@pytest.mark.parametrize("jobs", [
    pytest.param([], id="no-jobs-declared"),
    pytest.param([{"name": "other", "source": "production", "target": "other-staging"}], id="other-target"),
    pytest.param([{"name": "reversed", "source": "staging", "target": "production"}], id="reversed"),
    pytest.param([{"name": "other-source", "source": "replica-db", "target": "staging"}], id="other-source"),
])
def test_describe_refuses_a_refresh_that_is_not_declared_before_any_call(
        context: FakeLambdaContext, stub: Stub, declare: Any, jobs: list[Json]) -> None:
    # Given a deployment whose jobs do not include production -> staging
    declare(*jobs)
    stub(describe, "rds")
    # When / Then Describe refuses the input, naming the undeclared pair, before reading anything
    with pytest.raises(InvalidInput, match="from 'production' to 'staging'"):
        describe.handler(event(REQUEST), context)


@pytest.mark.parametrize(("field", "value"), [
    pytest.param("restart", {**ECS_RESTART, "services": ["web", "admin"]}, id="restart"),
    pytest.param("restart", None, id="restart-null"),
    pytest.param("before_swap", {**SSM_BEFORE_SWAP, "parameters": {"commands": ["rm -rf /"]}}, id="before_swap"),
    pytest.param("master_password", {"secret_arn": PASSWORD["secret_arn"].replace("staging", "production")},
                 id="master_password"),
    pytest.param("on_restart_failure", "keep", id="on_restart_failure"),
])
def test_describe_refuses_a_declared_field_the_input_changes_before_any_call(
        context: FakeLambdaContext, stub: Stub, declare: Any, field: str, value: Any) -> None:
    # Given the job declares its hooks, secret and restart failure handling
    declare(JOB)
    stub(describe, "rds")
    # When the input gives one of them with another value
    with pytest.raises(InvalidInput) as raised:
        describe.handler(event({**REQUEST, field: value}), context)
    # Then Describe refuses it, naming the field and the job, before reading anything: only declared hooks and
    # secrets may run
    assert f"{field}: differs from what refresh job 'staging' declares" in str(raised.value)


@pytest.mark.usefixtures("world", "quotas")
def test_describe_gives_the_request_the_job_s_declarations_the_input_leaves_out(
        context: FakeLambdaContext, declare: Any) -> None:
    # Given the job declares every hook, the secret and a rollback on restart failure; another job is declared too
    declare({"name": "other", "source": "production", "target": "other"}, JOB)
    # When the input names only the pair
    result = describe.handler(event(REQUEST), context)
    # Then the request carries the job's declarations
    assert {field: result["request"][field] for field in DECLARED} == {field: JOB[field] for field in DECLARED}


@pytest.mark.usefixtures("world", "quotas")
def test_describe_accepts_declared_fields_the_input_repeats_as_declared(
        context: FakeLambdaContext, declare: Any) -> None:
    # Given the job's declarations, repeated by the input (the restart without its default timeout), with the
    # identifiers in capitals (RDS ignores their case)
    declare(JOB)
    restart = {key: value for key, value in ECS_RESTART.items() if key != "timeout_s"}
    repeated = {"source": "Production", "target": "STAGING", "restart": restart, "before_swap": SSM_BEFORE_SWAP,
                "master_password": PASSWORD, "on_restart_failure": "rollback"}
    # When Describe runs
    result = describe.handler(event(repeated), context)
    # Then the refresh goes on with the declared values, for the pair as RDS names it
    assert result["request"]["source"] == "production"
    assert result["request"]["target"] == "staging"
    assert result["request"]["restart"] == ECS_RESTART
    assert result["request"]["on_restart_failure"] == "rollback"


@pytest.mark.usefixtures("world", "quotas")
@pytest.mark.parametrize("job", [
    pytest.param({**JOB, "schedule": "cron(0 3 ? * SUN *)"}, id="every-field-declared"),
    pytest.param({"name": "staging", **REQUEST, "schedule": "rate(7 days)"}, id="nothing-declared"),
])
def test_describe_accepts_the_input_a_job_s_schedule_sends(context: FakeLambdaContext, monkeypatch: Any,
                                                           job: Json) -> None:
    # Given the job as the deployment declares it (the function's REFRESH_JOBS, as the stack writes it)
    declared = RefreshJob.model_validate(job)
    monkeypatch.setenv("REFRESH_JOBS", json.dumps([declared.model_dump(mode="json")]))
    # When its schedule starts an execution with the input it was given
    result = describe.handler(event(declared.execution_input()), context)
    # Then the refresh goes on, with the job's declarations
    expected = declared.model_dump(mode="json")
    assert {field: result["request"][field] for field in DECLARED} == {field: expected[field] for field in DECLARED}
    assert (result["request"]["source"], result["request"]["target"]) == ("production", "staging")


SHARED = "arn:aws:rds:us-west-2:210987654321:snapshot:production-weekly"


@pytest.mark.usefixtures("world", "quotas")
def test_describe_reads_productions_snapshots_for_a_snapshot_restore(
        context: FakeLambdaContext, declare: Any, rds_client: Any) -> None:
    # Given a job that restores production's newest snapshot, and two snapshots of production
    declare({"name": "staging", **REQUEST, "clone": {"method": "snapshot"}})
    for name in ("production-monday", "production-tuesday"):
        rds_client.create_db_snapshot(DBInstanceIdentifier="production", DBSnapshotIdentifier=name)
    # When Describe runs
    result = describe.handler(event(REQUEST), context)
    # Then the graph keeps the newest available of production's snapshots, manual and automated alike
    every = rds_client.describe_db_snapshots(DBInstanceIdentifier="production")["DBSnapshots"]
    assert {s["SnapshotType"] for s in every} == {"manual", "automated"}
    newest = max(every, key=lambda s: (s["SnapshotCreateTime"], s["DBSnapshotIdentifier"]))
    assert [s["DBSnapshotIdentifier"] for s in result["graph"]["snapshots"]] == [newest["DBSnapshotIdentifier"]]


@pytest.mark.usefixtures("world", "quotas")
def test_describe_leaves_out_the_refreshes_own_copies_of_productions_snapshots(
        context: FakeLambdaContext, declare: Any, rds_client: Any) -> None:
    # Given two jobs refreshing from production, a snapshot of production, and then, newer, copies of production's
    # snapshot that the refreshes made (another target's, under its key, and an earlier run's of this target)
    declare({"name": "staging", **REQUEST, "clone": {"method": "snapshot"}},
            {"name": "zeta", "source": "production", "target": "zeta", "clone": {"method": "snapshot"}})
    for name in ("production-monday", "staging-source-run-3", "zeta-source-run-7"):
        rds_client.create_db_snapshot(DBInstanceIdentifier="production", DBSnapshotIdentifier=name)
    # When Describe runs
    result = describe.handler(event(REQUEST), context)
    # Then the snapshot it keeps is production's newest that is not such a copy
    every = rds_client.describe_db_snapshots(DBInstanceIdentifier="production")["DBSnapshots"]
    own = [s for s in every if "-source-" not in s["DBSnapshotIdentifier"]]
    newest = max(own, key=lambda s: (s["SnapshotCreateTime"], s["DBSnapshotIdentifier"]))
    assert [s["DBSnapshotIdentifier"] for s in result["graph"]["snapshots"]] == [newest["DBSnapshotIdentifier"]]


@pytest.mark.parametrize(("key_answer", "usable"), [(None, True), ("AccessDeniedException", False)])
def test_describe_says_whether_a_shared_snapshots_key_is_usable(
        context: FakeLambdaContext, declare: Any, stub: Stub, monkeypatch: Any, key_answer: str | None,
        usable: bool) -> None:
    # Given a job that restores a snapshot shared by production's account, encrypted with that account's key
    declare({"name": "staging", **REQUEST, "clone": {"method": "snapshot", "snapshot": SHARED}})
    rds = stub(describe, "rds")
    rds.add_response("describe_db_instances", {"DBInstances": []})
    rds.add_response("describe_db_clusters", {"DBClusters": []})
    rds.add_response("describe_account_attributes", {"AccountQuotas": QUOTAS})
    key = "arn:aws:kms:us-west-2:210987654321:key/prod"
    rds.add_response("describe_db_snapshots", {"DBSnapshots": [
        {"DBSnapshotIdentifier": "production-weekly", "DBSnapshotArn": SHARED, "DBInstanceIdentifier": "production",
         "Status": "available", "Encrypted": True, "KmsKeyId": key, "SnapshotType": "shared", "Engine": "mysql"}]},
        {"SnapshotType": "shared"})
    kms_client = boto3.client("kms", region_name=REGION)
    kms = Stubber(kms_client)
    if key_answer:
        kms.add_client_error("describe_key", service_error_code=key_answer, http_status_code=400,
                             expected_params={"KeyId": key})
    else:
        kms.add_response("describe_key", {"KeyMetadata": {"KeyId": "prod", "Arn": key}}, {"KeyId": key})
    kms.activate()
    monkeypatch.setattr(describe, "kms", Kms(kms_client))
    # When Describe runs
    result = describe.handler(event(REQUEST), context)
    # Then the snapshot is in the graph with whether this account may use its key
    (snapshot,) = result["graph"]["snapshots"]
    assert snapshot["DBSnapshotArn"] == SHARED and snapshot["KeyUsable"] is usable
    kms.assert_no_pending_responses()
