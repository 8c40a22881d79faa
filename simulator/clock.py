"""Deterministic virtual time for moto's Step Functions interpreter (moto.stepfunctions.parser).

moto runs every execution, Map iteration, Parallel branch and Task evaluation in real threads that
block on real timeouts, and stamps history events with the wall clock. While a VirtualClock is
installed, the `threading`, `Thread`, `Event`, `time` and `datetime` names of those interpreter
modules are rebound to clock-aware stand-ins, and the threads run under a cooperative scheduler:

* exactly one registered thread (a "participant") runs at a time: it holds the baton;
* it gives the baton up only when it blocks on a clock-aware primitive (sleep, event wait, join) or
  exits, and each such block states what it waits for: a condition and/or a virtual deadline;
* the baton then goes to the runnable participant that queued first, so the interleaving (hence
  the order and ids of history events) is the same on every run;
* when no participant is runnable, virtual time jumps to the earliest deadline.

All scheduler state, event flags and thread exits are guarded by one lock, so "everybody is
blocked" is never observed half-updated. Threads that never register (moto's request handling
called from a non-participating test thread, say) run freely and can only wake participants; they
don't hold time back either, so without a participating thread executions race to their end.

    clock = VirtualClock()
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}), clock.install(), \
            clock.participate():
        execution = sfn.start_execution(...)["executionArn"]
        clock.wait_for(lambda: sfn.describe_execution(executionArn=execution)["status"] != "RUNNING", poll=60)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import math
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from unittest import mock

_PARSER = "moto.stepfunctions.parser."
# Every interpreter module that starts threads, blocks, or reads the wall clock. Whichever of the
# names in _ORIGINALS a module binds at top level is replaced while the clock is installed.
_PATCHED_MODULES = (
    "models",  # execution startDate
    "backend.execution",  # execution stopDate
    "backend.execution_worker",  # the execution thread
    "asl.component.program.program",  # every program runs in a thread joined with its timeout
    "asl.component.test_state.program.test_state_program",
    "asl.component.state.state",  # EnteredTime in the context object
    "asl.component.state.exec.execute_state",  # Task/Map/Parallel run in a thread, with TimeoutSeconds
    "asl.component.state.exec.state_map.iteration.inline_iteration_component",  # Map slots
    "asl.component.state.exec.state_map.iteration.job",  # Map waits for its jobs
    "asl.component.state.exec.state_map.iteration.itemprocessor.map_run_record",
    "asl.component.state.exec.state_parallel.branch_worker",  # one thread per branch
    "asl.component.state.exec.state_parallel.branches_decl",  # Parallel waits for its branches
    "asl.component.state.exec.state_task.service.state_task_service_callback",  # .sync polling
    "asl.component.state.wait.wait_function.wait_function",  # Wait states
    "asl.component.state.wait.wait_function.timestamp",  # Wait Timestamp: deadline - now()
    "asl.component.common.retry.retrier_decl",  # Retry intervals
    "asl.eval.environment",  # program_state_event, pulsed to stop/fail/end a program
    "asl.eval.event.event_manager",  # history event timestamps
    "asl.eval.callback.callback",  # waitForTaskToken / activity / heartbeat events
)
_ORIGINALS: dict[str, object] = {
    "threading": threading,
    "Thread": threading.Thread,
    "Event": threading.Event,
    "time": time,
    "datetime": dt,
}
# moto builds a new boto3 client for every Lambda task (~3 ms, close to half a task's real cost).
_LAMBDA_UTILS = _PARSER + "asl.component.state.exec.state_task.lambda_eval_utils"
# Deadlines are rounded up to multiples of a power of two, so virtual times stay exact binary
# fractions: moto's Wait computes `int(t1 - t0)` and re-waits the remainder, which float noise
# such as 599.9999999 would turn into an extra second.
_QUANTUM = 2.0**-20


def _reuse_clients(boto_client_for: Callable[..., Any]) -> Callable[..., Any]:
    """One client per (region, service): moto gives them the same dummy credentials anyway."""
    clients: dict[tuple[str, str], Any] = {}

    def cached(region: str, service: str, state_credentials: Any = None) -> Any:
        if (region, service) not in clients:
            clients[region, service] = boto_client_for(region=region, service=service)
        return clients[region, service]

    return cached


class _View:
    """Stands in for a module or class: the given attributes are overridden, the rest delegated."""

    def __init__(self, original: object, **overrides: Any) -> None:
        self._original = original
        self.__dict__.update(overrides)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._original, name)


@dataclass(eq=False)
class _Participant:
    turn: threading.Condition  # notified when this participant is handed the baton
    wake: Callable[[], bool] | None = None  # while blocked: the condition it waits for
    deadline: float | None = None  # while blocked: the virtual time it gives up waiting
    woken_by_condition: bool = False
    finished: bool = False


class VirtualClock:
    def __init__(self, start: dt.datetime = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)) -> None:
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        self._start = start
        self._now = 0.0
        self._lock = threading.Lock()
        # Ordered set of participants; the first runnable one gets the baton.
        self._participants: dict[_Participant, None] = {}
        self._by_thread: dict[int, _Participant] = {}  # keyed by threading.get_ident()
        self._holder: _Participant | None = None
        self._stopped = False  # once install() exits, virtual time no longer advances
        self._thread_class = type("VirtualThread", (_VirtualThread,), {"clock": self})
        self._event_class = type("VirtualEvent", (_VirtualEvent,), {"clock": self})

    def now(self) -> float:
        """Virtual seconds since start; cheap and callable from any thread."""
        return self._now

    def datetime(self) -> dt.datetime:
        return self._start + dt.timedelta(seconds=self._now)

    def sleep(self, seconds: float) -> None:
        if self._stopped:
            raise RuntimeError("the clock is stopped: install() has exited")
        self._block(lambda: False, seconds)

    def wait_for(self, predicate: Callable[[], bool], poll: float = 1.0, timeout: float | None = None) -> None:
        """Sleep `poll` virtual seconds at a time until predicate() holds; TimeoutError after `timeout`."""
        give_up_at = None if timeout is None else self._now + timeout
        while not predicate():
            if give_up_at is not None and self._now >= give_up_at:
                raise TimeoutError(f"condition still false after {timeout} virtual seconds")
            self.sleep(poll)

    @contextlib.contextmanager
    def participate(self) -> Iterator[None]:
        """Make the calling thread a participant: it runs only while holding the baton, so virtual
        time stands still while it works and advances only while it is blocked (sleep, wait_for)."""
        if threading.get_ident() in self._by_thread:  # already taking part
            yield
            return
        participant = self._register()
        self._enter(participant)
        try:
            yield
        finally:
            self._leave(participant)

    @contextlib.contextmanager
    def install(self) -> Iterator[VirtualClock]:
        """Run moto's interpreter on this clock; everything is restored on exit."""
        replacements = {
            "threading": _View(threading, Thread=self._thread_class, Event=self._event_class),
            "Thread": self._thread_class,
            "Event": self._event_class,
            # Only wait_function reads time.time(), to measure how long a wait lasted.
            "time": _View(time, sleep=self.sleep, time=self.now),
            "datetime": _View(dt, datetime=_View(dt.datetime, now=self._datetime_now)),
        }
        self._stopped = False
        with contextlib.ExitStack() as patches:
            for name in _PATCHED_MODULES:
                module = importlib.import_module(_PARSER + name)
                names = [attr for attr, original in _ORIGINALS.items() if vars(module).get(attr) is original]
                if not names:  # a moto upgrade moved things: fail loudly rather than run on real time
                    raise RuntimeError(f"{module.__name__} binds none of {sorted(_ORIGINALS)}")
                for attr in names:
                    patches.enter_context(mock.patch.object(module, attr, replacements[attr]))
            lambda_utils = importlib.import_module(_LAMBDA_UTILS)
            patches.enter_context(
                mock.patch.object(lambda_utils, "boto_client_for", _reuse_clients(lambda_utils.boto_client_for))
            )
            try:
                yield self
            finally:
                with self.participate():
                    # Let threads winding down at this instant (a stopped branch, a timed-out task)
                    # finish on the patched names before they are restored...
                    self._settle()
                    # ...and park whatever still waits (an unfinished execution) for good, rather
                    # than let it race through virtual time in the background of later tests.
                    with self._lock:
                        self._stopped = True

    def _datetime_now(self, tz: dt.tzinfo | None = None) -> dt.datetime:
        # A naive now() is local time; the virtual world's local time is UTC.
        return self.datetime().replace(tzinfo=None) if tz is None else self.datetime().astimezone(tz)

    def _register(self) -> _Participant:
        """Count a thread in before it starts, so time can't jump while it exists uncounted."""
        with self._lock:
            participant = _Participant(turn=threading.Condition(self._lock))
            self._participants[participant] = None
            self._dispatch_if_idle()
            return participant

    def _enter(self, participant: _Participant) -> None:
        with self._lock:
            self._by_thread[threading.get_ident()] = participant
            self._await_turn(participant)

    def _leave(self, participant: _Participant) -> None:
        with self._lock:
            participant.finished = True
            del self._participants[participant]
            del self._by_thread[threading.get_ident()]
            self._holder = None
            self._dispatch()

    def _settle(self) -> None:
        """Return once no other participant is runnable at the current virtual instant."""
        participant = self._by_thread[threading.get_ident()]
        with self._lock:
            # Requeue last while staying runnable: the baton comes back when nobody else wants it.
            del self._participants[participant]
            self._participants[participant] = None
            self._holder = None
            self._dispatch()
            self._await_turn(participant)

    def _block(self, wake: Callable[[], bool], timeout: float | None) -> bool:
        """Give up the baton until wake() holds (-> True) or `timeout` virtual seconds pass (-> False)."""
        participant = self._by_thread.get(threading.get_ident())
        if participant is None:  # an outside thread waits in virtual time by taking part meanwhile
            with self.participate():
                return self._block(wake, timeout)
        with self._lock:
            if wake():
                return True
            participant.wake = wake
            if timeout is not None:
                participant.deadline = self._now + math.ceil(max(timeout, 0.0) / _QUANTUM) * _QUANTUM
            self._holder = None
            self._dispatch()
            self._await_turn(participant)
            return participant.woken_by_condition

    def _await_turn(self, participant: _Participant) -> None:
        while self._holder is not participant:
            participant.turn.wait()

    def _dispatch_if_idle(self) -> None:
        """After a change made by a thread without the baton (caller holds the lock)."""
        if self._holder is None:
            self._dispatch()

    def _dispatch(self) -> None:
        """Hand the free baton to the first runnable participant; while none is runnable, jump
        virtual time to the earliest deadline. Caller holds the lock and nobody holds the baton."""
        while True:
            for participant in self._participants:
                if participant.wake is None or participant.wake():  # new, or its condition holds
                    participant.woken_by_condition = True
                elif participant.deadline is not None and participant.deadline <= self._now:
                    participant.woken_by_condition = False
                else:
                    continue
                participant.wake = participant.deadline = None
                self._holder = participant
                participant.turn.notify()
                return
            deadlines = [p.deadline for p in self._participants if p.deadline is not None]
            if not deadlines or self._stopped:  # nothing to wait for but outside threads
                return
            self._now = min(deadlines)


class _VirtualThread(threading.Thread):
    """A Thread scheduled by `clock`, whose join() waits in virtual time."""

    clock: VirtualClock  # set on the per-clock subclass
    _participant: _Participant

    def start(self) -> None:
        self._participant = self.clock._register()
        super().start()

    def run(self) -> None:
        self.clock._enter(self._participant)
        try:
            super().run()
        finally:
            self.clock._leave(self._participant)

    def join(self, timeout: float | None = None) -> None:
        participant = self._participant
        if self.clock._block(lambda: participant.finished, timeout):
            super().join()  # virtually finished: the real thread is already on its way out


class _VirtualEvent:
    """threading.Event whose wait() is a virtual-time wait.

    moto pulses program_state_event (set(); clear()) to stop a program: the generation counter
    lets a wait end on a set() even though the flag is already clear again when it is checked."""

    clock: VirtualClock  # set on the per-clock subclass

    def __init__(self) -> None:
        self._flag = False
        self._generation = 0

    def is_set(self) -> bool:
        return self._flag

    def set(self) -> None:
        with self.clock._lock:
            self._flag = True
            self._generation += 1
            self.clock._dispatch_if_idle()

    def clear(self) -> None:
        with self.clock._lock:
            self._flag = False

    def wait(self, timeout: float | None = None) -> bool:
        generation = self._generation
        return self.clock._block(lambda: self._flag or self._generation != generation, timeout)
