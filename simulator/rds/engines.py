"""What RDS documents per DB engine: parameter group families, replica limits and chains, gp3 storage.

Pure data and functions of (engine, version): the simulator's rules read them, the world loader names
parameter groups with `parameter_group_family`. Sources are cited where each rule is enforced (and tested).
"""

from __future__ import annotations

from dataclasses import dataclass


def kind(engine: str) -> str:
    """The engine's family of behaviour: mysql, mariadb, postgres, oracle, sqlserver or db2."""
    for prefix in ("oracle", "sqlserver", "db2"):
        if engine.startswith(prefix):
            return prefix
    return engine.lower()


def default_port(engine: str) -> int:
    """botocore rds service model, CreateDBInstance.Port: "Default: RDS for Db2 - 50000 RDS for MariaDB - 3306 RDS
    for Microsoft SQL Server - 1433 RDS for MySQL - 3306 RDS for Oracle - 1521 RDS for PostgreSQL - 5432" """
    return {"db2": 50000, "oracle": 1521, "sqlserver": 1433, "postgres": 5432}.get(kind(engine), 3306)


def _numbers(version: str) -> list[int]:
    numbers = []
    for part in version.split("."):
        if not part.isdigit():
            break
        numbers.append(int(part))
    return numbers


def parameter_group_family(engine: str, version: str) -> str:
    """The DB parameter group family of an engine version, as RDS names them: mysql8.0, mariadb10.11,
    postgres16 (postgres9.6 before 10), oracle-ee-19, sqlserver-se-15.0, db2-se-11.5, aurora-mysql8.0 (version
    8.0.mysql_aurora.3.05.2), aurora-postgresql15 (DB cluster parameter groups have the same families)."""
    parts = version.split(".")
    engine = engine.lower()
    if engine == "aurora-postgresql":  # Aurora's families: aurora-postgresql15, aurora-mysql8.0
        return f"{engine}{parts[0]}"
    if engine == "postgres":
        numbers = _numbers(version)
        return f"postgres{numbers[0]}" if numbers and numbers[0] >= 10 else f"postgres{'.'.join(parts[:2])}"
    if kind(engine) == "oracle":
        return f"{engine}-{parts[0]}"
    if kind(engine) in ("sqlserver", "db2"):
        return f"{engine}-{'.'.join(parts[:2])}"
    return f"{engine}{'.'.join(parts[:2])}"


def max_replicas(engine: str) -> int:
    """botocore rds service model, CreateDBInstanceReadReplica.SourceDBInstanceIdentifier: "Each DB instance
    can have up to 15 read replicas, except for the following engines: Db2 - Can have up to three replicas.
    Oracle - Can have up to five read replicas. SQL Server - Can have up to five read replicas." """
    return {"db2": 3, "oracle": 5, "sqlserver": 5}.get(kind(engine), 15)


def max_chain_depth(engine: str, version: str) -> int:
    """How many replicas may stand in a chain below a source (1: no replica of a replica).

    User Guide, cascading read replicas (MySQL, MariaDB, PostgreSQL pages): "You can create a series of up to
    three read replicas in a chain from a source ... DB instance"; PostgreSQL: "As of version 14.1, RDS for
    PostgreSQL supports cascading read replicas"; "For RDS for Oracle and RDS for SQL Server, you can't create
    a read replica from an existing read replica." Db2: undocumented, assumed like Oracle (no chain).
    """
    family = kind(engine)
    if family in ("mysql", "mariadb"):
        return 3
    if family == "postgres":
        numbers = _numbers(version) + [0, 0]
        return 3 if (numbers[0], numbers[1]) >= (14, 1) else 1
    return 1


def parameter_group_on_replica(engine: str) -> bool:
    """botocore rds service model, CreateDBInstanceReadReplica.DBParameterGroupName: "Specifying a parameter
    group for this operation is only supported for MySQL DB instances for cross-Region read replicas, for
    Multi-AZ DB cluster read replica instances, for Db2 DB instances, and for Oracle DB instances." Same-Region
    replicas of the other engines take the source's group."""
    return kind(engine) in ("oracle", "db2")


@dataclass(frozen=True)
class Gp3:
    """User Guide "Amazon RDS DB instance storage" (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/
    CHAP_Storage.html), gp3 table: baseline 3,000 IOPS / 125 MiB/s below the threshold, 12,000 / 500 at or
    above it (volume striping); provisioning only at or above the threshold, except SQL Server (no threshold)."""

    threshold_gib: int  # 0: provisioning allowed at any size, and no striping
    iops: tuple[int, int]  # provisioned IOPS range
    throughput: tuple[int, int]  # provisioned MiB/s range
    min_iops_per_gib: float = 0.0


GP3_BASELINE = (3000, 125)
GP3_STRIPED_BASELINE = (12000, 500)
MAX_THROUGHPUT_PER_IOPS = 0.25  # "The maximum ratio of storage throughput to IOPS is 0.25"
MAX_IOPS_PER_GIB = 500  # "The maximum ratio of IOPS to allocated storage is 500"


def gp3(engine: str) -> Gp3:
    family = kind(engine)
    if family == "sqlserver":
        # "The minimum ratio of IOPS to allocated storage (in GiB) is 0.5 on RDS for SQL Server."
        return Gp3(0, (3000, 16000), (125, 1000), 0.5)
    if family == "oracle":
        return Gp3(200, (12000, 64000), (500, 4000))
    return Gp3(400, (12000, 64000), (500, 4000))


def gp3_baseline(engine: str, allocated_gib: int) -> tuple[int, int]:
    """(IOPS, MiB/s) a gp3 volume of this size gets without provisioning."""
    rule = gp3(engine)
    return GP3_STRIPED_BASELINE if rule.threshold_gib and allocated_gib >= rule.threshold_gib else GP3_BASELINE
