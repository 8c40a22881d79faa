"""The benchmark's references, against hand computations on small plans the real planner makes: the critical-path
bound (a replica or a restored root), the original's order, and the goals computed from the figures; and the
restore cases on the simulator, each at least its bound (virtual time only: no timing of real seconds)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mitosis.models import DBInstance, DBSnapshot, Plan, RefreshRequest, ReplicationGraph
from mitosis.planner import plan_refresh

from infrastructure.settings import Polling
from simulator.bench.bound import critical_path_s, downtime_bound_s, modify_s, tree_of
from simulator.bench.cases import CHAIN_LIMIT, cases, chain, example, fan_out
from simulator.bench.original import original_timing
from simulator.bench.render import RATIO_GOAL, goals
from simulator.bench.run import Result, run_case
from simulator.latency import Latency

LATENCY = Latency()
ECS = {"type": "ecs", "cluster": "staging", "services": ["app"]}
MYSQL: dict[str, Any] = {"Engine": "mysql", "EngineVersion": "8.0.35"}


def group(name: str) -> list[dict[str, str]]:
    return [{"DBParameterGroupName": name, "ParameterApplyStatus": "in-sync"}]


def plan_of(edges: dict[str, str], restart: dict[str, Any] | None = ECS, groups: dict[str, str] | None = None,
            retention: dict[str, int] | None = None, clone: dict[str, Any] | None = None,
            snapshots: tuple[DBSnapshot, ...] = (), **settings: Any) -> Plan:
    """The planner's plan for `staging` and its replicas ({replica: parent}), refreshed from `production`;
    `groups` gives instances a parameter group of their own (the others have the default one), `retention`
    replicas backups of their own (staging keeps 2); `clone` is the request's clone method, `snapshots` those the
    account has, `settings` staging's own (monitoring, a key...)."""
    groups, retention = groups or {}, {"staging": 2, **(retention or {})}
    children: dict[str, list[str]] = {}
    for name, parent in edges.items():
        children.setdefault(parent, []).append(name)
    parents: dict[str, str | None] = {"production": None, "staging": None, **edges}
    instances = [DBInstance(DBInstanceIdentifier=name, ReadReplicaSourceDBInstanceIdentifier=parent,
                            ReadReplicaDBInstanceIdentifiers=children.get(name, []),
                            DBParameterGroups=group(groups.get(name, "default.mysql8.0")),
                            BackupRetentionPeriod=7 if name == "production" else retention.get(name, 0), **MYSQL,
                            **(settings if name == "staging" else {}))
                 for name, parent in parents.items()]
    request = {"source": "production", "target": "staging", **({"restart": restart} if restart else {}),
               **({"clone": clone} if clone else {})}
    graph = ReplicationGraph(region="us-west-2", instances=instances, snapshots=list(snapshots))
    return plan_refresh(graph, RefreshRequest.parse(request))


# Hand figures of the default latency model (simulator/latency.py)
CREATE, PROMOTE, BACKUPS, LAG, RENAME, REBOOT, DELETE, ECS_ROLLOUT = 1200, 300, 300, 30, 600, 120, 300, 180
RESTORE, COPY, MODIFY = 1500, 600, 120  # either restore; a snapshot copy; a modify's own status
ROOT = CREATE + PROMOTE + BACKUPS  # clone, promote turning backups on
TAIL = 2 * (LAG + RENAME) + ECS_ROLLOUT + DELETE  # two renames, the restart, the deletes


def test_the_default_latency_model_is_the_one_of_the_hand_figures() -> None:
    assert (LATENCY.create_read_replica, LATENCY.promote, LATENCY.enable_backups, LATENCY.modify_lag, LATENCY.rename,
            LATENCY.reboot, LATENCY.delete, LATENCY.ecs_deployment) == (CREATE, PROMOTE, BACKUPS, LAG, RENAME,
                                                                         REBOOT, DELETE, ECS_ROLLOUT)
    assert (LATENCY.restore_point_in_time, LATENCY.restore_snapshot, LATENCY.copy_snapshot, LATENCY.modify) == (
        RESTORE, RESTORE, COPY, MODIFY)


def test_a_modify_takes_its_lag_then_the_status_of_its_changes_as_the_simulated_rds_applies_them() -> None:
    def seconds(retention: int = 0, **request: Any) -> float:
        return modify_s({"DBInstanceIdentifier": "temp-x", **request, "ApplyImmediately": True}, LATENCY, retention)

    assert seconds(DBParameterGroupName="mine") == LAG  # in at once, no status, `applying` for the lag
    assert seconds(DBParameterGroupName="mine", BackupRetentionPeriod=1) == LAG + BACKUPS
    assert seconds(BackupRetentionPeriod=3, retention=1) == 0  # between two non-zero values: at once
    assert seconds(NewDBInstanceIdentifier="x", PreferredBackupWindow="04:00-04:30") == LAG + RENAME
    assert seconds(MasterUserPassword="secret") == LAG + LATENCY.modify  # resetting-master-credentials
    assert seconds(DeletionProtection=True) == 0


def test_a_single_instance_is_clone_promote_with_backups_two_renames_restart_and_delete() -> None:
    plan = plan_of({})
    assert critical_path_s(plan, LATENCY) == ROOT + TAIL == 3540
    assert critical_path_s(plan_of({}, restart=None), LATENCY) == ROOT + TAIL - ECS_ROLLOUT


def test_the_critical_path_follows_the_deepest_branch_not_the_widest_level() -> None:
    # a fan-out of 8: every replica is a leaf without backups: one create after the root
    assert critical_path_s(plan_of(fan_out(8)), LATENCY) == ROOT + CREATE + TAIL == 4740
    # a chain of 4: the two replicas that serve replicas need their backups (configure: lag + backing-up)
    assert critical_path_s(plan_of(chain(4)), LATENCY) == ROOT + 3 * CREATE + 2 * (LAG + BACKUPS) + TAIL == 7800


def test_parameter_groups_cost_the_root_its_lag_and_a_replica_its_lag_and_reboot() -> None:
    # The root's new group is in after the lag (no status change); the promote's reboot puts it in effect, so the
    # root's reboot costs nothing. The replica's own group: the lag, then a reboot (no lag: not a modification).
    plan = plan_of({"staging-1": "staging"}, groups={"staging": "staging-params", "staging-1": "reports-params"})
    assert plan.root is not None and plan.root.reboot is not None and plan.levels[0].replicas[0].reboot is not None
    assert critical_path_s(plan, LATENCY) == CREATE + LAG + PROMOTE + BACKUPS + CREATE + LAG + REBOOT + TAIL == 4920


def test_a_leaf_whose_old_instance_had_backups_gets_them_back_on_its_branch() -> None:
    plan = plan_of(fan_out(3), retention={"staging-2": 5})
    assert critical_path_s(plan, LATENCY) == ROOT + CREATE + LAG + BACKUPS + TAIL


def test_a_name_is_down_at_least_from_its_old_instances_rename_to_the_end_of_its_copys() -> None:
    # the old instance's rename starts after its lag; the copy's may be asked for only when it has ended
    assert downtime_bound_s(plan_of(chain(3)), LATENCY) == RENAME + LAG + RENAME == 1230


def test_the_tree_of_a_plan_names_each_copys_parent() -> None:
    assert tree_of(plan_of(chain(3))) == {"staging": None, "staging-1": "staging", "staging-2": "staging-1"}
    # a point-in-time restore names its copy TargetDBInstanceIdentifier
    assert tree_of(plan_of(chain(2), clone=PITR)) == {"staging": None, "staging-1": "staging"}


# --- restored roots ----------------------------------------------------------------------------------------------

PITR = {"method": "point_in_time"}
# Figures of their own for the restores, so that a bound taking one latency for another fails
RESTORES = Latency(restore_point_in_time=1400, restore_snapshot=1600, copy_snapshot=500)
MONITORING: dict[str, Any] = {"MonitoringInterval": 60,
                              "MonitoringRoleArn": "arn:aws:iam::123456789012:role/rds-monitoring"}
KEY = "arn:aws:kms:us-west-2:123456789012:key/"


def production_snapshot(key: str) -> DBSnapshot:
    return DBSnapshot(DBSnapshotIdentifier="rds:production-2025-12-31-02-00", DBInstanceIdentifier="production",
                      SnapshotType="automated", AllocatedStorage=100, Encrypted=True, KmsKeyId=key,
                      SnapshotCreateTime="2025-12-31 02:00:00+00:00", **MYSQL)


def test_a_restored_root_is_its_restore_its_backups_then_its_configure() -> None:
    # staging keeps its 2 days of backups: the restore comes with them (`creating`, then `backing-up`); its
    # monitoring, which no restore takes, is a modify (the lag, then `configuring-enhanced-monitoring`)
    plan = plan_of({"staging-1": "staging"}, clone=PITR, **MONITORING)
    assert plan.root is not None and plan.root.promote is None and plan.snapshot_copy is None
    assert plan.root.create.op == "RestoreDBInstanceToPointInTime"
    assert plan.root.configure is not None and "MonitoringInterval" in plan.root.configure.request
    restore = 1400 + BACKUPS + (LAG + RESTORES.modify)
    assert critical_path_s(plan, RESTORES) == restore + CREATE + TAIL == 4790


def test_a_restore_of_a_target_without_backups_has_no_first_backup() -> None:
    # staging has none: the restore asks for none (left out, it would take production's), so no `backing-up`
    plan = plan_of({}, clone=PITR, retention={"staging": 0})
    assert plan.root is not None and plan.root.create.request["BackupRetentionPeriod"] == 0
    assert critical_path_s(plan, RESTORES) == 1400 + TAIL


def test_a_snapshot_restore_waits_for_the_copy_with_the_targets_key() -> None:
    # a restore keeps its snapshot's key: production's snapshot is copied with staging's key first
    snapshot = production_snapshot(KEY + "production")
    plan = plan_of({}, clone={"method": "snapshot"}, snapshots=(snapshot,), StorageEncrypted=True,
                   KmsKeyId=KEY + "staging")
    assert plan.snapshot_copy is not None and plan.snapshot_copy.request["KmsKeyId"] == KEY + "staging"
    assert critical_path_s(plan, RESTORES) == 500 + 1600 + BACKUPS + TAIL == 4140
    # with the snapshot's own key, no copy
    same_key = plan_of({}, clone={"method": "snapshot"}, snapshots=(snapshot,), StorageEncrypted=True,
                       KmsKeyId=KEY + "production")
    assert same_key.snapshot_copy is None and critical_path_s(same_key, RESTORES) == 1600 + BACKUPS + TAIL


# --- the original's order (docs/original.md) -------------------------------------------------------------------

ORIGINAL_ROOT = CREATE + (PROMOTE + BACKUPS) + 60  # its modify changes no status: one 60 s sleep
ORIGINAL_RENAME = 660  # lag + rename = 630 s, seen done at the check after 11 sleeps of 60 s


def tree(edges: dict[str, str]) -> dict[str, str | None]:
    return {"staging": None, **edges}


def test_the_original_adds_up_its_operations_one_after_the_other_in_60_s_steps() -> None:
    total, down = original_timing(tree({}), ECS_ROLLOUT, LATENCY)
    assert total == ORIGINAL_ROOT + 2 * ORIGINAL_RENAME + ECS_ROLLOUT == 3360
    # a chain of 3: staging-1 serves staging-2, so its modify turns backups on (330 s, seen at 360 s); the leaf's
    # modify (windows and parameter group only) is over at the first check
    total, _ = original_timing(tree(chain(3)), 0, LATENCY)
    assert total == ORIGINAL_ROOT + (CREATE + 360) + (CREATE + 60) + 6 * ORIGINAL_RENAME == 8640


def test_the_original_is_sequential_so_it_slows_down_with_every_sibling() -> None:
    fan4, fan8 = (original_timing(tree(fan_out(n)), ECS_ROLLOUT, LATENCY)[0] for n in (4, 8))
    assert fan8 - fan4 == 4 * (CREATE + 60) + 8 * ORIGINAL_RENAME
    ours4, ours8 = (critical_path_s(plan_of(fan_out(n)), LATENCY) for n in (4, 8))
    assert ours4 == ours8


def test_the_originals_primary_name_is_down_for_every_rename_of_the_tree() -> None:
    # The root's rename to old- is the last of n (the name is gone once its lag is over); then n temp- renames,
    # the root's last: n rename waits + one rename.
    for size in (1, 2, 4, 8):
        _, down = original_timing(tree(fan_out(size)), ECS_ROLLOUT, LATENCY)
        assert down == size * ORIGINAL_RENAME + RENAME


def test_the_original_takes_a_modify_still_in_its_lag_at_the_first_check_for_done() -> None:
    # staging-1 serves staging-2: its backups are still pending at 60 s, so the original goes on at once
    total, _ = original_timing(tree(chain(3)), 0, Latency(modify_lag=90))
    rename = 60 * 12  # 90 + 600 s, seen at 720 s: a rename is done only once the new name is there
    assert total == ORIGINAL_ROOT + 2 * (CREATE + 60) + 6 * rename


def test_the_originals_restore_comes_with_backups_then_a_modify_turns_its_monitoring_on() -> None:
    # the restore of production's latest snapshot (no retention: the default 1) is `creating` 1500 s then
    # `backing-up` 300 s, seen at 1800 s; the modify's monitoring is the lag + 120 s, seen at 180 s
    total, down = original_timing(tree({"staging-1": "staging"}), 0, LATENCY, restored=True, monitoring=True)
    assert total == 1800 + 180 + (CREATE + 60) + 4 * ORIGINAL_RENAME == 5880
    assert down == 2 * ORIGINAL_RENAME + RENAME
    # without monitoring its modify changes no status: one sleep
    assert original_timing(tree({}), 0, LATENCY, restored=True)[0] == 1800 + 60 + 2 * ORIGINAL_RENAME


# --- the cases and the goals -------------------------------------------------------------------------------------


def test_the_mysql_case_is_the_real_account_tests_tree() -> None:
    # one copy, in simulator/examples, which both read (tests/simulator is not a package: it cannot import
    # tests/workflow, so the test reads its text)
    real_account = (Path(__file__).resolve().parents[1] / "workflow" / "test_real_account.py").read_text()
    assert '"world-mysql-tree.json"' in real_account and '"input-orders.json"' in real_account
    [mysql] = [case for case in cases() if case.name == "MySQL tree (real account)"]
    assert (mysql.world, mysql.execution_input) == (example("world-mysql-tree.json"), example("input-orders.json"))


def test_no_case_chains_more_replicas_than_rds_allows() -> None:
    for case in cases():
        instances = case.world["rds"]["instances"]
        parents = {i["DBInstanceIdentifier"]: i.get("SourceDBInstanceIdentifier") for i in instances}
        for name in parents:
            depth = 0
            while parents.get(name):
                name, depth = str(parents[name]), depth + 1
            assert depth <= CHAIN_LIMIT, case.name


def result(case: str, instances: int = 4, duration: float = 4740, bound: float = 4740, down: float = 1230,
           original: float = 11100, original_down: float = 3240) -> Result:
    return Result(case=case, instances=instances, duration_s=duration, bound_s=bound, worst_downtime_s=down,
                  primary_downtime_s=down, downtime_bound_s=1230, original_s=original,
                  original_downtime_s=original_down, invocations=300, transitions=400, history_events=1200, real_s=1)


def test_the_goals_are_computed_from_the_figures() -> None:
    polling = Polling()
    met = goals([result("4 (fan-out)"), result("1 (single)", instances=1, original=3360, original_down=1260)],
                polling)
    assert [holds for _, holds, _ in met] == [True, True, True, True]  # the single instance has no speed-up goal
    missed = goals([result("4 (chain)", duration=7900, bound=7500, down=1300, original=11000, original_down=2000)],
                   polling)
    assert [holds for _, holds, _ in missed] == [False, False, False, False]
    assert "1.053" in missed[0][2] and "1300 s" in missed[1][2] and "1.39x" in missed[2][2]
    # one polling interval over the bound is allowed, not more
    edge = goals([result("4 (fan-out)", down=1230 + polling.interval_s)], polling)
    assert edge[1][1] is True


# The restore cases on the simulator (virtual time; each runs a refresh and its dry run): the orders tree, whose
# root is restored with its backups and then configured with its monitoring, and whose reports replica gets its
# own parameter group (configured, then rebooted); no restart.
RESTORED_ROOT = RESTORE + BACKUPS + (LAG + MODIFY)
ORDERS_REST = (CREATE + LAG + REBOOT) + 2 * (LAG + RENAME) + DELETE
ORIGINAL_RESTORED = 1800 + 180 + (CREATE + 60) + 4 * ORIGINAL_RENAME  # see the original's restore above
RESTORE_CASES = {
    "other VPC: point_in_time restore": (RESTORED_ROOT + ORDERS_REST, ORIGINAL_RESTORED),
    "other VPC: auto, snapshot restore (copied)": (COPY + RESTORED_ROOT + ORDERS_REST, ORIGINAL_RESTORED),
    "shared snapshot: copied, restored": (COPY + RESTORED_ROOT + ORDERS_REST, None),  # no equivalent
}


@pytest.mark.parametrize("name", RESTORE_CASES)
def test_a_restore_case_counts_its_copy_and_restore_and_takes_at_least_its_bound(name: str) -> None:
    [case] = [case for case in cases() if case.name == name]
    result = run_case(case, LATENCY)
    bound, original = RESTORE_CASES[name]
    assert result.bound_s == bound
    assert bound <= result.duration_s <= RATIO_GOAL * bound
    assert result.original_s == original


# The Aurora case: the clone, the writer's copy, then the reader's; the names swapped (an instance's two renames are
# the slowest), the restart, the deletes (the instances' and the cluster's at once). The original fails on a cluster.
CLONE_CLUSTER, CREATE_INSTANCE, RENAME_CLUSTER = 600, 600, 120


def test_the_aurora_case_is_its_clone_its_writer_its_readers_and_takes_at_least_its_bound() -> None:
    [case] = [case for case in cases() if case.name.startswith("Aurora")]
    result = run_case(case, LATENCY)
    bound = CLONE_CLUSTER + 2 * CREATE_INSTANCE + TAIL
    assert (result.bound_s, result.instances) == (bound, 2)
    assert bound <= result.duration_s <= RATIO_GOAL * bound
    # the cluster's name is down for its two renames and its new writer's; an instance's for its two renames
    assert result.primary_downtime_s == 2 * RENAME_CLUSTER + RENAME
    assert result.downtime_bound_s == 2 * (LAG + RENAME) - LAG
    assert (result.original_s, result.speedup) == (None, None)
