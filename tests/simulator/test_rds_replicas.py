"""CreateDBInstanceReadReplica in the simulated RDS: what the source must be, what the replica inherits or
defaults to, the groups, encryption, VPC placement and storage a request may ask for, and the limits.

Sources are the botocore rds service model (cited "botocore rds service model,
CreateDBInstanceReadReplica.<Parameter>") and User Guide pages; "undocumented" marks the simulator's
assumptions.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from simulator.latency import Latency

L = Latency()


def described(rds: Any, identifier: str) -> dict[str, Any]:
    return rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return excinfo.value.response["Error"]["Code"]


def replica(rds: Any, name: str, source: str, **settings: Any) -> dict[str, Any]:
    return rds.create_db_instance_read_replica(DBInstanceIdentifier=name, SourceDBInstanceIdentifier=source,
                                               **settings)["DBInstance"]


def refused(rds: Any, name: str, source: str, **settings: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        replica(rds, name, source, **settings)
    return error_code(excinfo)


def source_of_replicas(rds: Any, clock: Any, name: str, source: str) -> None:
    """A replica of `source` with backups on, available: a source for replicas of its own."""
    replica(rds, name, source)
    clock.t += L.create_read_replica
    rds.modify_db_instance(DBInstanceIdentifier=name, BackupRetentionPeriod=1, ApplyImmediately=True)
    clock.t += L.modify_lag + L.enable_backups


def instance(identifier: str, engine: str, **settings: Any) -> dict[str, Any]:
    return {
        "DBInstanceIdentifier": identifier,
        "Engine": engine,
        "DBInstanceClass": "db.m5.large",
        "AllocatedStorage": 20,
        "MasterUsername": "admin",
        "MasterUserPassword": "secret-password",
        "BackupRetentionPeriod": 1,
        **settings,
    }


# The source


def test_source_must_be_available_or_storage_optimization(make_sim, aws, clock):
    """Which source statuses CreateDBInstanceReadReplica accepts is undocumented. "When you create a read replica,
    Amazon RDS takes a DB snapshot of your source DB instance" (User Guide "Creating a read replica"), and
    snapshots are documented as possible in two: "The source DB instance must be in the available or
    storage-optimization state." (botocore rds service model, CreateDBSnapshot). The simulator takes those two."""
    sim = make_sim(faults=[{"operation": "rds:status", "match": {"DBInstanceIdentifier": "demo"},
                            "status": "storage-optimization"}])
    rds = aws("rds")
    rds.modify_db_instance(DBInstanceIdentifier="prod", DBInstanceClass="db.t3.large", ApplyImmediately=True)
    clock.t = L.modify_lag
    assert refused(rds, "r1", "prod") == "InvalidDBInstanceState"  # modifying
    with sim.recording():
        rds.reboot_db_instance(DBInstanceIdentifier="demo")
    clock.t += L.reboot
    assert described(rds, "demo")["DBInstanceStatus"] == "storage-optimization"
    assert replica(rds, "r2", "demo")["DBInstanceStatus"] == "creating"


def test_source_must_have_automated_backups(rds):
    """botocore rds service model, CreateDBInstanceReadReplica.SourceDBInstanceIdentifier: "The specified DB
    instance must have automatic backups enabled, that is, its backup retention period must be greater than 0."
    (InvalidDBInstanceState, the operation's listed error)"""
    with pytest.raises(rds.exceptions.InvalidDBInstanceStateFault, match="Automated backups are not enabled"):
        replica(rds, "r", "nobackups")


def test_a_source_whose_password_rds_manages_has_no_replicas_except_sql_server(make_sim, aws, world):
    """User Guide "Password management with Amazon RDS and AWS Secrets Manager" (https://docs.aws.amazon.com/
    AmazonRDS/latest/UserGuide/rds-secrets-manager.html): managing master user passwords with Secrets Manager
    isn't supported for "Creating a read replica when the source DB or DB cluster manages credentials with
    Secrets Manager. This applies to all DB engines except RDS for SQL Server." (code undocumented:
    InvalidParameterCombination)"""
    managed = {"ManageMasterUserPassword": True, "MasterUserPassword": None}
    world["rds"]["instances"] += [
        {k: v for k, v in {**instance("managed-mysql", "mysql", EngineVersion="8.0.35"), **managed}.items() if v},
        {k: v for k, v in {**instance("managed-sqlserver", "sqlserver-se", LicenseModel="license-included"),
                           **managed}.items() if v},
    ]
    make_sim(world)
    rds = aws("rds")
    assert refused(rds, "r1", "managed-mysql") == "InvalidParameterCombination"
    assert replica(rds, "r2", "managed-sqlserver")["DBInstanceStatus"] == "creating"


@pytest.mark.parametrize(("engine", "limit"), [("mysql", 15), ("oracle-ee", 5), ("sqlserver-se", 5)])
def test_replicas_per_source_are_limited_per_engine(make_sim, aws, world, engine, limit):
    """botocore rds service model, CreateDBInstanceReadReplica.SourceDBInstanceIdentifier: "Each DB instance can
    have up to 15 read replicas, except for the following engines: Db2 - Can have up to three replicas. Oracle -
    Can have up to five read replicas. SQL Server - Can have up to five read replicas." (code undocumented:
    InvalidParameterCombination). Db2 cannot be simulated: moto 5.2.5 has no db2 engine."""
    world["rds"]["instances"] = [instance("source", engine)]
    make_sim(world)
    rds = aws("rds")
    for number in range(limit):
        replica(rds, f"r{number}", "source")
    assert refused(rds, "one-too-many", "source") == "InvalidParameterCombination"
    assert described(rds, "source")["ReadReplicaDBInstanceIdentifiers"] == [f"r{n}" for n in range(limit)]


def test_replicas_per_source_are_limited_by_the_account_quota(make_sim, aws, world):
    """botocore rds service model, AccountQuota: "ReadReplicasPerMaster - The number of read replicas per DB
    instance." A world's `rds.quotas` lowers the maximum below the engine's."""
    world["rds"]["quotas"] = {"ReadReplicasPerMaster": 2}
    make_sim(world)
    rds = aws("rds")
    replica(rds, "r1", "prod")
    assert refused(rds, "r2", "prod") == "InvalidParameterCombination"


def test_mysql_replicas_chain_up_to_three_below_the_source(rds, clock):
    """User Guide "Working with MySQL read replicas", cascading read replicas (https://docs.aws.amazon.com/
    AmazonRDS/latest/UserGuide/USER_MySQL.Replication.ReadReplicas.Cascading.html): "You can create a series of
    up to three read replicas in a chain from a source RDS for MySQL DB instance." (code undocumented:
    InvalidParameterCombination)"""
    rds.modify_db_instance(DBInstanceIdentifier="prod-replica", BackupRetentionPeriod=1, ApplyImmediately=True)
    clock.t += L.modify_lag + L.enable_backups
    source_of_replicas(rds, clock, "level2", "prod-replica")
    replica(rds, "level3", "level2")
    clock.t += L.create_read_replica
    rds.modify_db_instance(DBInstanceIdentifier="level3", BackupRetentionPeriod=1, ApplyImmediately=True)
    clock.t += L.modify_lag + L.enable_backups
    assert refused(rds, "level4", "level3") == "InvalidParameterCombination"


@pytest.mark.parametrize(("engine", "version", "chains"), [
    ("postgres", "14.1", True), ("postgres", "13.7", False), ("oracle-ee", "19.0.0.0.ru-2024-01.rur-2024-01.r1",
                                                               False), ("sqlserver-se", "15.00.4345.5.v1", False)])
def test_replica_chains_by_engine(make_sim, aws, world, clock, engine, version, chains):
    """User Guide, PostgreSQL cascading read replicas: "As of version 14.1, RDS for PostgreSQL supports cascading
    read replicas." and "You can't create a read replica from another read replica if your RDS for PostgreSQL DB
    instance is running a PostgreSQL version earlier than 14.1." User Guide "Working with DB instance read
    replicas": "For RDS for Oracle and RDS for SQL Server, you can't create a read replica from an existing read
    replica." """
    world["rds"]["instances"] = [instance("source", engine, EngineVersion=version)]
    make_sim(world)
    rds = aws("rds")
    source_of_replicas(rds, clock, "middle", "source")
    if chains:
        assert replica(rds, "end", "middle")["DBInstanceStatus"] == "creating"
    else:
        assert refused(rds, "end", "middle") == "InvalidParameterCombination"


# Parameter and option groups


@pytest.fixture
def grouped(world):
    """prod with its own parameter and option groups."""
    world["rds"]["instances"][0].update(DBParameterGroupName="prod-mysql8", OptionGroupName="prod-options")
    return world


def test_a_same_region_mysql_replica_takes_the_source_parameter_group_and_refuses_another(make_sim, aws, grouped):
    """botocore rds service model, CreateDBInstanceReadReplica.DBParameterGroupName: "if you don't specify a value
    for DBParameterGroupName, then Amazon RDS uses the DBParameterGroup of the source DB instance for a same
    Region read replica" and "Specifying a parameter group for this operation is only supported for MySQL DB
    instances for cross-Region read replicas, for Multi-AZ DB cluster read replica instances, for Db2 DB
    instances, and for Oracle DB instances. It isn't supported for MySQL DB instances for same Region read
    replicas". MariaDB and PostgreSQL are not in the supported list either. Error code undocumented:
    InvalidParameterCombination."""
    make_sim(grouped)
    rds = aws("rds")
    rds.create_db_parameter_group(DBParameterGroupName="staging-mysql8", DBParameterGroupFamily="mysql8.0",
                                  Description="t")
    assert refused(rds, "r", "prod", DBParameterGroupName="staging-mysql8") == "InvalidParameterCombination"
    [group] = replica(rds, "r", "prod")["DBParameterGroups"]
    assert (group["DBParameterGroupName"], group["ParameterApplyStatus"]) == ("prod-mysql8", "in-sync")


@pytest.mark.parametrize("engine", ["mariadb", "postgres"])
def test_mariadb_and_postgres_replicas_refuse_a_parameter_group(make_sim, aws, world, engine):
    version = {"mariadb": "10.11.6", "postgres": "16.1"}[engine]
    family = {"mariadb": "mariadb10.11", "postgres": "postgres16"}[engine]
    world["rds"]["instances"] = [instance("source", engine, EngineVersion=version)]
    make_sim(world)
    rds = aws("rds")
    rds.create_db_parameter_group(DBParameterGroupName="other", DBParameterGroupFamily=family, Description="t")
    assert refused(rds, "r", "source", DBParameterGroupName="other") == "InvalidParameterCombination"


def test_an_oracle_replica_may_name_its_parameter_group_of_the_source_family(make_sim, aws, world):
    """Same parameter documentation: supported "for Oracle DB instances"; the group must exist
    (DBParameterGroupNotFound) and be of the instance's family (ModifyDBInstance.DBParameterGroupName: "Must be
    in the same DB parameter group family as the DB instance.")."""
    world["rds"]["instances"] = [instance("source", "oracle-ee", EngineVersion="19.0.0.0.ru-2024-01.rur-2024-01.r1")]
    make_sim(world)
    rds = aws("rds")
    rds.create_db_parameter_group(DBParameterGroupName="ora19", DBParameterGroupFamily="oracle-ee-19",
                                  Description="t")
    rds.create_db_parameter_group(DBParameterGroupName="ora21", DBParameterGroupFamily="oracle-ee-21",
                                  Description="t")
    assert refused(rds, "r0", "source", DBParameterGroupName="missing") == "DBParameterGroupNotFound"
    assert refused(rds, "r0", "source", DBParameterGroupName="ora21") == "InvalidParameterCombination"
    [group] = replica(rds, "r1", "source", DBParameterGroupName="ora19")["DBParameterGroups"]
    assert group["DBParameterGroupName"] == "ora19"


def test_a_replica_takes_the_source_option_group_unless_told(make_sim, aws, grouped):
    """botocore rds service model, CreateDBInstanceReadReplica.OptionGroupName: "If not specified, RDS uses the
    option group associated with the source DB instance or cluster." A missing group is OptionGroupNotFoundFault."""
    make_sim(grouped)
    rds = aws("rds")
    assert [g["OptionGroupName"] for g in replica(rds, "r1", "prod")["OptionGroupMemberships"]] == ["prod-options"]
    assert refused(rds, "r2", "prod", OptionGroupName="missing") == "OptionGroupNotFoundFault"


def test_a_sql_server_replica_must_use_the_source_option_group(make_sim, aws, world):
    """Same parameter: "For SQL Server, you must use the option group associated with the source." (code
    undocumented: InvalidParameterCombination)"""
    world["rds"]["instances"] = [instance("source", "sqlserver-se", OptionGroupName="sql-options"),
                                 instance("other", "sqlserver-se", OptionGroupName="other-options")]
    make_sim(world)
    rds = aws("rds")
    assert refused(rds, "r1", "source", OptionGroupName="other-options") == "InvalidParameterCombination"
    assert replica(rds, "r2", "source", OptionGroupName="sql-options")["DBInstanceStatus"] == "creating"


# What the replica gets


def test_replica_starts_without_backups_and_with_aws_own_defaults(rds, aws, clock):
    """botocore rds service model, CreateDBInstanceReadReplica: "RDS creates read replicas with backups disabled.
    All other attributes (including DB security groups and DB parameter groups) are inherited from the source DB
    instance or cluster, except as specified."; DeletionProtection "By default, deletion protection isn't
    enabled."; CopyTagsToSnapshot "By default, tags aren't copied."; MonitoringInterval "The default is 0.";
    EnableIAMDatabaseAuthentication "By default, mapping isn't enabled."; VpcSecurityGroupIds "Default: The
    default EC2 VPC security group for the DB subnet group's VPC."; MultiAZ: "independent of whether the source
    is a Multi-AZ DB instance". Tags: undocumented whether the source's are inherited; the simulator assumes
    none."""
    rds.modify_db_instance(
        DBInstanceIdentifier="prod", DeletionProtection=True, CopyTagsToSnapshot=True, MultiAZ=True,
        MonitoringInterval=60, MonitoringRoleArn="arn:aws:iam::123456789012:role/rds-monitoring",
        EnableIAMDatabaseAuthentication=True, ApplyImmediately=True,
    )
    clock.t = L.modify_lag + L.modify
    prod = described(rds, "prod")
    assert (prod["MultiAZ"], prod["MonitoringInterval"], prod["IAMDatabaseAuthenticationEnabled"]) == (True, 60, True)
    replica(rds, "temp-demo", "prod")
    clock.t += L.create_read_replica
    r = described(rds, "temp-demo")
    assert (r["BackupRetentionPeriod"], r["DeletionProtection"], r["CopyTagsToSnapshot"], r["MultiAZ"]) == (
        0, False, False, False)
    assert (r["MonitoringInterval"], "MonitoringRoleArn" in r, r["IAMDatabaseAuthenticationEnabled"]) == (
        0, False, False)
    assert r["TagList"] == []
    default_vpc = r["DBSubnetGroup"]["VpcId"]
    assert [g["VpcSecurityGroupId"] for g in r["VpcSecurityGroups"]] == default_group(aws("ec2"), default_vpc)
    assert (r["DBInstanceClass"], r["Engine"], r["EngineVersion"]) == ("db.t3.medium", "mysql", "8.0.35")


def default_group(ec2: Any, vpc_id: str) -> list[str]:
    groups = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"]
    return [g["GroupId"] for g in groups]


@pytest.fixture
def encrypted(world):
    world["rds"]["instances"][0].update(StorageEncrypted=True, KmsKeyId="prod-key")
    return world


def test_an_encrypted_source_replica_uses_the_given_key_or_the_source_key(make_sim, aws, encrypted):
    """botocore rds service model, CreateDBInstanceReadReplica.KmsKeyId: "If you specify a KMS key identifier,
    the read replica is encrypted with that KMS key, which can be different from the KMS key of the source." /
    "If you don't specify a value for this parameter, the read replica is encrypted with the same KMS key as the
    source DB instance". (Older API text and the 2023 User Guide required the source's key: the current API text
    is the simulator's.)"""
    make_sim(encrypted)
    rds = aws("rds")
    same = replica(rds, "r1", "prod")
    other = replica(rds, "r2", "prod", KmsKeyId="staging-key")
    assert (same["StorageEncrypted"], same["KmsKeyId"]) == (True, "prod-key")
    assert (other["StorageEncrypted"], other["KmsKeyId"]) == (True, "staging-key")


def test_an_unencrypted_source_has_no_encrypted_replica(rds):
    """Same parameter: "You can't create an encrypted read replica from an unencrypted DB instance or Multi-AZ DB
    cluster." (code undocumented: InvalidParameterCombination)"""
    assert refused(rds, "r", "prod", KmsKeyId="staging-key") == "InvalidParameterCombination"
    plain = replica(rds, "r", "prod")
    assert (plain["StorageEncrypted"], "KmsKeyId" in plain) == (False, False)


def test_an_encrypted_world_instance_without_a_key_uses_the_aws_managed_key(make_sim, aws, world):
    """botocore rds service model, CreateDBInstance.KmsKeyId: "If StorageEncrypted is enabled, and you do not
    specify a value for the KmsKeyId parameter, then Amazon RDS uses your default KMS key." """
    world["rds"]["instances"][0]["StorageEncrypted"] = True
    make_sim(world)
    rds = aws("rds")
    assert described(rds, "prod")["KmsKeyId"] == "arn:aws:kms:us-west-2:123456789012:alias/aws/rds"
    assert replica(rds, "r", "prod")["KmsKeyId"] == "arn:aws:kms:us-west-2:123456789012:alias/aws/rds"


# VPC placement


@pytest.fixture
def two_vpcs(world):
    world["rds"]["subnet_groups"] = [
        {"DBSubnetGroupName": "prod-subnets", "VpcId": "vpc-prod"},
        {"DBSubnetGroupName": "prod-subnets-2", "VpcId": "vpc-prod"},
        {"DBSubnetGroupName": "staging-subnets", "VpcId": "vpc-staging"},
    ]
    world["rds"]["instances"][0]["DBSubnetGroupName"] = "prod-subnets"
    return world


def test_a_replica_lands_in_its_subnet_group_vpc_or_the_source_group_without_one(make_sim, aws, two_vpcs):
    """botocore rds service model, CreateDBInstanceReadReplica.DBSubnetGroupName: "The new DB instance is created
    in the VPC associated with the DB subnet group." Without one, which group the replica gets is undocumented
    (the API text still says "isn't created in a VPC", from EC2-Classic): the simulator assumes the source's."""
    make_sim(two_vpcs)
    rds = aws("rds")
    prod_vpc = described(rds, "prod")["DBSubnetGroup"]["VpcId"]
    inherited = replica(rds, "r1", "prod")["DBSubnetGroup"]
    assert (inherited["DBSubnetGroupName"], inherited["VpcId"]) == ("prod-subnets", prod_vpc)
    sibling = replica(rds, "r2", "prod", DBSubnetGroupName="prod-subnets-2")["DBSubnetGroup"]
    assert (sibling["DBSubnetGroupName"], sibling["VpcId"]) == ("prod-subnets-2", prod_vpc)


def test_all_replicas_of_a_source_share_one_vpc(make_sim, aws, two_vpcs):
    """Same parameter: "All read replicas in one Amazon Web Services Region that are created from the same source
    DB instance must either: Specify DB subnet groups from the same VPC." Error shape InvalidDBSubnetGroupFault:
    "The DBSubnetGroup doesn't belong to the same VPC as that of an existing cross-region read replica of the same
    source instance." """
    make_sim(two_vpcs)
    rds = aws("rds")
    replica(rds, "r1", "prod")
    assert refused(rds, "r2", "prod", DBSubnetGroupName="staging-subnets") == "InvalidDBSubnetGroupFault"


def test_a_replica_in_another_vpc_than_its_source_is_accepted(make_sim, aws, two_vpcs):
    """User Guide "Creating a read replica" (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/
    USER_ReadRepl.Create.html): "If you create a read replica in a different VPC from the source DB instance,
    classless inter-domain routing (CIDR) ranges can overlap" — possible, though AWS "strongly recommend[s]" one
    VPC. Its default security group is that VPC's."""
    instances = two_vpcs["rds"]["instances"]
    two_vpcs["rds"]["instances"] = [i for i in instances if i["DBInstanceIdentifier"] != "prod-replica"]
    make_sim(two_vpcs)
    rds = aws("rds")
    r = replica(rds, "r1", "prod", DBSubnetGroupName="staging-subnets")
    assert r["DBSubnetGroup"]["VpcId"] != described(rds, "prod")["DBSubnetGroup"]["VpcId"]
    assert [g["VpcSecurityGroupId"] for g in r["VpcSecurityGroups"]] == default_group(
        aws("ec2"), r["DBSubnetGroup"]["VpcId"])


def test_a_replica_subnet_group_must_exist(rds):
    """Same parameter: "If supplied, must match the name of an existing DB subnet group." (DBSubnetGroupNotFound-
    Fault, the operation's listed error)"""
    assert refused(rds, "r", "prod", DBSubnetGroupName="missing") == "DBSubnetGroupNotFoundFault"


# Storage


def test_replica_storage_defaults_to_the_source_and_cannot_be_smaller(make_sim, aws, world):
    """botocore rds service model, CreateDBInstanceReadReplica.AllocatedStorage: "Be sure to allocate enough
    storage for your read replica so that the create operation can succeed. You can also allocate additional
    storage for future growth." Whether less than the source's is refused is undocumented: the simulator refuses
    it (InvalidParameterValue), the safe side. The storage type is the source's: User Guide "Working with DB
    instance read replicas": "By default, a read replica is created with the same storage type as the source DB
    instance." (The API's StorageType says "Default: io1 if the Iops parameter is specified. Otherwise, gp3.":
    the two texts disagree; the simulator follows the User Guide.)"""
    world["rds"]["instances"][0].update(AllocatedStorage=100, StorageType="gp2")
    make_sim(world)
    rds = aws("rds")
    inherited = replica(rds, "r1", "prod")
    assert (inherited["AllocatedStorage"], inherited["StorageType"]) == (100, "gp2")
    assert replica(rds, "r2", "prod", AllocatedStorage=200)["AllocatedStorage"] == 200
    assert refused(rds, "r3", "prod", AllocatedStorage=50) == "InvalidParameterValue"


def test_sql_server_replicas_take_no_allocated_storage(make_sim, aws, world):
    """Same parameter: "This setting isn't valid for RDS for SQL Server." (code undocumented:
    InvalidParameterCombination)"""
    world["rds"]["instances"] = [instance("source", "sqlserver-se")]
    make_sim(world)
    assert refused(aws("rds"), "r", "source", AllocatedStorage=40) == "InvalidParameterCombination"
