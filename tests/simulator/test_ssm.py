"""The simulated SSM: Run Command invocations on the virtual clock, ListCommands, and the managed nodes.

The base world (`sim`) has three hosts: two tagged app=demo, one app=other.

Sources: the botocore ssm service model (cited "botocore ssm service model, Shape.member") and the Systems
Manager User Guide "Understanding command statuses" (https://docs.aws.amazon.com/systems-manager/latest/
userguide/monitor-commands.html).
"""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError

from simulator.latency import Latency

L = Latency()
SSM_MODEL = botocore.session.get_session().get_service_model("ssm")


def hosts(aws: Any, app: str | None = None) -> list[str]:
    filters = [{"Name": "tag:app", "Values": [app]}] if app else []
    reservations = aws("ec2").describe_instances(Filters=filters)["Reservations"]
    return sorted(i["InstanceId"] for r in reservations for i in r["Instances"])


def send(aws: Any, **target: Any) -> str:
    return aws("ssm").send_command(
        DocumentName="AWS-RunShellScript", Parameters={"commands": ["systemctl restart app"]}, **target
    )["Command"]["CommandId"]


def invocations(aws: Any, command_id: str) -> dict[str, str]:
    listed = aws("ssm").list_command_invocations(CommandId=command_id, Details=True)["CommandInvocations"]
    return {i["InstanceId"]: i["Status"] for i in listed}


def command(aws: Any, command_id: str) -> dict[str, Any]:
    [listed] = aws("ssm").list_commands(CommandId=command_id)["Commands"]
    return listed


def counts(listed: dict[str, Any]) -> tuple[str, str, int, int, int]:
    return (listed["Status"], listed["StatusDetails"], listed["TargetCount"], listed["CompletedCount"],
            listed["ErrorCount"])


# SendCommand and its invocations


def test_send_command_invokes_only_the_instances_its_tag_targets_match(sim, aws):
    command_id = send(aws, Targets=[{"Key": "tag:app", "Values": ["demo"]}])
    assert sorted(invocations(aws, command_id)) == hosts(aws, "demo")


def test_send_command_to_instance_ids_invokes_only_those(sim, aws):
    [first, _] = hosts(aws, "demo")
    command_id = send(aws, InstanceIds=[first])
    assert list(invocations(aws, command_id)) == [first]


def test_command_is_pending_then_in_progress_then_success_after_ssm_command_latency(sim, aws, clock):
    """Statuses from the CommandInvocationStatus enum (botocore ssm service model); how long a command runs is
    the ssm_command latency."""
    response = aws("ssm").send_command(
        DocumentName="AWS-RunShellScript", Targets=[{"Key": "tag:app", "Values": ["demo"]}]
    )
    command_id = response["Command"]["CommandId"]
    assert response["Command"]["Status"] == "Pending"
    assert set(invocations(aws, command_id).values()) == {"InProgress"}
    clock.t = L.ssm_command
    assert set(invocations(aws, command_id).values()) == {"Success"}
    invocation = aws("ssm").get_command_invocation(CommandId=command_id, InstanceId=hosts(aws, "demo")[0])
    assert (invocation["Status"], invocation["ResponseCode"]) == ("Success", 0)


@pytest.mark.parametrize("outcome", ["Failed", "TimedOut", "Cancelled"])
def test_faulted_invocation_statuses_are_those_of_the_enum(make_sim, aws, clock, outcome):
    """botocore ssm service model, CommandInvocationStatus: Pending | InProgress | Delayed | Success | Cancelled |
    TimedOut | Failed | Cancelling."""
    make_sim(faults=[{"operation": "ssm:command", "status": outcome}])
    command_id = send(aws, Targets=[{"Key": "tag:app", "Values": ["demo"]}])
    clock.t = L.ssm_command
    statuses = set(invocations(aws, command_id).values())
    assert statuses == {outcome}
    assert statuses <= set(SSM_MODEL.shape_for("CommandInvocationStatus").enum)


@pytest.mark.parametrize("target", [{}, {"InstanceIds": ["i-00000000000000000"]}])
def test_send_command_without_targets_or_to_unknown_instances_is_refused(sim, aws, target):
    with pytest.raises(ClientError):
        send(aws, **target)


def test_unknown_invocations_do_not_exist(sim, aws):
    with pytest.raises(ClientError) as excinfo:
        aws("ssm").get_command_invocation(CommandId="00000000-0000-4000-8000-000000000000", InstanceId="i-1")
    assert excinfo.value.response["Error"]["Code"] == "InvocationDoesNotExist"


def test_targets_that_match_no_instance_give_a_success_without_invocations(sim, aws):
    """User Guide "Understanding command statuses": "No Instances In Tag | The tag key-pair value or resource
    group targeted by the command doesn't match any managed nodes. This is a terminal state." Which Status goes
    with it, the TargetCount and the invocations are undocumented: the simulator says Success, TargetCount 0 and
    no invocations, as moto does."""
    command_id = send(aws, Targets=[{"Key": "tag:app", "Values": ["nothing"]}])
    assert counts(command(aws, command_id)) == ("Success", "No Instances In Tag", 0, 0, 0)
    assert invocations(aws, command_id) == {}
    filtered = aws("ssm").list_commands(Filters=[{"key": "Status", "value": "NoInstancesInTag"}])["Commands"]
    assert [c["CommandId"] for c in filtered] == [command_id]


# ListCommands


def test_list_commands_counts_targets_completions_and_errors(make_sim, aws, clock):
    """botocore ssm service model, Command: TargetCount "The number of targets for the command."; CompletedCount
    "The number of targets for which the command invocation reached a terminal state."; ErrorCount "The number
    of targets for which the status is Failed or Execution Timed Out."; StatusDetails "In Progress", "Success",
    "Failed", "Execution Timed Out"..."""
    make_sim(faults=[{"operation": "ssm:command", "match": {"Comment": "bad"}, "status": "Failed", "times": -1}])
    ssm = aws("ssm")
    good = send(aws, Targets=[{"Key": "tag:app", "Values": ["demo"]}])
    bad = ssm.send_command(DocumentName="AWS-RunShellScript", Comment="bad",
                           Targets=[{"Key": "tag:app", "Values": ["demo"]}])["Command"]["CommandId"]
    assert counts(command(aws, good)) == ("InProgress", "In Progress", 2, 0, 0)
    clock.t = L.ssm_command
    assert counts(command(aws, good)) == ("Success", "Success", 2, 2, 0)
    assert counts(command(aws, bad)) == ("Failed", "Failed", 2, 2, 2)


def test_list_commands_filters_and_pages(sim, aws, clock):
    """botocore ssm service model, ListCommands: CommandId, InstanceId, Filters (CommandFilter keys InvokedAfter,
    InvokedBefore, Status, ExecutionStage, DocumentName), MaxResults, NextToken."""
    ssm = aws("ssm")
    first = send(aws, Targets=[{"Key": "tag:app", "Values": ["demo"]}])
    clock.t = L.ssm_command
    second = send(aws, Targets=[{"Key": "tag:app", "Values": ["other"]}])
    [other_host] = hosts(aws, "other")
    assert [c["CommandId"] for c in ssm.list_commands(InstanceId=other_host)["Commands"]] == [second]
    executing = ssm.list_commands(Filters=[{"key": "ExecutionStage", "value": "Executing"}])["Commands"]
    assert [c["CommandId"] for c in executing] == [second]
    done = ssm.list_commands(Filters=[{"key": "Status", "value": "Success"}])["Commands"]
    assert [c["CommandId"] for c in done] == [first]
    page = ssm.list_commands(MaxResults=1)
    assert [c["CommandId"] for c in page["Commands"]] == [first]
    assert [c["CommandId"] for c in ssm.list_commands(NextToken=page["NextToken"])["Commands"]] == [second]
    with pytest.raises(ClientError) as excinfo:
        ssm.list_commands(CommandId="00000000-0000-4000-8000-00000000ffff")
    assert excinfo.value.response["Error"]["Code"] == "InvalidCommandId"


# Managed nodes


def nodes(aws: Any, **params: Any) -> list[str]:
    return [n["InstanceId"] for n in aws("ssm").describe_instance_information(**params)["InstanceInformationList"]]


def test_the_world_ec2_instances_are_the_online_managed_nodes(sim, aws):
    """botocore ssm service model, DescribeInstanceInformation; InstanceInformation.PingStatus (Online...)."""
    listed = aws("ssm").describe_instance_information()["InstanceInformationList"]
    assert sorted(n["InstanceId"] for n in listed) == hosts(aws)
    assert {(n["PingStatus"], n["ResourceType"], n["PlatformType"]) for n in listed} == {
        ("Online", "EC2Instance", "Linux")}


def test_managed_nodes_filter_by_instance_ids_and_tags(sim, aws):
    """botocore ssm service model, InstanceInformationStringFilter.Key: "InstanceIds | ... | "tag-key" |
    "tag:{keyname}""; DescribeInstanceInformation.Filters: "Tag filters can't be combined with other filter
    types." (code undocumented: InvalidFilterKey, among the operation's errors)"""
    demo = hosts(aws, "demo")
    assert sorted(nodes(aws, Filters=[{"Key": "tag:app", "Values": ["demo"]}])) == demo
    assert nodes(aws, Filters=[{"Key": "InstanceIds", "Values": [demo[0]]}]) == [demo[0]]
    assert nodes(aws, Filters=[{"Key": "tag:app", "Values": ["nothing"]}]) == []
    for filters in ([{"Key": "tag:app", "Values": ["demo"]}, {"Key": "InstanceIds", "Values": [demo[0]]}],
                    [{"Key": "Colour", "Values": ["blue"]}]):
        with pytest.raises(ClientError) as excinfo:
            nodes(aws, Filters=filters)
        assert excinfo.value.response["Error"]["Code"] == "InvalidFilterKey"


def test_managed_nodes_are_paginated(make_sim, aws, world):
    """DescribeInstanceInformation.MaxResults: "The default value is 10 items." (5 to 50)"""
    world["ec2"]["instances"] = [{"Tags": [{"Key": "app", "Value": "many"}]}] * 12
    make_sim(world)
    ssm = aws("ssm")
    first = ssm.describe_instance_information()
    assert len(first["InstanceInformationList"]) == 10
    rest = ssm.describe_instance_information(NextToken=first["NextToken"])
    assert len(rest["InstanceInformationList"]) == 2 and "NextToken" not in rest
    assert len(ssm.describe_instance_information(MaxResults=5)["InstanceInformationList"]) == 5
