"""Delete old: delete one instance of the retired old- tree (the old primary with a final snapshot, unless it
is in a status RDS cannot snapshot: the outcome says so)."""

from mitosis.adapters.rds import Rds
from mitosis.models import Deleted, Deletion
from mitosis.runtime import lambda_handler
from mitosis.steps.cleanup import delete

rds = Rds()


@lambda_handler(Deletion)
def handler(deletion: Deletion) -> Deleted:
    return delete(rds, deletion)
