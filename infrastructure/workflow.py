"""The refresh state machine. State names are what the console shows: they say where a refresh is.

Every Lambda task gets `{"event": <its payload>, "context": {"execution", "target"}}`: the payload is the part of
the state its handler's model parses (the paths are checked against the models by
tests/infrastructure/test_paths.py), and the context tags its log lines. Map iterations carry the context on
in their ItemSelector.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from infrastructure.functions import Fn, RefreshFunctions
from infrastructure.settings import STATE_MACHINE_NAME, Polling

TRANSIENT_ERRORS = ["TransientAwsError", "Lambda.ServiceException", "Lambda.AWSLambdaException",
                    "Lambda.SdkClientException", "Lambda.TooManyRequestsException"]
CONTEXT = sfn.JsonPath.object_at("$.context")
ITEM = sfn.JsonPath.object_at("$$.Map.Item.Value")


class RefreshWorkflow(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, functions: RefreshFunctions, polling: Polling) -> None:
        super().__init__(scope, construct_id)
        self._functions = functions
        self._polling = polling

        describe = self._task("Describe", Fn.DESCRIBE, result_path="$.refresh", payload=sfn.TaskInput.from_object({
            "event": {"input": sfn.JsonPath.entire_payload,
                      "run": {"name": sfn.JsonPath.string_at("$$.Execution.Name"),
                              "started": sfn.JsonPath.string_at("$$.Execution.StartTime"),
                              "state_machine": sfn.JsonPath.string_at("$$.StateMachine.Id")}},
            "context": {"execution": sfn.JsonPath.string_at("$$.Execution.Name")},
        }))
        context = sfn.Pass(self, "Refreshing", result_path="$.context", parameters={
            "execution": sfn.JsonPath.string_at("$$.Execution.Name"),
            "target": sfn.JsonPath.string_at("$.refresh.request.target"),
        })
        dry_run = sfn.Choice(self, "Dry run?").when(
            sfn.Condition.boolean_equals("$.refresh.request.dry_run", True),
            sfn.Succeed(self, "Flight plan ready", output_path="$.plan"),
        )
        refresh = (
            self._discard_stale_copies()
            .next(self._when_present("Copies to build?", "$.plan.root.name", self._build(), "Copies built"))
            .next(self._set_password())
            .next(self._before_swap())
            .next(self._swap())
            .next(self._map("Protect copies", "$.plan.protect", self._task("Protect copy", Fn.PROTECT)))
            .next(self._restart())
            .next(self._delete_old())
            .next(self._prune_snapshots())
            .next(sfn.Pass(self, "Refreshed", parameters={
                "source": sfn.JsonPath.string_at("$.plan.source"),
                "target": sfn.JsonPath.string_at("$.plan.target"),
                "generation": sfn.JsonPath.string_at("$.plan.generation"),
                "notes": sfn.JsonPath.list_at("$.plan.notes"),
                "deleted": sfn.JsonPath.list_at("$.deleted"),
            }))
        )
        definition = (
            describe
            .next(context)
            .next(self._task("Check no other refresh", Fn.CHECK_CONCURRENCY, event="$.refresh"))
            .next(self._task("Plan", Fn.PLAN, event="$.refresh", result_path="$.plan"))
            .next(self._task("Check hooks", Fn.CHECK_HOOKS, event="$.refresh.request"))
            .next(dry_run.otherwise(refresh))
        )
        self.state_machine = sfn.StateMachine(
            self, "StateMachine",
            state_machine_name=STATE_MACHINE_NAME,
            definition_body=sfn.DefinitionBody.from_chainable(definition),
            timeout=Duration.hours(24),
            tracing_enabled=True,
            # Every event (AwsSolutions-SF1), without execution data: the state holds the plan, never a secret's
            # value, but a log needs no copy of it. /aws/vendedlogs/ keeps CloudWatch Logs' resource policy small.
            logs=sfn.LogOptions(
                destination=logs.LogGroup(self, "ExecutionLogs",
                                          log_group_name=f"/aws/vendedlogs/states/{STATE_MACHINE_NAME}",
                                          retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY),
                level=sfn.LogLevel.ALL, include_execution_data=False),
        )

    # --- building blocks --------------------------------------------------------------------------------------

    def _task(self, state: str, fn: Fn, *, event: str | None = None, result_path: str | None = None,
              payload: sfn.TaskInput | None = None, event_object: dict[str, Any] | None = None,
              poll_timeout_s: int | None = None) -> tasks.LambdaInvoke:
        """A Lambda task that does one thing, given `{"event": <the state at `event`>, "context": ...}`. Only
        transient AWS errors are retried, and NotReady when the task waits (`poll_timeout_s`)."""
        if payload is None:
            body = event_object if event_object is not None else sfn.JsonPath.object_at(event or "$.event")
            payload = sfn.TaskInput.from_object({"event": body, "context": CONTEXT})
        task = tasks.LambdaInvoke(
            self, state, lambda_function=self._functions[fn], payload=payload, payload_response_only=True,
            retry_on_service_exceptions=False, result_path=result_path or sfn.JsonPath.DISCARD,
        )
        task.add_retry(errors=TRANSIENT_ERRORS, interval=Duration.seconds(5), backoff_rate=2, max_attempts=6)
        if poll_timeout_s is not None:
            self._poll(task, poll_timeout_s)
        return task

    def _poll(self, task: tasks.LambdaInvoke, timeout_s: int | None = None) -> None:
        """A task that raises NotReady is tried again every polling interval, up to the timeout."""
        task.add_retry(errors=["NotReady"], interval=Duration.seconds(self._polling.interval_s), backoff_rate=1,
                       max_attempts=self._polling.max_attempts(timeout_s))

    def _await(self, label: str, operation: str, expect: str, *, fn: Fn = Fn.WAIT_READY,
               timeout_s: int | None = None) -> sfn.Chain:
        """Wait until the operation could first be done, then check every polling interval until its result
        is in effect. The check raises NotReady until then; the Retry bounds the whole wait."""
        first = sfn.Wait(self, f"Wait for {label.lower()}",
                         time=sfn.WaitTime.duration(Duration.seconds(self._polling.first_check(operation))))
        check = self._task(f"{label} done?", fn, event=expect, poll_timeout_s=timeout_s or self._polling.timeout_s)
        return first.next(check)

    def _when_present(self, question: str, path: str, steps: sfn.IChainable, done: str) -> sfn.Chain:
        """Run `steps` only when the state has `path`; both ways meet at the Pass state `done`."""
        joined = sfn.Pass(self, done)
        return (sfn.Choice(self, question)
                .when(sfn.Condition.is_present(path), sfn.Chain.start(steps).next(joined))
                .otherwise(joined)
                .afterwards())

    def _map(self, state: str, items_path: str, processor: sfn.IChainable, *, item: str = "event",
             max_concurrency: int = 0, result_path: str | None = None) -> sfn.Map:
        """A Map over `items_path` (0 = every item at once); each iteration's state is `{item: the item,
        "context": ...}`. Its results are dropped unless `result_path` is given."""
        each = sfn.Map(self, state, items_path=items_path, max_concurrency=max_concurrency,
                       item_selector={item: ITEM, "context": CONTEXT},
                       result_path=result_path or sfn.JsonPath.DISCARD)
        each.item_processor(processor)
        return each

    def _copy_steps(self, kind: str, build: str, create_fn: Fn) -> sfn.Chain:
        """One copy (`kind` "Copy": the root, or "Replica"): create it, give it the settings RDS does not take at
        creation (its parameter group, its backups) when the plan says so, promote it (the root), and reboot it
        when a new parameter group is not yet in effect."""
        root = kind == "Copy"
        chain = (self._task("Clone" if root else "Create replica", create_fn, event=f"{build}.create")
                 .next(self._await("Clone" if root else "Replica", "create_read_replica", f"{build}.create.expect")))
        configure = (self._task(f"Configure {kind.lower()}", Fn.CONFIGURE, event=f"{build}.configure",
                                poll_timeout_s=self._polling.timeout_s)
                     .next(self._await(f"{kind} settings", "modify", f"{build}.configure.expect")))
        chain = chain.next(self._when_present(f"{kind} settings to apply?", f"{build}.configure.request",
                                              configure, f"{kind} settings applied"))
        if root:  # a replica of production is promoted; a restored copy is standalone from the start
            promote = (self._task("Promote", Fn.PROMOTE, event=f"{build}.promote")
                       .next(self._await("Promote", "promote", f"{build}.promote.expect")))
            chain = chain.next(self._when_present("Replica of production?", f"{build}.promote.request", promote,
                                                  "Copy standalone"))
        reboot = (self._task(f"Reboot {kind.lower()}", Fn.REBOOT, event=f"{build}.reboot",
                             poll_timeout_s=self._polling.timeout_s)
                  .next(self._await(f"{kind} reboot", "reboot", f"{build}.reboot.expect")))
        return chain.next(self._when_present(f"{kind} reboot needed?", f"{build}.reboot.request", reboot,
                                             f"{kind} ready"))

    # --- phases -----------------------------------------------------------------------------------------------

    def _discard_stale_copies(self) -> sfn.Map:
        """Copies an earlier run left broken or stale are deleted before anything is built again."""
        discard = (self._task("Discard copy", Fn.DISCARD, poll_timeout_s=self._polling.timeout_s)
                   .next(self._await("Discard", "delete", "$.event", fn=Fn.WAIT_DELETED)))
        return self._map("Discard stale copies", "$.plan.discards", discard)

    def _build(self) -> sfn.Chain:
        """Production may be busy (its backup window...): the copy waits for it. Then the root copy, and its
        replicas level by level (a replica needs its parent), the replicas of a level all at once."""
        source_ready = self._task("Production ready?", Fn.WAIT_READY, event="$.plan.source_ready",
                                  poll_timeout_s=self._polling.source_timeout_s)
        replica = self._copy_steps("Replica", "$.event", Fn.CREATE_REPLICA)
        level = self._map("Build level", "$.level.replicas", replica)
        levels = self._map("Build replica levels", "$.plan.levels", level, item="level", max_concurrency=1)
        copy_snapshot = (self._task("Copy snapshot", Fn.COPY_SNAPSHOT, event="$.plan.snapshot_copy")
                         .next(self._await("Snapshot copy", "copy_snapshot", "$.plan.snapshot_copy",
                                           fn=Fn.WAIT_SNAPSHOT)))
        return (self._when_present("Production busy?", "$.plan.source_ready.DBInstanceIdentifier", source_ready,
                                   "Production can be copied")
                .next(self._when_present("Snapshot to copy?", "$.plan.snapshot_copy.DBSnapshotIdentifier",
                                         copy_snapshot, "Snapshot ready"))
                .next(self._copy_steps("Copy", "$.plan.root", Fn.CLONE))
                .next(levels))

    def _swap(self) -> sfn.Map:
        """Name by name, all names at once: each name is missing for about two renames, whatever the tree.
        If the swap cannot complete, every name goes back to its old instance before the execution fails."""
        rename = (self._task("Rename", Fn.RENAME, poll_timeout_s=self._polling.timeout_s)
                  .next(self._await("Rename", "rename", "$.event.expect")))
        swap_name = self._map("Swap name", "$.swap.renames", rename, max_concurrency=1)
        swap = self._map("Swap names", "$.plan.swaps", swap_name, item="swap")

        restore = self._task("Restore name", Fn.RESTORE, poll_timeout_s=self._polling.timeout_s)
        # One name that cannot be restored must not stop the others: its error is kept, the execution fails.
        restore.add_catch(sfn.Pass(self, "Name not restored"), errors=["States.ALL"], result_path="$.restore_error")
        restore_names = self._map("Restore names", "$.plan.restores", restore)
        swap.add_catch(restore_names.next(sfn.Fail(self, "Swap failed, names restored",
                                                   error_path="$.swap_error.Error", cause_path="$.swap_error.Cause")),
                       errors=["States.ALL"], result_path="$.swap_error")
        return swap

    def _await_hook(self, label: str, run_path: str, fn: Fn) -> tuple[sfn.Chain, tasks.LambdaInvoke]:
        """Wait for a hook; its check knows how long it has waited (Step Functions counts the retries), so a
        hook that does not finish fails after its own timeout."""
        first_check = self._polling.first_check("hook")
        first = sfn.Wait(self, f"Wait for {label.lower()}", time=sfn.WaitTime.duration(Duration.seconds(first_check)))
        check = self._task(f"{label} done?", fn, event_object={
            "run": sfn.JsonPath.object_at(run_path),
            "retry_count": sfn.JsonPath.number_at("$$.State.RetryCount"),
            "first_check_s": first_check, "interval_s": self._polling.interval_s,
        }, poll_timeout_s=self._polling.timeout_s)
        return first.next(check), check

    def _set_password(self) -> sfn.Chain:
        """The copy stops carrying production's master password before anyone can reach it."""
        set_password = (self._task("Set master password", Fn.SET_PASSWORD, event="$.plan.password")
                        .next(self._await("Password", "modify", "$.plan.password.expect")))
        return self._when_present("New master password?", "$.plan.password.secret_arn", set_password,
                                  "Password kept")

    def _before_swap(self) -> sfn.Chain:
        """The user's job against the copy (data scrubbing...); a failure stops the refresh before the swap."""
        hook = (self._task("Run before-swap hook", Fn.BEFORE_SWAP, event="$.plan.before_swap",
                           result_path="$.before_swap")
                .next(self._await_hook("Before-swap hook", "$.before_swap", Fn.WAIT_BEFORE_SWAP)[0]))
        return self._when_present("Before-swap hook?", "$.plan.before_swap.hook.type", hook, "Ready to swap")

    def _restart(self) -> sfn.Chain:
        start = self._task("Restart application", Fn.RESTART, event="$.plan.restart", result_path="$.restart")
        wait, check = self._await_hook("Restart", "$.restart", Fn.WAIT_RESTART)
        failed = self._restart_failed()
        for state in (start, check):
            state.add_catch(failed, errors=["States.ALL"], result_path="$.restart_error")
        return self._when_present("Restart hook?", "$.plan.restart.hook.type", start.next(wait),
                                  "Application restarted")

    def _restart_failed(self) -> sfn.Choice:
        """`keep` (default): the new data stays, the old- tree stays, the execution fails saying how to finish.
        `rollback`: every name goes back to its old instance, the application restarts again, then it fails."""
        keep = sfn.Fail(self, "Restart failed, new data kept", error_path="$.restart_error.Error",
                        cause_path="$.restart_error.Cause")
        rolled_back = sfn.Fail(self, "Restart failed, rolled back", error="RestartFailed",
                               cause="The restart failed; every name was given back to its old instance and the "
                                     "application restarted again. The copies are kept as temp- instances: a new "
                                     "run reuses them.")
        restore = self._task("Roll back name", Fn.RESTORE, poll_timeout_s=self._polling.timeout_s)
        restart_again = (
            self._task("Restart application again", Fn.RESTART, event="$.plan.restart", result_path="$.restart")
            .next(self._await_hook("Restart again", "$.restart", Fn.WAIT_RESTART)[0])
        )
        rollback = self._map("Roll back names", "$.plan.restores", restore).next(restart_again).next(rolled_back)
        return (sfn.Choice(self, "Roll back after a failed restart?")
                .when(sfn.Condition.string_equals("$.refresh.request.on_restart_failure", "rollback"), rollback)
                .otherwise(keep))

    def _delete_old(self) -> sfn.Map:
        """Every old instance at once; each iteration's output is its deletion's outcome (for the execution's
        output: a final snapshot that could not be taken is said there)."""
        delete_one = (self._task("Delete old", Fn.DELETE_OLD, result_path="$.deleted",
                                 poll_timeout_s=self._polling.timeout_s)
                      .next(self._await("Delete", "delete", "$.event", fn=Fn.WAIT_DELETED))
                      .next(sfn.Pass(self, "Old instance deleted", output_path="$.deleted")))
        return self._map("Delete old tree", "$.plan.deletes", delete_one, result_path="$.deleted")

    def _prune_snapshots(self) -> sfn.Map:
        """The newest final snapshots are kept; copies of the snapshot a restore read are not."""
        return self._map("Prune snapshots", "$.plan.snapshots", self._task("Prune snapshots by name",
                                                                           Fn.PRUNE_SNAPSHOTS))
