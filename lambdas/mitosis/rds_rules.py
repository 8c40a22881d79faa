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
    """Read replicas per source instance (botocore rds service model, CreateDBInstanceReadReplica.
    SourceDBInstanceIdentifier: "Each DB instance can have up to 15 read replicas, except for the following engines:
    Db2 - Can have up to three replicas. Oracle - Can have up to five read replicas. SQL Server - Can have up to
    five read replicas.")."""
    return {"db2": 3, "oracle": 5, "sqlserver": 5}.get(family(engine), 15)


def max_replica_levels(engine: str, version: str | None = None) -> int:
    """How many levels of read replicas may stand below a source: three for MySQL and MariaDB, and for PostgreSQL
    14.1 and later ("You can create a series of up to three read replicas in a chain"; "As of version 14.1, RDS
    for PostgreSQL supports cascading read replicas": RDS User Guide, cascading read replicas); one for the
    others ("For RDS for Oracle and RDS for SQL Server, you can't create a read replica from an existing read
    replica"; Db2 undocumented, taken as Oracle). A PostgreSQL version not known is given the benefit of the doubt:
    the tree to rebuild exists, so RDS made it."""
    kind = family(engine)
    if kind in ("mysql", "mariadb"):
        return 3
    if kind == "postgres":
        numbers = [int(part) for part in (version or "").split(".")[:2] if part.isdigit()]
        return 1 if numbers and (numbers + [0])[:2] < [14, 1] else 3
    return 1


def major_version(engine: str, version: str | None) -> str | None:
    """The version a parameter group family is named after: `8.0` for MySQL 8.0.35 (and Aurora MySQL
    8.0.mysql_aurora.3.05.2), `15` for PostgreSQL and Aurora PostgreSQL 15.4 (PostgreSQL 10 and later name families
    by their major version only: postgres15, aurora-postgresql15)."""
    if not version:
        return None
    parts = version.split(".")
    if engine in ("postgres", "aurora-postgresql") and parts[0].isdigit() and int(parts[0]) >= 10:
        return parts[0]
    return ".".join(parts[:2])
