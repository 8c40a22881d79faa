"""What to do after a failed refresh is written once (mitosis.recovery): the README says the same, and each way
an execution can end gets the advice that fits where it stopped."""

from __future__ import annotations

from pathlib import Path

import pytest
from mitosis import recovery

README = Path(__file__).resolve().parents[2] / "README.md"


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("advice", recovery.ALL)
def test_the_readme_gives_each_advice_in_the_same_words(advice: str) -> None:
    assert words(advice) in words(README.read_text())


@pytest.mark.parametrize(("status", "error", "state", "ended_in", "phase", "entered", "expected"), [
    ("FAILED", "InvalidInput", "Describe", "Describe", "start", (), recovery.NOTHING_CHANGED),
    ("FAILED", "PlanRefused", "Plan", "Plan", "start", (), recovery.NOTHING_CHANGED),
    ("FAILED", "RefreshAlreadyRunning", "Check no other refresh", "Check no other refresh", "start", (),
     recovery.ALREADY_RUNNING),
    ("FAILED", "AccessDenied", "Describe", "Describe", "start", (), recovery.START_FAILED),
    ("FAILED", "InstanceFailed", "Clone done?", "Clone done?", "build", (), recovery.BEFORE_SWAP),
    ("FAILED", "HookFailed", "Before-swap hook done?", "Before-swap hook done?", "build", (), recovery.HOOK_FAILED),
    ("FAILED", "InvalidParameterCombination", "Rename", "Swap failed, names restored", "swap", (),
     recovery.SWAP_ROLLED_BACK),
    ("FAILED", "InvalidParameterCombination", "Rename", "Swap failed, names restored", "swap",
     ("Restore name", "Name not restored"), recovery.NAME_NOT_RESTORED),
    ("FAILED", "InvalidDBInstanceState", "Protect copy", "Protect copy", "swap", (), recovery.AFTER_SWAP),
    ("FAILED", "RestartFailed", "Restart done?", "Restart failed, new data kept", "restart", (),
     recovery.RESTART_FAILED_KEPT),
    ("FAILED", "RestartFailed", "Restart failed, rolled back", "Restart failed, rolled back", "restart", (),
     recovery.RESTART_ROLLED_BACK),
    ("FAILED", "InvalidDBInstanceState", "Delete old", "Delete old", "delete", (), recovery.DELETE_FAILED),
    ("TIMED_OUT", "States.Timeout", "Clone done?", "Clone done?", "build", (), recovery.RERUN),
    ("ABORTED", "ABORTED", "Rename", "Rename", "swap", (), recovery.RERUN),
])
def test_each_way_of_ending_gets_its_advice(status: str, error: str, state: str, ended_in: str, phase: str,
                                            entered: tuple[str, ...], expected: str) -> None:
    assert recovery.advice(status, error, state, ended_in, phase, entered) == expected


def test_the_restarts_own_failure_message_is_the_same_advice() -> None:
    from mitosis.handlers import wait_restart

    assert wait_restart.HOW_TO_FINISH == recovery.RESTART_FAILED_KEPT
