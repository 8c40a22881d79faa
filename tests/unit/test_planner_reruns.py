"""Re-runs: the planner reads what an earlier run did from the workflow's tags and plans only the rest."""

from __future__ import annotations

from typing import Any

import pytest
from mitosis.errors import PlanRefused
from mitosis.models import (
    TAG_GENERATION,
    TAG_NAME,
    TAG_PROTECTED,
    TAG_REPLACED_BY,
    TAG_SOURCE,
    TAG_TARGET,
    DBInstance,
    RefreshRequest,
    ReplicationGraph,
    Run,
    Tag,
)
from mitosis.planner import plan_refresh

RUN_1, RUN_2 = Run(name="run-1"), Run(name="run-2")


def db(name: str, source: str | None = None, status: str = "available", **tags: str) -> DBInstance:
    return DBInstance(DBInstanceIdentifier=name, ReadReplicaSourceDBInstanceIdentifier=source,
                      DBInstanceStatus=status, TagList=[{"Key": k, "Value": v} for k, v in tags.items()],
                      PreferredMaintenanceWindow="tue:01:00-tue:02:00")


def copy(name: str, holds: str, generation: str = "run-1", source: str | None = None, **rest: Any) -> DBInstance:
    tags = {TAG_TARGET: "staging", TAG_NAME: holds, TAG_SOURCE: "production", TAG_GENERATION: generation}
    return db(name, source, **rest, **tags)


def retired(name: str, holds: str, source: str | None = None, generation: str = "run-1") -> DBInstance:
    return db(name, source, **{TAG_TARGET: "staging", TAG_NAME: holds, TAG_REPLACED_BY: generation})


def plan(*instances: DBInstance, run: Run = RUN_2, **request: Any) -> Any:
    graph = ReplicationGraph(region="us-west-2", instances=list(instances))
    return plan_refresh(graph, RefreshRequest.parse({"source": "production", "target": "staging", **request}), run)


def renames(result: Any) -> list[tuple[str, str]]:
    return [(r.rename["DBInstanceIdentifier"], r.rename["NewDBInstanceIdentifier"])
            for swap in result.swaps for r in swap.renames]


PRODUCTION = db("production")


def test_a_first_run_starts_a_generation_named_after_it_and_tags_its_copies() -> None:
    result = plan(PRODUCTION, db("staging"), db("staging-replica", "staging"), run=RUN_1)
    assert result.generation == "run-1"
    tags = {t["Key"]: t["Value"] for t in result.root.create.request["Tags"]}
    assert tags == {TAG_TARGET: "staging", TAG_NAME: "staging", TAG_SOURCE: "production", TAG_GENERATION: "run-1"}
    retire = result.swaps[0].renames[0]
    assert {t.Key: t.Value for t in retire.tags} == {TAG_TARGET: "staging", TAG_NAME: "staging",
                                                     TAG_REPLACED_BY: "run-1", TAG_PROTECTED: "false"}


def test_a_retired_instance_keeps_its_protection_for_the_copy_through_a_rerun() -> None:
    # Given run 1 retired a protected staging (protection lifted, remembered in a tag) and failed
    old = retired("old-staging", "staging").model_copy(update={"DeletionProtection": False})
    old.TagList.append(Tag(Key=TAG_PROTECTED, Value="true"))
    result = plan(PRODUCTION, old, copy("temp-staging", "staging"))
    # Then the copy still gets the protection once it holds the name
    assert [p.DBInstanceIdentifier for p in result.protect] == ["staging"]


def test_a_build_in_progress_is_continued_by_the_same_generation() -> None:
    # Given run 1 created temp-staging (still creating) and failed
    result = plan(PRODUCTION, db("staging"), db("staging-replica", "staging"),
                  copy("temp-staging", "staging", source="production", status="creating"))
    # Then run 2 continues run 1's refresh: nothing discarded, the whole rest planned
    assert result.generation == "run-1" and result.discards == []
    assert result.root is not None and [b.name for b in result.levels[0].replicas] == ["staging-replica"]
    assert renames(result) == [("staging", "old-staging"), ("temp-staging", "staging"),
                               ("staging-replica", "old-staging-replica"),
                               ("temp-staging-replica", "staging-replica")]


def test_a_copy_stuck_in_a_failed_status_is_discarded_with_its_replicas() -> None:
    result = plan(PRODUCTION, db("staging"), db("staging-replica", "staging"),
                  copy("temp-staging", "staging", status="incompatible-parameters"),
                  copy("temp-staging-replica", "staging-replica", source="temp-staging"))
    assert [d.DBInstanceIdentifier for d in result.discards] == ["temp-staging", "temp-staging-replica"]
    assert all(d.SkipFinalSnapshot for d in result.discards)
    assert result.root is not None


def test_copies_of_another_source_start_over_in_a_new_generation() -> None:
    result = plan(PRODUCTION, db("other-prod"), db("staging"),
                  db("temp-staging", **{TAG_TARGET: "staging", TAG_NAME: "staging", TAG_SOURCE: "other-prod",
                                        TAG_GENERATION: "run-1"}))
    assert result.generation == "run-2"
    assert [d.DBInstanceIdentifier for d in result.discards] == ["temp-staging"]


def test_a_replica_copy_that_lost_its_parent_is_rebuilt() -> None:
    # Given temp-staging-replica became standalone (its parent copy was deleted)
    result = plan(PRODUCTION, db("staging"), db("staging-replica", "staging"),
                  copy("temp-staging", "staging"), copy("temp-staging-replica", "staging-replica"))
    assert [d.DBInstanceIdentifier for d in result.discards] == ["temp-staging-replica"]


def test_a_half_done_swap_finishes_without_rebuilding_or_renaming_the_copy_again() -> None:
    # Given run 1 retired staging and staging-replica, installed staging-replica's copy, and failed
    result = plan(PRODUCTION, retired("old-staging", "staging"),
                  retired("old-staging-replica", "staging-replica", source="old-staging"),
                  copy("temp-staging", "staging"), copy("staging-replica", "staging-replica", source="temp-staging"))
    assert result.root is None and result.levels == [] and result.discards == []
    assert renames(result) == [("temp-staging", "staging")]
    assert [d.DBInstanceIdentifier for d in result.deletes] == ["old-staging-replica", "old-staging"]


def test_a_swap_half_way_through_one_name_only_installs_its_copy() -> None:
    result = plan(PRODUCTION, retired("old-staging", "staging"), db("staging-replica", "old-staging"),
                  copy("temp-staging", "staging"), copy("temp-staging-replica", "staging-replica", "run-1",
                                                        source="temp-staging"))
    assert renames(result) == [("temp-staging", "staging"), ("staging-replica", "old-staging-replica"),
                               ("temp-staging-replica", "staging-replica")]


def test_after_the_swap_only_the_deletes_are_left() -> None:
    # Given every name holds its copy and old-staging is already gone
    result = plan(PRODUCTION, copy("staging", "staging"), copy("staging-replica", "staging-replica", source="staging"),
                  retired("old-staging-replica", "staging-replica", source=None))
    assert renames(result) == [] and result.root is None
    assert [d.DBInstanceIdentifier for d in result.deletes] == ["old-staging-replica"]


def test_last_weeks_copies_are_the_old_data_of_this_weeks_refresh() -> None:
    result = plan(PRODUCTION, copy("staging", "staging", generation="last-week"),
                  copy("staging-replica", "staging-replica", generation="last-week", source="staging"))
    assert result.generation == "run-2" and result.root is not None
    assert ("staging", "old-staging") in renames(result)


@pytest.mark.parametrize("leftover", ["temp-staging", "old-staging-replica"])
def test_an_instance_the_workflow_did_not_create_is_never_touched(leftover: str) -> None:
    with pytest.raises(PlanRefused, match=f"did not create.*{leftover}"):
        plan(PRODUCTION, db("staging"), db("staging-replica", "staging"), db(leftover))


def test_the_old_primary_gets_a_final_snapshot_named_after_the_generation() -> None:
    result = plan(PRODUCTION, db("staging"), db("staging-replica", "staging"), run=RUN_1, keep_final_snapshots=3)
    assert [d.request() for d in result.deletes] == [
        {"DBInstanceIdentifier": "old-staging-replica", "SkipFinalSnapshot": True},
                              {"DBInstanceIdentifier": "old-staging",
                               "FinalDBSnapshotIdentifier": "staging-final-run-1"}]
    assert [(s.prefix, s.keep) for s in result.snapshots] == [("staging-final-", 3)]
    assert plan(PRODUCTION, db("staging"), final_snapshot=False).snapshots == []
