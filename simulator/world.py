"""WORLD.json (format in docs/simulation.md) checked, then created in the simulated account.

`load_world` makes ordinary boto3 calls; SimulatedAWS runs them through its service simulators with recording
off, at virtual time 0 and with zero latency, so the world's resources get the simulators' bookkeeping
(unique DbiResourceIds, data_origin, replica links) and are all settled (`available`) from the start.

- `start` (optional): the instant of virtual second 0, ISO 8601 in UTC ("2026-03-02T01:00:00Z"); default
  simulator.latency.EPOCH, 2026-01-01T00:00Z. It sets the calendar of the daily backup windows and of every
  timestamp (simulator.latency.world_start; the runner starts its VirtualClock there).
- `rds.instances` are created in list order: with CreateDBInstanceReadReplica when the entry has
  SourceDBInstanceIdentifier (which must be an earlier entry), else with CreateDBInstance. Keys the create call
  does not accept but ModifyDBInstance does are applied by a follow-up ModifyDBInstance; other keys are refused.
  A replica's DBParameterGroupName, which RDS refuses on CreateDBInstanceReadReplica except for Oracle and Db2,
  is applied that way too, and the replica rebooted so the group is in-sync. Every create parameter is
  accepted: StorageType/Iops/StorageThroughput, StorageEncrypted/KmsKeyId (key ids are labels; encrypted
  without KmsKeyId means the AWS managed key, arn:aws:kms:<region>:123456789012:alias/aws/rds),
  ManageMasterUserPassword, MonitoringInterval/MonitoringRoleArn, OptionGroupName, EnableCloudwatchLogsExports,
  DeletionProtection...
- `rds.clusters` (optional): CreateDBCluster requests (Aurora MySQL or PostgreSQL), created before the instances,
  with their DB cluster parameter group (of the engine's family) and DB subnet group created when missing. An
  instance that names a world cluster as its DBClusterIdentifier is created in it by CreateDBInstance, with its
  cluster's engine (its Engine may be left out); the cluster's first instance is its writer.
- `rds.subnet_groups` (optional): `[{"DBSubnetGroupName", "VpcId"}]`. VpcId is a label: each distinct label is
  one simulated VPC (created in moto's EC2 with two subnets, tagged Name=<label>; DescribeDBInstances shows
  its moto id). Subnet groups that instances reference but the world does not declare share the default VPC,
  as do instances without a subnet group (RDS's `default` group).
- `rds.quotas` (optional): maxima of the account's quotas, `{"DBInstances": 40, "AllocatedStorage": 100000,
  "ReadReplicasPerMaster": 15}` (those are the defaults; see simulator.rds.account).
- Referenced DB parameter groups (of the instance's family), option groups and DB subnet groups are created
  when missing. VPC security group ids are kept exactly as written (moto accepts any string), so reports
  compare with the world's ids.
- `rds.snapshots`: CreateDBSnapshot requests (DBSnapshotIdentifier, DBInstanceIdentifier, Tags) of world
  instances, taken after every instance exists. Every instance with backups also has last night's automated
  snapshot (`rds:<identifier>-<time>`, 12 hours before the start).
- `rds.shared_snapshots`: manual snapshots another account shares with this one, addressed by their ARN
  (`arn:aws:rds:<region>:<SourceAccount>:snapshot:<DBSnapshotIdentifier>`): DBSnapshotIdentifier, SourceAccount
  (12 digits), DBInstanceIdentifier (the instance in that account; its data), Engine, and optionally
  EngineVersion, AllocatedStorage, StorageType, Port, Encrypted, KmsKeyId (that account's key) and KeyShared
  (default true: whether that account shared the key with this one too).
- `ecs.clusters[].services[]`: `name` and `desiredCount`, running a placeholder task definition; optionally
  `deploymentController` ("ECS", the default, "CODE_DEPLOY" or "EXTERNAL"), `classicLoadBalancer` (true: behind
  a Classic Load Balancer) and `circuitBreaker` (true: the deployment circuit breaker with rollback is on).
- `ec2.instances[]`: `Tags` (and optionally `InstanceType`): the SSM-managed hosts a restart may target.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from moto.rds.models import DBCluster, DBInstance

PLACEHOLDER_TASK_FAMILY = "simulated-app"
QUOTA_NAMES = frozenset({"DBInstances", "AllocatedStorage", "ReadReplicasPerMaster", "DBClusters"})
DEPLOYMENT_CONTROLLERS = ("ECS", "CODE_DEPLOY", "EXTERNAL")
SERVICE_KEYS = frozenset({"name", "desiredCount", "deploymentController", "classicLoadBalancer", "circuitBreaker"})
HOST_IMAGE_NAME = "simulated-host"


class WorldError(ValueError):
    """The world, its latency model or its faults cannot be used; the message says why."""


@cache
def _session() -> boto3.session.Session:
    """One session for every world load: a new one would parse the service models again (a quarter second)."""
    return boto3.session.Session()


@cache
def _request_keys(operation: str) -> frozenset[str]:
    model = _session().client("rds", region_name="us-east-1").meta.service_model
    return frozenset(model.operation_model(operation).input_shape.members)


def region_of(world: Mapping[str, Any]) -> str:
    region = world.get("region", "us-east-1")
    if not isinstance(region, str) or not region:
        raise WorldError("'region' must be a region name")
    return region


WORLD_KEYS = frozenset({"region", "start", "rds", "ecs", "ec2", "secretsmanager"})
SECTION_KEYS = {
    "rds": frozenset({"instances", "clusters", "subnet_groups", "quotas", "snapshots", "shared_snapshots"}),
    "ecs": frozenset({"clusters", "task_definitions"}),
    "ec2": frozenset({"instances"}),
    "secretsmanager": frozenset({"secrets"}),
}


def _list(parent: Any, key: str, where: str) -> list[Any]:
    if not isinstance(parent, Mapping):
        raise WorldError(f"{where} must be an object")
    value = parent.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise WorldError(f"{where}.{key} must be a list of objects")
    return value


def _split_instance(entry: Mapping[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(create operation, its parameters, the follow-up ModifyDBInstance parameters) of a world instance."""
    operation = "CreateDBInstanceReadReplica" if "SourceDBInstanceIdentifier" in entry else "CreateDBInstance"
    create = {k: v for k, v in entry.items() if k in _request_keys(operation)}
    later = {k: v for k, v in entry.items() if k not in create}
    unknown = sorted(set(later) - _request_keys("ModifyDBInstance"))
    if unknown:
        raise WorldError(f"instance {entry['DBInstanceIdentifier']}: unknown keys {unknown}")
    return operation, create, later


def validate_world(world: Any) -> None:
    """Raise WorldError unless `world` can be loaded."""
    if not isinstance(world, Mapping):
        raise WorldError("the world must be a JSON object")
    _known(world, WORLD_KEYS, "the world")
    for section, keys in SECTION_KEYS.items():
        if section in world:
            if not isinstance(world[section], Mapping):
                raise WorldError(f"{section} must be an object")
            _known(world[section], keys, section)
    region_of(world)
    from simulator.latency import world_start

    world_start(world)
    rds = world.get("rds")
    if not isinstance(rds, Mapping) or "instances" not in rds:
        raise WorldError("the world needs rds.instances")
    for group in _list(rds, "subnet_groups", "rds"):
        if not all(isinstance(group.get(key), str) and group.get(key) for key in ("DBSubnetGroupName", "VpcId")):
            raise WorldError(f"a subnet group needs DBSubnetGroupName and VpcId: {dict(group)}")
        unknown = sorted(set(group) - {"DBSubnetGroupName", "VpcId"})
        if unknown:
            raise WorldError(f"subnet group {group['DBSubnetGroupName']}: unknown keys {unknown}")
    quotas = rds.get("quotas", {})
    if not isinstance(quotas, Mapping):
        raise WorldError("rds.quotas must be an object of quota maxima")
    for name, maximum in quotas.items():
        if name not in QUOTA_NAMES:
            raise WorldError(f"rds.quotas: unknown quota {name!r}; known quotas are {sorted(QUOTA_NAMES)}")
        if isinstance(maximum, bool) or not isinstance(maximum, int) or maximum < 0:
            raise WorldError(f"rds.quotas.{name} must be a non-negative integer, not {maximum!r}")
    clusters: set[str] = set()
    for cluster in _list(rds, "clusters", "rds"):
        ident = cluster.get("DBClusterIdentifier")
        if not isinstance(ident, str) or not ident or not isinstance(cluster.get("Engine"), str):
            raise WorldError(f"an rds cluster needs DBClusterIdentifier and Engine: {dict(cluster)}")
        if ident.lower() in clusters:
            raise WorldError(f"cluster {ident} appears twice")
        unknown = sorted(set(cluster) - _request_keys("CreateDBCluster"))
        if unknown:
            raise WorldError(f"cluster {ident}: unknown keys {unknown}")
        clusters.add(ident.lower())
    seen: set[str] = set()
    for entry in _list(rds, "instances", "rds"):
        ident = entry.get("DBInstanceIdentifier")
        if not isinstance(ident, str) or not ident:
            raise WorldError(f"an rds instance has no DBInstanceIdentifier: {dict(entry)}")
        if ident.lower() in seen:
            raise WorldError(f"instance {ident} appears twice")
        source = entry.get("SourceDBInstanceIdentifier")
        if source is not None and (not isinstance(source, str) or source.lower() not in seen):
            raise WorldError(f"instance {ident}: source {source!r} is not an earlier instance of the world")
        cluster = entry.get("DBClusterIdentifier")
        if cluster is not None and (not isinstance(cluster, str) or cluster.lower() not in clusters):
            raise WorldError(f"instance {ident}: DBClusterIdentifier {cluster!r} is not a cluster of the world")
        if cluster is not None and not isinstance(entry.get("DBInstanceClass"), str):
            raise WorldError(f"instance {ident} needs DBInstanceClass (its engine is its cluster's)")
        if source is None and cluster is None and not all(isinstance(entry.get(k), str)
                                                           for k in ("Engine", "DBInstanceClass")):
            raise WorldError(f"instance {ident} needs Engine and DBInstanceClass (or a SourceDBInstanceIdentifier)")
        _split_instance(entry)
        seen.add(ident.lower())
    for snapshot in _list(rds, "snapshots", "rds"):
        if not isinstance(snapshot.get("DBSnapshotIdentifier"), str):
            raise WorldError(f"a snapshot has no DBSnapshotIdentifier: {dict(snapshot)}")
        if str(snapshot.get("DBInstanceIdentifier", "")).lower() not in seen:
            raise WorldError(
                f"snapshot {snapshot['DBSnapshotIdentifier']}: DBInstanceIdentifier is not a world instance"
            )
    for shared in _list(rds, "shared_snapshots", "rds"):
        missing = [k for k in ("DBSnapshotIdentifier", "SourceAccount", "DBInstanceIdentifier", "Engine")
                   if not isinstance(shared.get(k), str) or not shared.get(k)]
        if missing:
            raise WorldError(f"a shared snapshot needs {missing}: {dict(shared)}")
        if not re.fullmatch(r"\d{12}", shared["SourceAccount"]):
            raise WorldError(f"shared snapshot {shared['DBSnapshotIdentifier']}: SourceAccount must be 12 digits")
    for cluster in _list(world.get("ecs", {}), "clusters", "ecs"):
        if not isinstance(cluster.get("name"), str):
            raise WorldError(f"an ecs cluster has no name: {dict(cluster)}")
        for service in _list(cluster, "services", f"ecs cluster {cluster['name']}"):
            count = service.get("desiredCount", 1)
            if not isinstance(service.get("name"), str) or not isinstance(count, int) or count < 0:
                raise WorldError(f"ecs service needs a name and a non-negative desiredCount: {dict(service)}")
            if service.get("deploymentController", "ECS") not in DEPLOYMENT_CONTROLLERS:
                raise WorldError(
                    f"ecs service {service['name']}: deploymentController must be one of {DEPLOYMENT_CONTROLLERS}"
                )
            for flag in ("classicLoadBalancer", "circuitBreaker"):
                if not isinstance(service.get(flag, False), bool):
                    raise WorldError(f"ecs service {service['name']}: {flag} must be true or false")
            unknown = sorted(set(service) - SERVICE_KEYS)
            if unknown:
                raise WorldError(f"ecs service {service['name']}: unknown keys {unknown}")
    for definition in _list(world.get("ecs", {}), "task_definitions", "ecs"):
        containers = definition.get("containers", ["job"])
        if not isinstance(definition.get("family"), str) or not isinstance(containers, list) or not all(
                isinstance(name, str) for name in containers):
            raise WorldError(f"an ecs task definition needs a family and a list of container names: {dict(definition)}")
    for host in _list(world.get("ec2", {}), "instances", "ec2"):
        unknown = sorted(set(host) - {"Tags", "InstanceType"})
        if unknown:
            raise WorldError(f"ec2 instance: unknown keys {unknown}")
    for secret in _list(world.get("secretsmanager", {}), "secrets", "secretsmanager"):
        if not all(isinstance(secret.get(key), str) for key in ("Name", "SecretString")):
            raise WorldError(f"a secret needs a Name and a SecretString: {sorted(secret)}")


def _known(section: Mapping[str, Any], keys: frozenset[str], where: str) -> None:
    """A key the simulator does not read is refused: a typo (rds.snapshot) must not pass unnoticed."""
    unknown = sorted(set(section) - keys)
    if unknown:
        raise WorldError(f"{where}: unknown keys {unknown}; known keys are {sorted(keys)}")


def _engine(entries: dict[str, Mapping[str, Any]], ident: str) -> tuple[str, str]:
    """Engine and version of a world instance (a replica's are its source's, a cluster instance's its cluster's)."""
    entry = entries[ident.lower()]
    while "SourceDBInstanceIdentifier" in entry:
        entry = entries[entry["SourceDBInstanceIdentifier"].lower()]
    engine = entry["Engine"]
    return engine, entry.get("EngineVersion") or DBInstance.default_engine_versions.get(engine, "1.0")


def _cluster_engine(cluster: Mapping[str, Any]) -> tuple[str, str]:
    engine = cluster["Engine"]
    return engine, cluster.get("EngineVersion") or DBCluster.default_engine_version(engine)


def _major(engine: str, version: str) -> str:
    """An option group's MajorEngineVersion."""
    parts = version.split(".")
    if engine == "postgres" and parts[0].isdigit() and int(parts[0]) >= 10:
        return parts[0]
    return ".".join(parts[:2])


class _Loader:
    def __init__(self, world: Mapping[str, Any]) -> None:
        region = region_of(world)
        self.region = region
        self.world = world
        session = _session()
        self.rds = session.client("rds", region_name=region)
        self.ec2 = session.client("ec2", region_name=region)
        self.ecs = session.client("ecs", region_name=region)
        self.secrets = session.client("secretsmanager", region_name=region)
        self.clusters = {c["DBClusterIdentifier"].lower(): c for c in world["rds"].get("clusters", [])}
        # A cluster's instance takes its cluster's engine (and version, for its parameter group's family).
        self.entries = {e["DBInstanceIdentifier"].lower(): self._with_engine(e) for e in world["rds"]["instances"]}
        self.vpc_subnets: dict[str, list[str]] = {}  # VpcId label -> its subnets

    def _with_engine(self, entry: Mapping[str, Any]) -> Mapping[str, Any]:
        cluster = entry.get("DBClusterIdentifier")
        if cluster is None:
            return entry
        engine, _ = _cluster_engine(self.clusters[cluster.lower()])
        return {"Engine": engine, **entry}

    def engine(self, ident: str) -> tuple[str, str]:
        """Engine and version of a world instance (a cluster instance's are its cluster's)."""
        cluster = self.entries[ident.lower()].get("DBClusterIdentifier")
        return _cluster_engine(self.clusters[cluster.lower()]) if cluster else _engine(self.entries, ident)

    def cluster(self, entry: Mapping[str, Any]) -> None:
        """CreateDBCluster, with its DB cluster parameter group and DB subnet group created when missing."""
        engine, version = _cluster_engine(entry)
        group = entry.get("DBClusterParameterGroupName")
        if group and not group.startswith("default.") and not any(
            g["DBClusterParameterGroupName"] == group
            for g in self.rds.describe_db_cluster_parameter_groups()["DBClusterParameterGroups"]
        ):
            from simulator.rds import engines

            self.rds.create_db_cluster_parameter_group(
                DBClusterParameterGroupName=group,
                DBParameterGroupFamily=engines.parameter_group_family(engine, version),
                Description=f"{group} (simulated world)",
            )
        self._subnet_group(entry.get("DBSubnetGroupName"))
        self.rds.create_db_cluster(**entry)

    def subnet_groups(self) -> None:
        """One VPC per distinct label, with a subnet in each of two Availability Zones, then the groups."""
        for group in self.world["rds"].get("subnet_groups", []):
            label = group["VpcId"]
            if label not in self.vpc_subnets:
                number = len(self.vpc_subnets) + 1
                vpc = self.ec2.create_vpc(
                    CidrBlock=f"10.{number}.0.0/16",
                    TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": label}]}],
                )["Vpc"]["VpcId"]
                self.vpc_subnets[label] = [
                    self.ec2.create_subnet(
                        VpcId=vpc, CidrBlock=f"10.{number}.{index}.0/24", AvailabilityZone=f"{self.region}{zone}"
                    )["Subnet"]["SubnetId"]
                    for index, zone in enumerate("ab")
                ]
            self.rds.create_db_subnet_group(
                DBSubnetGroupName=group["DBSubnetGroupName"],
                DBSubnetGroupDescription=f"{group['DBSubnetGroupName']} (simulated world, {label})",
                SubnetIds=self.vpc_subnets[label],
            )

    def ensure_groups(self, entry: Mapping[str, Any]) -> None:
        from simulator.rds import engines

        engine, version = self.engine(entry["DBInstanceIdentifier"])
        group = entry.get("DBParameterGroupName")
        if (
            group
            and not group.startswith("default.")
            and not any(
                g["DBParameterGroupName"] == group for g in self.rds.describe_db_parameter_groups()["DBParameterGroups"]
            )
        ):
            self.rds.create_db_parameter_group(
                DBParameterGroupName=group,
                DBParameterGroupFamily=engines.parameter_group_family(engine, version),
                Description=f"{group} (simulated world)",
            )
        options = entry.get("OptionGroupName")
        if options and not options.startswith("default:") and not self._option_group_exists(options):
            self.rds.create_option_group(
                OptionGroupName=options,
                EngineName=engine,
                MajorEngineVersion=_major(engine, version),
                OptionGroupDescription=f"{options} (simulated world)",
            )
        self._subnet_group(entry.get("DBSubnetGroupName"))

    def _subnet_group(self, subnets: str | None) -> None:
        if subnets and not any(
            g["DBSubnetGroupName"] == subnets for g in self.rds.describe_db_subnet_groups()["DBSubnetGroups"]
        ):
            default_subnets = self.ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])
            self.rds.create_db_subnet_group(
                DBSubnetGroupName=subnets,
                DBSubnetGroupDescription=f"{subnets} (simulated world)",
                SubnetIds=[s["SubnetId"] for s in default_subnets["Subnets"]],
            )

    def _option_group_exists(self, name: str) -> bool:
        # moto's DescribeOptionGroups fails without a name, so ask for this one.
        try:
            self.rds.describe_option_groups(OptionGroupName=name)
        except self.rds.exceptions.OptionGroupNotFoundFault:
            return False
        return True

    def instance(self, entry: Mapping[str, Any], serves_replicas: bool) -> None:
        from simulator.rds import engines

        entry = self.entries[entry["DBInstanceIdentifier"].lower()]
        operation, create, later = _split_instance(entry)
        replica = operation == "CreateDBInstanceReadReplica"
        if serves_replicas and replica and "BackupRetentionPeriod" not in entry:
            # A world that lists replicas of a replica means that replica has backups (RDS requires them);
            # worlds need not spell that out.
            later["BackupRetentionPeriod"] = 1
        engine, _ = self.engine(entry["DBInstanceIdentifier"])
        reboot = replica and "DBParameterGroupName" in create and not engines.parameter_group_on_replica(engine)
        if reboot:
            later["DBParameterGroupName"] = create.pop("DBParameterGroupName")
        self.ensure_groups(entry)
        if replica:
            self.rds.create_db_instance_read_replica(**create)
        else:
            self.rds.create_db_instance(**create)
        identifier = entry["DBInstanceIdentifier"]
        if later:
            self.rds.modify_db_instance(DBInstanceIdentifier=identifier, **{**later, "ApplyImmediately": True})
        if reboot:
            self.rds.reboot_db_instance(DBInstanceIdentifier=identifier)  # the world's group is in-sync

    def ecs_services(self) -> None:
        clusters = self.world.get("ecs", {}).get("clusters", [])
        if clusters:
            self.ecs.register_task_definition(
                family=PLACEHOLDER_TASK_FAMILY,
                containerDefinitions=[{"name": "app", "image": "simulated/app:latest", "memory": 128}],
            )
        # One-off tasks (a before-swap hook's): each container listed gets a placeholder image.
        for definition in self.world.get("ecs", {}).get("task_definitions", []):
            self.ecs.register_task_definition(
                family=definition["family"],
                containerDefinitions=[{"name": name, "image": "simulated/job:latest", "memory": 128}
                                      for name in definition.get("containers", ["job"])],
            )
        for cluster in clusters:
            self.ecs.create_cluster(clusterName=cluster["name"])
            for service in cluster.get("services", []):
                options: dict[str, Any] = {
                    "deploymentController": {"type": service.get("deploymentController", "ECS")},
                    "deploymentConfiguration": {
                        "deploymentCircuitBreaker": {"enable": bool(service.get("circuitBreaker")),
                                                     "rollback": bool(service.get("circuitBreaker"))}
                    },
                }
                if service.get("classicLoadBalancer"):
                    options["loadBalancers"] = [
                        {"loadBalancerName": f"{service['name']}-clb", "containerName": "app", "containerPort": 80}
                    ]
                self.ecs.create_service(
                    cluster=cluster["name"],
                    serviceName=service["name"],
                    taskDefinition=PLACEHOLDER_TASK_FAMILY,
                    desiredCount=service.get("desiredCount", 1),
                    **options,
                )

    def ec2_hosts(self) -> None:
        hosts = self.world.get("ec2", {}).get("instances", [])
        if hosts:
            # SimulatedAWS spares moto its catalogue of public AMIs (slow to load): the hosts get their own.
            image = self.ec2.register_image(Name=HOST_IMAGE_NAME, RootDeviceName="/dev/sda1")["ImageId"]
        for host in hosts:
            tags = [{"ResourceType": "instance", "Tags": host["Tags"]}] if host.get("Tags") else []
            self.ec2.run_instances(
                ImageId=image,
                MinCount=1,
                MaxCount=1,
                InstanceType=host.get("InstanceType", "t3.micro"),
                TagSpecifications=tags,
            )


def load_world(world: Mapping[str, Any]) -> None:
    """Create the (validated) world in the mocked account; AWS refusals become WorldError."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.rds.models import rds_backends

    from simulator.latency import set_calendar_start, world_start
    from simulator.rds import account

    loader = _Loader(world)
    set_calendar_start(world_start(world))
    account.set_quotas(rds_backends[DEFAULT_ACCOUNT_ID][loader.region], world["rds"].get("quotas", {}))
    step = "rds"
    sources = {entry.get("SourceDBInstanceIdentifier") for entry in world["rds"]["instances"]}
    try:
        step = "rds.subnet_groups"
        loader.subnet_groups()
        for cluster in world["rds"].get("clusters", []):
            step = f"cluster {cluster['DBClusterIdentifier']}"
            loader.cluster(cluster)
        for entry in world["rds"]["instances"]:
            step = f"instance {entry['DBInstanceIdentifier']}"
            loader.instance(entry, serves_replicas=entry["DBInstanceIdentifier"] in sources)
        for snapshot in world["rds"].get("snapshots", []):
            step = f"snapshot {snapshot['DBSnapshotIdentifier']}"
            loader.rds.create_db_snapshot(**snapshot)
        step = "ecs"
        loader.ecs_services()
        step = "ec2"
        loader.ec2_hosts()
        step = "secretsmanager"
        for secret in world.get("secretsmanager", {}).get("secrets", []):
            loader.secrets.create_secret(Name=secret["Name"], SecretString=secret["SecretString"])
    except (ClientError, BotoCoreError) as error:
        raise WorldError(f"{step}: {error}") from error
