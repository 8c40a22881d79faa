"""What an execution's history says about a refresh, read without AWS: when each state ran, where it failed,
how long each phase took, how long each name was down, and which instance a task acted on.

The history is GetExecutionHistory's `events` (execution data included), oldest first; timestamps may be
datetimes (boto3) or ISO 8601 text (the simulator reads moto's interpreter directly). Used by the Notify
function, the `mitosis` CLI and the simulator's progress display, so all three tell the same story.

Events are linked by `previousEventId` (a retried task's next LambdaFunctionScheduled points to its previous
failure, a task's first one to its TaskStateEntered): AWS documents the field ("The id of the previous event",
https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html), not the chains, so each
chain is followed only until a *StateEntered event, and a missing link ends it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mitosis.models.names import OLD_PREFIX, TEMP_PREFIX

Event = Mapping[str, Any]
TERMINAL = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")
# What a task's request names: an instance (a cluster's instance's create names its cluster too), else a cluster.
IDENTIFIER_KEYS = ("DBInstanceIdentifier", "DBClusterIdentifier")
# The refresh's phases, by the console state names that open and close them (infrastructure/workflow.py):
# (phase, first state entered, last state (entered or exited)). A phase is measured only when both ends are in
# this execution's history; "restart" only when the restart hook ran.
PHASES: tuple[tuple[str, str, tuple[str, str]], ...] = (
    ("build", "Discard stale copies", ("entered", "Swap names")),
    ("swap", "Swap names", ("exited", "Swap names")),
    ("restart", "Restart application", ("entered", "Application restarted")),
    ("delete", "Delete old tree", ("exited", "Delete old tree")),
)
# The states each phase's failures happen in, for the advice a failure gets (mitosis.recovery).
PHASE_STATES: dict[str, frozenset[str]] = {
    "start": frozenset({"Describe", "Refreshing", "Check no other refresh", "Plan", "Check hooks", "Dry run?"}),
    "swap": frozenset({"Swap names", "Swap name", "Rename", "Rename done?", "Wait for rename", "Restore names",
                       "Restore name", "Name not restored", "Swap failed, names restored", "Protect copies",
                       "Protect copy"}),
    "restart": frozenset({"Restart hook?", "Restart application", "Wait for restart", "Restart done?",
                          "Roll back after a failed restart?", "Restart failed, new data kept", "Roll back names",
                          "Roll back name", "Restart application again", "Wait for restart again",
                          "Restart again done?", "Restart failed, rolled back", "Application restarted"}),
    "delete": frozenset({"Delete old tree", "Delete old", "Wait for delete", "Delete done?", "Old instance deleted",
                         "Prune snapshots", "Prune snapshots by name", "Refreshed"}),
}


def timestamp(value: dt.datetime | str) -> dt.datetime:
    """A history timestamp as an aware datetime in UTC (moto keeps `2026-01-01T00:00:00.000Z` text; botocore
    gives an epoch timestamp in the machine's local time zone)."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
    parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def kind(event: Event) -> str:
    """The event's type as text (moto's interpreter keeps an enum)."""
    return str(getattr(event["type"], "value", event["type"]))


def _json(text: Any) -> Any:
    try:
        return json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return None


def readable_cause(cause: Any) -> str:
    """A Lambda error's cause is JSON (`errorMessage`, `errorType`, `stackTrace`): only its message is worth
    reading (and a stack trace is no one's business in a notification)."""
    parsed = _json(cause)
    if isinstance(parsed, dict) and "errorMessage" in parsed:
        return str(parsed["errorMessage"])
    return "" if cause is None else str(cause)


def subject(event: Any) -> str:
    """The instance, Aurora cluster or hook a task acts on, from its payload's `event`: "temp-x -> x" for a rename,
    the instance's (or cluster's) identifier, the hook, or the target for the states that read the whole tree."""
    if not isinstance(event, dict):
        return ""
    renamed = _renamed(event.get("rename"))
    if renamed is not None:
        return f"{renamed[0]} -> {renamed[1] or '?'}"
    for named in (event, event.get("request")):
        for key in IDENTIFIER_KEYS:
            if isinstance(named, dict) and isinstance(named.get(key), str):
                return str(named[key])
    for key in ("hook", "run"):
        hook = event.get(key)
        if isinstance(hook, dict) and hook.get("type"):
            return _hook(hook)
    if isinstance(event.get("name"), str) and ("reinstate" in event or "renames" in event):  # a name's restore
        return str(event["name"])  # or its swap
    if isinstance(event.get("prefix"), str):  # the final snapshots to prune
        return f"{event['prefix']}*"
    for key in ("input", "request"):  # Describe, Check no other refresh, Plan
        if isinstance(event.get(key), dict) and isinstance(event[key].get("target"), str):
            return str(event[key]["target"])
    return str(event["target"]) if isinstance(event.get("target"), str) else ""


def _hook(hook: Mapping[str, Any]) -> str:
    kind_ = hook["type"]
    if kind_ == "ecs":
        services = hook.get("services") or sorted(hook.get("deployments") or {})
        return f"ecs {hook.get('cluster')}/{','.join(services)}"
    if kind_ == "ecs_task":
        return f"ecs task {hook.get('task_definition') or hook.get('task_arn') or ''}".strip()
    return f"ssm {hook.get('document') or hook.get('command_id') or ''}".strip()


@dataclass
class StateRun:
    """One time a state ran: entered, exited (None while it runs, or if the execution ended inside it), and
    what it acted on (tasks only)."""

    name: str
    entered: dt.datetime
    exited: dt.datetime | None = None
    subject: str = ""
    entered_id: int = 0
    input: Any = None


@dataclass
class Failure:
    """Where and why an execution did not succeed."""

    state: str  # the state that failed (for a failed task inside a Map: that task)
    subject: str  # what that state acted on
    error: str
    cause: str  # readable: a Lambda error's message only
    ended_in: str  # the last state entered (a Fail state says how the workflow left things)
    phase: str  # start | build | swap | restart | delete


@dataclass
class Summary:
    """One execution, as the notification, the metrics and the CLI report it."""

    name: str
    status: str
    started: dt.datetime
    stopped: dt.datetime | None
    input: Any
    states: list[StateRun] = field(default_factory=list)
    failure: Failure | None = None
    phases_s: dict[str, float] = field(default_factory=dict)
    downtime_s: dict[str, float] = field(default_factory=dict)

    @property
    def duration_s(self) -> float | None:
        return None if self.stopped is None else round((self.stopped - self.started).total_seconds(), 3)

    @property
    def dry_run(self) -> bool:
        return isinstance(self.input, dict) and self.input.get("dry_run") is True

    def field(self, name: str) -> str:
        """`source` or `target` from the input, "" when the input has none."""
        value = self.input.get(name) if isinstance(self.input, dict) else None
        return value if isinstance(value, str) else ""

    @property
    def current(self) -> StateRun | None:
        """The latest state still running (a running execution's position)."""
        running = [run for run in self.states if run.exited is None]
        return running[-1] if running else None


@dataclass(frozen=True)
class Step:
    """A state entered or left, as a progress display shows it."""

    kind: str  # "entered" | "exited"
    name: str
    subject: str
    at: dt.datetime
    event_id: int


class Reader:
    """Reads a history as it grows (events oldest first, in batches) and tells each state entered and left,
    with what it acts on. A task's entry is told once its function's first call is in the history (the call's
    payload names the instance); a state's exit is paired with its entry through `previousEventId` (with Map
    iterations running in parallel, two "Rename" states are open at once), else with the earliest open entry of
    that name."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.runs: list[StateRun] = []
        self._by_id: dict[int, Event] = {}
        self._callers: dict[int, Event] = {}  # a StateEntered's id -> its task's first scheduled call
        self._runs_by_entry: dict[int, StateRun] = {}
        self._open: dict[str, list[StateRun]] = {}
        self._told = 0

    def add(self, events: Iterable[Event]) -> None:
        for event in events:
            self.events.append(event)
            identifier = int(event.get("id", 0))
            self._by_id[identifier] = event
            if kind(event) in ("LambdaFunctionScheduled", "TaskScheduled"):
                self._callers.setdefault(int(event.get("previousEventId", -1)), event)

    def steps(self, final: bool = False) -> list[Step]:
        """The states entered and left since the last call. `final`: the history is complete, so a task whose
        first call is missing is told without its subject."""
        told: list[Step] = []
        while self._told < len(self.events):
            event = self.events[self._told]
            type_ = kind(event)
            if type_.endswith("StateEntered"):
                identifier = int(event.get("id", 0))
                if type_ == "TaskStateEntered" and identifier not in self._callers and not final:
                    break
                run = self._enter(event, identifier)
                told.append(Step("entered", run.name, run.subject, run.entered, identifier))
            elif type_.endswith("StateExited"):
                run_exited = self._exit(event)
                if run_exited is not None:
                    told.append(Step("exited", run_exited.name, run_exited.subject, run_exited.exited or
                                     timestamp(event["timestamp"]), int(event.get("id", 0))))
            self._told += 1
        return told

    def _enter(self, event: Event, identifier: int) -> StateRun:
        details = event.get("stateEnteredEventDetails") or {}
        run = StateRun(name=details.get("name", ""), entered=timestamp(event["timestamp"]), entered_id=identifier,
                       input=_json(details.get("input")))
        caller = self._callers.get(identifier)
        if caller is not None:
            call = caller.get("lambdaFunctionScheduledEventDetails") or caller.get("taskScheduledEventDetails") or {}
            payload = _json(call.get("input") or call.get("parameters"))
            if isinstance(payload, dict) and "Payload" in payload:  # an integrated lambda:invoke task
                payload = payload["Payload"]
            run.subject = subject(payload.get("event") if isinstance(payload, dict) else None)
        elif isinstance(run.input, dict) and "context" in run.input:  # in a Map iteration: its item says
            item = run.input.get("event", run.input.get("swap"))
            run.subject = subject(item)
        self.runs.append(run)
        self._runs_by_entry[identifier] = run
        self._open.setdefault(run.name, []).append(run)
        return run

    def _exit(self, event: Event) -> StateRun | None:
        name = (event.get("stateExitedEventDetails") or {}).get("name", "")
        run = self._entry_of(event, name)
        candidates = self._open.get(name) or []
        if run is None or run not in candidates:
            run = candidates[0] if candidates else None
        if run is None:
            return None
        candidates.remove(run)
        run.exited = timestamp(event["timestamp"])
        return run

    def _entry_of(self, event: Event, name: str) -> StateRun | None:
        """The run this exit closes: back along previousEventId to an entry of the same name."""
        current: Event | None = event
        for _ in range(len(self.events)):
            if current is None:
                return None
            previous = int(current.get("previousEventId", 0))
            current = self._by_id.get(previous)
            if current is not None and kind(current).endswith("StateEntered") and (
                    current.get("stateEnteredEventDetails") or {}).get("name") == name:
                return self._runs_by_entry.get(previous)
        return None


def state_runs(events: Iterable[Event]) -> list[StateRun]:
    """Every state entered, in order, with when it was left and, for a task, what it acted on (Reader)."""
    reader = Reader()
    reader.add(events)
    reader.steps(final=True)
    return reader.runs


def summarize(description: Mapping[str, Any], events: Iterable[Event]) -> Summary:
    """The execution (DescribeExecution) and its history, summarized."""
    events = list(events)
    runs = state_runs(events)
    status = str(description.get("status", ""))
    stopped = description.get("stopDate")
    summary = Summary(name=str(description.get("name", "")), status=status,
                      started=timestamp(description["startDate"]),
                      stopped=timestamp(stopped) if stopped else None,
                      input=_json(description.get("input")), states=runs)
    summary.phases_s = phases(runs)
    summary.downtime_s = downtime(runs)
    if status in TERMINAL and status != "SUCCEEDED":
        summary.failure = failure(description, events, runs)
    return summary


def phases(runs: list[StateRun]) -> dict[str, float]:
    """Each phase's seconds, for the phases whose both ends are in this history."""
    found: dict[str, float] = {}
    for phase, first, (end_kind, last) in PHASES:
        start = next((run.entered for run in runs if run.name == first), None)
        ends = [run for run in runs if run.name == last]
        end = ends[-1].entered if end_kind == "entered" and ends else ends[-1].exited if ends else None
        if start is not None and end is not None:
            found[phase] = round((end - start).total_seconds(), 3)
    return found


def downtime(runs: list[StateRun]) -> dict[str, float]:
    """Each name's seconds without its database, as the swap saw it: from its retiring Rename (name ->
    old-name) being entered to its installing "Rename done?" (temp-name -> name) being left. The check runs at
    the polling interval, so this is an upper bound, by at most one interval, of the time RDS had no available
    instance under the name. Names retired by an earlier execution (a re-run finishing a swap) are left out."""
    retired: dict[str, dt.datetime] = {}
    found: dict[str, float] = {}
    for run in runs:
        rename = _rename_of(run)
        if rename is None:
            continue
        source, new = rename
        if run.name == "Rename" and new == OLD_PREFIX + source:
            retired.setdefault(source, run.entered)
        elif run.name == "Rename done?" and source == TEMP_PREFIX + new and run.exited and new in retired:
            found[new] = round((run.exited - retired[new]).total_seconds(), 3)
    return found


def _rename_of(run: StateRun) -> tuple[str, str] | None:
    wrapped = run.input.get("event") if isinstance(run.input, dict) else None
    return _renamed(wrapped.get("rename") if isinstance(wrapped, dict) else None)


def _renamed(rename: Any) -> tuple[str, str] | None:
    """(identifier, new identifier) of a rename request, of an instance or an Aurora cluster."""
    for key in IDENTIFIER_KEYS:
        if isinstance(rename, dict) and rename.get(key):
            return str(rename[key]), str(rename.get(f"New{key}", ""))
    return None


def failure(description: Mapping[str, Any], events: Sequence[Event], runs: list[StateRun]) -> Failure:
    """Where the execution stopped and why. The error and cause are the execution's (DescribeExecution, else
    its ExecutionFailed/TimedOut/Aborted event). The state that failed is the task whose failure carries that
    error (the last one: a Catch may have run other states since, as the swap's rollback does); with none
    (a Fail state's own error, a timeout, an abort), the last state entered."""
    terminal = next((e for e in reversed(events) if kind(e) in
                     ("ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted")), None)
    details: Mapping[str, Any] = {}
    if terminal is not None:
        details = next((v for k, v in terminal.items() if k.endswith("EventDetails") and isinstance(v, Mapping)), {})
    error = str(description.get("error") or details.get("error") or description.get("status", ""))
    cause = readable_cause(description.get("cause") or details.get("cause"))
    by_id = {int(e.get("id", 0)): e for e in events}
    runs_by_entry = {run.entered_id: run for run in runs}
    failed_task = None
    for event in reversed(events):
        if kind(event) in ("LambdaFunctionFailed", "LambdaFunctionTimedOut", "TaskFailed", "TaskTimedOut"):
            event_details: Mapping[str, Any] = next(
                (v for k, v in event.items() if k.endswith("EventDetails") and isinstance(v, Mapping)), {})
            if str(event_details.get("error", "")) == error:
                failed_task = _entered_before(event, by_id, runs_by_entry)
                break
    open_runs = [run for run in runs if run.exited is None]
    last = runs[-1] if runs else None
    ended_in = (open_runs[-1] if open_runs else last)
    state = failed_task or ended_in
    name = state.name if state else ""
    return Failure(state=name, subject=state.subject if state else "", error=error, cause=cause,
                   ended_in=ended_in.name if ended_in else "", phase=phase_of(name, runs))


def _entered_before(event: Event, by_id: Mapping[int, Event], runs: Mapping[int, StateRun]) -> StateRun | None:
    """The state an event belongs to: its chain of previous events back to a *StateEntered."""
    seen: set[int] = set()
    current: Event | None = event
    while current is not None:
        identifier = int(current.get("id", 0))
        if identifier in seen:
            return None
        seen.add(identifier)
        if kind(current).endswith("StateEntered"):
            return runs.get(identifier)
        current = by_id.get(int(current.get("previousEventId", 0)))
    return None


def phase_of(state: str, runs: list[StateRun]) -> str:
    """The phase a state belongs to; a build state (everything else) once the refresh has started."""
    for phase, names in PHASE_STATES.items():
        if state in names:
            return phase
    return "build" if any(run.name == "Discard stale copies" for run in runs) else "start"


def clock(seconds: float | None) -> str:
    """`1h 04m 00s`, `4m 00s`, `12s`."""
    if seconds is None:
        return "-"
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m {secs:02d}s"
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"
