"""Discard copy: delete a copy of ours that cannot become part of this refresh (broken, stale, or orphaned).
Its own function because it deletes temp- instances, where Delete old may only delete old- ones."""

from mitosis.adapters.rds import Rds
from mitosis.models import Deleted, Deletion
from mitosis.runtime import lambda_handler
from mitosis.steps.cleanup import delete

rds = Rds()


@lambda_handler(Deletion)
def handler(deletion: Deletion) -> Deleted:
    return delete(rds, deletion)
