"""What RDS accepts, per engine (lambdas/mitosis/rds_rules.py, each rule citing AWS's documentation): the
engine families, what a same-Region read replica takes at creation, gp3 thresholds, replica limits and the
major version a parameter group family is named after."""

from __future__ import annotations

import pytest
from mitosis import rds_rules


@pytest.mark.parametrize(("engine", "family"), [
    ("mysql", "mysql"), ("oracle-ee", "oracle"), ("sqlserver-se", "sqlserver"), ("db2-ae", "db2"), ("", ""),
])
def test_an_engine_belongs_to_its_family(engine: str, family: str) -> None:
    assert rds_rules.family(engine) == family


@pytest.mark.parametrize(("engine", "group", "storage", "options"), [
    ("mysql", False, True, True), ("mariadb", False, True, True), ("postgres", False, True, True),
    ("oracle-ee", True, True, True), ("db2-se", True, True, True), ("db2-ae", True, True, True),
    ("sqlserver-se", False, False, False), ("sqlserver-ex", False, False, False),
])
def test_what_a_same_region_replica_takes_at_creation(engine: str, group: bool, storage: bool, options: bool) -> None:
    assert (rds_rules.group_at_create(engine), rds_rules.storage_at_create(engine),
            rds_rules.option_group_at_create(engine)) == (group, storage, options)


@pytest.mark.parametrize(("engine", "size", "provisionable"), [
    ("mysql", 399, False), ("mysql", 400, True), ("postgres", 400, True), ("mariadb", 20, False),
    ("db2-se", 399, False), ("oracle-se2", 199, False), ("oracle-se2", 200, True), ("sqlserver-se", 20, True),
])
def test_gp3_iops_and_throughput_only_above_the_engines_threshold(engine: str, size: int, provisionable: bool) -> None:
    assert rds_rules.gp3_provisionable(engine, size) is provisionable


@pytest.mark.parametrize(("engine", "version", "replicas", "levels"), [
    ("mysql", "8.0.35", 15, 3), ("mariadb", "10.6.14", 15, 3), ("postgres", "15.4", 15, 3),
    ("postgres", "14.1", 15, 3), ("postgres", "14", 15, 1), ("postgres", "13.12", 15, 1), ("postgres", None, 15, 3),
    ("oracle-ee", "19.0", 5, 1), ("sqlserver-se", "15.00", 5, 1), ("db2-se", "11.5", 3, 1),
])
def test_replica_limits(engine: str, version: str | None, replicas: int, levels: int) -> None:
    assert (rds_rules.max_replicas(engine), rds_rules.max_replica_levels(engine, version)) == (replicas, levels)


@pytest.mark.parametrize(("engine", "version", "major"), [
    ("mysql", "8.0.35", "8.0"), ("mysql", "5.7.44", "5.7"), ("mariadb", "10.6.14", "10.6"),
    ("mariadb", "11.4.2", "11.4"), ("postgres", "15.4", "15"), ("postgres", "10.21", "10"),
    ("postgres", "9.6.24", "9.6"), ("postgres", "16", "16"), ("oracle-ee", "19.0.0.0.ru-2024-01", "19.0"),
    ("mysql", None, None), ("mysql", "", None),
])
def test_the_major_version_a_parameter_group_family_is_named_after(engine: str, version: str | None,
                                                                   major: str | None) -> None:
    assert rds_rules.major_version(engine, version) == major
