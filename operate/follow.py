"""Following an execution as it runs: each state as it is entered (with the instance it acts on), each name of
the target's tree as its status changes, and the time since the execution started; then how it ended."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TextIO

from mitosis.history import Reader, clock, summarize, timestamp
from mitosis.models import OLD_PREFIX, TEMP_PREFIX
from mitosis.recovery import advice

Sleep = Callable[[float], None]
Now = Callable[[], dt.datetime]


def newer_events(sfn: Any, arn: str, after: int) -> list[dict[str, Any]]:
    """The execution's events with an id above `after`, oldest first: read newest first, a page at a time, until
    one already seen (a long execution is not read again from its start at every poll)."""
    found: list[dict[str, Any]] = []
    request: dict[str, Any] = {"executionArn": arn, "reverseOrder": True, "maxResults": 200,
                               "includeExecutionData": True}
    while True:
        page = sfn.get_execution_history(**request)
        fresh = [event for event in page["events"] if int(event["id"]) > after]
        found.extend(fresh)
        if len(fresh) < len(page["events"]) or not page.get("nextToken"):
            return sorted(found, key=lambda event: int(event["id"]))
        request["nextToken"] = page["nextToken"]


def in_tree(name: str, target: str) -> bool:
    return any(name == prefix + target or name.startswith(f"{prefix}{target}-") for prefix in ("", TEMP_PREFIX,
                                                                                                 OLD_PREFIX))


def tree_statuses(rds: Any, target: str) -> dict[str, str]:
    """Each instance of the target's tree (its names, and its temp- and old- instances) with its status; an Aurora
    target's clusters too ("<name> (cluster)")."""
    pages = rds.get_paginator("describe_db_instances").paginate()
    statuses = {i["DBInstanceIdentifier"]: i["DBInstanceStatus"] for page in pages for i in page["DBInstances"]
                if in_tree(i["DBInstanceIdentifier"], target)}
    clusters = rds.get_paginator("describe_db_clusters").paginate()
    return statuses | {f"{c['DBClusterIdentifier']} (cluster)": c["Status"] for page in clusters
                       for c in page["DBClusters"] if c["DBClusterIdentifier"] in {
                           prefix + target for prefix in ("", TEMP_PREFIX, OLD_PREFIX)}}


class Follower:
    def __init__(self, sfn: Any, rds: Any, arn: str, out: TextIO, sleep: Sleep, now: Now, poll_s: float = 15) -> None:
        self.sfn, self.rds, self.arn, self.out = sfn, rds, arn, out
        self.sleep, self.now, self.poll_s = sleep, now, poll_s
        self.reader = Reader()
        self.statuses: dict[str, str] | None = None
        self.last_id = 0

    def follow(self) -> dict[str, Any]:
        """Until the execution ends; its DescribeExecution then."""
        while True:
            description = self.sfn.describe_execution(executionArn=self.arn)
            started = timestamp(description["startDate"])
            events = newer_events(self.sfn, self.arn, self.last_id)
            if events:
                self.last_id = int(events[-1]["id"])
            self.reader.add(events)
            ended = description["status"] != "RUNNING"
            for step in self.reader.steps(final=ended):
                if step.kind == "entered":
                    acts_on = f"  {step.subject}" if step.subject else ""
                    self._say(step.at - started, f"> {step.name}{acts_on}")
            self._instances(started, ended)
            if ended:
                self._ended(description)
                return dict(description)
            self.sleep(self.poll_s)

    def _say(self, elapsed: dt.timedelta, text: str) -> None:
        print(f"  {clock_text(elapsed.total_seconds())}  {text}", file=self.out, flush=True)

    def _instances(self, started: dt.datetime, ended: bool) -> None:
        target = self._target()
        if not target:
            return
        try:
            statuses = tree_statuses(self.rds, target)
        except Exception as error:  # noqa: BLE001 - the person may not read RDS: the states still show
            if self.statuses is None:
                print(f"  (the instances' statuses are not shown: {type(error).__name__})", file=self.out)
                self.statuses = {}
            return
        elapsed = self.now() - started
        if self.statuses is None:
            self._say(elapsed, "instances: " + ", ".join(f"{n} {s}" for n, s in sorted(statuses.items())))
        else:
            for name in sorted(set(statuses) | set(self.statuses)):
                before, after = self.statuses.get(name, "absent"), statuses.get(name, "absent")
                if before != after:
                    self._say(elapsed, f"{name}: {before} -> {after}")
        self.statuses = statuses

    def _target(self) -> str:
        runs = self.reader.runs
        first = runs[0] if runs else None
        wrapped = first.input if first and isinstance(first.input, dict) else {}
        target = wrapped.get("target")
        return target if isinstance(target, str) else ""

    def _ended(self, description: dict[str, Any]) -> None:
        summary = summarize(description, self.reader.events)
        print(f"{summary.status} after {clock(summary.duration_s)}", file=self.out)
        failure = summary.failure
        if failure is not None:
            where = f"{failure.state} ({failure.subject})" if failure.subject else failure.state
            print(f"  failed in {where}: {failure.error}: {failure.cause}", file=self.out)
            print("  what to do next: " + advice(summary.status, failure.error, failure.state, failure.ended_in,
                                                 failure.phase, {run.name for run in summary.states}), file=self.out)


def clock_text(seconds: float) -> str:
    whole = max(0, int(seconds))
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
