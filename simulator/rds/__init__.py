"""Simulated RDS instances: moto's RDS backend, corrected where moto is not RDS. AWS's documentation is the
authority; each rule is tested in tests/simulator/ with its source, and the rules AWS does not document are
marked there as the simulator's assumptions.

- `simulator.rds.lifecycle`: statuses on the virtual clock (planned phases, events, the modify lag, daily
  backup windows), read lazily: `settle()`, before every call and report, runs what was due and writes the
  statuses of now into moto's objects, so moto's own responses show them.
- `simulator.rds.modify`: which ModifyDBInstance changes happen at once, after the modify lag, or in the
  maintenance window; their PendingModifiedValues names and statuses; what a modification refuses.
- `simulator.rds.replicas`: CreateDBInstanceReadReplica's rules (source, placement, groups, encryption,
  storage) and the replica's defaults.
- `simulator.rds.groups`, `simulator.rds.placement`: parameter/option groups a request names; VPCs, subnet
  groups and default security groups.
- `simulator.rds.storage`: storage settings RDS refuses (gp3 thresholds and ranges) and the IOPS/throughput it
  reports.
- `simulator.rds.engines`: per-engine facts (parameter group families, replica limits and chains, gp3).
- `simulator.rds.account`: quotas and DescribeAccountAttributes.
- `simulator.rds.simulator`: RdsSimulator, the operations: CreateDBInstance, CreateDBInstanceReadReplica,
  RestoreDBInstanceFromDBSnapshot, PromoteReadReplica, ModifyDBInstance, RebootDBInstance, DeleteDBInstance,
  CreateDBSnapshot, DescribeAccountAttributes; every response's DB instances as DescribeDBInstances shows them
  (PendingModifiedValues, ParameterApplyStatus, gp3 baseline IOPS/throughput, MasterUserSecret).

Durations are `simulator.latency.Latency` fields:

- CreateDBInstanceReadReplica and CreateDBInstance: `creating` (create_read_replica); RestoreDBInstanceFrom-
  DBSnapshot: `creating` (restore_snapshot).
- PromoteReadReplica: `modifying` (promote), then `backing-up` (enable_backups) when it turns backups on.
- ModifyDBInstance: immediate changes at once; the others wait `modify_lag` in PendingModifiedValues, then
  `renaming` (rename), `modifying` or a status of their own (modify), `backing-up` (enable_backups) when backups
  go 0 -> n; their values reach the instance when that ends. A rename frees the old identifier when its lag ends
  and keeps it reserved until the rename ends.
- RebootDBInstance: `rebooting` (reboot). DeleteDBInstance: `deleting` (delete), then gone; replicas of a
  deleted instance become standalone.
- Daily: `backing-up` during PreferredBackupWindow when BackupRetentionPeriod > 0 and nothing else runs.
- An `rds:status` fault whose `match` fits the request of an operation that would end `available` makes it end
  in the fault's status (`incompatible-parameters`...); the instance stays so until deleted or repaired.

Corrections of moto's objects: a replica is a shallow copy of its source in moto, so its mutable attributes
are copied apart; each instance gets a unique DbiResourceId from a counter; replica links follow renames,
promotions and deletions; DBPortNumber, EnablePerformanceInsights and EnableCloudwatchLogsExports reach the
attributes moto describes; an instance without a DB subnet group is in the default VPC's `default` group;
timestamps are virtual.

`data_origin` (not in moto): a created instance's own identifier; a replica or restore inherits its source's
(or the snapshot's); it survives renames and promotions, and a final snapshot inherits it.
"""

from simulator.rds.simulator import Forward, RdsSimulator

__all__ = ["Forward", "RdsSimulator"]
