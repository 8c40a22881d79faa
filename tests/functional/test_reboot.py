"""Reboot copy: a copy's new parameter group takes effect at its next reboot; skipped when it already has, awaited
while the copy is busy."""

from __future__ import annotations

from typing import Any

import pytest
from mitosis.errors import NotReady
from mitosis.handlers import reboot

from tests.functional.conftest import Calls, CreateInstance, FakeLambdaContext, Stub, described, envelope

REBOOT = {"op": "RebootDBInstance", "request": {"DBInstanceIdentifier": "temp-staging-replica"},
          "expect": {"DBInstanceIdentifier": "temp-staging-replica", "parameter_group": "staging-params",
                     "parameters_in_sync": True}}
REBOOTED = {"DBInstanceIdentifier": "temp-staging-replica", "action": "rebooted"}


def group(status: str, name: str = "staging-params") -> list[dict[str, str]]:
    return [{"DBParameterGroupName": name, "ParameterApplyStatus": status}]


def test_reboot_reboots_a_copy_whose_parameter_group_awaits_it(context: FakeLambdaContext, stub: Stub) -> None:
    # Given an available copy whose new parameter group is pending its reboot
    rds = stub(reboot, "rds")
    rds.add_response("describe_db_instances", described("temp-staging-replica",
                                                        DBParameterGroups=group("pending-reboot")),
                     {"DBInstanceIdentifier": "temp-staging-replica"})
    rds.add_response("reboot_db_instance", {}, {"DBInstanceIdentifier": "temp-staging-replica"})
    # When / Then Reboot copy reboots it with the plan's request
    assert reboot.handler(envelope(REBOOT), context) == REBOOTED


def test_reboot_skips_a_copy_whose_parameters_are_in_effect(context: FakeLambdaContext, rds_client: Any,
                                                            create_instance: CreateInstance,
                                                            rds_calls: Calls) -> None:
    # Given a copy whose parameter group is in sync (a retried invocation, or a reboot RDS made itself)
    rds_client.create_db_parameter_group(DBParameterGroupName="staging-params", DBParameterGroupFamily="mysql5.6",
                                         Description="staging's parameters")
    create_instance("temp-staging-replica", DBParameterGroupName="staging-params")
    calls = rds_calls(reboot)
    # When / Then Reboot copy is skipped, having only looked
    assert reboot.handler(envelope(REBOOT), context) == {"DBInstanceIdentifier": "temp-staging-replica",
                                                         "action": "skipped"}
    assert calls == ["DescribeDBInstances"]


@pytest.mark.parametrize(("status", "fields"), [
    pytest.param("rebooting", {}, id="rebooting"),
    pytest.param("modifying", {}, id="modifying"),
    pytest.param("available", {"PendingModifiedValues": {"DBInstanceIdentifier": "temp-other"}},
                 id="rename-pending"),
])
def test_reboot_waits_while_the_copy_is_busy(context: FakeLambdaContext, stub: Stub, status: str,
                                             fields: Any) -> None:
    # Given the copy is in the middle of something, its group pending a reboot (no reboot is scripted)
    stub(reboot, "rds").add_response("describe_db_instances", described(
        "temp-staging-replica", status, DBParameterGroups=group("pending-reboot"), **fields))
    # When / Then Reboot copy asks to be retried, saying why
    with pytest.raises(NotReady, match=f"temp-staging-replica: {status}"):
        reboot.handler(envelope(REBOOT), context)
