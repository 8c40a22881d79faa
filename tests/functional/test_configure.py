"""Configure copy: what RDS does not take when it creates a replica (the old instance's parameter group) and the
backups of a copy that serves replicas, by ModifyDBInstance; skipped once in effect, awaited while the copy is
busy."""

from __future__ import annotations

from typing import Any

import pytest
from mitosis.errors import NotReady
from mitosis.handlers import configure

from tests.functional.conftest import Calls, CreateInstance, FakeLambdaContext, Live, Stub, described, envelope

REQUEST = {"DBInstanceIdentifier": "temp-staging-replica", "DBParameterGroupName": "staging-params",
           "BackupRetentionPeriod": 3, "ApplyImmediately": True}
CONFIGURE = {"op": "ModifyDBInstance", "request": REQUEST, "expect": {
    "DBInstanceIdentifier": "temp-staging-replica", "parameter_group": "staging-params",
    "values": {"BackupRetentionPeriod": 3}, "settled": ["BackupRetentionPeriod"]}}
BACKUPS = {"op": "ModifyDBInstance",
           "request": {"DBInstanceIdentifier": "temp-staging-replica", "BackupRetentionPeriod": 1,
                       "ApplyImmediately": True},
           "expect": {"DBInstanceIdentifier": "temp-staging-replica", "values": {"BackupRetentionPeriod": 1},
                      "settled": ["BackupRetentionPeriod"]}}
MODIFIED = {"DBInstanceIdentifier": "temp-staging-replica", "action": "modified"}
SKIPPED = {"DBInstanceIdentifier": "temp-staging-replica", "action": "skipped"}


@pytest.fixture
def parameter_group(rds_client: Any) -> str:
    rds_client.create_db_parameter_group(DBParameterGroupName="staging-params", DBParameterGroupFamily="mysql5.6",
                                         Description="staging's parameters")
    return "staging-params"


@pytest.mark.usefixtures("parameter_group")
def test_configure_applies_the_parameter_group_and_backups_then_a_retry_skips(
        context: FakeLambdaContext, create_instance: CreateInstance, live: Live, rds_calls: Calls) -> None:
    # Given a copy with the default parameter group and no backups
    create_instance("temp-staging-replica", retention=0)
    # When Configure copy runs
    assert configure.handler(envelope(CONFIGURE), context) == MODIFIED
    # Then the copy has the old instance's parameter group and its backups
    configured = live("temp-staging-replica")
    assert configured["DBParameterGroups"][0]["DBParameterGroupName"] == "staging-params"
    assert configured["BackupRetentionPeriod"] == 3

    # When a retried invocation runs
    calls = rds_calls(configure)
    assert configure.handler(envelope(CONFIGURE), context) == SKIPPED
    # Then it only looked
    assert calls == ["DescribeDBInstances"]


def test_configure_sets_the_retention_of_a_copy_that_serves_replicas(context: FakeLambdaContext,
                                                                     create_instance: CreateInstance,
                                                                     live: Live) -> None:
    # Given a copy without backups (a replica source needs them)
    create_instance("temp-staging-replica", retention=0)
    # When Configure copy runs
    assert configure.handler(envelope(BACKUPS), context) == MODIFIED
    # Then the copy keeps automated backups
    assert live("temp-staging-replica")["BackupRetentionPeriod"] == 1


def test_configure_skips_when_the_retention_is_already_set(context: FakeLambdaContext,
                                                           create_instance: CreateInstance, rds_calls: Calls) -> None:
    # Given a copy with the planned retention
    create_instance("temp-staging-replica", retention=1)
    calls = rds_calls(configure)
    # When / Then Configure copy is skipped without a modify
    assert configure.handler(envelope(BACKUPS), context) == SKIPPED
    assert calls == ["DescribeDBInstances"]


@pytest.mark.parametrize("fields", [
    pytest.param({"DBParameterGroups": [{"DBParameterGroupName": "default.mysql8.0",
                                         "ParameterApplyStatus": "in-sync"}], "BackupRetentionPeriod": 3},
                 id="other-group"),
    pytest.param({"DBParameterGroups": [{"DBParameterGroupName": "staging-params",
                                         "ParameterApplyStatus": "in-sync"}], "BackupRetentionPeriod": 0},
                 id="no-backups"),
])
def test_configure_makes_the_plan_s_request_while_its_result_is_not_in_effect(context: FakeLambdaContext,
                                                                              stub: Stub, fields: Any) -> None:
    # Given an available copy whose parameter group or backups are not yet as planned
    rds = stub(configure, "rds")
    rds.add_response("describe_db_instances", described("temp-staging-replica", **fields),
                     {"DBInstanceIdentifier": "temp-staging-replica"})
    rds.add_response("modify_db_instance", {}, REQUEST)
    # When / Then Configure copy makes exactly the plan's request
    assert configure.handler(envelope(CONFIGURE), context) == MODIFIED


@pytest.mark.parametrize("fields", [
    pytest.param({"DBParameterGroups": [{"DBParameterGroupName": "staging-params",
                                         "ParameterApplyStatus": "pending-reboot"}], "BackupRetentionPeriod": 3},
                 id="group-awaiting-its-reboot"),
    pytest.param({"DBParameterGroups": [{"DBParameterGroupName": "staging-params",
                                         "ParameterApplyStatus": "in-sync"}], "BackupRetentionPeriod": 3},
                 id="in-sync"),
])
def test_configure_skips_once_its_result_is_in_effect(context: FakeLambdaContext, stub: Stub, fields: Any) -> None:
    # Given the copy already has the planned group (its parameters take effect at the reboot) and backups; no modify
    # is scripted
    stub(configure, "rds").add_response("describe_db_instances", described("temp-staging-replica", **fields))
    # When / Then Configure copy is skipped
    assert configure.handler(envelope(CONFIGURE), context) == SKIPPED


@pytest.mark.parametrize(("status", "fields"), [
    pytest.param("modifying", {}, id="modifying"),
    pytest.param("creating", {}, id="creating"),
    pytest.param("backing-up", {}, id="backing-up"),
    pytest.param("available", {"PendingModifiedValues": {"DBInstanceIdentifier": "temp-other"}},
                 id="rename-pending"),
])
def test_configure_waits_while_the_copy_is_busy(context: FakeLambdaContext, stub: Stub, status: str,
                                                fields: Any) -> None:
    # Given the copy is in the middle of something (no modify is scripted: RDS would refuse it)
    stub(configure, "rds").add_response("describe_db_instances",
                                        described("temp-staging-replica", status, BackupRetentionPeriod=0, **fields))
    # When / Then Configure copy asks to be retried, saying why
    with pytest.raises(NotReady, match=f"temp-staging-replica: {status}"):
        configure.handler(envelope(CONFIGURE), context)
