"""Errors the simulated AWS returns, and the faults of FAULTS.json (format in docs/simulation.md).

A fault is either an API-call fault (`operation` is `service:Operation`, the call fails with `error`) or a
status fault consumed by a service simulator: `rds:status` (the instance ends in `status` instead of
`available`), `ssm:command` (the invocations end in `status`), `ecs:deployment` (the rollout fails:
`rolloutState` FAILED with the circuit breaker, forever IN_PROGRESS without; see simulator.ecs), `ecs:task` (a
task of RunTask stops with `exitCode`). Every kind shares the same counting:

- a call (or, for status faults, an operation that would end well) *matches* when its operation is the
  fault's, the execution number is in `attempts` (absent: every execution) and every `match` key is in the
  request with an equal value;
- the first `after` matching calls pass; the next `times` matching calls (-1: all of them) take the fault.

When several faults match one call, each counts it, and the first in file order that takes effect wins.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from simulator.world import WorldError

# Status fault kind -> the key holding the status it imposes, and the statuses it may impose (None: any).
STATUS_FAULTS: dict[str, tuple[str, frozenset[str] | None]] = {
    "rds:status": ("status", None),
    "ssm:command": ("status", frozenset({"Failed", "TimedOut", "Cancelled"})),
    "ecs:deployment": ("rolloutState", frozenset({"FAILED"})),
    "ecs:task": ("exitCode", None),  # the task's containers exit with this (non-zero) code
}


class AwsError(Exception):
    """An error response of the simulated AWS; the interception layer raises it as botocore would."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass
class Fault:
    operation: str
    outcome: str  # the error code, or the status a status fault imposes
    match: dict[str, Any]
    times: int = 1
    after: int = 0
    attempts: frozenset[int] | None = None
    matched: int = 0
    taken: int = 0

    def matches(self, operation: str, params: Mapping[str, Any], attempt: int) -> bool:
        return (
            operation == self.operation
            and (self.attempts is None or attempt in self.attempts)
            and all(key in params and params[key] == value for key, value in self.match.items())
        )

    def due(self) -> bool:
        """Whether the matching call just counted takes the fault."""
        return self.matched > self.after and (self.times == -1 or self.taken < self.times)


def parse_fault(raw: Any) -> Fault:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("operation"), str):
        raise WorldError(f"a fault needs an 'operation' string: {raw!r}")
    operation = raw["operation"]
    if operation in STATUS_FAULTS:
        key, allowed = STATUS_FAULTS[operation]
        outcome = raw.get(key)
        if operation == "ecs:task":
            if not isinstance(outcome, int) or isinstance(outcome, bool) or outcome == 0:
                raise WorldError(f"fault {operation} needs '{key}': a non-zero exit code, got {outcome!r}")
            outcome = str(outcome)
        elif not isinstance(outcome, str) or outcome == "available" or (allowed and outcome not in allowed):
            expected = sorted(allowed) if allowed else "a status other than 'available'"
            raise WorldError(f"fault {operation} needs '{key}': {expected}, got {outcome!r}")
    elif operation.count(":") == 1 and all(operation.split(":")):
        outcome = raw.get("error")
        if not isinstance(outcome, str) or not outcome:
            raise WorldError(f"fault {operation} needs an 'error' code")
    else:
        raise WorldError(
            f"fault operation {operation!r} is neither service:Operation nor one of {sorted(STATUS_FAULTS)}"
        )
    match, times, after, attempts = raw.get("match", {}), raw.get("times", 1), raw.get("after", 0), raw.get("attempts")
    if not isinstance(match, Mapping):
        raise WorldError(f"fault {operation}: 'match' must be an object")
    if not isinstance(times, int) or isinstance(times, bool) or times < -1 or times == 0:
        raise WorldError(f"fault {operation}: 'times' must be a positive integer or -1")
    if not isinstance(after, int) or isinstance(after, bool) or after < 0:
        raise WorldError(f"fault {operation}: 'after' must be a non-negative integer")
    if attempts is not None and (
        not isinstance(attempts, list)
        or not all(isinstance(a, int) and not isinstance(a, bool) and a >= 1 for a in attempts)
    ):
        raise WorldError(f"fault {operation}: 'attempts' must be a list of execution numbers (1-based)")
    return Fault(operation, outcome, dict(match), times, after, None if attempts is None else frozenset(attempts))


class FaultSet:
    """The faults of one simulation, with their counters; `attempt` gives the current execution number."""

    def __init__(self, faults: list[Any] | None, attempt: Callable[[], int]) -> None:
        if faults is not None and not isinstance(faults, list):
            raise WorldError("faults must be a list (the 'faults' array of FAULTS.json)")
        self.faults = [parse_fault(raw) for raw in faults or []]
        self._attempt = attempt

    def fire(self, operation: str, params: Mapping[str, Any]) -> str | None:
        """Count a call (or status-ending operation) against every fault; the outcome imposed, if any."""
        outcome = None
        attempt = self._attempt()
        for fault in self.faults:
            if not fault.matches(operation, params, attempt):
                continue
            fault.matched += 1
            if outcome is None and fault.due():
                fault.taken += 1
                outcome = fault.outcome
        return outcome
