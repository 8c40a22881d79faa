"""Each Lambda handler of the refresh workflow, called as Lambda calls it, against moto.

Statuses moto cannot produce (creating, failed, deleting, rollout states, SSM invocations, AWS error codes) are
scripted with a Stubber on the handler's adapter (see the `stub` fixture)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mitosis.errors import (
    InstanceFailed,
    InvalidInput,
    MitosisError,
    NotReady,
    PlanRefused,
    RestartFailed,
    TransientAwsError,
)
from mitosis.handlers import (
    clone,
    create_replica,
    delete_old,
    describe,
    enable_backups,
    hooks,
    plan,
    promote,
    rename,
    restart,
    wait_available,
    wait_deleted,
    wait_restart,
)

REQUEST = {"source": "production", "target": "staging"}
RUN = {"name": "run-1", "started": "2026-01-01T00:00:00+00:00",
       "state_machine": "arn:aws:states:us-west-2:123456789012:stateMachine:stack-mitosis-refresh"}


def envelope(execution_input):
    """Describe's event: the execution input and the execution, as the state machine passes them."""
    return {"input": execution_input, "run": RUN}
SSM_RESTART = {"type": "ssm", "document": "AWS-RunShellScript", "targets": [{"Key": "tag:app", "Values": ["demo"]}],
               "parameters": {"commands": ["systemctl restart app"]}}
COMMAND_ID = "2d292760-c289-496f-943a-750e64bda76a"


def described(name: str, status: str = "available", **fields: Any) -> dict[str, Any]:
    """A DescribeDBInstances response with one instance."""
    return {"DBInstances": [{"DBInstanceIdentifier": name, "DBInstanceStatus": status, **fields}]}


def ecs_services(*services: tuple[str, list[dict[str, Any]]], missing: tuple[str, ...] = ()) -> dict[str, Any]:
    """A DescribeServices response: (service name, its deployments) pairs, and services it reports MISSING."""
    return {"services": [{"serviceName": name, "deployments": deployments} for name, deployments in services],
            "failures": [{"arn": f"arn:aws:ecs:us-west-2:123456789012:service/demo/{name}", "reason": "MISSING"}
                         for name in missing]}


def invocations(*statuses: str) -> dict[str, Any]:
    """A ListCommandInvocations response, one invocation per instance."""
    return {"CommandInvocations": [{"InstanceId": f"i-{n:017x}", "Status": s} for n, s in enumerate(statuses)]}


def not_found(stubber: Any, name: str) -> None:
    stubber.add_client_error("describe_db_instances", service_error_code="DBInstanceNotFound",
                             http_status_code=404, expected_params={"DBInstanceIdentifier": name})


# --- describe ------------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("world")
def test_describe_returns_the_request_and_a_graph_with_tags_and_replica_links(context):
    # Given production and staging trees, each with a replica and tags
    # When Describe runs on a valid request with an ECS restart
    event = {**REQUEST, "dry_run": True, "restart": {"type": "ecs", "cluster": "demo", "services": ["web"]}}
    result = describe.handler(envelope(event), context)

    # Then the validated request travels on with its defaults, and the execution it runs in
    assert result["request"] == {**event, "restart": {**event["restart"], "timeout_s": 1800},
                                 "on_restart_failure": "keep", "before_swap": None, "master_password": None,
                                 "final_snapshot": True, "keep_final_snapshots": 2}
    assert result["run"]["name"] == RUN["name"]
    # And the graph has every instance of the region with its tags, port and replica links
    graph = result["graph"]
    assert graph["region"] == "us-west-2"
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
    # And the output is plain JSON, as Step Functions carries it
    assert json.loads(json.dumps(result)) == result


def test_describe_reads_tags_separately_when_the_listing_has_none(context, stub):
    # Given a DescribeDBInstances entry without a TagList
    rds = stub(describe, "rds")
    arn = "arn:aws:rds:us-west-2:123456789012:db:staging"
    rds.add_response("describe_db_instances", {"DBInstances": [
        {"DBInstanceIdentifier": "staging", "DBInstanceArn": arn, "DBInstanceStatus": "available"}]})
    rds.add_response("list_tags_for_resource", {"TagList": [{"Key": "env", "Value": "staging"}]},
                     expected_params={"ResourceName": arn})
    # When Describe runs
    result = describe.handler(envelope(REQUEST), context)
    # Then the instance's tags come from ListTagsForResource
    assert result["graph"]["instances"][0]["TagList"] == [{"Key": "env", "Value": "staging"}]


@pytest.mark.parametrize(("event", "field"), [
    pytest.param({"target": "staging"}, "source", id="missing-source"),
    pytest.param({"source": "production"}, "target", id="missing-target"),
    pytest.param({**REQUEST, "dry_rn": True}, "dry_rn", id="dry_rn-typo"),
    pytest.param({**REQUEST, "dry_run": "false"}, "dry_run", id="dry_run-string"),
    pytest.param({"source": 42, "target": "staging"}, "source", id="source-int"),
    pytest.param({"source": "production", "target": ["staging"]}, "target", id="target-list"),
    pytest.param({**REQUEST, "restart": {"type": "k8s", "cluster": "demo"}}, "restart", id="unknown-restart"),
    pytest.param({**REQUEST, "restart": {"type": "ecs", "cluster": "demo", "services": "web"}},
                 "restart.ecs.services", id="services-not-a-list"),
    pytest.param(["production", "staging"], "JSON object", id="list"),
    pytest.param("production", "JSON object", id="string"),
    pytest.param(None, "JSON object", id="null"),
])
def test_describe_refuses_bad_input_before_reading_anything(context, stub, event, field):
    # Given an adapter that fails on any AWS call (nothing scripted)
    stub(describe, "rds")
    # When Describe runs on bad input
    with pytest.raises(MitosisError) as raised:
        describe.handler(envelope(event), context)
    # Then it fails as InvalidInput (the error type the state machine catches), naming what is wrong
    assert type(raised.value).__name__ == "InvalidInput"
    assert isinstance(raised.value, InvalidInput)
    assert field in str(raised.value)


# --- plan ----------------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("jobs", [
    pytest.param(None, id="no-jobs-declared"),
    pytest.param([{"source": "production", "target": "other-staging"}], id="other-target"),
    pytest.param([{"source": "staging", "target": "production"}], id="reversed"),
])
def test_plan_refuses_a_refresh_that_is_not_declared(context, monkeypatch, jobs):
    # Given a deployment whose REFRESH_JOBS do not include production -> staging
    if jobs is None:
        monkeypatch.delenv("REFRESH_JOBS", raising=False)
    else:
        monkeypatch.setenv("REFRESH_JOBS", json.dumps(jobs))
    refresh = describe.handler(envelope(REQUEST), context)
    # When Plan runs
    with pytest.raises(PlanRefused) as raised:
        plan.handler(refresh, context)
    # Then it is refused, naming the undeclared job
    assert type(raised.value).__name__ == "PlanRefused"
    assert "'production' to 'staging'" in str(raised.value)


@pytest.mark.usefixtures("world")
def test_plan_plans_a_declared_refresh_from_describes_output(context, monkeypatch):
    # Given production -> staging among the declared jobs
    monkeypatch.setenv("REFRESH_JOBS", json.dumps([{"source": "production", "target": "other"}, REQUEST]))
    # When Plan runs on what Describe returned
    result = plan.handler(describe.handler(envelope(REQUEST), context), context)
    # Then the staging tree is rebuilt from production, with staging's own settings and tags
    assert (result["source"], result["target"]) == ("production", "staging")
    assert result["clone"]["DBInstanceIdentifier"] == "temp-staging"
    assert result["clone"]["SourceDBInstanceIdentifier"] == "production"
    assert result["clone"]["Tags"][:2] == [{"Key": "env", "Value": "staging"}, {"Key": "team", "Value": "data"}]
    assert {"Key": "stack-mitosis:generation", "Value": RUN["name"]} in result["clone"]["Tags"]
    assert result["promote"]["DBInstanceIdentifier"] == "temp-staging"
    assert result["promote"]["BackupRetentionPeriod"] == 3
    assert [(op["op"], op["params"]["DBInstanceIdentifier"]) for op in result["flight_plan"]] == [
        ("CreateDBInstanceReadReplica", "temp-staging"),
        ("PromoteReadReplica", "temp-staging"),
        ("CreateDBInstanceReadReplica", "temp-staging-replica"),
        ("ModifyDBInstance", "temp-staging-replica"),  # staging-replica keeps backups (3 days), so its copy too
        ("ModifyDBInstance", "staging"),
        ("ModifyDBInstance", "temp-staging"),
        ("ModifyDBInstance", "staging-replica"),
        ("ModifyDBInstance", "temp-staging-replica"),
        ("DeleteDBInstance", "old-staging-replica"),
        ("DeleteDBInstance", "old-staging"),
    ]
    # And production's tree is never named
    assert "production-replica" not in json.dumps(result)


# --- clone and create_replica --------------------------------------------------------------------------------


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize(("module", "name", "source"), [
    pytest.param(clone, "temp-staging", "production", id="clone"),
    pytest.param(create_replica, "temp-staging-replica", "staging", id="create_replica"),
])
def test_create_makes_the_replica_then_a_retry_skips_it(context, live, rds_calls, module, name, source):
    # (Clone shares Create replica's code and RDS adapter.)
    event = {"DBInstanceIdentifier": name, "SourceDBInstanceIdentifier": source, "DBInstanceClass": "db.t3.small",
             "Tags": [{"Key": "env", "Value": "staging"}]}
    # When the handler runs
    assert module.handler(event, context) == {"DBInstanceIdentifier": name, "action": "created"}
    # Then the replica exists, replicating from the source, with the requested settings
    created = live(name)
    assert created is not None
    assert created["ReadReplicaSourceDBInstanceIdentifier"] == source
    assert created["DBInstanceClass"] == "db.t3.small"
    assert name in live(source)["ReadReplicaDBInstanceIdentifiers"]

    # When a retried invocation runs again
    calls = rds_calls(create_replica)
    assert module.handler(event, context) == {"DBInstanceIdentifier": name, "action": "skipped"}
    # Then it only looked
    assert calls == ["DescribeDBInstances"]


def test_clone_losing_a_creation_race_fails_as_db_instance_already_exists(context, stub):
    # Given the instance is absent when checked, but exists when created (Clone uses Create replica's adapter)
    rds = stub(create_replica, "rds")
    not_found(rds, "temp-staging")
    rds.add_client_error("create_db_instance_read_replica", service_error_code="DBInstanceAlreadyExists",
                         http_status_code=400)
    # When Clone runs
    with pytest.raises(MitosisError) as raised:
        clone.handler({"DBInstanceIdentifier": "temp-staging", "SourceDBInstanceIdentifier": "production"}, context)
    # Then the error type is the AWS code, which the state machine can catch; it is not retried as transient
    assert type(raised.value).__name__ == "DBInstanceAlreadyExists"
    assert not isinstance(raised.value, TransientAwsError)


# --- promote -------------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("world")
def test_promote_promotes_a_replica_with_its_backups(context, create_replica, live):
    # Given temp-staging replicating from production
    create_replica("temp-staging", "production")
    event = {"DBInstanceIdentifier": "temp-staging", "BackupRetentionPeriod": 3}
    # When Promote runs
    assert promote.handler(event, context) == {"DBInstanceIdentifier": "temp-staging", "action": "promoted"}
    # Then the backups were turned on in the same call
    assert live("temp-staging")["BackupRetentionPeriod"] == 3


@pytest.mark.usefixtures("world")
def test_promote_skips_an_instance_that_is_already_promoted(context, rds_calls, live):
    # Given staging, a standalone instance
    calls = rds_calls(promote)
    # When Promote runs on it
    result = promote.handler({"DBInstanceIdentifier": "staging", "BackupRetentionPeriod": 9}, context)
    # Then it is skipped without any change
    assert result == {"DBInstanceIdentifier": "staging", "action": "skipped"}
    assert calls == ["DescribeDBInstances"]
    assert live("staging")["BackupRetentionPeriod"] == 3


# --- enable_backups ------------------------------------------------------------------------------------------


def test_enable_backups_sets_the_retention(context, create_instance, live):
    # Given an instance without backups
    create_instance("temp-staging", retention=0)
    # When Enable backups runs
    event = {"DBInstanceIdentifier": "temp-staging", "BackupRetentionPeriod": 1, "ApplyImmediately": True}
    assert enable_backups.handler(event, context) == {"DBInstanceIdentifier": "temp-staging", "action": "modified"}
    # Then the instance keeps automated backups
    assert live("temp-staging")["BackupRetentionPeriod"] == 1


def test_enable_backups_skips_when_the_retention_is_already_set(context, create_instance, rds_calls):
    # Given an instance with the planned retention
    create_instance("temp-staging", retention=2)
    calls = rds_calls(enable_backups)
    # When Enable backups runs
    event = {"DBInstanceIdentifier": "temp-staging", "BackupRetentionPeriod": 2, "ApplyImmediately": True}
    # Then it is skipped without a modify
    assert enable_backups.handler(event, context) == {"DBInstanceIdentifier": "temp-staging", "action": "skipped"}
    assert calls == ["DescribeDBInstances"]


# --- wait_available ------------------------------------------------------------------------------------------


def test_wait_available_returns_once_the_instance_is_available(context, create_instance):
    create_instance("temp-staging")
    assert wait_available.handler({"DBInstanceIdentifier": "temp-staging"}, context) == {
        "DBInstanceIdentifier": "temp-staging", "DBInstanceStatus": "available"}


def test_wait_available_is_not_ready_while_the_instance_does_not_exist(context):
    # Given no instance has the name yet (a renamed instance takes a moment to appear)
    # When / Then the check asks to be retried
    with pytest.raises(NotReady):
        wait_available.handler({"DBInstanceIdentifier": "staging"}, context)


@pytest.mark.parametrize("status", ["creating", "modifying", "renaming", "backing-up", "rebooting", "upgrading",
                                    "configuring-enhanced-monitoring", "a-status-added-later"])
def test_wait_available_is_not_ready_while_the_instance_is_busy(context, stub, status):
    # Given the instance is in a status it leaves by itself
    stub(wait_available, "rds").add_response("describe_db_instances", described("temp-staging", status),
                                             {"DBInstanceIdentifier": "temp-staging"})
    # When / Then the check asks to be retried, saying why
    with pytest.raises(NotReady, match=status):
        wait_available.handler({"DBInstanceIdentifier": "temp-staging"}, context)


@pytest.mark.parametrize("status", ["failed", "incompatible-parameters", "storage-full"])
def test_wait_available_fails_for_an_instance_that_cannot_recover(context, stub, status):
    # Given the instance is in a status it does not leave by itself
    stub(wait_available, "rds").add_response("describe_db_instances", described("temp-staging", status))
    # When / Then the wait fails at once instead of retrying until the limit
    with pytest.raises(InstanceFailed, match=status) as raised:
        wait_available.handler({"DBInstanceIdentifier": "temp-staging"}, context)
    assert type(raised.value).__name__ == "InstanceFailed"


# --- rename --------------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("world")
def test_rename_renames_then_a_retry_skips_it(context, live, rds_calls):
    event = {"rename": {"DBInstanceIdentifier": "staging", "NewDBInstanceIdentifier": "old-staging",
                        "ApplyImmediately": True},
             "tags": [{"Key": "stack-mitosis:replaced-by", "Value": "run-1"}], "generation": "run-1", "is_copy": False}
    # When Rename runs
    assert rename.handler(event, context) == {"DBInstanceIdentifier": "old-staging", "action": "renamed"}
    # Then the instance holds the new name, with its replica still attached
    assert live("staging") is None
    assert live("old-staging")["ReadReplicaDBInstanceIdentifiers"] == ["staging-replica"]
    # And it was tagged first, so a later run recognises it under its new name
    assert {"Key": "stack-mitosis:replaced-by", "Value": "run-1"} in live("old-staging")["TagList"]

    # When a retried invocation runs: the old name is gone and the new one exists
    calls = rds_calls(rename)
    assert rename.handler(event, context) == {"DBInstanceIdentifier": "old-staging", "action": "skipped"}
    # Then it only looked
    assert calls == ["DescribeDBInstances", "DescribeDBInstances"]
    assert live("old-staging") is not None


# --- restart -------------------------------------------------------------------------------------------------


@pytest.fixture
def ecs_services_running(ecs_client):
    """Cluster `demo` with services `web` and `worker`; returns each service's current deployment id."""
    ecs_client.create_cluster(clusterName="demo")
    ecs_client.register_task_definition(family="app", containerDefinitions=[
        {"name": "app", "image": "nginx", "memory": 128}])
    for service in ("web", "worker"):
        ecs_client.create_service(cluster="demo", serviceName=service, taskDefinition="app", desiredCount=1)
    return primary_deployments(ecs_client, ["web", "worker"])


def primary_deployments(ecs_client, services):
    return {s["serviceName"]: next(d["id"] for d in s["deployments"] if d["status"] == "PRIMARY")
            for s in ecs_client.describe_services(cluster="demo", services=services)["services"]}


def test_restart_ecs_forces_a_new_deployment_of_each_service(context, ecs_client, ecs_services_running):
    # Given two running services
    # When Restart runs
    result = restart.handler({"type": "ecs", "cluster": "demo", "services": ["web", "worker"]}, context)
    # Then each service has a new primary deployment, and the handle names exactly those
    now = primary_deployments(ecs_client, ["web", "worker"])
    assert result == {"type": "ecs", "cluster": "demo", "deployments": now, "timeout_s": 1800}
    assert all(now[s] != ecs_services_running[s] for s in now)


def test_restart_ssm_sends_the_command_to_the_targets(context, ec2_client, ssm_client):
    # Given an EC2 instance with the target tag
    ec2_client.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, TagSpecifications=[
        {"ResourceType": "instance", "Tags": [{"Key": "app", "Value": "demo"}]}])
    # When Restart runs
    result = restart.handler(SSM_RESTART, context)
    # Then the command was sent as requested, and the handle carries its id
    assert result["type"] == "ssm"
    [command] = ssm_client.list_commands(CommandId=result["command_id"])["Commands"]
    assert command["DocumentName"] == "AWS-RunShellScript"
    assert command["Targets"] == SSM_RESTART["targets"]
    assert command["Parameters"] == SSM_RESTART["parameters"]


# --- wait_restart --------------------------------------------------------------------------------------------


def test_wait_restart_is_not_ready_while_ecs_rolls_out(context, ecs_services_running):
    # Given a restart just started (moto leaves rollouts IN_PROGRESS)
    handle = restart.handler({"type": "ecs", "cluster": "demo", "services": ["web"]}, context)
    # When / Then the wait asks to be retried
    with pytest.raises(NotReady, match="IN_PROGRESS"):
        wait_restart.handler(check(handle), context)


def test_wait_restart_fails_when_the_deployment_was_replaced(context, ecs_services_running):
    # Given a restart, then another deployment of the same service replaced it
    handle = restart.handler({"type": "ecs", "cluster": "demo", "services": ["web"]}, context)
    restart.handler({"type": "ecs", "cluster": "demo", "services": ["web"]}, context)
    # When / Then the restart this execution started never completes: it fails
    with pytest.raises(RestartFailed):
        wait_restart.handler(check(handle), context)


ECS_HANDLE = {"type": "ecs", "cluster": "demo", "deployments": {"web": "ecs-svc/1", "worker": "ecs-svc/2"},
              "timeout_s": 1800}


def check(run):
    """What the state machine passes the wait: the run, and how long it has waited (here: not at all)."""
    return {"run": run, "retry_count": 0, "first_check_s": 0, "interval_s": 30}


@pytest.mark.parametrize(("web", "worker", "outcome"), [
    pytest.param("COMPLETED", "COMPLETED", None, id="completed"),
    pytest.param("COMPLETED", "IN_PROGRESS", NotReady, id="in-progress"),
    pytest.param("FAILED", "FAILED", RestartFailed, id="failed"),
    pytest.param("IN_PROGRESS", "FAILED", RestartFailed, id="one-failed"),
])
def test_wait_restart_ecs(context, stub, web, worker, outcome):
    # Given the rollouts of the deployments the restart started are in the given states
    ecs = stub(hooks, "ecs")
    ecs.add_response("describe_services", ecs_services(
        ("web", [{"id": "ecs-svc/1", "status": "PRIMARY", "rolloutState": web}]),
        ("worker", [{"id": "ecs-svc/2", "status": "PRIMARY", "rolloutState": worker},
                    {"id": "ecs-svc/0", "status": "ACTIVE", "rolloutState": "COMPLETED"}])),
        {"cluster": "demo", "services": ["web", "worker"]})
    # When Wait for restart runs
    if outcome is None:
        # Then it returns once every rollout completed
        assert wait_restart.handler(check(ECS_HANDLE), context) == {
            "restarted": {"web": "COMPLETED", "worker": "COMPLETED"}}
    else:
        # Then it asks to be retried, or fails as soon as one rollout failed
        with pytest.raises(outcome) as raised:
            wait_restart.handler(check(ECS_HANDLE), context)
        assert type(raised.value).__name__ == outcome.__name__


def test_wait_restart_ecs_does_not_succeed_without_a_missing_service(context, stub):
    # Given web's rollout completed, but worker was deleted since the restart
    stub(hooks, "ecs").add_response("describe_services", ecs_services(
        ("web", [{"id": "ecs-svc/1", "status": "PRIMARY", "rolloutState": "COMPLETED"}]), missing=("worker",)))
    # When / Then the restart is not reported as done
    with pytest.raises(RestartFailed):
        wait_restart.handler(check(ECS_HANDLE), context)


def test_wait_restart_ecs_accepts_services_given_by_arn(context, ecs_client, ecs_services_running):
    # Given a restart naming its service by ARN (UpdateService accepts it, and the input model allows it)
    arn = ecs_client.describe_services(cluster="demo", services=["web"])["services"][0]["serviceArn"]
    handle = restart.handler({"type": "ecs", "cluster": "demo", "services": [arn]}, context)
    # When / Then the wait reports the rollout in progress (moto's state) like for a service named by name
    with pytest.raises(NotReady):
        wait_restart.handler(check(handle), context)


@pytest.mark.parametrize(("statuses", "outcome"), [
    pytest.param(("Success", "Success"), None, id="success"),
    pytest.param((), NotReady, id="no-invocation-yet"),
    pytest.param(("Success", "InProgress"), NotReady, id="in-progress"),
    pytest.param(("Pending",), NotReady, id="pending"),
    pytest.param(("Success", "Failed"), RestartFailed, id="failed"),
    pytest.param(("TimedOut",), RestartFailed, id="timed-out"),
    pytest.param(("InProgress", "Cancelled"), RestartFailed, id="cancelled"),
])
def test_wait_restart_ssm(context, stub, statuses, outcome):
    # Given the invocations of the command are in the given statuses
    stub(hooks, "ssm").add_response("list_command_invocations", invocations(*statuses),
                                           {"CommandId": COMMAND_ID})
    handle = {"type": "ssm", "command_id": COMMAND_ID, "timeout_s": 1800}
    # When Wait for restart runs
    if outcome is None:
        # Then it returns once the command succeeded everywhere
        assert wait_restart.handler(check(handle), context) == {
            "restarted": {f"i-{n:017x}": "Success" for n in range(len(statuses))}}
    else:
        # Then it asks to be retried, or fails as soon as one invocation failed
        with pytest.raises(outcome) as raised:
            wait_restart.handler(check(handle), context)
        assert type(raised.value).__name__ == outcome.__name__


# --- delete_old and wait_deleted -----------------------------------------------------------------------------


def test_delete_old_deletes_the_instance(context, create_instance, live):
    create_instance("old-staging")
    event = {"DBInstanceIdentifier": "old-staging", "SkipFinalSnapshot": True}
    assert delete_old.handler(event, context) == {"DBInstanceIdentifier": "old-staging", "action": "deleting"}
    assert live("old-staging") is None


def test_delete_old_skips_an_instance_that_is_gone(context, rds_calls):
    calls = rds_calls(delete_old)
    event = {"DBInstanceIdentifier": "old-staging", "SkipFinalSnapshot": True}
    assert delete_old.handler(event, context) == {"DBInstanceIdentifier": "old-staging", "action": "skipped"}
    assert calls == ["DescribeDBInstances"]


def test_delete_old_skips_an_instance_already_being_deleted(context, stub):
    # Given the instance is deleting (a retried invocation); no DeleteDBInstance is scripted
    stub(delete_old, "rds").add_response("describe_db_instances", described("old-staging", "deleting"))
    # When / Then it is skipped, without a second delete
    event = {"DBInstanceIdentifier": "old-staging", "SkipFinalSnapshot": True}
    assert delete_old.handler(event, context) == {"DBInstanceIdentifier": "old-staging", "action": "skipped"}


def test_wait_deleted_returns_once_the_instance_is_gone(context):
    assert wait_deleted.handler({"DBInstanceIdentifier": "old-staging"}, context) == {
        "DBInstanceIdentifier": "old-staging", "deleted": True}


def test_wait_deleted_is_not_ready_while_the_instance_exists(context, create_instance):
    create_instance("old-staging")
    with pytest.raises(NotReady, match="old-staging"):
        wait_deleted.handler({"DBInstanceIdentifier": "old-staging"}, context)


# --- AWS errors ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("module", "service", "before", "operation", "code", "event"), [
    pytest.param(wait_available, "rds", [], "describe_db_instances", "Throttling",
                 {"DBInstanceIdentifier": "temp-staging"}, id="rds-describe"),
    pytest.param(promote, "rds", [("describe_db_instances", described("temp-staging",
                                                                       ReadReplicaSourceDBInstanceIdentifier="p"))],
                 "promote_read_replica", "Throttling", {"DBInstanceIdentifier": "temp-staging"}, id="rds-promote"),
    pytest.param(restart, "ecs", [], "update_service", "ThrottlingException",
                 {"type": "ecs", "cluster": "demo", "services": ["web"]}, id="ecs-update-service"),
    pytest.param(restart, "ssm", [], "send_command", "ThrottlingException", SSM_RESTART, id="ssm-send-command"),
    pytest.param(wait_restart, "ssm", [], "list_command_invocations", "Throttling",
                 {"run": {"type": "ssm", "command_id": COMMAND_ID, "timeout_s": 1800}}, id="ssm-invocations"),
])
def test_throttling_surfaces_as_a_transient_error(context, stub, module, service, before, operation, code, event):
    # Given AWS throttles the handler's call (the hook states share their adapters in the hooks module)
    stubber = stub(hooks if module in (restart, wait_restart) else module, service)
    for earlier, response in before:
        stubber.add_response(earlier, response)
    stubber.add_client_error(operation, service_error_code=code, http_status_code=400)
    # When / Then the error type is the one Step Functions retries
    with pytest.raises(TransientAwsError) as raised:
        module.handler(event, context)
    assert type(raised.value).__name__ == "TransientAwsError"
