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
    # Given run 1 stopped between retiring staging and installing its copy (staging-replica not swapped yet)
    result = plan(PRODUCTION, retired("old-staging", "staging"), db("staging-replica", "old-staging"),
                  copy("temp-staging", "staging"), copy("temp-staging-replica", "staging-replica", "run-1",
                                                        source="temp-staging"))
    # Then run 2 finishes run 1's swap: the copy about to be installed is kept, nothing is rebuilt
    assert result.generation == "run-1"
    assert result.discards == [] and result.root is None and result.levels == []
    assert result.source_ready is None and result.password is None and result.before_swap is None
    assert renames(result) == [("temp-staging", "staging"), ("staging-replica", "old-staging-replica"),
                               ("temp-staging-replica", "staging-replica")]
    # and the old tree, both names, is deleted, the primary with its final snapshot
    assert [d.request() for d in result.deletes] == [
        {"DBInstanceIdentifier": "old-staging-replica", "SkipFinalSnapshot": True},
        {"DBInstanceIdentifier": "old-staging", "FinalDBSnapshotIdentifier": "staging-final-run-1"}]


@pytest.mark.parametrize("stopped_after", range(1, 4))
def test_a_rerun_stopped_after_any_rename_finishes_the_swap_without_rebuilding(stopped_after: int) -> None:
    # The swap of staging and staging-replica is four renames; run 1 was stopped after `stopped_after` of them
    # (a person stopped the execution: no rollback). Replicas follow their parent's renames (RDS keeps the links).
    order = [("staging", "old-staging"), ("staging-replica", "old-staging-replica"),
             ("temp-staging", "staging"), ("temp-staging-replica", "staging-replica")]
    done = order[:stopped_after]
    name_of = {old: new for old, new in done}
    world = {"staging": db("staging"), "staging-replica": db("staging-replica", "staging"),
             "temp-staging": copy("temp-staging", "staging"),
             "temp-staging-replica": copy("temp-staging-replica", "staging-replica", source="temp-staging")}
    instances = []
    for identifier, instance in world.items():
        source = instance.ReadReplicaSourceDBInstanceIdentifier
        tags = list(instance.TagList)
        if identifier in ("staging", "staging-replica") and identifier in name_of:
            tags += [Tag(Key=TAG_TARGET, Value="staging"), Tag(Key=TAG_NAME, Value=identifier),
                     Tag(Key=TAG_REPLACED_BY, Value="run-1"), Tag(Key=TAG_PROTECTED, Value="false")]
        instances.append(instance.model_copy(update={
            "DBInstanceIdentifier": name_of.get(identifier, identifier), "TagList": tags,
            "ReadReplicaSourceDBInstanceIdentifier": name_of.get(source, source) if source else None}))
    result = plan(PRODUCTION, *instances)
    assert result.generation == "run-1"
    assert result.discards == [] and result.root is None and result.levels == []
    assert sorted(renames(result)) == sorted(order[stopped_after:])
    assert sorted(d.DBInstanceIdentifier for d in result.deletes) == ["old-staging", "old-staging-replica"]


def test_after_the_swap_only_the_deletes_are_left() -> None:
    # Given every name holds its copy and old-staging is already gone
    result = plan(PRODUCTION, copy("staging", "staging"), copy("staging-replica", "staging-replica", source="staging"),
                  retired("old-staging-replica", "staging-replica", source=None))
    assert renames(result) == [] and result.root is None
    assert [d.DBInstanceIdentifier for d in result.deletes] == ["old-staging-replica"]


def test_last_weeks_copies_are_the_old_data_of_this_weeks_refresh() -> None:
    # Given last week's refresh left its copies under the live names (tagged with last week's generation)
    result = plan(PRODUCTION, copy("staging", "staging", generation="last-week"),
                  copy("staging-replica", "staging-replica", generation="last-week", source="staging"))
    # Then this week's refresh is a new one: nothing is discarded (last week's copies are live data, not
    # broken copies), the whole tree is built again from production, and last week's copies are retired
    assert result.generation == "run-2" and result.discards == []
    assert result.root is not None and result.root.create.request["SourceDBInstanceIdentifier"] == "production"
    assert [b.create.request["DBInstanceIdentifier"] for level in result.levels for b in level.replicas] == \
        ["temp-staging-replica"]
    assert renames(result) == [("staging", "old-staging"), ("temp-staging", "staging"),
                               ("staging-replica", "old-staging-replica"), ("temp-staging-replica", "staging-replica")]
    retire = result.swaps[0].renames[0]
    assert {t.Key: t.Value for t in retire.tags}[TAG_REPLACED_BY] == "run-2" and retire.is_copy is False
    # and they are deleted once swapped, under their old- names only, the primary with this week's final snapshot
    assert [d.request() for d in result.deletes] == [
        {"DBInstanceIdentifier": "old-staging-replica", "SkipFinalSnapshot": True},
        {"DBInstanceIdentifier": "old-staging", "FinalDBSnapshotIdentifier": "staging-final-run-2"}]
    assert not [op for op in result.flight_plan if op.op == "DeleteDBInstance"
                and not op.params["DBInstanceIdentifier"].startswith("old-")]


def test_last_weeks_copies_do_not_stop_a_stale_copy_from_being_discarded() -> None:
    # Given last week's copy holds the name (listed first) and a copy of another source was left behind
    stale = db("temp-staging-replica", **{TAG_TARGET: "staging", TAG_NAME: "staging-replica",
                                          TAG_SOURCE: "other-prod", TAG_GENERATION: "run-0"})
    result = plan(PRODUCTION, copy("staging", "staging", generation="last-week"),
                  copy("staging-replica", "staging-replica", generation="last-week", source="staging"), stale)
    assert [d.request() for d in result.discards] == [
        {"DBInstanceIdentifier": "temp-staging-replica", "SkipFinalSnapshot": True}]


def test_a_rerun_after_a_rollback_reuses_the_copies() -> None:
    # Given run 1 rolled the swap back: staging is back under its name (tagged as retired by run 1), the copies
    # are temp- instances again
    rolled_back = db("staging", **{TAG_TARGET: "staging", TAG_NAME: "staging", TAG_REPLACED_BY: "run-1",
                                   TAG_PROTECTED: "false"})
    result = plan(PRODUCTION, rolled_back, copy("temp-staging", "staging"))
    assert result.generation == "run-1" and result.discards == []
    assert result.root is not None  # the build's steps are checked again (each is skipped when done)
    assert renames(result) == [("staging", "old-staging"), ("temp-staging", "staging")]


def test_a_rolled_back_refresh_whose_copies_were_removed_starts_over() -> None:
    # Given run 1 rolled back, then someone deleted its copies
    rolled_back = db("staging", **{TAG_TARGET: "staging", TAG_NAME: "staging", TAG_REPLACED_BY: "run-1",
                                   TAG_PROTECTED: "false"})
    result = plan(PRODUCTION, rolled_back)
    # Then run 2 builds new copies (it does not try to install copies that are gone)
    assert result.generation == "run-2" and result.root is not None
    assert result.root.create.request["DBInstanceIdentifier"] == "temp-staging"
    assert renames(result) == [("staging", "old-staging"), ("temp-staging", "staging")]


def test_a_build_in_progress_continues_while_the_target_is_busy() -> None:
    # Only a fresh refresh needs the target's tree available; a re-run's swap waits for the old instances
    result = plan(PRODUCTION, db("staging", status="modifying"), copy("temp-staging", "staging", status="creating"))
    assert result.generation == "run-1" and result.root is not None and result.discards == []
    with pytest.raises(PlanRefused, match="staging is modifying"):
        plan(PRODUCTION, db("staging", status="modifying"))


def test_a_finished_swap_continues_while_the_old_instances_are_busy() -> None:
    result = plan(PRODUCTION, retired("old-staging", "staging").model_copy(update={"DBInstanceStatus": "modifying"}),
                  copy("staging", "staging"))
    assert renames(result) == [] and [d.DBInstanceIdentifier for d in result.deletes] == ["old-staging"]


def test_instances_retired_by_two_refreshes_are_refused() -> None:
    with pytest.raises(PlanRefused) as refused:
        plan(PRODUCTION, retired("old-staging", "staging", generation="run-1"),
             retired("old-staging-replica", "staging-replica", source="old-staging", generation="run-0"),
             copy("temp-staging", "staging"))
    assert str(refused.value) == ("Instances retired by different refreshes (run-0, run-1) are present for "
                                  "'staging': finish or remove them by hand.")


def test_a_copy_whose_old_replica_left_the_tree_is_discarded() -> None:
    # Given staging-replica was promoted by hand after run 1 copied it: it is no longer in staging's tree
    result = plan(PRODUCTION, db("staging"), db("staging-replica"), copy("temp-staging", "staging"),
                  copy("temp-staging-replica", "staging-replica", source="temp-staging"))
    assert [d.DBInstanceIdentifier for d in result.discards] == ["temp-staging-replica"]
    assert result.levels == []


def test_a_rerun_whose_clone_exists_does_not_wait_for_production() -> None:
    busy = db("production", status="backing-up")
    assert plan(busy, db("staging"), copy("temp-staging", "staging")).source_ready is None
    fresh = plan(busy, db("staging"))
    assert fresh.source_ready is not None and fresh.source_ready.DBInstanceIdentifier == "production"


def test_the_copy_installed_before_its_old_instance_is_listed_still_gets_its_protection() -> None:
    # Given run 1 installed staging's copy and stopped; Describe lists the copy before old-staging
    old = retired("old-staging", "staging").model_copy(update={"DeletionProtection": False})
    old.TagList.append(Tag(Key=TAG_PROTECTED, Value="true"))
    result = plan(PRODUCTION, copy("staging", "staging"), old)
    assert renames(result) == []
    assert [p.DBInstanceIdentifier for p in result.protect] == ["staging"]
    assert result.restores[0].reinstate == {"DBInstanceIdentifier": "old-staging", "NewDBInstanceIdentifier": "staging",
                                            "ApplyImmediately": True, "DeletionProtection": True}


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
    assert [(s.prefix, s.keep) for s in result.snapshots] == [("staging-final-", 3), ("staging-source-", 0)]
    assert [s.prefix for s in plan(PRODUCTION, db("staging"), final_snapshot=False).snapshots] == ["staging-source-"]


def test_a_rerun_while_the_retiring_rename_is_pending_still_protects_the_copy() -> None:
    # Given run 1 was stopped right after RDS accepted staging's retiring rename (which lifted its protection):
    # RDS still describes it as staging, the rename pending
    retiring = db("staging", **{TAG_TARGET: "staging", TAG_NAME: "staging", TAG_REPLACED_BY: "run-1",
                                TAG_PROTECTED: "true"}).model_copy(
        update={"DeletionProtection": False, "PendingModifiedValues": {"DBInstanceIdentifier": "old-staging"}})
    result = plan(PRODUCTION, retiring, copy("temp-staging", "staging"))
    assert renames(result) == [("staging", "old-staging"), ("temp-staging", "staging")]
    # Then the copy is protected once it holds the name, as staging was
    assert [p.DBInstanceIdentifier for p in result.protect] == ["staging"]


def test_a_swap_under_way_is_finished_whatever_production_is_now() -> None:
    # Given run 1 retired staging and failed before installing its copy; since then, production's backups were
    # turned off and its snapshots deleted: nothing is to be copied any more, so nothing about it is refused
    production = db("production").model_copy(update={"BackupRetentionPeriod": 0})
    for method in ("auto", "point_in_time", "snapshot"):
        result = plan(production, retired("old-staging", "staging"), copy("temp-staging", "staging"),
                      clone={"method": method})
        assert renames(result) == [("temp-staging", "staging")] and result.root is None
        assert result.clone_method is None and result.notes == []
        # and a copy of a snapshot a restore read is still deleted at the end, whichever method made it
        assert ("staging-source-", 0) in [(s.prefix, s.keep) for s in result.snapshots]
