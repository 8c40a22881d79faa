"""The `mitosis` command: `mitosis simulate` (its contract: docs/simulation.md) and `mitosis demo`; the
commands for people (plan, start, status, history) are operate/cli.py's.

Exit codes: 0 when the last execution SUCCEEDED, 1 when it failed, 2 for unusable arguments or files.
Progress goes to stderr, the report to --report.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn, TextIO

import operate.cli as operate
from simulator import timeline
from simulator.runner import Simulation, StateEvent

EXAMPLES = Path(__file__).resolve().parent / "examples"


class UsageError(Exception):
    """Unusable arguments or files: exit 2 with one line."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mitosis", description="Offline runs of the stack-mitosis refresh.")
    commands = parser.add_subparsers(dest="command", required=True)
    simulate = commands.add_parser("simulate", help="run the refresh workflow against a simulated AWS world")
    simulate.add_argument("--world", required=True, help="WORLD.json: the RDS/ECS/EC2 resources that exist")
    simulate.add_argument("--input", required=True, help="INPUT.json: the execution input, sent as written")
    simulate.add_argument("--latency", help="LATENCY.json: virtual seconds per operation (README has defaults)")
    simulate.add_argument("--faults", help="FAULTS.json: errors and failed statuses to inject")
    simulate.add_argument("--attempts", type=int, default=1, help="executions to start while they fail (default 1)")
    simulate.add_argument("--runs", type=int, default=1,
                          help="refreshes one after another, each when the previous has ended (default 1)")
    simulate.add_argument("--report", help="where to write the JSON report (and, beside it as .svg, its timeline)")
    simulate.add_argument("--context", help="JSON file of CDK context to deploy with instead of the default")
    simulate.add_argument("--quiet", action="store_true", help="no progress on stderr")
    demo = commands.add_parser("demo", help="refresh the bundled example world, showing each step")
    demo.add_argument("--report", help="where to write the JSON report (and, beside it as .svg, its timeline)")
    demo.add_argument("--timeline", help="where to write the timeline (SVG; default: beside the report)")
    operate.add_commands(commands)  # plan, start, status, history: operate/cli.py
    args = parser.parse_args(argv)
    if args.command in operate.COMMANDS:
        return operate.run(args)
    try:
        if args.command == "demo":
            return run_demo(args.report, args.timeline)
        return run_simulate(args)
    except UsageError as error:
        fail(str(error))


def fail(message: str) -> NoReturn:
    print(f"mitosis: error: {message}", file=sys.stderr)
    sys.exit(2)


def read_json(path: str, what: str) -> Any:
    try:
        return json.loads(Path(path).read_text())
    except OSError as error:
        raise UsageError(f"cannot read {what} {path}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise UsageError(f"{what} {path} is not JSON: {error}") from None


def run_simulate(args: argparse.Namespace) -> int:
    if args.attempts < 1 or args.runs < 1:
        raise UsageError("--attempts and --runs must be at least 1")
    world = read_json(args.world, "world")
    if not isinstance(world, dict) or not isinstance(world.get("rds"), dict) or not isinstance(
            world["rds"].get("instances"), list):
        raise UsageError(f"world {args.world} has no rds.instances list")
    faults = read_faults(args.faults) if args.faults else None
    if args.report:
        writable(args.report)  # before the run, not after it
    simulation = Simulation(
        world=world, execution_input=read_json(args.input, "input"),
        latency=read_json(args.latency, "latency model") if args.latency else None, faults=faults,
        attempts=args.attempts, runs=args.runs, context=read_context(args.context) if args.context else None,
    )
    if not args.quiet:
        simulation.on_state = Progress(sys.stderr).state
        simulation.on_attempt = Progress(sys.stderr).attempt
        simulation.on_notification = Progress(sys.stderr).notification
    report = execute(simulation)
    write_report(report, args.report)
    if args.report:
        write_timeline(report, timeline.svg_path_for(args.report), _title(simulation.execution_input))
    return 0 if report["status"] == "SUCCEEDED" else 1


def read_faults(path: str) -> Any:
    faults = read_json(path, "faults")
    if not isinstance(faults, dict) or "faults" not in faults:
        raise UsageError(f"faults {path} must be an object with a 'faults' list")
    return faults["faults"]


def read_context(path: str) -> dict[str, Any]:
    """CDK context to deploy with: a cdk.json, or its context object alone; checked as `cdk deploy` would."""
    from pydantic import ValidationError

    from infrastructure.settings import DeploymentSettings
    from operate.deployed import AccountError, context

    try:
        loaded = context(path)
        DeploymentSettings.from_context(loaded)
    except AccountError as error:
        raise UsageError(str(error)) from None
    except ValidationError as error:
        first = error.errors()[0]
        raise UsageError(f"context {path}: {'.'.join(map(str, first['loc']))}: {first['msg']}") from None
    return loaded


def writable(path: str) -> None:
    folder = Path(path).resolve().parent
    if not folder.is_dir() or Path(path).is_dir() or not os.access(folder, os.W_OK):
        raise UsageError(f"cannot write the report {path}")


def execute(simulation: Simulation) -> dict[str, Any]:
    from simulator.world import WorldError

    try:
        return simulation.run()
    except WorldError as error:  # the world's, the latency model's or a fault's (each message says which)
        raise UsageError(f"unusable input: {error}") from None


def write_report(report: dict[str, Any], path: str | None) -> None:
    if path:
        Path(path).write_text(json.dumps(report, indent=2, default=str))


def write_timeline(report: dict[str, Any], path: str, title: str) -> None:
    """The refresh as a picture (simulator.timeline)."""
    try:
        Path(path).write_text(timeline.render(report, title))
    except OSError as error:
        raise UsageError(f"cannot write the timeline {path}: {error.strerror}") from None


def _title(execution_input: Any) -> str:
    if isinstance(execution_input, dict) and isinstance(execution_input.get("target"), str):
        return f"stack-mitosis: refresh of {execution_input['target']} from {execution_input.get('source')}"
    return "stack-mitosis refresh"


class Progress:
    """Each state as it starts and ends, on virtual time, for a person following along."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def state(self, event: StateEvent) -> None:
        acts_on = f"  {event.subject}" if event.subject else ""
        if event.kind == "entered":
            print(f"  {clock_time(event.t)}  attempt {event.attempt}  > {event.name}{acts_on}", file=self.stream)
        elif not event.name.startswith(("Wait for", "Dry run?", "Serves replicas?", "Restart hook?")):
            print(f"  {clock_time(event.t)}  attempt {event.attempt}  < {event.name} done{acts_on}", file=self.stream)

    def notification(self, message: dict[str, Any]) -> None:
        print(f"  notified: {message['subject']}", file=self.stream)

    def attempt(self, number: int, result: dict[str, Any]) -> None:
        line = f"attempt {number}: {result['status']} after {clock_time(result['duration_s'])} (virtual)"
        if result.get("error"):
            line += f": {result['error']}: {result.get('cause', '')}"
        print(line, file=self.stream)


def clock_time(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def run_demo(report_path: str | None, timeline_path: str | None = None) -> int:
    world = read_json(str(EXAMPLES / "world-example.json"), "world")
    execution_input = read_json(str(EXAMPLES / "input-example.json"), "input")
    out = sys.stderr
    print(f"stack-mitosis demo: refresh {execution_input['target']} from {execution_input['source']} "
          "in a simulated AWS (virtual time; nothing leaves this machine)\n", file=out)
    sources = {i["DBInstanceIdentifier"]: i.get("SourceDBInstanceIdentifier") for i in world["rds"]["instances"]}

    def origin(name: str) -> str:  # a replica holds its source's data
        return origin(sources[name]) if sources.get(name) else name

    before = {name: {**i, "data_origin": origin(name)}
              for name, i in ((i["DBInstanceIdentifier"], i) for i in world["rds"]["instances"])}
    print_graph("Before", before, out)
    simulation = Simulation(world=world, execution_input=execution_input, on_state=Progress(out).state,
                            on_attempt=Progress(out).attempt, on_notification=Progress(out).notification)
    report = execute(simulation)
    after = {i["DBInstanceIdentifier"]: i for i in report["instances"]}
    print_graph("\nAfter", after, out)
    print(f"\n{report['status']} in {clock_time(report['duration_s'])} of virtual time; "
          f"names without an available database: {report.get('downtime_s')} s", file=out)
    write_report(report, report_path)
    timeline_path = timeline_path or (timeline.svg_path_for(report_path) if report_path else None)
    if timeline_path:
        write_timeline(report, timeline_path, _title(execution_input))
        print(f"timeline: {timeline_path}", file=out)
    return 0 if report["status"] == "SUCCEEDED" else 1


def print_graph(title: str, instances: dict[str, dict[str, Any]], out: TextIO) -> None:
    """The replication trees, each instance with the data it holds."""
    print(f"{title}:", file=out)

    def source_of(instance: dict[str, Any]) -> str | None:
        return instance.get("ReadReplicaSourceDBInstanceIdentifier") or instance.get("SourceDBInstanceIdentifier")

    def show(name: str, depth: int) -> None:
        instance = instances[name]
        status = instance.get("DBInstanceStatus", "available")
        print(f"  {'    ' * depth}{name}  [{status}, data of {instance.get('data_origin')}]", file=out)
        for child in sorted(n for n, i in instances.items() if source_of(i) == name):
            show(child, depth + 1)

    for root in sorted(n for n, i in instances.items() if not source_of(i)):
        show(root, 0)


if __name__ == "__main__":
    sys.exit(main())
