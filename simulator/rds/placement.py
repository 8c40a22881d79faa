"""Where an instance is: its DB subnet group's VPC, that VPC's default security group."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID
from moto.ec2.models import ec2_backends
from moto.rds.models import DBInstance, RDSBackend

DEFAULT_SUBNET_GROUP = "default"
Forward = Callable[[str, dict[str, Any]], dict[str, Any]]


def default_vpc(region: str) -> str:
    return str(ec2_backends[DEFAULT_ACCOUNT_ID][region].default_vpc.id)


def vpc_of(db: DBInstance, region: str) -> str:
    group = getattr(db, "db_subnet_group", None)
    return str(group.vpc_id) if group is not None else default_vpc(region)


def default_security_group(region: str, vpc_id: str) -> str:
    group = ec2_backends[DEFAULT_ACCOUNT_ID][region].get_default_security_group(vpc_id)
    assert group is not None, "moto gives every VPC its default security group"
    return str(group.id)


def ensure_default_subnet_group(backend: RDSBackend, region: str, forward: Forward) -> None:
    """The default VPC's `default` DB subnet group, created with the first instance that needs it."""
    if DEFAULT_SUBNET_GROUP in backend.subnet_groups:
        return
    subnets = [subnet.id for subnet in ec2_backends[DEFAULT_ACCOUNT_ID][region].get_default_subnets().values()]
    forward(
        "CreateDBSubnetGroup",
        {"DBSubnetGroupName": DEFAULT_SUBNET_GROUP, "DBSubnetGroupDescription": "default", "SubnetIds": subnets},
    )
