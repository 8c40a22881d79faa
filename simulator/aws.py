"""The simulated AWS world: moto, with every AWS call of the code under test intercepted.

`SimulatedAWS.start()` starts moto (`mock_aws`, with Step Functions executing state machines), patches
botocore's `BaseClient._make_api_call` and loads the world (recording off, virtual time 0, zero latency).
From then on every boto3 call in the process goes through three stages:

1. Recording: while `recording()` is active, calls to RECORDED_SERVICES are appended to `calls` as
   `{"t", "attempt", "service", "operation", "params", "error", "function", "resource_tags"}`, params JSON-ready
   with every value under a key containing "Password" masked; `resource_tags` are the tags, before the call, of
   the RDS instances and clusters the request names, by ARN (empty for other services), for IAM's `aws:ResourceTag`
   conditions. `recording()` is active only inside a Lambda invocation, so the runner's own calls (starting and
   polling executions, lambda, iam...) never are recorded; Step Functions calls a handler makes are.
2. API-call faults (recorded calls only): the first matching fault raises its error code as botocore does
   (the service's modeled exception class for that code, else ClientError). It is raised above botocore's
   retry handler, so even a Throttling fault reaches the handler.
3. The service simulators (simulator.rds, simulator.ssm, simulator.ecs) answer their service's calls in the
   world's region, correcting moto; every other call goes to moto unchanged.

Status faults (`rds:status`, `ssm:command`, `ecs:deployment`) are handed to the service simulators through
the same FaultSet, so they count matches the same way (see simulator.faults).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from types import TracebackType
from typing import Any, Protocol
from unittest.mock import patch

import boto3
from botocore.client import BaseClient
from botocore.validate import validate_parameters
from moto import mock_aws
from moto.moto_api._internal import mock_random
from moto.rds.models import DBCluster, DBInstance

from simulator.deployment import ACCOUNT_ID
from simulator.ecs import EcsSimulator
from simulator.faults import AwsError, FaultSet
from simulator.iam import Statement, UnmappedCall, decide
from simulator.kms import KmsSimulator
from simulator.latency import INSTANT, Latency, load_latency, to_datetime
from simulator.rds import Forward, RdsSimulator, engines
from simulator.ssm import SsmSimulator
from simulator.world import load_world, region_of, validate_world

RECORDED_SERVICES = frozenset({"rds", "ssm", "ecs", "ec2", "secretsmanager", "stepfunctions", "kms", "sns"})
MASK = "****"
# moto draws resource ids (EC2 instances, ECS tasks...) from one random generator: seeded, runs repeat.
SEED = 20260101


class Clock(Protocol):
    def now(self) -> float: ...


class ServiceSimulator(Protocol):
    def call(self, operation: str, params: dict[str, Any], forward: Forward) -> dict[str, Any]: ...


def _plain(value: Any) -> Any:
    """A JSON-ready copy: datetimes as ISO strings, values of keys containing "Password" masked."""
    if isinstance(value, Mapping):
        return {k: MASK if "Password" in str(k) else _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def _error_code(error: Exception) -> str:
    response = getattr(error, "response", None)
    if isinstance(response, Mapping) and response.get("Error", {}).get("Code"):
        return str(response["Error"]["Code"])
    return type(error).__name__


def _default_group_details(moto_details: Callable[[DBInstance], tuple[str, str]]) -> Callable[[DBInstance],
                                                                                            tuple[str, str]]:
    """An instance's default DB parameter group (family, name): an Aurora engine's as RDS names its families
    (simulator.rds.engines), any other engine's as moto does."""
    def details(db: DBInstance) -> tuple[str, str]:
        if not str(db.engine).startswith("aurora"):
            return moto_details(db)
        family = engines.parameter_group_family(db.engine, str(db.engine_version))
        return family, f"default.{family}"
    return details


class SimulatedAWS:
    """The world of one simulation. Use as a context manager, or call start() and stop().

    `attempt` is the current execution number (1-based) that calls are recorded with and that faults'
    `attempts` refer to; the runner sets it before each execution.
    """

    def __init__(
        self,
        world: Mapping[str, Any],
        *,
        clock: Clock,
        latency: Mapping[str, Any] | None = None,
        faults: list[Any] | None = None,
        policies: Mapping[str, list[Statement]] | None = None,
    ) -> None:
        validate_world(world)  # WorldError before anything starts
        self.world = world
        self.region = region_of(world)
        self.clock = clock
        self.latency: Latency = load_latency(latency)
        self.attempt = 1
        self.calls: list[dict[str, Any]] = []
        # Each Lambda function's IAM statements, by function name: with them, every call a function makes is
        # allowed or refused (AccessDenied) as IAM would; `denied` lists the refused ones.
        self.policies = policies
        self.denied: list[dict[str, Any]] = []
        self._faults = FaultSet(faults, lambda: self.attempt)
        self._recording: list[str | None] = []  # the functions whose calls are being recorded, innermost last
        self._loading = False
        self._lock = threading.RLock()
        self._stack = ExitStack()
        self._original = BaseClient._make_api_call  # botocore's own, captured again when patching
        self._clients: dict[str, BaseClient] = {}
        self.rds = RdsSimulator(
            self.region, self._now, self._latency, self._status_faults("rds:status")
        )
        self.ssm = SsmSimulator(
            self.region, self._now, self._latency, self._status_faults("ssm:command")
        )
        self.ecs = EcsSimulator(self._now, self._latency, self._status_faults("ecs:deployment"),
                                self._status_faults("ecs:task"))
        self.kms = KmsSimulator(self.region, lambda: {
            s.entry["KmsKeyId"] for s in self.rds.registry.snapshots if s.kind == "shared" and s.key_shared
            and s.entry.get("KmsKeyId")})
        self._simulators: dict[str, ServiceSimulator] = {"rds": self.rds, "ssm": self.ssm, "ecs": self.ecs,
                                                         "kms": self.kms}

    # Lifecycle

    def start(self) -> SimulatedAWS:
        stack = ExitStack()
        # Loading moto's catalogue of public AMIs takes about a second per region (and again at reset): skip it.
        stack.enter_context(patch.dict(os.environ, {"MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}))
        stack.enter_context(mock_aws(config={"stepfunctions": {"execute_state_machine": True}}))
        mock_random.seed(SEED)
        self._original = BaseClient._make_api_call
        simulation = self

        def make_api_call(client: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
            return simulation._make_api_call(client, operation_name, api_params)

        stack.enter_context(patch.object(BaseClient, "_make_api_call", make_api_call))
        # moto names an Aurora MySQL instance's default DB parameter group after its whole version
        # (default.aurora-mysql8.0.mysql_aurora.3.05): RDS names it after the family (default.aurora-mysql8.0).
        stack.enter_context(patch.object(DBInstance, "default_db_parameter_group_details", _default_group_details(
            DBInstance.default_db_parameter_group_details)))
        # moto names automated snapshots after the wall clock; automated backups are not simulated.
        for kind in (DBInstance, DBCluster):
            stack.enter_context(patch.object(kind, "save_automated_backup", lambda _resource: None))
            stack.enter_context(patch.object(kind, "latest_restorable_time",
                                             property(lambda _resource: to_datetime(simulation._now()))))
        self._stack = stack
        self._loading = True
        try:
            load_world(self.world)
            self.rds.share(list(self.world["rds"].get("shared_snapshots", [])))
            self.rds.take_automated_snapshots()
        except BaseException:
            self.stop()
            raise
        finally:
            self._loading = False
        return self

    def stop(self) -> None:
        """Undo start(): the patches, then moto (its reset runs with the AMI catalogue still off)."""
        self._stack.close()
        self._clients = {}

    def __enter__(self) -> SimulatedAWS:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def add_simulator(self, service: str, simulator: ServiceSimulator) -> None:
        """Answer `service`'s calls in the world's region with `simulator` from now on (one moto cannot give,
        such as the deployed stack's outputs: simulator.cloudformation)."""
        self._simulators[service] = simulator

    @contextmanager
    def recording(self, function: str | None = None) -> Iterator[None]:
        """Record (and apply API faults to) the AWS calls made inside, as made by `function` (the Lambda
        function's name, so a check can replay each call against that function's IAM policy)."""
        with self._lock:
            self._recording.append(function)
        try:
            yield
        finally:
            with self._lock:
                self._recording.pop()

    # Reports (JSON-ready)

    def instances_report(self) -> list[dict[str, Any]]:
        """Every DB instance now: its DescribeDBInstances dict (TagList included) plus data_origin."""
        with self._lock:
            return _plain(self.rds.instances(self._forward("rds")))

    def snapshots_report(self) -> list[dict[str, Any]]:
        with self._lock:
            return _plain(self.rds.snapshots(self._forward("rds")))

    def clusters_report(self) -> list[dict[str, Any]]:
        """Every DB cluster now: its DescribeDBClusters dict (TagList included) plus data_origin."""
        with self._lock:
            return _plain(self.rds.clusters_report(self._forward("rds")))

    def cluster_snapshots_report(self) -> list[dict[str, Any]]:
        with self._lock:
            return _plain(self.rds.cluster_snapshots(self._forward("rds")))

    def downtime_s(self, names: list[str], until: float, clusters: tuple[str, ...] = ()) -> dict[str, float]:
        """For each name, the virtual seconds in [0, until] when no `available` instance held it (a name in
        `clusters`: no available cluster with an available writer)."""
        with self._lock:
            return self.rds.downtime(names, until, clusters)

    def status_history(self, until: float) -> list[dict[str, Any]]:
        """Each instance's status changes in [0, until]: `{"t", "DBInstanceIdentifier", "DBInstanceStatus",
        "DbiResourceId"}` in time order (DbiResourceId follows one instance across its renames)."""
        with self._lock:
            return self.rds.status_history(until)

    # IAM

    def _authorization_facts(self, service: str, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """What IAM evaluates beyond the request's own parameters, as the account holds it before the call:
        what a new replica or cluster takes from its source (groups, key), the instances of a cluster that a
        ModifyDBCluster or DeleteDBCluster reaches (`members`), a secret's full ARN and key, the instances a command
        targets with their tags."""
        facts: dict[str, Any] = {}
        if (service, operation) == ("rds", "CreateDBInstanceReadReplica"):
            source = self._describe_instance(str(params.get("SourceDBInstanceIdentifier", "")))
            if source:
                groups = source.get("DBParameterGroups", [])
                options = source.get("OptionGroupMemberships", [])
                facts["implied"] = {
                    "DBParameterGroupName": groups[0]["DBParameterGroupName"] if groups else None,
                    "OptionGroupName": options[0]["OptionGroupName"] if options else None,
                    "DBSubnetGroupName": (source.get("DBSubnetGroup") or {}).get("DBSubnetGroupName"),
                    "KmsKeyId": source.get("KmsKeyId") if source.get("StorageEncrypted") else None,
                }
        elif (service, operation) == ("rds", "RestoreDBClusterToPointInTime"):
            source = self._describe_cluster(str(params.get("SourceDBClusterIdentifier", "")))
            if source:
                from simulator.rds.clusters import default_parameter_group

                facts["implied"] = {
                    "DBClusterParameterGroupName": default_parameter_group(source["Engine"], source["EngineVersion"]),
                    "OptionGroupName": self.rds.clusters.get(source["DBClusterIdentifier"]).cluster.option_group_name,
                    "DBSubnetGroupName": source.get("DBSubnetGroup"),
                    "KmsKeyId": source.get("KmsKeyId") if source.get("StorageEncrypted") else None,
                }
        elif (service, operation) in (("rds", "ModifyDBCluster"), ("rds", "DeleteDBCluster")):
            cluster = self._describe_cluster(str(params.get("DBClusterIdentifier", "")))
            facts["members"] = [m["DBInstanceIdentifier"] for m in (cluster or {}).get("DBClusterMembers", [])]
        elif (service, operation) == ("secretsmanager", "GetSecretValue"):
            try:
                secret = self._forward("secretsmanager")("DescribeSecret", {"SecretId": params["SecretId"]})
            except Exception:  # noqa: BLE001 - a missing secret is the call's own error to raise
                secret = {}
            facts["implied"] = {"ARN": secret.get("ARN"), "KmsKeyId": secret.get("KmsKeyId")}
        elif (service, operation) == ("ssm", "SendCommand"):
            facts["targets"] = self._targeted_instances(params)
        elif (service, operation) == ("ecs", "RunTask"):
            # A family without a revision runs its latest ACTIVE one: IAM checks that revision's ARN.
            try:
                described = self._forward("ecs")("DescribeTaskDefinition", {"taskDefinition": params["taskDefinition"]})
                facts["implied"] = {"taskDefinitionArn": described["taskDefinition"]["taskDefinitionArn"]}
            except Exception:  # noqa: BLE001 - an unknown task definition is the call's own error to raise
                pass
        return facts

    def _describe_cluster(self, identifier: str) -> dict[str, Any] | None:
        try:
            return dict(self._forward("rds")("DescribeDBClusters", {"DBClusterIdentifier": identifier})
                        ["DBClusters"][0])
        except Exception:  # noqa: BLE001 - a missing cluster is the call's own error to raise
            return None

    def _describe_instance(self, identifier: str) -> dict[str, Any] | None:
        try:
            return dict(self._forward("rds")("DescribeDBInstances", {"DBInstanceIdentifier": identifier})
                        ["DBInstances"][0])
        except Exception:  # noqa: BLE001 - a missing source is the call's own error to raise
            return None

    def _targeted_instances(self, params: Mapping[str, Any]) -> dict[str, dict[str, str]]:
        """The running EC2 instances a SendCommand's targets match, with their tags."""
        filters = [{"Name": "instance-state-name", "Values": ["running"]}]
        ids: list[str] = list(params.get("InstanceIds", []))
        for target in params.get("Targets", []):
            if target["Key"] == "InstanceIds":
                ids += target["Values"]
            elif target["Key"].startswith("tag:"):
                filters.append({"Name": target["Key"], "Values": target["Values"]})
        request: dict[str, Any] = {"Filters": filters, **({"InstanceIds": ids} if ids else {})}
        reservations = self._forward("ec2")("DescribeInstances", request)["Reservations"]
        return {i["InstanceId"]: {t["Key"]: t["Value"] for t in i.get("Tags", [])}
                for r in reservations for i in r["Instances"]}

    def _authorize(self, call: dict[str, Any]) -> None:
        """Refuse the call as IAM would when the calling function's role does not allow every pair it needs."""
        function = call["function"]
        statements = (self.policies or {}).get(function)
        try:
            if statements is None:
                raise UnmappedCall(f"no policy is known for function {function}")
            refused = [(action, resource) for action, resource, decision in decide(statements, call, self.region)
                       if decision != "allow"]
        except UnmappedCall as error:
            refused = [("unmapped", str(error))]
        if refused:
            self.denied.append({"t": call["t"], "attempt": call["attempt"], "function": function,
                                "service": call["service"], "operation": call["operation"], "refused": refused})
            action, resource = refused[0]
            code = "AccessDenied" if call["service"] == "rds" else "AccessDeniedException"
            raise AwsError(code, f"User: arn:aws:sts::{ACCOUNT_ID}:assumed-role/{function}/{function} is not "
                                 f"authorized to perform: {action} on resource: {resource} because no "
                                 "identity-based policy allows it")

    # Interception

    def _status_faults(self, kind: str) -> Callable[[Mapping[str, Any]], str | None]:
        """The status faults of one kind; the world is loaded without them, whatever their `match`."""
        return lambda params: None if self._loading else self._faults.fire(kind, params)

    def _now(self) -> float:
        return 0.0 if self._loading else self.clock.now()

    def _latency(self) -> Latency:
        return INSTANT if self._loading else self.latency

    def _forward(self, service: str) -> Forward:
        """Calls straight to moto, for the reports."""
        if service not in self._clients:
            self._clients[service] = boto3.client(service, region_name=self.region)
        return functools.partial(self._original, self._clients[service])

    def _make_api_call(self, client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        service = client.meta.service_model.service_name
        simulator = self._simulators.get(service) if client.meta.region_name == self.region else None
        record = bool(self._recording) and service in RECORDED_SERVICES
        if simulator is None and not record:
            return self._original(client, operation, params)
        with self._lock:
            call = {
                "t": self._now(),
                "attempt": self.attempt,
                "service": service,
                "operation": operation,
                "params": _plain(params),
                "error": None,
                "function": self._recording[-1] if record else None,
                "resource_tags": self.rds.resource_tags(params) if record and simulator is self.rds else {},
            }
            if record:
                call.update(self._authorization_facts(service, operation, params))
            try:
                shape = client.meta.service_model.operation_model(operation).input_shape
                if client.meta.config.parameter_validation and shape is not None:
                    validate_parameters(params, shape)  # as botocore would, before any fault or simulated answer
                if record and self.policies is not None:
                    self._authorize(call)
                fault = self._faults.fire(f"{service}:{operation}", params) if record else None
                if fault:
                    raise AwsError(fault, f"Simulated fault: {operation} failed with {fault}.")
                forward = functools.partial(self._original, client)
                return simulator.call(operation, params, forward) if simulator else forward(operation, params)
            except AwsError as error:
                call["error"] = error.code
                response = {
                    "Error": {"Code": error.code, "Message": error.message, "Type": "Sender"},
                    "ResponseMetadata": {"HTTPStatusCode": 400},
                }
                raise client.exceptions.from_code(error.code)(response, operation) from None
            except Exception as error:
                call["error"] = _error_code(error)
                raise
            finally:
                if record:
                    self.calls.append(call)
