"""What RDS accepts, per engine, as AWS documents it: the rules the planner follows so that every request it
makes is one RDS accepts. Each rule names its source; docs/aws-behaviour.md quotes them, and the simulator
enforces the same rules (tests/simulator cite the documentation again where they pin them).
"""

from __future__ import annotations


def family(engine: str) -> str:
    """`oracle-ee` -> `oracle`, `sqlserver-se` -> `sqlserver`, `db2-ae` -> `db2`, `mysql` -> `mysql`."""
    return engine.split("-")[0] if engine else ""


def group_at_create(engine: str) -> bool:
    """Whether CreateDBInstanceReadReplica takes a parameter group for a same-Region replica: "Specifying a
    parameter group for this operation is only supported for MySQL DB instances for cross-Region read
    replicas, for Multi-AZ DB cluster read replica instances, for Db2 DB instances, and for Oracle DB
    instances" (botocore rds service model, CreateDBInstanceReadReplica.DBParameterGroupName). Elsewhere a
    same-Region replica gets its source's group, and another one is set by ModifyDBInstance."""
    return family(engine) in ("oracle", "db2")


def storage_at_create(engine: str) -> bool:
    """CreateDBInstanceReadReplica.AllocatedStorage: "This setting isn't valid for RDS for SQL Server"."""
    return family(engine) != "sqlserver"


def option_group_at_create(engine: str) -> bool:
    """CreateDBInstanceReadReplica.OptionGroupName: "For SQL Server, you must use the option group associated
    with the source"."""
    return family(engine) != "sqlserver"


# gp3 volumes below this size (GiB) have a fixed baseline: "Iops"/"StorageThroughput" may not be given (RDS User
# Guide, "Amazon RDS DB instance storage", gp3 storage: 400 GiB for Db2, MariaDB, MySQL and PostgreSQL, 200 GiB
# for Oracle; SQL Server has no threshold, its baseline is the same at every size and can be raised).
GP3_THRESHOLD_GIB = {"mysql": 400, "mariadb": 400, "postgres": 400, "db2": 400, "oracle": 200}


def gp3_provisionable(engine: str, allocated_gib: int) -> bool:
    """Whether a gp3 volume of this size takes Iops/StorageThroughput."""
    threshold = GP3_THRESHOLD_GIB.get(family(engine), 0)
    return allocated_gib >= threshold


def max_replicas(engine: str) -> int:
    """Read replicas per source instance: 15, and 5 for Oracle and SQL Server (RDS User Guide, "Working with
    DB instance read replicas")."""
    return 5 if family(engine) in ("oracle", "sqlserver") else 15


# Replica chains: a read replica of a read replica. MySQL and MariaDB allow up to four instances in a chain
# (three levels below the primary); PostgreSQL allows cascading replicas three levels deep below the source
# (RDS User Guide, "Working with MySQL read replicas" and "Working with read replicas for Amazon RDS for
# PostgreSQL"). Oracle, SQL Server and Db2 have no cascading replicas.
MAX_REPLICA_LEVELS = {"mysql": 3, "mariadb": 3, "postgres": 3}


def max_replica_levels(engine: str) -> int:
    return MAX_REPLICA_LEVELS.get(family(engine), 1)


def major_version(engine: str, version: str | None) -> str | None:
    """The version a parameter group family is named after: `8.0` for MySQL 8.0.35, `15` for PostgreSQL 15.4
    (PostgreSQL 10 and later name families by their major version only)."""
    if not version:
        return None
    parts = version.split(".")
    if family(engine) == "postgres" and parts[0].isdigit() and int(parts[0]) >= 10:
        return parts[0]
    return ".".join(parts[:2])
