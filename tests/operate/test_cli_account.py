"""`mitosis start`, `status` and `history` against the simulated account with the stack deployed (cdk.json's
jobs: `demo` refreshes mitosis-demo from mitosis-prod), run in-process as a person would run them: the state
machine is found from the stack's outputs, and `--wait` follows the execution on the account's virtual clock."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from mitosis import recovery

import operate.cli
from operate.follow import tree_statuses
from simulator.account import Account, simulated_account
from simulator.aws import SimulatedAWS
from simulator.cli import main
from simulator.clock import VirtualClock
from tests.operate.conftest import EXAMPLES

REGION = ["--region", "us-west-2"]
RENAME_REFUSED = {"operation": "rds:ModifyDBInstance", "match": {"DBInstanceIdentifier": "temp-mitosis-demo-replica"},
                  "error": "InvalidParameterCombination", "times": -1, "attempts": [1]}


@dataclass
class Person:
    """Someone at a terminal of the simulated account."""

    account: Account
    monkeypatch: pytest.MonkeyPatch

    def run(self, *args: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        clock = self.account.clock
        self.monkeypatch.setattr(operate.cli, "ENVIRONMENT", operate.cli.Environment(
            out=out, err=err, sleep=clock.sleep, now=clock.datetime))
        code = main(list(args))
        return code, out.getvalue(), err.getvalue()


@pytest.fixture
def person(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[Person]:
    with simulated_account(world) as account:
        yield Person(account, monkeypatch)


@pytest.fixture
def unlucky_person(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[Person]:
    """The account where RDS refuses to rename the replica's copy into place in the first execution."""
    with simulated_account(world, faults=[RENAME_REFUSED]) as account:
        yield Person(account, monkeypatch)


def test_start_wait_follows_the_refresh_and_exits_0_when_it_succeeds(person: Person) -> None:
    code, out, err = person.run("start", "demo", "--wait", "--poll", "60", *REGION)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "started demo-20260101T000000Z: refresh of mitosis-demo from mitosis-prod"
    assert "#/executions/details/arn:aws:states:us-west-2:123456789012:execution:stack-mitosis-refresh:" in lines[1]
    # the progress: each state as it is entered, with the time since the start and what it acts on
    assert "  00:00:00  > Clone  temp-mitosis-demo" in lines
    retiring = lines.index(next(line for line in lines if line.endswith("> Rename  mitosis-demo -> old-mitosis-demo")))
    installing = lines.index(next(line for line in lines
                                  if line.endswith("> Rename  temp-mitosis-demo-replica -> mitosis-demo-replica")))
    assert retiring < installing
    # each name's status as it changes
    assert any(re.fullmatch(r"  \d\d:\d\d:\d\d  instances: mitosis-demo available, mitosis-demo-replica "
                            r"available.*", line) for line in lines)
    assert any(re.fullmatch(r"  \d\d:\d\d:\d\d  mitosis-demo: renaming -> available", line) for line in lines)
    finished = re.fullmatch(r"SUCCEEDED after (\d+h \d\dm \d\ds)", lines[-1])
    assert finished, lines[-1]
    # and afterwards, its status and the job's history say the same
    code, out, _ = person.run("status", *REGION)
    assert code == 0
    assert "Status:      SUCCEEDED" in out and re.search(r"Downtime:    mitosis-demo \d+m \d\ds", out)
    code, out, _ = person.run("history", "demo", *REGION)
    assert code == 0
    assert re.search(rf"2026-01-01 00:00:00  demo-20260101T000000Z\s+SUCCEEDED\s+{finished[1]}  -", out)


def test_start_wait_exits_1_when_the_refresh_fails_saying_where_and_what_next(unlucky_person: Person) -> None:
    code, out, _ = unlucky_person.run("start", "demo", "--wait", "--poll", "60", "--name", "night", *REGION)
    assert code == 1
    tail = out.splitlines()[-3:]
    assert tail[0].startswith("FAILED after ")
    assert tail[1].startswith("  failed in Rename (temp-mitosis-demo-replica -> mitosis-demo-replica): "
                              "InvalidParameterCombination: ")
    assert tail[2] == f"  what to do next: {recovery.SWAP_ROLLED_BACK}"
    code, out, _ = unlucky_person.run("status", "night", *REGION)
    assert code == 1 and "Failed state: Rename (temp-mitosis-demo-replica -> mitosis-demo-replica)" in out


def test_a_dry_run_start_and_status_of_a_running_refresh(person: Person) -> None:
    code, out, _ = person.run("start", "demo", "--dry-run", "--wait", "--poll", "60", *REGION)
    assert code == 0 and out.splitlines()[0].endswith("-dry-run: dry run of mitosis-demo from mitosis-prod")
    assert "> Flight plan ready" in out and "> Clone" not in out
    # a refresh started without --wait is where it is
    code, out, _ = person.run("start", "demo", "--name", "weekly", *REGION)
    assert code == 0 and out.startswith("started weekly: refresh of mitosis-demo")
    person.account.clock.sleep(15 * 60)
    code, out, _ = person.run("status", "weekly", *REGION)
    assert code == 0
    assert "Status:      RUNNING" in out and "Elapsed:     15m 00s" in out
    assert "Now in:      Clone done? (temp-mitosis-demo)" in out
    code, out, _ = person.run("history", "demo", *REGION)
    rows = [line.split()[2:4] for line in out.splitlines()[2:]]
    assert rows == [["weekly", "RUNNING"], [rows[1][0], "SUCCEEDED"]] and rows[1][0].endswith("-dry-run")
    assert out.splitlines()[-1].endswith("(dry run)")


@pytest.mark.parametrize(("args", "message"), [
    (["start", "nightly", *REGION], "mitosis: error: unknown refresh job 'nightly' (declared: demo)"),
    (["history", "nightly", *REGION], "mitosis: error: unknown refresh job 'nightly' (declared: demo)"),
    (["start", "demo", "--stack", "Elsewhere", *REGION],
     "mitosis: error: the stack Elsewhere is not deployed in us-west-2 (deploy it with `npx --no-install cdk "
     "deploy`, or pass --region)"),
    (["status", "no-such-run", *REGION], "mitosis: error: no execution 'no-such-run' of stack-mitosis-refresh"),
    (["status", *REGION], "mitosis: error: no execution of stack-mitosis-refresh yet"),
])
def test_errors_are_one_line_and_exit_2(person: Person, args: list[str], message: str) -> None:
    code, out, err = person.run(*args)
    assert (code, out) == (2, "")
    assert err == message + "\n"


def test_following_an_aurora_refresh_shows_its_clusters_status_too() -> None:
    # (the statuses `start --wait` prints as they change) an Aurora target's cluster, and its temp- and old- ones
    world = json.loads((EXAMPLES / "world-aurora.json").read_text())
    with SimulatedAWS(world, clock=VirtualClock()) as aws:
        rds = boto3.client("rds", region_name=aws.region)
        rds.restore_db_cluster_to_point_in_time(DBClusterIdentifier="temp-shop-staging",
                                                SourceDBClusterIdentifier="shop-prod", RestoreType="copy-on-write",
                                                UseLatestRestorableTime=True)
        assert tree_statuses(rds, "shop-staging") == {
            "shop-staging-1": "available", "shop-staging-2": "available", "shop-staging (cluster)": "available",
            "temp-shop-staging (cluster)": "creating"}
