"""Notifications, end to end on the simulated AWS: when an execution ends, Step Functions' status change event
(emulated: moto emits none) reaches the stack's rule, which invokes Notify through Lambda, which publishes one
message to the stack's topic. The report's `notifications` are those messages, in order.

AWS behaviours relied on: Step Functions sends a "Step Functions Execution Status Change" event for every status
change of a Standard workflow's execution (https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html);
a rule sends a matching event to its targets (https://docs.aws.amazon.com/eventbridge/latest/userguide/
eb-event-patterns.html)."""

from __future__ import annotations

import json
from typing import Any

from mitosis import recovery

from simulator.runner import Simulation
from tests.infrastructure.test_least_privilege import without

SECRET_ARN = "arn:aws:secretsmanager:us-west-2:123456789012:secret:demo-master"
SECRET_VALUE = "staging-only-hunter2"


def simulate(world: dict[str, Any], execution_input: Any, **options: Any) -> dict[str, Any]:
    return Simulation(world=world, execution_input=execution_input, **options).run()


def test_a_failed_attempt_and_its_rerun_give_two_notifications_the_first_naming_the_state_and_the_target(
        world: dict[str, Any], execution_input: dict[str, Any]) -> None:
    # Given the replica's copy cannot take its name in the first execution (the swap rolls back)
    refused = {"operation": "rds:ModifyDBInstance", "match": {"DBInstanceIdentifier": "temp-mitosis-demo-replica"},
               "error": "InvalidParameterCombination", "times": -1, "attempts": [1]}
    report = simulate(world, execution_input, faults=[refused], attempts=2)
    assert [a["status"] for a in report["attempts"]] == ["FAILED", "SUCCEEDED"]
    # Then one message per execution, in order
    first, second = report["notifications"]
    assert (first["status"], second["status"]) == ("FAILED", "SUCCEEDED")
    assert first["subject"] == "stack-mitosis simulated: refresh of mitosis-demo FAILED"
    assert "Target:      mitosis-demo" in first["message"]
    assert "Failed state: Rename (temp-mitosis-demo-replica -> mitosis-demo-replica)" in first["message"]
    assert "Error:        InvalidParameterCombination" in first["message"]
    assert recovery.SWAP_ROLLED_BACK in first["message"]
    assert "refresh-attempt-1" in first["message"] and "refresh-attempt-2" in second["message"]
    # and Notify's calls are its own (not the refresh's), allowed by its role
    assert {c["operation"] for c in report["notification_calls"]} == {
        "DescribeExecution", "GetExecutionHistory", "Publish"}
    assert all(c["operation"] != "Publish" for c in report["calls"])
    assert report["denied"] == [] and report["notification_failures"] == []


def seconds(clock: str) -> int:
    """`4m 00s` -> 240."""
    units = {"h": 3600, "m": 60, "s": 1}
    return sum(int(part[:-1]) * units[part[-1]] for part in clock.split())


def test_each_names_downtime_is_what_rds_saw_within_one_polling_interval(
        world: dict[str, Any], execution_input: dict[str, Any]) -> None:
    report = simulate(world, execution_input)
    [notification] = report["notifications"]
    line = next(line for line in notification["message"].splitlines() if line.startswith("Downtime:"))
    notified = {name: seconds(clock) for name, clock in
                (part.strip().split(" ", 1) for part in line.removeprefix("Downtime:").split(","))}
    assert set(notified) == set(report["downtime_s"])
    for name, down in report["downtime_s"].items():
        assert down <= notified[name] <= down + 30, (name, down, notified[name])  # polling.interval_s


def test_a_dry_run_gives_one_notification(world: dict[str, Any], execution_input: dict[str, Any]) -> None:
    report = simulate(world, {**execution_input, "dry_run": True})
    [notification] = report["notifications"]
    assert notification["status"] == "SUCCEEDED"
    assert notification["subject"] == "stack-mitosis simulated: dry run of mitosis-demo SUCCEEDED"
    assert "The flight plan (" in notification["message"]


def test_no_message_carries_the_master_password(world: dict[str, Any], execution_input: dict[str, Any]) -> None:
    # Given a job that sets the copy's master password from a secret, and RDS refusing the first try
    world["secretsmanager"] = {"secrets": [{"Name": "demo-master", "SecretString": json.dumps(
        {"password": SECRET_VALUE})}]}
    refused = {"operation": "rds:ModifyDBInstance", "match": {"MasterUserPassword": SECRET_VALUE},
               "error": "InvalidParameterValue", "attempts": [1]}
    report = simulate(world, {**execution_input, "master_password": {"secret_arn": SECRET_ARN}}, faults=[refused],
                      attempts=2)
    # Then the failure is notified, naming the state, and nothing anywhere in the report holds the password
    first, second = report["notifications"]
    assert "Failed state: Set master password (temp-mitosis-demo)" in first["message"]
    assert second["status"] == "SUCCEEDED"
    assert SECRET_VALUE not in json.dumps(report)


def test_a_notification_the_topic_refuses_is_denied_and_reported_not_lost_silently(
        world: dict[str, Any], execution_input: dict[str, Any]) -> None:
    report = simulate(world, {**execution_input, "dry_run": True}, policies=without("Notify", "sns:Publish"))
    assert report["status"] == "SUCCEEDED" and report["notifications"] == []
    assert [(d["operation"], d["refused"][0][0]) for d in report["denied"]] == [("Publish", "sns:Publish")]
    [failure] = report["notification_failures"]
    assert failure["status"] == "SUCCEEDED" and "AccessDenied" in failure["error"]


def test_an_execution_start_is_sent_too_but_no_rule_of_the_stack_matches_it(
        world: dict[str, Any], execution_input: dict[str, Any]) -> None:
    # Each execution emits RUNNING then its end: only the end reaches Notify (its calls name one execution once)
    report = simulate(world, {**execution_input, "dry_run": True}, runs=2)
    assert [n["status"] for n in report["notifications"]] == ["SUCCEEDED", "SUCCEEDED"]
    described = [c["params"]["executionArn"].rsplit(":", 1)[1] for c in report["notification_calls"]
                 if c["operation"] == "DescribeExecution"]
    assert described == ["refresh-attempt-1", "refresh-attempt-2"]
