"""The refresh state machine. State names are what the console shows: they say where a refresh is."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from infrastructure.functions import STATE_MACHINE_NAME, RefreshFunctions
from infrastructure.settings import Polling

TRANSIENT_ERRORS = ["TransientAwsError", "Lambda.ServiceException", "Lambda.AWSLambdaException",
                    "Lambda.SdkClientException", "Lambda.TooManyRequestsException"]


class RefreshWorkflow(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, functions: RefreshFunctions, polling: Polling) -> None:
        super().__init__(scope, construct_id)
        self._functions = functions
        self._polling = polling

        describe = self._task("Describe", "Describe", result_path="$.refresh", payload=sfn.TaskInput.from_object({
            "input": sfn.JsonPath.entire_payload,
            "run": {"name": sfn.JsonPath.string_at("$$.Execution.Name"),
                    "started": sfn.JsonPath.string_at("$$.Execution.StartTime"),
                    "state_machine": sfn.JsonPath.string_at("$$.StateMachine.Id")},
        }))
        dry_run = sfn.Choice(self, "Dry run?").when(
            sfn.Condition.boolean_equals("$.refresh.request.dry_run", True),
            sfn.Succeed(self, "Flight plan ready", output_path="$.plan"),
        )
        refresh = (
            self._discard_stale_copies()
            .next(sfn.Choice(self, "Copies to build?")
                  .when(sfn.Condition.is_present("$.plan.clone.DBInstanceIdentifier"), self._build())
                  .otherwise(sfn.Pass(self, "Copies built"))
                  .afterwards())
            .next(self._set_password())
            .next(self._before_swap())
            .next(self._swap())
            .next(self._map("Protect copies", "$.plan.protect", self._task("Protect copy", "Protect")))
            .next(self._restart())
            .next(self._delete_old())
            .next(self._prune_snapshots())
            .next(sfn.Succeed(self, "Refreshed"))
        )
        definition = (
            describe
            .next(self._task("Check no other refresh", "CheckConcurrency", input_path="$.refresh"))
            .next(self._task("Plan", "Plan", input_path="$.refresh", result_path="$.plan"))
            .next(dry_run.otherwise(refresh))
        )
        self.state_machine = sfn.StateMachine(
            self, "StateMachine",
            state_machine_name=STATE_MACHINE_NAME,
            definition_body=sfn.DefinitionBody.from_chainable(definition),
            timeout=Duration.hours(24),
            tracing_enabled=True,
            logs=sfn.LogOptions(destination=logs.LogGroup(self, "ExecutionLogs",
                                                          log_group_name=f"/aws/vendedlogs/states/{STATE_MACHINE_NAME}",
                                                          retention=logs.RetentionDays.ONE_MONTH),
                                level=sfn.LogLevel.ALL),
        )

    # --- building blocks --------------------------------------------------------------------------------------

    def _task(self, state: str, function: str, *, input_path: str = "$", result_path: str | None = None,
              payload: sfn.TaskInput | None = None) -> tasks.LambdaInvoke:
        """A Lambda task that does one thing. Only transient AWS errors are retried here."""
        task = tasks.LambdaInvoke(
            self, state, lambda_function=self._functions[function], input_path=input_path, payload=payload,
            payload_response_only=True, retry_on_service_exceptions=False,
            result_path=result_path or sfn.JsonPath.DISCARD,
        )
        task.add_retry(errors=TRANSIENT_ERRORS, interval=Duration.seconds(5), backoff_rate=2, max_attempts=6)
        return task

    def _await(self, label: str, operation: str, *, identifier_path: str | None = None, input_path: str = "$",
               function: str = "WaitAvailable") -> sfn.Chain:
        """Wait until the operation could first be done, then check every polling interval until it is.

        The check raises NotReady while the operation runs; the Retry bounds the whole wait."""
        first = sfn.Wait(self, f"Wait for {label.lower()}",
                         time=sfn.WaitTime.duration(Duration.seconds(self._polling.first_check(operation))))
        payload = (sfn.TaskInput.from_object({"DBInstanceIdentifier": sfn.JsonPath.string_at(identifier_path)})
                   if identifier_path else None)
        check = self._task(f"{label} done?", function, input_path=input_path, payload=payload)
        self._poll(check)
        return first.next(check)

    def _poll(self, check: tasks.LambdaInvoke) -> None:
        """A check that raises NotReady is tried again every polling interval, up to the polling timeout."""
        check.add_retry(errors=["NotReady"], interval=Duration.seconds(self._polling.interval_s), backoff_rate=1,
                        max_attempts=self._polling.max_attempts)

    def _when_present(self, question: str, path: str, steps: sfn.IChainable, done: str) -> sfn.Chain:
        """Run `steps` only when the plan has `path`; both ways meet at the Pass state `done`."""
        joined = sfn.Pass(self, done)
        return (sfn.Choice(self, question)
                .when(sfn.Condition.is_present(path), sfn.Chain.start(steps).next(joined))
                .otherwise(joined)
                .afterwards())

    def _map(self, state: str, items_path: str, processor: sfn.IChainable, *, max_concurrency: int = 0,
             item_selector: dict[str, object] | None = None) -> sfn.Map:
        """A Map whose results are dropped (0 = every item at once)."""
        each = sfn.Map(self, state, items_path=items_path, max_concurrency=max_concurrency,
                       item_selector=item_selector, result_path=sfn.JsonPath.DISCARD)
        each.item_processor(processor)
        return each

    # --- phases -----------------------------------------------------------------------------------------------

    def _discard_stale_copies(self) -> sfn.Map:
        """Copies an earlier run left broken or stale are deleted before anything is built again."""
        discard = self._task("Discard copy", "Discard").next(
            self._await("Discard", "delete", identifier_path="$.DBInstanceIdentifier", function="WaitDeleted"))
        return self._map("Discard stale copies", "$.plan.discards", discard)

    def _build(self) -> sfn.Chain:
        return (
            self._task("Clone", "Clone", input_path="$.plan.clone")
            .next(self._await("Clone", "create_read_replica", identifier_path="$.plan.clone.DBInstanceIdentifier"))
            .next(self._task("Promote", "Promote", input_path="$.plan.promote"))
            .next(self._await("Promote", "promote", identifier_path="$.plan.promote.DBInstanceIdentifier"))
            .next(self._replica_levels())
        )

    def _replica_levels(self) -> sfn.Map:
        """Levels one after another (a replica needs its parent); the replicas of one level all at once."""
        build = (
            self._task("Create replica", "CreateReplica", input_path="$.create")
            .next(self._await("Replica", "create_read_replica", identifier_path="$.create.DBInstanceIdentifier"))
            .next(sfn.Choice(self, "Serves replicas?")
                  .when(sfn.Condition.is_present("$.enable_backups.DBInstanceIdentifier"),
                        self._task("Enable backups", "EnableBackups", input_path="$.enable_backups")
                        .next(self._await("Backups", "enable_backups",
                                          identifier_path="$.enable_backups.DBInstanceIdentifier")))
                  .otherwise(sfn.Pass(self, "Replica ready"))
                  .afterwards())
        )
        level = self._map("Build level", "$.replicas", build)
        return self._map("Build replica levels", "$.plan.levels", level, max_concurrency=1)

    def _swap(self) -> sfn.Map:
        """Name by name, all names at once: each name is missing for about two renames, whatever the tree.
        If the swap cannot complete, every name goes back to its old instance before the execution fails."""
        rename = self._task("Rename", "Rename").next(
            self._await("Rename", "rename", identifier_path="$.rename.NewDBInstanceIdentifier"))
        swap_name = self._map("Swap name", "$.renames", rename, max_concurrency=1)
        swap = self._map("Swap names", "$.plan.swaps", swap_name)

        restore = self._task("Restore name", "Restore")
        self._poll(restore)
        # One name that cannot be restored must not stop the others: its error is kept, the execution fails.
        restore.add_catch(sfn.Pass(self, "Name not restored"), errors=["States.ALL"], result_path="$.restore_error")
        restore_names = self._map("Restore names", "$.plan.restores", restore)
        swap.add_catch(restore_names.next(sfn.Fail(self, "Swap failed, names restored",
                                                   error_path="$.swap_error.Error", cause_path="$.swap_error.Cause")),
                       errors=["States.ALL"], result_path="$.swap_error")
        return swap

    def _await_hook(self, label: str, run_path: str, function: str) -> tuple[sfn.Chain, tasks.LambdaInvoke]:
        """Wait for a hook; its check knows how long it has waited (Step Functions counts the retries), so a
        hook that does not finish fails after its own timeout."""
        first_check = self._polling.first_check("restart")
        first = sfn.Wait(self, f"Wait for {label.lower()}", time=sfn.WaitTime.duration(Duration.seconds(first_check)))
        check = self._task(f"{label} done?", function, payload=sfn.TaskInput.from_object({
            "run": sfn.JsonPath.object_at(run_path),
            "retry_count": sfn.JsonPath.number_at("$$.State.RetryCount"),
            "first_check_s": first_check, "interval_s": self._polling.interval_s,
        }))
        self._poll(check)
        return first.next(check), check

    def _set_password(self) -> sfn.Chain:
        """The copy stops carrying production's master password before anyone can reach it."""
        set_password = self._task("Set master password", "SetPassword", input_path="$.plan.password").next(
            self._await("Password", "modify", identifier_path="$.plan.password.DBInstanceIdentifier"))
        return self._when_present("New master password?", "$.plan.password.secret_arn", set_password,
                                  "Password kept")

    def _before_swap(self) -> sfn.Chain:
        """The user's job against the copy (data scrubbing...); a failure stops the refresh before the swap."""
        hook = (
            self._task("Run before-swap hook", "BeforeSwap", input_path="$.plan.before_swap",
                       result_path="$.before_swap")
            .next(self._await_hook("Before-swap hook", "$.before_swap", "WaitBeforeSwap")[0])
        )
        return self._when_present("Before-swap hook?", "$.plan.before_swap.hook.type", hook, "Ready to swap")

    def _restart(self) -> sfn.Chain:
        start = self._task("Restart application", "Restart", input_path="$.plan.restart", result_path="$.restart")
        wait, check = self._await_hook("Restart", "$.restart", "WaitRestart")
        failed = self._restart_failed()
        for state in (start, check):
            state.add_catch(failed, errors=["States.ALL"], result_path="$.restart_error")
        return self._when_present("Restart hook?", "$.plan.restart.type", start.next(wait), "Application restarted")

    def _restart_failed(self) -> sfn.Choice:
        """`keep` (default): the new data stays, the old- tree stays, the execution fails saying how to finish.
        `rollback`: every name goes back to its old instance, the application restarts again, then it fails."""
        keep = sfn.Fail(self, "Restart failed, new data kept", error_path="$.restart_error.Error",
                        cause_path="$.restart_error.Cause")
        rolled_back = sfn.Fail(self, "Restart failed, rolled back", error="RestartFailed",
                               cause="The restart failed; every name was given back to its old instance and the "
                                     "application restarted again. The copies are kept as temp- instances: a new "
                                     "run reuses them.")
        restore = self._task("Roll back name", "Restore")
        self._poll(restore)
        restart_again = (
            self._task("Restart application again", "Restart", input_path="$.plan.restart", result_path="$.restart")
            .next(self._await_hook("Restart again", "$.restart", "WaitRestart")[0])
        )
        rollback = self._map("Roll back names", "$.plan.restores", restore).next(restart_again).next(rolled_back)
        return (sfn.Choice(self, "Roll back after a failed restart?")
                .when(sfn.Condition.string_equals("$.refresh.request.on_restart_failure", "rollback"), rollback)
                .otherwise(keep))

    def _delete_old(self) -> sfn.Map:
        delete_one = self._task("Delete old", "DeleteOld").next(
            self._await("Delete", "delete", identifier_path="$.DBInstanceIdentifier", function="WaitDeleted"))
        return self._map("Delete old tree", "$.plan.deletes", delete_one)

    def _prune_snapshots(self) -> sfn.Chain:
        prune = self._task("Prune final snapshots", "PruneSnapshots", input_path="$.plan.snapshots")
        return self._when_present("Final snapshots?", "$.plan.snapshots.prefix", prune, "Snapshots kept")
