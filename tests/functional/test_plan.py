"""Plan: Describe's output turned into the refresh plan, or refused before anything is changed."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from mitosis.errors import PlanRefused
from mitosis.handlers import describe, plan
from mitosis.models import TAG_TARGET

from tests.functional.conftest import (
    ACCOUNT,
    EXECUTION,
    REGION,
    Answer,
    CreateInstance,
    FakeLambdaContext,
    Json,
    envelope,
    is_plain_json,
)

REQUEST = {"source": "production", "target": "staging"}
RUN = {"name": EXECUTION, "started": "2026-01-01T00:00:00+00:00",
       "state_machine": f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:stack-mitosis-refresh"}
Describe = Callable[..., Json]


@pytest.fixture
def described_refresh(context: FakeLambdaContext, declare: Any, answer: Answer) -> Describe:
    """described_refresh(instances_used=4, **input) -> what Describe hands Plan for production -> staging (declared),
    with the account using `instances_used` of its 40 DB instances."""

    def run(instances_used: int = 4, **execution_input: Any) -> Json:
        declare({"name": "staging", **REQUEST})
        answer(describe, "rds", "describe_account_attributes", {"AccountQuotas": [
            {"AccountQuotaName": "DBInstances", "Used": instances_used, "Max": 40}]})
        return dict(describe.handler(envelope({"input": {**REQUEST, **execution_input}, "run": RUN}, target=None),
                                     context))

    return run


@pytest.mark.usefixtures("world")
def test_plan_plans_the_refresh_from_describes_output(context: FakeLambdaContext,
                                                      described_refresh: Describe) -> None:
    # Given what Describe read: production -> production-replica, and staging -> staging-replica to refresh
    refresh = described_refresh()
    # When Plan runs
    result = plan.handler(envelope(refresh), context)
    # Then the staging tree is rebuilt from production, with staging's own settings and tags, in this execution's
    # generation
    assert (result["source"], result["target"], result["generation"]) == ("production", "staging", EXECUTION)
    create = result["root"]["create"]["request"]
    assert create["DBInstanceIdentifier"] == "temp-staging"
    assert create["SourceDBInstanceIdentifier"] == "production"
    assert create["Tags"][:2] == [{"Key": "env", "Value": "staging"}, {"Key": "team", "Value": "data"}]
    assert {"Key": "stack-mitosis:generation", "Value": EXECUTION} in create["Tags"]
    assert result["root"]["promote"]["request"] == {"DBInstanceIdentifier": "temp-staging",
                                                    "BackupRetentionPeriod": 3}
    # And the flight plan lists every call in order: build, swap name by name, delete the old tree (the old
    # primary with a final snapshot)
    assert [(op["op"], op["params"]["DBInstanceIdentifier"], op["params"].get("NewDBInstanceIdentifier"))
            for op in result["flight_plan"]] == [
        ("CreateDBInstanceReadReplica", "temp-staging", None),
        ("PromoteReadReplica", "temp-staging", None),
        ("CreateDBInstanceReadReplica", "temp-staging-replica", None),
        ("ModifyDBInstance", "temp-staging-replica", None),  # staging-replica keeps backups (3 days), so its copy too
        ("ModifyDBInstance", "staging", "old-staging"),
        ("ModifyDBInstance", "temp-staging", "staging"),
        ("ModifyDBInstance", "staging-replica", "old-staging-replica"),
        ("ModifyDBInstance", "temp-staging-replica", "staging-replica"),
        ("DeleteDBInstance", "old-staging-replica", None),
        ("DeleteDBInstance", "old-staging", None),
    ]
    assert result["deletes"][-1] == {"DBInstanceIdentifier": "old-staging", "SkipFinalSnapshot": None,
                                     "FinalDBSnapshotIdentifier": f"staging-final-{EXECUTION}"}
    # The final snapshots beyond the newest 2 are pruned, and any copy of production's snapshot an earlier run left
    assert result["snapshots"] == [{"prefix": "staging-final-", "keep": 2, "cluster": False},
                                   {"prefix": "staging-source-", "keep": 0, "cluster": False}]
    # And production's tree is never named, and the plan is plain JSON
    assert "production-replica" not in json.dumps(result)
    assert is_plain_json(result)


@pytest.mark.usefixtures("world")
def test_plan_refuses_copies_the_account_s_instance_quota_cannot_hold(context: FakeLambdaContext,
                                                                     described_refresh: Describe) -> None:
    # Given the account uses 39 of its 40 DB instances (DescribeAccountAttributes), and the refresh needs two copies
    refresh = described_refresh(instances_used=39)
    # When / Then Plan refuses before anything is created, saying what the account uses and needs
    with pytest.raises(PlanRefused, match="uses 39 of its 40 DB instances; the refresh needs 2 more") as raised:
        plan.handler(envelope(refresh), context)
    assert type(raised.value).__name__ == "PlanRefused"


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("tags", [
    pytest.param({}, id="untagged"),
    pytest.param({TAG_TARGET: "other"}, id="another-target-s"),
])
def test_plan_refuses_a_temp_instance_the_workflow_did_not_create_for_the_target(
        context: FakeLambdaContext, described_refresh: Describe, create_instance: CreateInstance,
        tags: dict[str, str]) -> None:
    # Given an instance named temp-staging that is not a copy made for staging
    create_instance("temp-staging", tags=tags)
    refresh = described_refresh()
    # When / Then Plan refuses rather than rename or delete it, naming it
    with pytest.raises(PlanRefused, match="did not create are in the way \\(temp-staging\\)"):
        plan.handler(envelope(refresh), context)


@pytest.mark.usefixtures("world")
def test_plan_without_final_snapshot_deletes_the_old_primary_without_one(context: FakeLambdaContext,
                                                                        described_refresh: Describe) -> None:
    # Given an input that asks for no final snapshot
    refresh = described_refresh(final_snapshot=False)
    # When Plan runs
    result = plan.handler(envelope(refresh), context)
    # Then the old primary is deleted without a snapshot, and no final snapshot is pruned
    assert result["deletes"][-1] == {"DBInstanceIdentifier": "old-staging", "SkipFinalSnapshot": True,
                                     "FinalDBSnapshotIdentifier": None}
    assert result["snapshots"] == [{"prefix": "staging-source-", "keep": 0, "cluster": False}]
