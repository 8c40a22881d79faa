"""The refresh state machine. State names are what the console shows: they say where a refresh is."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from infrastructure.functions import RefreshFunctions
from infrastructure.settings import Polling

TRANSIENT_ERRORS = ["TransientAwsError", "Lambda.ServiceException", "Lambda.AWSLambdaException",
                    "Lambda.SdkClientException", "Lambda.TooManyRequestsException"]


class RefreshWorkflow(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, functions: RefreshFunctions, polling: Polling) -> None:
        super().__init__(scope, construct_id)
        self._functions = functions
        self._polling = polling

        dry_run = sfn.Choice(self, "Dry run?").when(
            sfn.Condition.boolean_equals("$.refresh.request.dry_run", True),
            sfn.Succeed(self, "Flight plan ready", output_path="$.plan"),
        )
        refresh = (
            self._step("Clone", "Clone", "$.plan.clone")
            .next(self._await("Clone", "create_read_replica", "$.plan.clone.DBInstanceIdentifier"))
            .next(self._step("Promote", "Promote", "$.plan.promote"))
            .next(self._await("Promote", "promote", "$.plan.promote.DBInstanceIdentifier"))
            .next(self._replica_levels())
            .next(self._swap())
            .next(self._restart())
            .next(self._delete_old())
            .next(sfn.Succeed(self, "Refreshed"))
        )
        definition = (
            self._step("Describe", "Describe", "$", result_path="$.refresh")
            .next(self._step("Plan", "Plan", "$.refresh", result_path="$.plan"))
            .next(dry_run.otherwise(refresh))
        )
        self.state_machine = sfn.StateMachine(
            self, "StateMachine",
            definition_body=sfn.DefinitionBody.from_chainable(definition),
            timeout=Duration.hours(24),
            tracing_enabled=True,
            logs=sfn.LogOptions(destination=logs.LogGroup(self, "ExecutionLogs",
                                                          retention=logs.RetentionDays.ONE_MONTH),
                                level=sfn.LogLevel.ERROR),
        )

    def _step(self, state: str, function: str, payload_path: str, result_path: str | None = None) -> tasks.LambdaInvoke:
        """A Lambda task that does one thing. Only transient AWS errors are retried here."""
        task = tasks.LambdaInvoke(
            self, state, lambda_function=self._functions[function], input_path=payload_path,
            payload_response_only=True, retry_on_service_exceptions=False,
            result_path=result_path or sfn.JsonPath.DISCARD,
        )
        task.add_retry(errors=TRANSIENT_ERRORS, interval=Duration.seconds(5), backoff_rate=2, max_attempts=6)
        return task

    def _await(self, label: str, operation: str, identifier_path: str, function: str = "WaitAvailable",
               payload_path: str | None = None) -> sfn.Chain:
        """Wait until the operation could first be done, then check every polling interval until it is.

        The check raises NotReady while the operation runs; the Retry bounds the whole wait."""
        first = sfn.Wait(self, f"Wait for {label.lower()}",
                         time=sfn.WaitTime.duration(Duration.seconds(self._polling.first_check(operation))))
        check = tasks.LambdaInvoke(
            self, f"{label} done?", lambda_function=self._functions[function], input_path=payload_path,
            payload=None if payload_path else sfn.TaskInput.from_object(
                {"DBInstanceIdentifier": sfn.JsonPath.string_at(identifier_path)}),
            payload_response_only=True, retry_on_service_exceptions=False, result_path=sfn.JsonPath.DISCARD,
        )
        check.add_retry(errors=["NotReady"], interval=Duration.seconds(self._polling.interval_s), backoff_rate=1,
                        max_attempts=self._polling.max_attempts)
        check.add_retry(errors=TRANSIENT_ERRORS, interval=Duration.seconds(5), backoff_rate=2, max_attempts=6)
        return first.next(check)

    def _replica_levels(self) -> sfn.Map:
        """Levels one after another (a replica needs its parent); the replicas of one level all at once."""
        build = (
            self._step("Create replica", "CreateReplica", "$.create")
            .next(self._await("Replica", "create_read_replica", "$.create.DBInstanceIdentifier"))
            .next(sfn.Choice(self, "Serves replicas?")
                  .when(sfn.Condition.is_present("$.enable_backups.DBInstanceIdentifier"),
                        self._step("Enable backups", "EnableBackups", "$.enable_backups")
                        .next(self._await("Backups", "enable_backups", "$.enable_backups.DBInstanceIdentifier")))
                  .otherwise(sfn.Pass(self, "Replica ready"))
                  .afterwards())
        )
        level = sfn.Map(self, "Build level", items_path="$.replicas", max_concurrency=0,
                        result_path=sfn.JsonPath.DISCARD)
        level.item_processor(build)
        levels = sfn.Map(self, "Build replica levels", items_path="$.plan.levels", max_concurrency=1,
                         result_path=sfn.JsonPath.DISCARD)
        levels.item_processor(level)
        return levels

    def _swap(self) -> sfn.Map:
        """Name by name, all names at once: each name is missing for about two renames, whatever the tree."""
        swap_one = (
            self._step("Retire old", "Rename", "$.retire")
            .next(self._await("Retire", "rename", "$.retire.NewDBInstanceIdentifier"))
            .next(self._step("Install new", "Rename", "$.install"))
            .next(self._await("Install", "rename", "$.install.NewDBInstanceIdentifier"))
        )
        swap = sfn.Map(self, "Swap names", items_path="$.plan.swaps", max_concurrency=0,
                       result_path=sfn.JsonPath.DISCARD)
        swap.item_processor(swap_one)
        return swap

    def _restart(self) -> sfn.Choice:
        restart = (
            self._step("Restart application", "Restart", "$.plan.restart", result_path="$.restart")
            .next(self._await("Restart", "restart", "", function="WaitRestart", payload_path="$.restart"))
        )
        done = sfn.Pass(self, "Application restarted")
        return (sfn.Choice(self, "Restart hook?")
                .when(sfn.Condition.is_present("$.plan.restart.type"), restart.next(done))
                .otherwise(done)
                .afterwards())

    def _delete_old(self) -> sfn.Map:
        delete_one = (
            self._step("Delete old", "DeleteOld", "$")
            .next(self._await("Delete", "delete", "$.DBInstanceIdentifier", function="WaitDeleted"))
        )
        delete = sfn.Map(self, "Delete old tree", items_path="$.plan.deletes", max_concurrency=0,
                         result_path=sfn.JsonPath.DISCARD)
        delete.item_processor(delete_one)
        return delete
