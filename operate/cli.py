"""`mitosis plan`, `mitosis start`, `mitosis status` and `mitosis history`: a refresh, as a person sees it.

Exit codes: 0 done (plan printed; started; the execution followed or shown SUCCEEDED or still RUNNING; history
shown), 1 the refresh did not succeed (plan refused; `start --wait` or `status` of a FAILED, TIMED_OUT or
ABORTED execution), 2 something to fix first (one line: no credentials, unknown profile or job, stack not
deployed, an unreadable file...).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import boto3
from mitosis.errors import InvalidInput, PlanRefused
from mitosis.history import clock, summarize, timestamp
from mitosis.notification import compose

from infrastructure.settings import STACK_NAME, DeploymentSettings
from operate import deployed
from operate.accounts import AccountError, Prompter, ask_mfa_code, aws_errors, session
from operate.follow import Follower, newer_events
from operate.plan import DEFAULT_EXECUTION_NAME, as_json, flight_plan, table
from simulator.aws import SimulatedAWS
from simulator.clock import VirtualClock
from simulator.deployment import simulated_context
from simulator.world import WorldError

COMMANDS = ("plan", "start", "status", "history")
ENDED_WELL = ("SUCCEEDED", "RUNNING")


class Environment:
    """What the commands need from outside: where they print, how they wait and tell the time, how they ask for
    an MFA code. Tests give the simulated account's clock."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
                 prompter: Prompter = ask_mfa_code) -> None:
        self._out, self._err = out, err
        self.sleep, self.now, self.prompter = sleep, now, prompter

    @property
    def out(self) -> TextIO:
        return self._out or sys.stdout  # the process's at the time of printing

    @property
    def err(self) -> TextIO:
        return self._err or sys.stderr


ENVIRONMENT = Environment()


def add_commands(commands: Any) -> None:
    """Register the commands on `mitosis`'s subparsers."""
    def account(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--profile", help="AWS profile (default: AWS_PROFILE or the default credentials)")
        parser.add_argument("--region", help="AWS region (default: the profile's, or AWS_REGION)")

    def deployment(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--stack", default=STACK_NAME, help=f"the deployed stack (default {STACK_NAME})")
        parser.add_argument("--context", help="JSON file of CDK context with the refresh jobs (default: cdk.json)")

    plan = commands.add_parser("plan", help="print the flight plan a refresh would follow now (read-only)")
    plan.add_argument("--source", required=True, help="the production instance to copy")
    plan.add_argument("--target", required=True, help="the primary of the tree to refresh")
    plan.add_argument("--json", action="store_true", help='print {"flight_plan": [...]}, the dry run\'s form')
    plan.add_argument("--world", help="WORLD.json: plan against the simulated account instead of AWS")
    plan.add_argument("--execution-name", default=DEFAULT_EXECUTION_NAME,
                      help="the execution name the plan's generation is named after (default %(default)s)")
    plan.add_argument("--context", help="JSON file of CDK context with the refresh jobs (default: cdk.json)")
    account(plan)

    start = commands.add_parser("start", help="start a declared refresh job on the deployed state machine")
    start.add_argument("job", help="the refresh job's name (cdk.json refresh_jobs)")
    start.add_argument("--dry-run", action="store_true", help="plan only: the execution's output is the plan")
    start.add_argument("--wait", action="store_true", help="follow it until it ends; exit 0 only if it succeeded")
    start.add_argument("--name", help="the execution's name (default: <job>-<UTC time>)")
    start.add_argument("--poll", type=float, default=15.0, help="seconds between looks while following")
    account(start)
    deployment(start)

    status = commands.add_parser("status", help="how an execution went, or where it is (default: the latest)")
    status.add_argument("execution", nargs="?", help="an execution's name or ARN")
    account(status)
    deployment(status)

    history = commands.add_parser("history", help="a job's past refreshes: when, how long, how they ended")
    history.add_argument("job", help="the refresh job's name")
    history.add_argument("--limit", type=int, default=10, help="how many (default %(default)s)")
    account(history)
    deployment(history)


def run(args: argparse.Namespace, env: Environment | None = None) -> int:
    env = env or ENVIRONMENT
    try:
        command: Callable[[argparse.Namespace, Environment], int] = {
            "plan": run_plan, "start": run_start, "status": run_status, "history": run_history}[args.command]
        return command(args, env)
    except AccountError as error:
        print(f"mitosis: error: {error}", file=env.err)
        return 2


# --- plan ------------------------------------------------------------------------------------------------------

def run_plan(args: argparse.Namespace, env: Environment) -> int:
    if args.world:
        return _plan_world(args, env)
    jobs = deployed.jobs(args.context)
    with aws_errors():
        made = session(args.profile, args.region, env.prompter)
        return _print_plan(args, env, made.client("rds"), made.client("kms"), jobs)


def _plan_world(args: argparse.Namespace, env: Environment) -> int:
    """The plan against the simulated account: the world loaded as `mitosis simulate` loads it, and the jobs
    its deployment would declare (cdk.json's when one is for this pair, else one made for it, as
    simulator.deployment.simulated_context makes it)."""
    try:
        world = json.loads(Path(args.world).read_text())
    except OSError as error:
        raise AccountError(f"cannot read world {args.world}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise AccountError(f"world {args.world} is not JSON: {error}") from None
    base = deployed.context(args.context)
    jobs = deployed.jobs(args.context)
    if not any((job.source, job.target) == (args.source, args.target) for job in jobs):
        # (a pair no deployment could declare is left out: the plan then says no job declares it); a world's Aurora
        # cluster as the source makes an Aurora job, as its deployment would declare it
        clusters = {c.get("DBClusterIdentifier") for c in world.get("rds", {}).get("clusters", [])}
        pair = {"source": args.source, "target": args.target, **({"aurora": True} if args.source in clusters else {})}
        jobs = DeploymentSettings.from_context(simulated_context(pair, base)).refresh_jobs
    try:
        with SimulatedAWS(world, clock=VirtualClock()) as aws:
            rds, kms = (boto3.client(service, region_name=aws.region) for service in ("rds", "kms"))
            return _print_plan(args, env, rds, kms, jobs)
    except WorldError as error:
        raise AccountError(f"unusable world: {error}") from None


def _print_plan(args: argparse.Namespace, env: Environment, rds: Any, kms: Any, jobs: list[Any]) -> int:
    try:
        with aws_errors():
            plan = flight_plan(rds, kms, args.source, args.target, jobs, args.execution_name)
    except InvalidInput as error:
        raise AccountError(str(error)) from None
    except PlanRefused as error:
        print(f"mitosis: the plan is refused: {error}", file=env.err)
        return 1
    print(as_json(plan) if args.json else table(plan), file=env.out)
    return 0


# --- start, status, history ------------------------------------------------------------------------------------

def _clients(args: argparse.Namespace, env: Environment) -> tuple[Any, Any, str]:
    """Step Functions and RDS clients, and the deployed state machine's ARN."""
    made = session(args.profile, args.region, env.prompter)
    arn = deployed.state_machine_arn(made.client("cloudformation"), args.stack)
    return made.client("stepfunctions"), made.client("rds"), arn


def run_start(args: argparse.Namespace, env: Environment) -> int:
    job = deployed.job_named(deployed.jobs(args.context), args.job)
    execution_input = {**job.execution_input(), "dry_run": bool(args.dry_run)}
    with aws_errors():
        sfn, rds, machine = _clients(args, env)
        name = args.name or f"{job.name}-{env.now():%Y%m%dT%H%M%SZ}{'-dry-run' if args.dry_run else ''}"
        started = sfn.start_execution(stateMachineArn=machine, name=name, input=json.dumps(execution_input))
        arn = started["executionArn"]
        region = sfn.meta.region_name
        print(f"started {name}: {'dry run of ' if args.dry_run else 'refresh of '}{job.target} from {job.source}",
              file=env.out)
        print(f"  console: https://{region}.console.aws.amazon.com/states/home?region={region}"
              f"#/executions/details/{arn}", file=env.out, flush=True)
        if not args.wait:
            return 0
        description = Follower(sfn, rds, arn, env.out, env.sleep, env.now, args.poll).follow()
    return 0 if description["status"] == "SUCCEEDED" else 1


def _execution_arn(sfn: Any, machine: str, execution: str | None) -> str:
    if execution and execution.startswith("arn:"):
        return execution
    if execution:
        return f"{machine.replace(':stateMachine:', ':execution:')}:{execution}"
    latest = sfn.list_executions(stateMachineArn=machine, maxResults=1)["executions"]
    if not latest:
        raise AccountError(f"no execution of {machine.rsplit(':', 1)[1]} yet")
    return str(latest[0]["executionArn"])


def run_status(args: argparse.Namespace, env: Environment) -> int:
    jobs = deployed.jobs(args.context)
    with aws_errors():
        sfn, _, machine = _clients(args, env)
        arn = _execution_arn(sfn, machine, args.execution)
        try:
            description = sfn.describe_execution(executionArn=arn)
        except sfn.exceptions.ExecutionDoesNotExist:
            raise AccountError(f"no execution {args.execution!r} of {machine.rsplit(':', 1)[1]}") from None
        summary = summarize(description, newer_events(sfn, arn, 0))
        message = compose(summary, job=deployed.job_of(jobs, summary.input), execution_arn=arn,
                          region=sfn.meta.region_name, output=description.get("output"), now=env.now())
    print(message.body, file=env.out, end="")
    return 0 if summary.status in ENDED_WELL else 1


def run_history(args: argparse.Namespace, env: Environment) -> int:
    job = deployed.job_named(deployed.jobs(args.context), args.job)
    if args.limit < 1:
        raise AccountError("--limit must be at least 1")
    rows: list[str] = []
    with aws_errors():
        sfn, _, machine = _clients(args, env)
        pages = sfn.get_paginator("list_executions").paginate(stateMachineArn=machine)
        for execution in (e for page in pages for e in page["executions"]):
            description = sfn.describe_execution(executionArn=execution["executionArn"])
            try:
                execution_input = json.loads(description.get("input") or "null")
            except ValueError:
                continue
            if deployed.job_of([job], execution_input) != job.name:
                continue
            rows.append(_history_row(description, execution_input, env.now()))
            if len(rows) >= args.limit:
                break
    print(f"Refreshes of job {job.name} ({job.target} from {job.source}), newest first:", file=env.out)
    if not rows:
        print("  none yet", file=env.out)
        return 0
    print(f"  {'started (UTC)':<19}  {'execution':<36}  {'status':<9}  {'duration':>11}  result", file=env.out)
    for row in rows:
        print(f"  {row}", file=env.out)
    return 0


def _history_row(description: dict[str, Any], execution_input: Any, now: dt.datetime) -> str:
    started = timestamp(description["startDate"])
    stopped = description.get("stopDate")
    seconds = ((timestamp(stopped) if stopped else now) - started).total_seconds()
    dry = " (dry run)" if isinstance(execution_input, dict) and execution_input.get("dry_run") else ""
    result = f"{description.get('error', '')}{dry}".strip() or "-"
    return (f"{started:%Y-%m-%d %H:%M:%S}  {description['name'][:36]:<36}  {description['status']:<9}  "
            f"{clock(seconds):>11}  {result}")
