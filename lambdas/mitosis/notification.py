"""The message sent when a refresh's execution ends: what a person woken by it needs, and nothing secret.

It says the job, source, target, status and duration; for a failure, the state that failed, what it acted on,
its error and cause (a Lambda error's message, never its stack trace) and what to do next (mitosis.recovery);
and a link to the execution in the console. It never carries the execution's input or output: the input may
name a secret (only by ARN), and the state it built holds the whole plan. Everything comes from the
execution's description and history (mitosis.history).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from mitosis import recovery
from mitosis.history import Summary, clock

# SNS: "Subject ... must be ASCII text that begins with a letter, number, or punctuation mark; must not include
# line breaks or control characters; and must be less than 100 characters long" (botocore sns model, Publish).
MAX_SUBJECT = 99
# A cause is at most 32,768 characters in Step Functions; a few lines are enough in a message.
MAX_CAUSE = 1500


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def console_link(region: str, execution_arn: str) -> str:
    """The execution in the Step Functions console (the form AWS's own tutorial builds: AWS documents no URL
    format, https://docs.aws.amazon.com/step-functions/latest/dg/tutorial-human-approval.html)."""
    return (f"https://{region}.console.aws.amazon.com/states/home?region={region}"
            f"#/executions/details/{execution_arn}")


def compose(summary: Summary, *, job: str, execution_arn: str, region: str, output: str | None = None,
            now: dt.datetime | None = None) -> Message:
    """The message (and, for `mitosis status`, the report of a running execution: where it is now, `now`)."""
    source, target = summary.field("source") or "?", summary.field("target") or "?"
    kind = "dry run" if summary.dry_run else "refresh"
    subject = _ascii(f"stack-mitosis {job}: {kind} of {target} {summary.status}")[:MAX_SUBJECT]
    lines = [
        f"Refresh job: {job}",
        f"Source:      {source}",
        f"Target:      {target}",
        f"Status:      {summary.status}{' (dry run: nothing was changed)' if summary.dry_run else ''}",
        f"Execution:   {summary.name}",
        f"Started:     {summary.started:%Y-%m-%d %H:%M:%S} UTC",
        f"Duration:    {clock(summary.duration_s)}",
    ]
    if summary.status == "RUNNING":
        current = summary.current
        if now is not None:
            lines[-1] = f"Elapsed:     {clock((now - summary.started).total_seconds())}"
        if current is not None:
            lines.append(f"Now in:      {current.name}{f' ({current.subject})' if current.subject else ''}")
    failure = summary.failure
    if failure is not None:
        state = f"{failure.state} ({failure.subject})" if failure.subject else failure.state
        lines += ["", f"Failed state: {state}"]
        if failure.ended_in and failure.ended_in != failure.state:
            lines.append(f"Ended in:     {failure.ended_in}")
        lines += [f"Error:        {failure.error}", f"Cause:        {_short(failure.cause)}", "",
                  "What to do next:",
                  recovery.advice(summary.status, failure.error, failure.state, failure.ended_in, failure.phase,
                                  {run.name for run in summary.states})]
    elif summary.dry_run:
        operations = _flight_plan_length(output)
        lines += ["", f"The flight plan{f' ({operations} calls)' if operations is not None else ''} is the "
                      "execution's output."]
    if summary.phases_s:
        lines += ["", "Phases:      " + ", ".join(f"{phase} {clock(s)}" for phase, s in summary.phases_s.items())]
    if summary.downtime_s:
        lines.append("Downtime:    " + ", ".join(f"{name} {clock(s)}" for name, s in summary.downtime_s.items()))
    lines += ["", f"Console: {console_link(region, execution_arn)}"]
    return Message(subject=subject, body="\n".join(lines) + "\n")


def _flight_plan_length(output: str | None) -> int | None:
    try:
        plan = json.loads(output or "")
    except ValueError:
        return None
    steps = plan.get("flight_plan") if isinstance(plan, dict) else None
    return len(steps) if isinstance(steps, list) else None


def _short(cause: str) -> str:
    cause = " ".join(cause.split())
    return cause if len(cause) <= MAX_CAUSE else cause[:MAX_CAUSE - 3] + "..."


def _ascii(text: str) -> str:
    return " ".join(text.encode("ascii", "replace").decode("ascii").split())
