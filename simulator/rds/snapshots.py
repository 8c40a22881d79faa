"""Snapshots the simulated RDS keeps itself, beside moto's manual ones: automated snapshots, snapshots shared from
another account, and copies (moto's copies and restores cannot reach another account's snapshot, and moto
creates no automated snapshot in the simulation: its names would come from the wall clock).

Each is a DescribeDBSnapshots entry plus its `data_origin` and, for one shared from another account, whether its
key is shared with this account. The rules AWS documents for them (botocore rds service model and the RDS User
Guide, cited in tests/simulator/test_rds_restore.py):

- DescribeDBSnapshots: "If you don't specify a SnapshotType value, then both automated and manual snapshots are
  returned. Shared and public DB snapshots are not included in the returned results by default"; `shared`
  returns the manual snapshots other accounts shared with this one (IncludeShared adds them).
- A restore or a copy names a shared snapshot by its ARN ("If you are restoring from a shared manual DB snapshot,
  the DBSnapshotIdentifier must be the ARN of the shared DB snapshot").
- "You can't restore a DB instance from a DB snapshot that is both shared and encrypted. Instead, you can make a
  copy of the DB snapshot and restore the DB instance from the copy" (User Guide, Restoring to a DB instance).
- CopyDBSnapshot.KmsKeyId: "If you copy an encrypted DB snapshot that is shared from another Amazon Web Services
  account, then you must specify a value for KmsKeyId"; the shared key must be usable by this account.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from simulator.faults import AwsError
from simulator.rds import engines


@dataclass
class Snapshot:
    entry: dict[str, Any]  # as DescribeDBSnapshots shows it
    data_origin: str
    available_at: float = 0.0  # a copy is `creating` until then
    key_shared: bool = True  # for one shared from another account: whether its key is shared with this one

    @property
    def identifier(self) -> str:
        return str(self.entry["DBSnapshotIdentifier"])

    @property
    def arn(self) -> str:
        return str(self.entry["DBSnapshotArn"])

    @property
    def kind(self) -> str:
        return str(self.entry["SnapshotType"])

    def status(self, now: float) -> str:
        return "available" if now >= self.available_at else "creating"


@dataclass
class SnapshotRegistry:
    snapshots: list[Snapshot] = field(default_factory=list)

    def add(self, snapshot: Snapshot) -> None:
        self.snapshots.append(snapshot)

    def find(self, name: str) -> Snapshot | None:
        """By identifier (this account's) or ARN (any)."""
        return next((s for s in self.snapshots if name in (s.arn, s.identifier if s.kind != "shared" else None)),
                    None)

    def remove(self, snapshot: Snapshot) -> None:
        self.snapshots.remove(snapshot)

    def describe(self, params: dict[str, Any], now: float) -> list[dict[str, Any]]:
        """The entries a DescribeDBSnapshots request selects."""
        kind = params.get("SnapshotType")
        kinds = {kind} if kind else {"automated", "manual"} | ({"shared"} if params.get("IncludeShared") else set())
        found = []
        for snapshot in self.snapshots:
            if snapshot.kind not in kinds:
                continue
            if params.get("DBInstanceIdentifier") and snapshot.entry["DBInstanceIdentifier"] != params[
                    "DBInstanceIdentifier"] or snapshot.kind == "shared" and params.get("DBInstanceIdentifier"):
                continue
            if params.get("DBSnapshotIdentifier") and params["DBSnapshotIdentifier"] not in (
                    snapshot.identifier, snapshot.arn):
                continue
            found.append({**snapshot.entry, "Status": snapshot.status(now)})
        return found


def shared_snapshot(spec: dict[str, Any], region: str, created: dt.datetime) -> Snapshot:
    """A world's `rds.shared_snapshots` entry: a manual snapshot of another account, shared with this one."""
    identifier, account = spec["DBSnapshotIdentifier"], str(spec["SourceAccount"])
    encrypted = bool(spec.get("Encrypted", False))
    entry = {
        "DBSnapshotIdentifier": identifier, "DBSnapshotArn": f"arn:aws:rds:{region}:{account}:snapshot:{identifier}",
        "DBInstanceIdentifier": spec["DBInstanceIdentifier"], "SnapshotType": "shared", "Engine": spec["Engine"],
        "EngineVersion": spec.get("EngineVersion", ""), "AllocatedStorage": int(spec.get("AllocatedStorage", 20)),
        "StorageType": spec.get("StorageType", "gp3"), "Encrypted": encrypted,
        "SnapshotCreateTime": spec.get("SnapshotCreateTime", created),
        "Port": int(spec.get("Port", engines.default_port(spec["Engine"]))),
        "MasterUsername": spec.get("MasterUsername", "admin"),
    }
    if encrypted:
        entry["KmsKeyId"] = spec.get("KmsKeyId", f"arn:aws:kms:{region}:{account}:key/shared")
    return Snapshot(entry, data_origin=spec["DBInstanceIdentifier"], key_shared=bool(spec.get("KeyShared", True)))


def check_restorable(snapshot: Snapshot, now: float) -> None:
    if snapshot.status(now) != "available":
        raise AwsError("InvalidDBSnapshotState", f"Snapshot {snapshot.identifier} is not available.")
    if snapshot.kind == "shared" and snapshot.entry["Encrypted"]:
        # the error code is undocumented; the User Guide's sentence is the rule
        raise AwsError("InvalidParameterCombination", "You can't restore a DB instance from a DB snapshot that is "
                       "both shared and encrypted. Instead, make a copy of the DB snapshot and restore from the copy.")


def check_copyable(snapshot: Snapshot, params: dict[str, Any], now: float) -> None:
    if snapshot.status(now) != "available":
        raise AwsError("InvalidDBSnapshotState", f"Snapshot {snapshot.identifier} is not available.")
    if snapshot.kind == "shared" and snapshot.entry["Encrypted"]:
        if not params.get("KmsKeyId"):
            raise AwsError("InvalidParameterValue", "If you copy an encrypted DB snapshot that is shared from another "
                           "Amazon Web Services account, then you must specify a value for KmsKeyId.")
        if not snapshot.key_shared:
            raise AwsError("KMSKeyNotAccessibleFault", f"The key {snapshot.entry['KmsKeyId']} of the shared snapshot "
                           "is not accessible.")
