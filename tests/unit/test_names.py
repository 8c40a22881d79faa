"""Every identifier the planner makes is one RDS accepts: "1 to 63 letters, numbers, or hyphens. First character
must be a letter. Can't end with a hyphen or contain two consecutive hyphens" for instances, the same with 1 to
255 for snapshots (botocore rds service model, CreateDBInstance.DBInstanceIdentifier and
CreateDBSnapshot.DBSnapshotIdentifier), whatever the execution's name (Step Functions allows up to 80
characters of almost any kind)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mitosis.models import (
    MAX_IDENTIFIER_LENGTH,
    DBInstance,
    RefreshRequest,
    ReplicationGraph,
    Run,
    generation_id,
    is_identifier,
)
from mitosis.planner import plan_refresh

PROPERTY = settings(max_examples=300, deadline=None, database=None)
RUN_NAMES = st.text(min_size=0, max_size=80)
# a target whose temp- and old- names still fit: at most 58 characters
TARGETS = st.from_regex(r"[a-z](?:[a-z0-9]|-(?=[a-z0-9])){0,40}", fullmatch=True)


@pytest.mark.parametrize(("run", "generation"), [
    ("refresh-attempt-1", "refresh-attempt-1"),
    ("Weekly_Refresh 2026/01/04", "weekly-refresh-2026-01-04"),
    ("7f3c2a", "run-7f3c2a"),
    ("---", "run"),
    ("a" * 39 + "-b", "a" * 39),  # cut at 40 on a hyphen: the hyphen goes
    ("a1b2", "a1b2"),  # a letter first is enough
])
def test_a_generation_is_made_of_the_execution_name(run: str, generation: str) -> None:
    assert generation_id(run) == generation


@PROPERTY
@given(RUN_NAMES)
def test_any_execution_name_gives_a_generation_usable_in_a_snapshot_identifier(run: str) -> None:
    generation = generation_id(run)
    assert 0 < len(generation) <= 40 and is_identifier(generation)
    assert is_identifier(f"staging-final-{generation}", 255)


@PROPERTY
@given(RUN_NAMES, TARGETS, st.integers(min_value=0, max_value=3))
def test_every_identifier_of_a_plan_is_one_rds_accepts(run: str, target: str, replicas: int) -> None:
    names = [target] + [f"{target}-r{n}" for n in range(replicas)]
    instances = [DBInstance(DBInstanceIdentifier="production", BackupRetentionPeriod=1),
                 DBInstance(DBInstanceIdentifier=target, ReadReplicaDBInstanceIdentifiers=names[1:])]
    instances += [DBInstance(DBInstanceIdentifier=name, ReadReplicaSourceDBInstanceIdentifier=target)
                  for name in names[1:]]
    plan = plan_refresh(ReplicationGraph(region="us-west-2", instances=instances),
                        RefreshRequest(source="production", target=target), Run(name=run))
    for operation in plan.flight_plan:
        for key in ("DBInstanceIdentifier", "NewDBInstanceIdentifier", "SourceDBInstanceIdentifier"):
            if key in operation.params:
                assert is_identifier(operation.params[key], MAX_IDENTIFIER_LENGTH), (key, operation.params[key])
        if "FinalDBSnapshotIdentifier" in operation.params:
            assert is_identifier(operation.params["FinalDBSnapshotIdentifier"], 255)
        for tag in operation.params.get("Tags", []):  # tag values: at most 256 characters
            assert len(tag["Value"]) <= 256


@pytest.mark.parametrize(("value", "valid"), [
    ("a", True), ("a" * 63, True), ("a" * 64, False), ("1a", False), ("a-", False), ("a--b", False),
    ("a_b", False), ("", False), ("A-1", True),
])
def test_the_identifier_rules(value: str, valid: bool) -> None:
    assert is_identifier(value) is valid
