"""What to do after a refresh that did not succeed: the one place this advice is written.

The notification of a finished execution (mitosis.notification), the `mitosis status` command and the failing
states' own messages say it in these words, and the README's "When a refresh fails" section quotes each of
them (tests/unit/test_recovery.py checks that it does).
"""

from __future__ import annotations

from collections.abc import Collection

NOTHING_CHANGED = ("Nothing was changed. Correct the execution input or the deployment's refresh jobs as the cause "
                   "says, then start the refresh again.")
ALREADY_RUNNING = ("Nothing was changed: another execution is refreshing this target. Let it finish (or stop it), "
                   "then start this refresh again if it is still needed.")
BEFORE_SWAP = ("The target was not changed: its names still serve the old data. Start the refresh again with the "
               "same input: it discards the copies this run left broken and builds them again, and keeps the ones "
               "that are fine.")
START_FAILED = ("Nothing was changed: the refresh stopped before its first change. Fix what the cause names, then "
                "start the refresh again.")
HOOK_FAILED = ("The target was not changed. Fix the before-swap hook (the cause says how it ended), then start the "
               "refresh again with the same input: it reuses the copies it built.")
SWAP_ROLLED_BACK = ("Every name was given back to an available instance (its old one, or its copy when the old one "
                    "could not serve). Start the refresh again with the same input: it finishes what is left.")
NAME_NOT_RESTORED = ("A name could not be given back: look at the instances named in the cause (and the Rename and "
                     "Restore name states in the execution's history) before starting the refresh again.")
AFTER_SWAP = ("Every name holds the new data, but the application was not restarted and the old- tree is kept. "
              "Start the refresh again with the same input: it finishes the swap's last steps, restarts and "
              "deletes.")
RESTART_FAILED_KEPT = ("The new data is in place and the old- tree is kept: restart the application by hand, then "
                       "run the refresh again to delete the old- instances (or set on_restart_failure to rollback).")
RESTART_ROLLED_BACK = ("Every name is back on its old instance and the application was restarted again; the copies "
                       "are kept as temp- instances. Fix the restart, then start the refresh again: it reuses them.")
DELETE_FAILED = ("The new data is in place and the application was restarted; only the old- tree is left. Start the "
                 "refresh again with the same input: it only deletes what is left (or delete the old- instances "
                 "by hand, keeping the final snapshot).")
RERUN = ("Start the refresh again with the same input: it reads what this run did (the tags on every copy and "
         "retired instance) and does only what is left.")

# Every piece of advice, for the README check.
ALL = (NOTHING_CHANGED, ALREADY_RUNNING, START_FAILED, BEFORE_SWAP, HOOK_FAILED, SWAP_ROLLED_BACK, NAME_NOT_RESTORED,
       AFTER_SWAP, RESTART_FAILED_KEPT, RESTART_ROLLED_BACK, DELETE_FAILED, RERUN)


def advice(status: str, error: str, state: str, ended_in: str, phase: str, entered: Collection[str] = ()) -> str:
    """What to do next after an execution that ended with `status` (not SUCCEEDED): its error, the state that
    failed, the state it ended in, the phase (mitosis.history.PHASE_STATES) it failed in, and the names of the
    states it entered."""
    if status in ("TIMED_OUT", "ABORTED"):
        return RERUN
    if error in ("InvalidInput", "PlanRefused"):
        return NOTHING_CHANGED
    if error == "RefreshAlreadyRunning":
        return ALREADY_RUNNING
    if ended_in == "Restart failed, new data kept":
        return RESTART_FAILED_KEPT
    if ended_in == "Restart failed, rolled back":
        return RESTART_ROLLED_BACK
    if error == "RestoreFailed" or "Name not restored" in entered:
        return NAME_NOT_RESTORED
    if state in ("Protect copies", "Protect copy"):
        return AFTER_SWAP
    if ended_in == "Swap failed, names restored" or phase == "swap":
        return SWAP_ROLLED_BACK
    if error == "HookFailed" or state.startswith(("Run before-swap hook", "Before-swap hook done?")):
        return HOOK_FAILED
    if phase == "delete":
        return DELETE_FAILED
    if phase == "start":
        return START_FAILED
    if phase == "build":
        return BEFORE_SWAP
    return RERUN
