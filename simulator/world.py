"""WORLD.json (format in SIMULATION.md) checked, then created in the simulated account.

`load_world` makes ordinary boto3 calls; SimulatedAWS runs them through its service simulators with recording
off, at virtual time 0 and with zero latency, so the world's resources get the simulators' bookkeeping
(unique DbiResourceIds, data_origin, replica links) and are all settled (`available`) from the start.

- `rds.instances` are created in list order: with CreateDBInstanceReadReplica when the entry has
  SourceDBInstanceIdentifier (which must be an earlier entry), else with CreateDBInstance. Keys the create call
  does not accept but ModifyDBInstance does are applied by a follow-up ModifyDBInstance; other keys are refused.
- Referenced DB parameter groups, option groups and DB subnet groups are created when missing. VPC security
  group ids are kept exactly as written (moto accepts any string), so reports compare with the world's ids.
- `rds.snapshots`: CreateDBSnapshot requests (DBSnapshotIdentifier, DBInstanceIdentifier, Tags) of world
  instances, taken after every instance exists.
- `ecs.clusters[].services[]`: `name` and `desiredCount`, running a placeholder task definition.
- `ec2.instances[]`: `Tags` (and optionally `InstanceType`): the SSM-managed hosts a restart may target.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from moto.rds.models import DBInstance

PLACEHOLDER_TASK_FAMILY = "simulated-app"
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
    region_of(world)
    rds = world.get("rds")
    if not isinstance(rds, Mapping) or "instances" not in rds:
        raise WorldError("the world needs rds.instances")
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
        if source is None and not all(isinstance(entry.get(k), str) for k in ("Engine", "DBInstanceClass")):
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
    for cluster in _list(world.get("ecs", {}), "clusters", "ecs"):
        if not isinstance(cluster.get("name"), str):
            raise WorldError(f"an ecs cluster has no name: {dict(cluster)}")
        for service in _list(cluster, "services", f"ecs cluster {cluster['name']}"):
            count = service.get("desiredCount", 1)
            if not isinstance(service.get("name"), str) or not isinstance(count, int) or count < 0:
                raise WorldError(f"ecs service needs a name and a non-negative desiredCount: {dict(service)}")
    for host in _list(world.get("ec2", {}), "instances", "ec2"):
        unknown = sorted(set(host) - {"Tags", "InstanceType"})
        if unknown:
            raise WorldError(f"ec2 instance: unknown keys {unknown}")


def _engine(entries: dict[str, Mapping[str, Any]], ident: str) -> tuple[str, str]:
    """Engine and version of a world instance (a replica's are its source's)."""
    entry = entries[ident.lower()]
    while "SourceDBInstanceIdentifier" in entry:
        entry = entries[entry["SourceDBInstanceIdentifier"].lower()]
    engine = entry["Engine"]
    return engine, entry.get("EngineVersion") or DBInstance.default_engine_versions.get(engine, "1.0")


def _major(engine: str, version: str) -> str:
    parts = version.split(".")
    # Postgres 10+ names families by major version only (postgres15); the others by major.minor (mysql8.0).
    if engine == "postgres" and parts[0].isdigit() and int(parts[0]) >= 10:
        return parts[0]
    return ".".join(parts[:2])


class _Loader:
    def __init__(self, world: Mapping[str, Any]) -> None:
        region = region_of(world)
        self.world = world
        session = _session()
        self.rds = session.client("rds", region_name=region)
        self.ec2 = session.client("ec2", region_name=region)
        self.ecs = session.client("ecs", region_name=region)
        self.secrets = session.client("secretsmanager", region_name=region)
        self.entries = {e["DBInstanceIdentifier"].lower(): e for e in world["rds"]["instances"]}

    def ensure_groups(self, entry: Mapping[str, Any]) -> None:
        engine, version = _engine(self.entries, entry["DBInstanceIdentifier"])
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
                DBParameterGroupFamily=f"{engine}{_major(engine, version)}",
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
        subnets = entry.get("DBSubnetGroupName")
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
        operation, create, later = _split_instance(entry)
        if serves_replicas and operation == "CreateDBInstanceReadReplica" and "BackupRetentionPeriod" not in entry:
            # A world that lists replicas of a replica means that replica has backups (RDS requires them);
            # worlds need not spell that out.
            later["BackupRetentionPeriod"] = 1
        self.ensure_groups(entry)
        if operation == "CreateDBInstanceReadReplica":
            self.rds.create_db_instance_read_replica(**create)
        else:
            self.rds.create_db_instance(**create)
        if later:
            self.rds.modify_db_instance(
                DBInstanceIdentifier=entry["DBInstanceIdentifier"], **{**later, "ApplyImmediately": True}
            )

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
                self.ecs.create_service(
                    cluster=cluster["name"],
                    serviceName=service["name"],
                    taskDefinition=PLACEHOLDER_TASK_FAMILY,
                    desiredCount=service.get("desiredCount", 1),
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
    loader = _Loader(world)
    step = "rds"
    sources = {entry.get("SourceDBInstanceIdentifier") for entry in world["rds"]["instances"]}
    try:
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
