"""`mitosis simulate`: the synthesized state machine, its real handlers and a simulated AWS, on a virtual clock.

See docs/simulation.md (the contract) and the README. One run: synthesize the stack for this refresh,
load the world into the simulated AWS, create the functions and the state machine, then start up to
`attempts` executions with the same input, each after the previous one failed, and report.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
from mitosis.history import Reader
from moto.stepfunctions.parser.models import stepfunctions_parser_backends

from infrastructure.settings import cdk_json_context
from simulator.aws import SimulatedAWS
from simulator.clock import VirtualClock
from simulator.deployment import ACCOUNT_ID, deploy, simulated_context, synthesize
from simulator.eventbridge import EventBus, execution_status_change
from simulator.iam import Statement, policy_of
from simulator.lambdas import handlers_in_process
from simulator.latency import world_start

TERMINAL = {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}
# moto's interpreter logs every error a state handles (a NotReady retry, an absent optional path) with a dump
# of its parse tree; the report and the progress display say what happened instead.
logging.getLogger("moto.stepfunctions.parser").setLevel(logging.CRITICAL)
# How often (virtual seconds) the runner looks at the execution: it only paces the progress display.
POLL_S = 15.0


@dataclass
class StateEvent:
    """A state entered or exited, for the progress display."""

    attempt: int
    t: float
    kind: str  # "entered" | "exited"
    name: str
    subject: str = ""  # what the state acts on ("temp-x -> x" for a rename), when it says


@dataclass
class Notified:
    """What the notifications of a simulation did: the Notify function's calls, and deliveries that failed."""

    calls: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)

    def messages(self) -> list[dict[str, Any]]:
        """The messages published to the topic, in order: `{"subject", "message", "status"}`."""
        return [{"subject": call["params"].get("Subject"), "message": call["params"].get("Message"),
                 "status": call["params"].get("MessageAttributes", {}).get("status", {}).get("StringValue")}
                for call in self.calls if (call["service"], call["operation"]) == ("sns", "Publish")
                and call["error"] is None]


@dataclass
class Simulation:
    world: dict[str, Any]
    execution_input: Any
    latency: dict[str, Any] | None = None
    faults: list[dict[str, Any]] | None = None
    attempts: int = 1
    runs: int = 1
    context: dict[str, Any] | None = None
    on_state: Callable[[StateEvent], None] = lambda event: None
    on_attempt: Callable[[int, dict[str, Any]], None] = lambda attempt, result: None
    # Each message published to the notification topic (`{"subject", "message", "status"}`), as it is.
    on_notification: Callable[[dict[str, Any]], None] = lambda notification: None
    clock: VirtualClock = field(init=False, default_factory=VirtualClock)  # set again when the run starts
    # What each function may do, from the synthesized template: tests pass a variation (a grant removed) to
    # see the simulated account refuse what AWS would.
    policies: Callable[[dict[str, Any], str], dict[str, list[Statement]]] = field(
        default=lambda template, region: function_policies(template, region))

    def run(self) -> dict[str, Any]:
        """`runs` refreshes one after another, each started when the previous has ended (the weekly schedule);
        each one started again while it fails, up to `attempts` executions (a person re-running it)."""
        # --context deploys that context exactly as given; otherwise the deployment a user would configure for
        # this input (simulator.deployment.simulated_context).
        context = self.context if self.context is not None else simulated_context(self.execution_input,
                                                                                   cdk_json_context())
        self.clock = VirtualClock(start=world_start(self.world))  # virtual second 0 is the world's `start`
        template = synthesize(context)
        region = self.world_region
        policies = self.policies(template, region)
        aws = SimulatedAWS(self.world, latency=self.latency, faults=self.faults, clock=self.clock, policies=policies)
        with aws, self.clock.install(), self.clock.participate():
            deployment = deploy(template, region)
            sfn = boto3.client("stepfunctions", region_name=region)
            self._bus = EventBus(region)
            attempts: list[dict[str, Any]] = []
            states: list[dict[str, Any]] = []
            notified = Notified()
            with handlers_in_process(aws.recording):
                for _ in range(self.runs):
                    for _ in range(self.attempts):
                        number = len(attempts) + 1
                        aws.attempt = number
                        result, attempt_states = self._execute(sfn, deployment.state_machine_arn, number)
                        result["instances"] = aws.instances_report()
                        result["clusters"] = aws.clusters_report()
                        attempts.append(result)
                        states.extend(attempt_states)
                        # The execution's end goes to EventBridge: the Notify function's calls are its own, not
                        # the refresh's (`calls`), so they are kept apart.
                        mark = len(aws.calls)
                        notified.failures += self._status_changed(sfn, self._execution_arn)
                        sent = len(notified.messages())
                        notified.calls += aws.calls[mark:]
                        del aws.calls[mark:]
                        self.on_attempt(number, result)
                        for message in notified.messages()[sent:]:
                            self.on_notification(message)
                        if result["status"] == "SUCCEEDED":
                            break
            end = attempts[-1]["ended_s"]
            return {
                "status": attempts[-1]["status"],
                "attempts": attempts,
                "duration_s": round(end, 3),
                "instances": aws.instances_report(),
                "clusters": aws.clusters_report(),
                "snapshots": aws.snapshots_report(),
                "cluster_snapshots": aws.cluster_snapshots_report(),
                "calls": aws.calls,
                "downtime_s": aws.downtime_s(self._target_tree(), until=end, clusters=self._target_clusters()),
                "states": states,
                "status_history": aws.status_history(until=end),
                "iam_enforced": True,
                "denied": aws.denied,
                "notifications": notified.messages(),
                "notification_calls": notified.calls,
                "notification_failures": notified.failures,
            }

    def _execute(self, sfn: Any, state_machine_arn: str, number: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        started = self.clock.now()
        arn = sfn.start_execution(stateMachineArn=state_machine_arn, name=f"refresh-attempt-{number}",
                                  input=json.dumps(self.execution_input))["executionArn"]
        self._execution_arn = arn
        self._status_changed(sfn, arn)  # RUNNING: no rule of the stack's matches it
        seen, reader = 0, Reader()
        while True:
            description = sfn.describe_execution(executionArn=arn)
            events = _history(self.world_region, arn)
            reader.add(events[seen:])
            seen = len(events)
            finished = description["status"] in TERMINAL
            for step in reader.steps(final=finished):
                self.on_state(StateEvent(attempt=number, t=seconds(self.clock, step.at), kind=step.kind,
                                         name=step.name, subject=step.subject))
            if finished:
                break
            self.clock.sleep(POLL_S)
        states = _states(events, number, self.clock)
        # The execution's own end, not when this loop noticed it.
        ended = seconds(self.clock, events[-1]["timestamp"]) if events else self.clock.now()
        result: dict[str, Any] = {"status": description["status"], "started_s": started, "ended_s": ended,
                                  "duration_s": round(ended - started, 3), **_usage(events)}
        if description["status"] == "SUCCEEDED":
            result["output"] = json.loads(description.get("output") or "null")
        else:
            result["error"], result["cause"] = _failure(description, events)
        return result, states

    def _status_changed(self, sfn: Any, arn: str) -> list[dict[str, Any]]:
        """Put the execution's "Step Functions Execution Status Change" event on the simulated EventBridge
        (simulator.eventbridge); the failed deliveries."""
        event = execution_status_change(sfn.describe_execution(executionArn=arn), self.world_region, ACCOUNT_ID)
        return [{"execution": arn, "status": event["detail"]["status"], "rule": delivery.rule,
                 "target": delivery.target, "error": delivery.error}
                for delivery in self._bus.put(event) if delivery.error]

    @property
    def world_region(self) -> str:
        return str(self.world.get("region", "us-east-1"))

    def _target_clusters(self) -> tuple[str, ...]:
        """The target, when the world has it as an Aurora cluster."""
        target = self.execution_input.get("target") if isinstance(self.execution_input, dict) else None
        clusters = {c.get("DBClusterIdentifier") for c in self.world.get("rds", {}).get("clusters", [])}
        return (target,) if isinstance(target, str) and target in clusters else ()

    def _target_tree(self) -> list[str]:
        """The names the refresh gives new data, as the world starts: the target's replica tree, or its cluster and
        the cluster's instances."""
        target = self.execution_input.get("target") if isinstance(self.execution_input, dict) else None
        if not isinstance(target, str):
            return []
        if self._target_clusters():
            return [target, *(i["DBInstanceIdentifier"] for i in self.world.get("rds", {}).get("instances", [])
                              if i.get("DBClusterIdentifier") == target)]
        children: dict[str, list[str]] = {}
        for instance in self.world.get("rds", {}).get("instances", []):
            if instance.get("SourceDBInstanceIdentifier"):
                children.setdefault(instance["SourceDBInstanceIdentifier"], []).append(instance["DBInstanceIdentifier"])
        tree, queue = [], [target]
        while queue:
            name = queue.pop(0)
            tree.append(name)
            queue.extend(children.get(name, []))
        return tree


def seconds(clock: VirtualClock, timestamp: dt.datetime | str) -> float:
    """A history timestamp (moto keeps ISO 8601 strings) as virtual seconds since the clock's start."""
    if isinstance(timestamp, str):
        timestamp = dt.datetime.fromisoformat(timestamp)
    start = clock.datetime() - dt.timedelta(seconds=clock.now())
    return round((timestamp - start).total_seconds(), 3)


def _history(region: str, arn: str) -> list[dict[str, Any]]:
    """The execution's history events, read from moto's interpreter: through the API, serializing the whole
    history at every poll would cost more than the refresh itself."""
    execution = stepfunctions_parser_backends[ACCOUNT_ID][region].describe_execution(execution_arn=arn)
    return list(execution.to_history_output()["events"])  # type: ignore[attr-defined]


def _states(events: list[dict[str, Any]], number: int, clock: VirtualClock) -> list[dict[str, Any]]:
    """Entered/exited times of every state, pairing each exit with the earliest open entry of that name."""
    states: list[dict[str, Any]] = []
    open_entries: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        if event["type"].endswith("StateEntered"):
            name = event["stateEnteredEventDetails"]["name"]
            state = {"name": name, "attempt": number, "entered": seconds(clock, event["timestamp"]),
                     "exited": None}
            states.append(state)
            open_entries.setdefault(name, []).append(state)
        elif event["type"].endswith("StateExited"):
            name = event["stateExitedEventDetails"]["name"]
            if open_entries.get(name):
                open_entries[name].pop(0)["exited"] = seconds(clock, event["timestamp"])
    return states


def _usage(events: list[dict[str, Any]]) -> dict[str, int]:
    """What the execution is billed and limited by: its history length (Step Functions keeps at most 25,000
    events), its Lambda invocations (each NotReady retry is one more) and its state transitions (Standard
    workflows bill each state entered, and each retry of a task)."""
    kinds = [str(getattr(event["type"], "value", event["type"])) for event in events]
    invocations = kinds.count("LambdaFunctionScheduled")
    task_entries = kinds.count("TaskStateEntered")
    entered = sum(kind.endswith("StateEntered") for kind in kinds)
    return {"history_events": len(events), "lambda_invocations": invocations,
            "state_transitions": entered + invocations - task_entries}


def _failure(description: dict[str, Any], events: list[dict[str, Any]]) -> tuple[str, str]:
    """The execution's error and a readable cause: the Lambda's errorMessage rather than its JSON."""
    error, cause = description.get("error"), description.get("cause")
    if not error:
        failed: dict[str, Any] = next((e for e in reversed(events) if e["type"] == "ExecutionFailed"), {})
        details = failed.get("executionFailedEventDetails", {})
        error, cause = details.get("error"), details.get("cause")
    try:
        cause = json.loads(cause or "")["errorMessage"]
    except (ValueError, KeyError, TypeError):
        pass
    return str(error or description["status"]), str(cause or "")




def function_policies(template: dict[str, Any], region: str) -> dict[str, list[Statement]]:
    """Each Lambda function's IAM statements, by the function name the simulated deployment gives it."""
    return {logical_id[:64]: policy_of(template, logical_id, region)
            for logical_id, resource in template["Resources"].items() if resource["Type"] == "AWS::Lambda::Function"}
