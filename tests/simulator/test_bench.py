"""The benchmark's references, computed from the latency model: the critical path and the original's order."""

from __future__ import annotations

from simulator.bench.bound import Build, critical_path_s
from simulator.bench.cases import chain, fan_out
from simulator.bench.original import original_timing
from simulator.latency import Latency

LATENCY = Latency()
ECS = {"type": "ecs", "cluster": "staging", "services": ["app"]}


def builds(edges: dict[str, str]) -> list[Build]:
    parents = set(edges.values())
    return [Build("staging", None, True)] + [Build(name, parent, name in parents) for name, parent in edges.items()]


def test_the_critical_path_follows_the_deepest_branch_not_the_widest_level() -> None:
    lat = LATENCY
    tail = 2 * lat.rename + lat.ecs_deployment + lat.delete
    root = lat.create_read_replica + lat.promote + lat.enable_backups
    assert critical_path_s(builds(fan_out(8)), ECS, lat) == root + lat.create_read_replica + tail
    # a chain of 4: two replicas serve replicas (backups on), the last does not
    replicas = 3 * lat.create_read_replica + 2 * lat.enable_backups
    assert critical_path_s(builds(chain(4)), ECS, lat) == root + replicas + tail


def test_the_original_is_sequential_so_it_slows_down_with_every_sibling() -> None:
    fan4, fan8 = (original_timing(builds(fan_out(n)), ECS, LATENCY)[0] for n in (4, 8))
    ours4, ours8 = (critical_path_s(builds(fan_out(n)), ECS, LATENCY) for n in (4, 8))
    assert ours4 == ours8 and fan8 > fan4
    assert fan4 / ours4 >= 1.5


def test_the_originals_primary_name_is_down_for_every_rename_of_the_tree() -> None:
    # The root's rename to old- is the last of n; then n temp- renames, the root's last: n + 1 renames in all.
    for size in (1, 2, 4, 8):
        _, downtime = original_timing(builds(chain(size)), ECS, LATENCY)
        assert downtime == (size + 1) * LATENCY.rename
