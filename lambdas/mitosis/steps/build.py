"""Building the copies: create (a replica, a restore, an Aurora clone or one of its instances), configure, reboot,
promote, set the master password, and the checks that wait for each result."""

from __future__ import annotations

from collections.abc import Callable

from mitosis.adapters.rds import Rds
from mitosis.adapters.secrets import Secrets
from mitosis.errors import InstanceFailed, NotReady
from mitosis.models import Call, Expectation, Outcome, Params, PasswordChange, SnapshotCopy, identifier_key
from mitosis.status import Readiness, is_busy, progress, state_of


def create_copy(rds: Rds, call: Call) -> Outcome:
    """The copy's creation (a read replica, a restore, an Aurora clone or an instance of it), skipped when a
    retried invocation already created it (the planner refused any temp- instance or cluster that existed before
    this execution and was not this refresh's)."""
    expect = call.expect
    done = Outcome(**{identifier_key(expect.cluster): expect.identifier}, action="skipped")
    if rds.find(expect) is not None:
        return done
    creates = {"CreateDBInstanceReadReplica": rds.create_read_replica,
               "RestoreDBInstanceToPointInTime": rds.restore_to_point_in_time,
               "RestoreDBInstanceFromDBSnapshot": rds.restore_from_snapshot,
               "RestoreDBClusterToPointInTime": rds.restore_cluster,
               "CreateDBInstance": rds.create_instance}
    creates[call.op](call.request)
    return done.model_copy(update={"action": "created"})


def copy_snapshot(rds: Rds, copy: SnapshotCopy) -> dict[str, str]:
    """CopyDBSnapshot of the snapshot to restore, skipped when the copy exists (a retry, or a re-run)."""
    if rds.snapshot(copy.DBSnapshotIdentifier) is not None:
        return {"DBSnapshotIdentifier": copy.DBSnapshotIdentifier, "action": "skipped"}
    rds.copy_snapshot(copy.request)
    return {"DBSnapshotIdentifier": copy.DBSnapshotIdentifier, "action": "copying"}


def await_snapshot(rds: Rds, copy: SnapshotCopy) -> dict[str, str]:
    """One check that the copy is available; NotReady while it is being copied."""
    snapshot = rds.snapshot(copy.DBSnapshotIdentifier)
    if snapshot is None or snapshot.Status != "available":
        raise NotReady(f"snapshot {copy.DBSnapshotIdentifier}: {snapshot.Status if snapshot else 'not there yet'}")
    return {"DBSnapshotIdentifier": copy.DBSnapshotIdentifier, "action": "ready"}


def configure_copy(rds: Rds, call: Call) -> Outcome:
    """ModifyDBInstance on a copy: what RDS does not take at creation (a parameter group) and its backups."""
    return _modify_unless_done(rds, call, rds.modify, "modified")


def reboot_copy(rds: Rds, call: Call) -> Outcome:
    """RebootDBInstance: a new parameter group takes effect at the next reboot."""
    return _modify_unless_done(rds, call, rds.reboot, "rebooted")


def promote_copy(rds: Rds, call: Call) -> Outcome:
    """PromoteReadReplica: detach the copy from production, turning its backups on in the same call."""
    identifier = call.expect.identifier
    instance = rds.describe(identifier)
    if instance is not None and instance.ReadReplicaSourceDBInstanceIdentifier is None:
        return Outcome(DBInstanceIdentifier=identifier, action="skipped")
    rds.promote(call.request)
    return Outcome(DBInstanceIdentifier=identifier, action="promoted")


def set_password(rds: Rds, secrets: Secrets, change: PasswordChange) -> Outcome:
    """The copy's (or the cluster copy's) master password from the secret. The value goes to RDS only: never
    logged, never returned."""
    named = {identifier_key(change.cluster): change.identifier}
    rds.modify({**named, "MasterUserPassword": secrets.password(change.secret_arn), "ApplyImmediately": True})
    return Outcome(**named, action="password set")


def await_result(rds: Rds, expect: Expectation) -> Outcome:
    """One check: returns once the expected result is in effect, NotReady while it is not (Step Functions
    retries), InstanceFailed for a status the instance does not leave by itself."""
    resource = rds.find(expect)
    state = progress(resource, expect)
    if state is Readiness.STUCK:
        raise InstanceFailed(f"{expect.identifier} is {state_of(resource)}: RDS does not leave this by itself.")
    if state is Readiness.WAIT:
        raise NotReady(f"{expect.identifier}: {state_of(resource)}")
    return Outcome(**{identifier_key(expect.cluster): expect.identifier}, action="ready")


def _modify_unless_done(rds: Rds, call: Call, request: Callable[[Params], None], action: str) -> Outcome:
    """Make the call unless its result is already in effect. While the instance is busy (an earlier
    invocation's call under way, or anything else: RDS would refuse the call) the step waits: NotReady."""
    identifier = call.expect.identifier
    instance = rds.describe(identifier)
    if instance is not None and progress(instance, call.expect) is Readiness.READY:
        return Outcome(DBInstanceIdentifier=identifier, action="skipped")
    if instance is not None and is_busy(instance):
        raise NotReady(f"{identifier}: {state_of(instance)}")
    request(call.request)
    return Outcome(DBInstanceIdentifier=identifier, action=action)
