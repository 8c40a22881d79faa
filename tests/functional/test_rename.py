"""Rename: one rename of a name's swap (`<name>` to `old-<name>`, or `temp-<name>` to `<name>`), of the instance (or
Aurora cluster) the plan expects only, tagged first; awaited while it is busy, skipped once done or pending."""

from __future__ import annotations

from typing import Any

import pytest
from mitosis.errors import NotReady, RenameRefused
from mitosis.handlers import rename
from mitosis.models import TAG_GENERATION, TAG_NAME, TAG_PROTECTED, TAG_REPLACED_BY, TAG_TARGET

from tests.functional.conftest import (
    EXECUTION,
    Calls,
    CreateInstance,
    FakeLambdaContext,
    Json,
    Live,
    Stub,
    described,
    envelope,
    not_found,
    tag_list,
)

GENERATION = EXECUTION
COPY_TAGS = {TAG_TARGET: "staging", TAG_NAME: "staging", TAG_GENERATION: GENERATION}
WINDOWS = {"PreferredMaintenanceWindow": "tue:01:00-tue:02:00", "PreferredBackupWindow": "03:00-03:30"}
INSTALL = {"DBInstanceIdentifier": "temp-staging", "NewDBInstanceIdentifier": "staging", "ApplyImmediately": True,
           **WINDOWS}
RETIRE = {"DBInstanceIdentifier": "staging", "NewDBInstanceIdentifier": "old-staging", "ApplyImmediately": True}
RETIRE_TAGS = [{"Key": TAG_TARGET, "Value": "staging"}, {"Key": TAG_NAME, "Value": "staging"},
               {"Key": TAG_REPLACED_BY, "Value": GENERATION}, {"Key": TAG_PROTECTED, "Value": "false"}]
RETIRING: Json = {"rename": RETIRE, "tags": RETIRE_TAGS, "generation": GENERATION, "is_copy": False,
            "expect": {"DBInstanceIdentifier": "old-staging", "settled": ["DBInstanceIdentifier"]}}
INSTALLING: Json = {"rename": INSTALL, "generation": GENERATION, "is_copy": True,
              "expect": {"DBInstanceIdentifier": "staging", "settled": ["DBInstanceIdentifier"], "values": WINDOWS}}
RETIRED = {"DBInstanceIdentifier": "old-staging", "action": "renamed"}
INSTALLED = {"DBInstanceIdentifier": "staging", "action": "renamed"}


@pytest.mark.usefixtures("world")
def test_rename_retires_the_old_instance_then_a_retry_skips_it(context: FakeLambdaContext, live: Live,
                                                               rds_calls: Calls) -> None:
    # Given staging, the old data, with its replica
    # When Rename retires it
    assert rename.handler(envelope(RETIRING), context) == RETIRED
    # Then the instance holds the new name, with its replica still attached
    assert live("staging") is None
    assert live("old-staging")["ReadReplicaDBInstanceIdentifiers"] == ["staging-replica"]
    # And it carries the retirement tags, so a later run recognises it under its new name
    assert live("old-staging")["TagList"] == [{"Key": "env", "Value": "staging"}, {"Key": "team", "Value": "data"},
                                              *RETIRE_TAGS]

    # When a retried invocation runs: the old name is gone and the new one exists
    calls = rds_calls(rename)
    assert rename.handler(envelope(RETIRING), context) == {"DBInstanceIdentifier": "old-staging",
                                                           "action": "skipped"}
    # Then it only looked
    assert calls == ["DescribeDBInstances", "DescribeDBInstances"]
    assert live("old-staging") is not None


def test_rename_tags_the_old_instance_before_retiring_it(context: FakeLambdaContext, create_instance: CreateInstance,
                                                         rds_calls: Calls) -> None:
    # Given staging, the old data
    create_instance("staging", tags={"env": "staging"})
    calls = rds_calls(rename)
    # When Rename retires it
    assert rename.handler(envelope(RETIRING), context) == RETIRED
    # Then it was tagged before the rename, so a run that fails between the two still recognises it
    assert calls == ["DescribeDBInstances", "DescribeDBInstances", "AddTagsToResource", "ModifyDBInstance"]


def test_rename_lifts_the_protection_of_the_old_instance_it_retires(context: FakeLambdaContext,
                                                                    create_instance: CreateInstance,
                                                                    live: Live) -> None:
    # Given staging, protected from deletion
    create_instance("staging", DeletionProtection=True)
    tags = [*RETIRE_TAGS[:3], {"Key": TAG_PROTECTED, "Value": "true"}]
    event = {**RETIRING, "rename": {**RETIRE, "DeletionProtection": False}, "tags": tags,
             "expect": {**RETIRING["expect"], "values": {"DeletionProtection": False}}}
    # When Rename retires it
    assert rename.handler(envelope(event), context) == RETIRED
    # Then the retired instance can be deleted later, and its tag remembers the protection it had
    assert live("old-staging")["DeletionProtection"] is False
    assert {"Key": TAG_PROTECTED, "Value": "true"} in live("old-staging")["TagList"]


def test_rename_installs_this_refresh_s_copy_with_the_install_settings(context: FakeLambdaContext,
                                                                       create_instance: CreateInstance, live: Live,
                                                                       rds_calls: Calls) -> None:
    # Given this refresh's copy, and the name free
    create_instance("temp-staging", tags=COPY_TAGS)
    calls = rds_calls(rename)
    # When Rename installs it (no tags to add)
    assert rename.handler(envelope(INSTALLING), context) == INSTALLED
    # Then the copy holds the name, with the windows that ride on the rename, and keeps its tags (the third
    # describe: whether old-staging is still renaming, holding the name)
    assert calls == ["DescribeDBInstances", "DescribeDBInstances", "DescribeDBInstances", "ModifyDBInstance"]
    installed = live("staging")
    assert live("temp-staging") is None
    assert {key: installed[key] for key in WINDOWS} == WINDOWS
    assert installed["TagList"] == tag_list(COPY_TAGS)


@pytest.mark.parametrize(("name", "tags", "event"), [
    pytest.param("temp-staging", {**COPY_TAGS, TAG_GENERATION: "run-0"}, INSTALLING, id="copy-of-another-generation"),
    pytest.param("temp-staging", {"env": "staging"}, INSTALLING, id="not-a-copy"),
    pytest.param("staging", COPY_TAGS, RETIRING, id="retiring-this-generations-copy"),
])
def test_rename_refuses_an_instance_the_plan_does_not_expect(context: FakeLambdaContext,
                                                             create_instance: CreateInstance, live: Live,
                                                             rds_calls: Calls, name: str, tags: dict[str, str],
                                                             event: Json) -> None:
    # Given the instance under the name to rename is not the one the plan expects (by its generation tag)
    create_instance(name, tags=tags)
    calls = rds_calls(rename)
    # When / Then Rename refuses (the error type the state machine reports), having only looked
    with pytest.raises(RenameRefused) as raised:
        rename.handler(envelope(event), context)
    assert type(raised.value).__name__ == "RenameRefused"
    assert f"'{name}'" in str(raised.value)
    assert calls == ["DescribeDBInstances", "DescribeDBInstances"]
    # And the instance is untouched: same name, no tag added
    assert live(name)["TagList"] == tag_list(tags)


def test_rename_refuses_when_neither_name_exists(context: FakeLambdaContext, rds_calls: Calls) -> None:
    calls = rds_calls(rename)
    with pytest.raises(RenameRefused):
        rename.handler(envelope(INSTALLING), context)
    assert calls == ["DescribeDBInstances", "DescribeDBInstances"]


@pytest.mark.parametrize("status", ["backing-up", "modifying", "rebooting", "renaming"])
def test_rename_waits_while_the_old_instance_is_busy(context: FakeLambdaContext, stub: Stub, status: str) -> None:
    # Given staging, the old data, is in the middle of something (no tag or modify is scripted)
    rds = stub(rename, "rds")
    rds.add_response("describe_db_instances", described("staging", status), {"DBInstanceIdentifier": "staging"})
    not_found(rds, "old-staging")
    # When / Then Rename asks to be retried, saying why
    with pytest.raises(NotReady, match=f"staging is {status}"):
        rename.handler(envelope(RETIRING), context)


def test_rename_installs_the_copy_only_once_the_old_instance_has_left_the_name(context: FakeLambdaContext,
                                                                                stub: Stub) -> None:
    # Given a run that started while old-staging was still renaming (RDS keeps the name until it is done)
    rds = stub(rename, "rds")
    rds.add_response("describe_db_instances", described("temp-staging", TagList=tag_list(COPY_TAGS)),
                     {"DBInstanceIdentifier": "temp-staging"})
    not_found(rds, "staging")
    rds.add_response("describe_db_instances", described("old-staging", "renaming"),
                     {"DBInstanceIdentifier": "old-staging"})
    # When / Then Rename waits for it rather than be refused (DBInstanceAlreadyExists) and roll the swap back
    with pytest.raises(NotReady, match="old-staging is still renaming"):
        rename.handler(envelope(INSTALLING), context)


def test_rename_waits_while_another_rename_of_the_old_instance_is_pending(context: FakeLambdaContext,
                                                                          stub: Stub) -> None:
    # Given staging is available, but RDS has accepted a rename of it to another name (no tag or modify is scripted)
    rds = stub(rename, "rds")
    rds.add_response("describe_db_instances", described(
        "staging", PendingModifiedValues={"DBInstanceIdentifier": "somewhere-else"}),
        {"DBInstanceIdentifier": "staging"})
    not_found(rds, "old-staging")
    # When / Then Rename asks to be retried rather than rename it twice
    with pytest.raises(NotReady):
        rename.handler(envelope(RETIRING), context)


def test_rename_says_which_pending_rename_it_waits_for(context: FakeLambdaContext, stub: Stub) -> None:
    # Given staging is available, with a rename of it to another name pending
    rds = stub(rename, "rds")
    rds.add_response("describe_db_instances", described(
        "staging", PendingModifiedValues={"DBInstanceIdentifier": "somewhere-else"}),
        {"DBInstanceIdentifier": "staging"})
    not_found(rds, "old-staging")
    # When Rename waits
    with pytest.raises(NotReady) as raised:
        rename.handler(envelope(RETIRING), context)
    # Then its cause (what the execution fails with once the wait times out) names what it waits for
    assert "somewhere-else" in str(raised.value)


@pytest.mark.parametrize("status", ["available", "modifying"])
def test_rename_skips_a_rename_rds_has_accepted(context: FakeLambdaContext, stub: Stub, status: str) -> None:
    # Given RDS accepted the rename of staging to old-staging (an earlier invocation) but has not made it yet
    rds = stub(rename, "rds")
    rds.add_response("describe_db_instances", described(
        "staging", status, PendingModifiedValues={"DBInstanceIdentifier": "old-staging"}),
        {"DBInstanceIdentifier": "staging"})
    not_found(rds, "old-staging")
    # When / Then Rename does not ask again (no tag or modify is scripted)
    assert rename.handler(envelope(RETIRING), context) == {"DBInstanceIdentifier": "old-staging",
                                                           "action": "skipped"}


CLUSTER_RETIRING: Json = {
    "rename": {"DBClusterIdentifier": "staging", "NewDBClusterIdentifier": "old-staging", "ApplyImmediately": True},
    "tags": RETIRE_TAGS, "generation": GENERATION, "is_copy": False,
    "expect": {"DBClusterIdentifier": "old-staging", "settled": ["DBClusterIdentifier"]}}


def test_rename_retires_an_aurora_cluster_tagging_it_first_then_a_retry_skips_it(
        context: FakeLambdaContext, create_cluster: Any, live_cluster: Live, rds_requests: Any) -> None:
    # Given the staging cluster, the old data
    create_cluster("staging", instances=("staging-1",), tags={"env": "staging"})
    requests = rds_requests(rename)
    # When Rename retires it
    assert rename.handler(envelope(CLUSTER_RETIRING), context) == {"DBClusterIdentifier": "old-staging",
                                                                   "action": "renamed"}
    # Then it was tagged by its ARN first, then renamed by ModifyDBCluster (never an instance of that name)
    assert [operation for operation, _ in requests] == [
        "DescribeDBClusters", "DescribeDBClusters", "AddTagsToResource", "ModifyDBCluster"]
    assert requests[2][1]["ResourceName"].endswith(":cluster:staging")
    assert live_cluster("staging") is None
    assert live_cluster("old-staging")["TagList"] == [{"Key": "env", "Value": "staging"}, *RETIRE_TAGS]
    # When a retried invocation runs: the old name is gone and the new one exists
    assert rename.handler(envelope(CLUSTER_RETIRING), context)["action"] == "skipped"


def test_rename_refuses_a_cluster_that_is_not_this_refresh_s_copy(context: FakeLambdaContext,
                                                                  create_cluster: Any) -> None:
    # Given a temp-staging cluster this refresh did not make
    create_cluster("temp-staging")
    installing = {"rename": {"DBClusterIdentifier": "temp-staging", "NewDBClusterIdentifier": "staging",
                             "ApplyImmediately": True}, "generation": GENERATION, "is_copy": True,
                  "expect": {"DBClusterIdentifier": "staging", "settled": ["DBClusterIdentifier"]}}
    with pytest.raises(RenameRefused, match="'temp-staging' is not this refresh's copy"):
        rename.handler(envelope(installing), context)
