"""Notify: one message per finished execution, saying how it went and what to do next, and the refresh's
metrics.

The execution's description and history are scripted (a Stubber on Step Functions: moto runs no execution
here); the message goes to a moto topic, read back through an SQS subscription as a subscriber would. The
event is what the stack's rule passes the function: `{"detail", "time"}` of the "Step Functions Execution
Status Change" event (https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html), in the envelope."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from mitosis import recovery
from mitosis.handlers import notify

from tests.functional.conftest import ACCOUNT, REGION, FakeLambdaContext, Json, Logs, Stub, envelope

MACHINE = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:stack-mitosis-refresh"
START = dt.datetime(2026, 3, 1, 3, 0, tzinfo=dt.UTC)
JOB = {"name": "weekly", "source": "production", "target": "staging"}
INPUT = {"source": "production", "target": "staging"}
SECRET_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:staging-master"


class History:
    """A scripted GetExecutionHistory, each event linked to the one before it (one branch at a time)."""

    def __init__(self) -> None:
        self.events: list[Json] = []
        self.t = 0

    def add(self, kind: str, seconds: int = 0, **details: Any) -> Json:
        self.t += seconds
        event: Json = {"id": len(self.events) + 1, "previousEventId": len(self.events), "type": kind,
                       "timestamp": START + dt.timedelta(seconds=self.t), **details}
        self.events.append(event)
        return event

    def state(self, name: str, kind: str = "Task", data: Any = None, seconds: int = 0) -> None:
        """A state entered and left `seconds` later (its input and output: `data`)."""
        text = json.dumps(data if data is not None else {})
        self.add(f"{kind}StateEntered", stateEnteredEventDetails={"name": name, "input": text})
        self.add(f"{kind}StateExited", seconds, stateExitedEventDetails={"name": name, "output": text})

    def task(self, name: str, payload: Json, *, seconds: int = 0, error: tuple[str, str] | None = None,
             data: Any = None) -> None:
        """A Lambda task: entered, its function called with `payload` (and failing with `error`), left unless
        it failed."""
        self.add("TaskStateEntered", stateEnteredEventDetails={"name": name, "input": json.dumps(data or {})})
        self.add("LambdaFunctionScheduled", lambdaFunctionScheduledEventDetails={
            "resource": "arn:aws:lambda:::function:f", "input": json.dumps(payload)})
        self.add("LambdaFunctionStarted")
        if error:
            cause = json.dumps({"errorMessage": error[1], "errorType": error[0],
                                "stackTrace": ['  File "/var/task/mitosis/steps/swap.py", line 40']})
            self.add("LambdaFunctionFailed", seconds, lambdaFunctionFailedEventDetails={"error": error[0],
                                                                                       "cause": cause})
            return
        self.add("LambdaFunctionSucceeded", seconds, lambdaFunctionSucceededEventDetails={"output": "{}"})
        self.add("TaskStateExited", stateExitedEventDetails={"name": name, "output": json.dumps(data or {})})

    def rename(self, source: str, new: str, is_copy: bool, seconds: int) -> None:
        """A rename in a Swap name iteration: Rename, then "Rename done?" `seconds` later."""
        item = {"event": {"rename": {"DBInstanceIdentifier": source, "NewDBInstanceIdentifier": new},
                          "is_copy": is_copy, "generation": "weekly"}, "context": {"execution": "weekly"}}
        self.task("Rename", {"event": item["event"]}, data=item)
        self.task("Rename done?", {"event": {"DBInstanceIdentifier": new}}, data=item, seconds=seconds)

    def start(self) -> None:
        self.task("Describe", {"event": {"input": INPUT}}, seconds=1)
        for name in ("Check no other refresh", "Plan", "Check hooks"):
            self.task(name, {"event": {"request": INPUT}})

    def refresh(self) -> None:
        """A whole refresh of staging and staging-replica: build 50 min, swap 4 min (each name down 2), restart 3,
        delete 5."""
        self.start()
        self.state("Dry run?", "Choice")
        self.add("MapStateEntered", stateEnteredEventDetails={"name": "Discard stale copies", "input": "{}"})
        self.add("MapStateExited", stateExitedEventDetails={"name": "Discard stale copies", "output": "{}"})
        self.task("Clone", {"event": {"request": {"DBInstanceIdentifier": "temp-staging"}}}, seconds=3000)
        self.state("Ready to swap", "Pass")
        self.add("MapStateEntered", stateEnteredEventDetails={"name": "Swap names", "input": "{}"})
        for name in ("staging", "staging-replica"):
            self.rename(name, f"old-{name}", False, 60)
            self.rename(f"temp-{name}", name, True, 60)
        self.add("MapStateExited", stateExitedEventDetails={"name": "Swap names", "output": "{}"})
        self.task("Restart application", {"event": {"hook": {"type": "ecs", "cluster": "app",
                                                              "services": ["web"]}}}, seconds=180)
        self.state("Application restarted", "Pass")
        self.add("MapStateEntered", stateEnteredEventDetails={"name": "Delete old tree", "input": "{}"})
        self.add("MapStateExited", 300, stateExitedEventDetails={"name": "Delete old tree", "output": "{}"})


def description(status: str, history: History, execution_input: Any = None, output: str | None = None,
                error: tuple[str, str] | None = None) -> Json:
    described: Json = {
        "executionArn": f"{MACHINE.replace('stateMachine', 'execution')}:weekly", "stateMachineArn": MACHINE,
        "name": "weekly", "status": status, "startDate": START,
        "input": json.dumps(INPUT if execution_input is None else execution_input)}
    if status != "RUNNING":
        described["stopDate"] = START + dt.timedelta(seconds=history.t)
    if output is not None:
        described["output"] = output
    if error:
        described["error"], described["cause"] = error
    return described


def status_change(described: Json) -> Json:
    """The handler's event: the rule's input transformer keeps the event's detail and time."""
    millis: Json = {key: int(described[key].timestamp() * 1000) for key in ("startDate", "stopDate")
                    if key in described}
    detail = {"executionArn": described["executionArn"], "stateMachineArn": MACHINE, "name": described["name"],
              "status": described["status"], **millis, "input": described["input"], "inputDetails": {"included": True}}
    return envelope({"detail": detail, "time": "2026-03-01T04:00:00Z"}, target=None, execution=described["name"])


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Callable[[], list[Json]]:
    """The notification topic (TOPIC_ARN), the declared jobs, and messages() -> what a subscriber got."""
    sns, sqs = boto3.client("sns", region_name=REGION), boto3.client("sqs", region_name=REGION)
    topic = sns.create_topic(Name="stack-mitosis-notifications")["TopicArn"]
    queue = sqs.create_queue(QueueName="subscriber")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    monkeypatch.setenv("TOPIC_ARN", topic)
    monkeypatch.setenv("REFRESH_JOBS", json.dumps([JOB]))

    def messages() -> list[Json]:
        received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
        return [json.loads(m["Body"]) for m in received]

    return messages


def run(stub: Stub, described: Json, history: History, context: FakeLambdaContext) -> Json:
    stubber = stub(notify, "sfn")
    arn = described["executionArn"]
    stubber.add_response("describe_execution", described, {"executionArn": arn})
    stubber.add_response("get_execution_history", {"events": history.events},
                         {"executionArn": arn, "includeExecutionData": True, "maxResults": 1000})
    return dict(notify.handler(status_change(described), context))


def emf(out: str) -> list[Json]:
    """The embedded-metric-format records written to stdout."""
    return [record for line in out.splitlines() if line.startswith("{")
            for record in [json.loads(line)] if "_aws" in record]


def test_notify_names_the_failed_state_its_instance_the_target_and_what_to_do_next(
        context: FakeLambdaContext, stub: Stub, inbox: Callable[[], list[Json]], logs: Logs) -> None:
    # Given an execution whose install of staging failed, then gave every name back and ended in its Fail state
    history = History()
    history.start()
    history.add("MapStateEntered", stateEnteredEventDetails={"name": "Swap names", "input": "{}"})
    history.rename("staging", "old-staging", False, 60)
    history.add("TaskStateEntered", stateEnteredEventDetails={"name": "Rename", "input": json.dumps(
        {"event": {"rename": {"DBInstanceIdentifier": "temp-staging", "NewDBInstanceIdentifier": "staging"}}})})
    history.add("LambdaFunctionScheduled", lambdaFunctionScheduledEventDetails={
        "resource": "f", "input": json.dumps({"event": {"rename": {"DBInstanceIdentifier": "temp-staging",
                                                                   "NewDBInstanceIdentifier": "staging"}}})})
    history.add("LambdaFunctionStarted")
    refused = "An error occurred (InvalidParameterCombination) when calling the ModifyDBInstance operation: no"
    history.add("LambdaFunctionFailed", 5, lambdaFunctionFailedEventDetails={
        "error": "InvalidParameterCombination",
        "cause": json.dumps({"errorMessage": refused, "errorType": "InvalidParameterCombination",
                             "stackTrace": ['  File "/var/task/mitosis/steps/swap.py"']})})
    history.task("Restore name", {"event": {"name": "staging", "reinstate": {}}}, seconds=120)
    history.add("FailStateEntered", stateEnteredEventDetails={"name": "Swap failed, names restored", "input": "{}"})
    cause = json.dumps({"errorMessage": refused, "errorType": "InvalidParameterCombination", "stackTrace": []})
    history.add("ExecutionFailed", executionFailedEventDetails={"error": "InvalidParameterCombination",
                                                               "cause": cause})
    described = description("FAILED", history, error=("InvalidParameterCombination", cause))
    # When Notify runs
    result = run(stub, described, history, context)
    # Then one message says where it failed, on which instance, why, and what to do next
    [message] = inbox()
    assert message["Subject"] == "stack-mitosis weekly: refresh of staging FAILED"
    body = message["Message"]
    for line in ("Refresh job: weekly", "Source:      production", "Target:      staging", "Status:      FAILED",
                 "Failed state: Rename (temp-staging -> staging)", "Ended in:     Swap failed, names restored",
                 "Error:        InvalidParameterCombination", f"Cause:        {refused}", recovery.SWAP_ROLLED_BACK,
                 "Duration:    3m 06s"):
        assert line in body, line
    execution = described["executionArn"]
    assert (f"https://{REGION}.console.aws.amazon.com/states/home?region={REGION}#/executions/details/{execution}"
            in body)
    # and nothing of the stack trace; the status is a message attribute (for subscription filter policies)
    assert "stackTrace" not in body and "/var/task" not in body
    assert message["MessageAttributes"]["status"]["Value"] == "FAILED"
    assert result["status"] == "FAILED" and result["job"] == "weekly" and result["message_id"]
    # and its log lines say which execution and which target
    assert all(line["execution"] == "weekly" and line["target"] == "staging" for line in logs())


def test_notify_a_refresh_measures_its_duration_each_phase_and_each_names_downtime(
        context: FakeLambdaContext, stub: Stub, inbox: Callable[[], list[Json]], logs: Logs,
        capsys: pytest.CaptureFixture[str]) -> None:
    # Given a whole refresh that succeeded
    history = History()
    history.refresh()
    history.add("ExecutionSucceeded", executionSucceededEventDetails={"output": "{}"})
    # When Notify runs
    result = run(stub, description("SUCCEEDED", history), history, context)
    # Then the message gives the phases and each name's downtime
    body = inbox()[0]["Message"]
    assert "Phases:      build 50m 00s, swap 4m 00s, restart 3m 00s, delete 5m 00s" in body
    assert "Downtime:    staging 2m 00s, staging-replica 2m 00s" in body
    # and the metrics are embedded in stdout (CloudWatch's embedded metric format, Powertools Metrics), by job and
    # target, the downtime by name too
    records = emf(capsys.readouterr().out)
    refresh = next(r for r in records if "RefreshDuration" in r)
    assert refresh["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "StackMitosis"
    assert set(refresh["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0]) == {"job", "target", "service"}
    assert (refresh["job"], refresh["target"], refresh["service"]) == ("weekly", "staging", "mitosis")
    assert refresh["RefreshDuration"] == [history.t]  # EMF: a list of values
    assert (refresh["BuildDuration"], refresh["SwapDuration"], refresh["RestartDuration"],
            refresh["DeleteDuration"]) == ([3000], [240], [180], [300])
    assert (refresh["Refreshes"], refresh["FailedRefreshes"]) == ([1], [0])
    downtime = {r["name"]: r["NameDowntime"][0] for r in records if "NameDowntime" in r}
    assert downtime == {"staging": 120, "staging-replica": 120}
    assert all(set(r["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0]) == {"job", "target", "name", "service"}
               for r in records if "NameDowntime" in r)
    assert result["metrics"]["RefreshDuration"] == history.t


def test_notify_a_dry_run_sends_one_message_and_measures_nothing(
        context: FakeLambdaContext, stub: Stub, inbox: Callable[[], list[Json]], logs: Logs,
        capsys: pytest.CaptureFixture[str]) -> None:
    history = History()
    history.start()
    history.add("SucceedStateEntered", stateEnteredEventDetails={"name": "Flight plan ready", "input": "{}"})
    plan = json.dumps({"flight_plan": [{"op": "CreateDBInstanceReadReplica", "params": {}}] * 3})
    described = description("SUCCEEDED", history, {**INPUT, "dry_run": True}, output=plan)
    result = run(stub, described, history, context)
    [message] = inbox()
    assert message["Subject"] == "stack-mitosis weekly: dry run of staging SUCCEEDED"
    assert "Status:      SUCCEEDED (dry run: nothing was changed)" in message["Message"]
    assert "The flight plan (3 calls) is the execution's output." in message["Message"]
    assert emf(capsys.readouterr().out) == [] and result["metrics"] == {}


def test_notify_a_timed_out_execution_says_where_it_was_and_to_start_it_again(
        context: FakeLambdaContext, stub: Stub, inbox: Callable[[], list[Json]], logs: Logs) -> None:
    history = History()
    history.start()
    history.add("TaskStateEntered", stateEnteredEventDetails={"name": "Clone done?", "input": "{}"})
    history.add("LambdaFunctionScheduled", lambdaFunctionScheduledEventDetails={
        "resource": "f", "input": json.dumps({"event": {"DBInstanceIdentifier": "temp-staging"}})})
    history.add("ExecutionTimedOut", 86400, executionTimedOutEventDetails={"error": "States.Timeout"})
    result = run(stub, description("TIMED_OUT", history), history, context)
    body = inbox()[0]["Message"]
    assert "Failed state: Clone done? (temp-staging)" in body and "Error:        States.Timeout" in body
    assert recovery.RERUN in body and result["status"] == "TIMED_OUT"


def test_notify_never_sends_the_input_nor_what_a_secret_protects(
        context: FakeLambdaContext, stub: Stub, inbox: Callable[[], list[Json]], logs: Logs) -> None:
    # Given an execution with a master password secret that failed in Describe (the input named a field wrongly)
    history = History()
    history.task("Describe", {"event": {"input": INPUT}}, error=("InvalidInput", "Invalid execution input: dry_rn: "
                                                                 "Extra inputs are not permitted."))
    history.add("ExecutionFailed", executionFailedEventDetails={"error": "InvalidInput"})
    execution_input = {**INPUT, "master_password": {"secret_arn": SECRET_ARN}, "dry_rn": True}
    run(stub, description("FAILED", history, execution_input), history, context)
    body = inbox()[0]["Message"]
    # Then the message says what was wrong and that nothing changed, and carries nothing of the input's extras
    assert "Failed state: Describe (staging)" in body and recovery.NOTHING_CHANGED in body
    assert "secret" not in body and "master_password" not in body


def test_notify_names_an_undeclared_pair_as_such(context: FakeLambdaContext, stub: Stub,
                                                 inbox: Callable[[], list[Json]], logs: Logs) -> None:
    history = History()
    history.task("Describe", {"event": {"input": {}}}, error=("InvalidInput", "No refresh job"))
    history.add("ExecutionFailed", executionFailedEventDetails={"error": "InvalidInput"})
    result = run(stub, description("FAILED", history, {"source": "a", "target": "b"}), history, context)
    assert result["job"] == "undeclared"
    assert inbox()[0]["Subject"] == "stack-mitosis undeclared: refresh of b FAILED"
