"""Describe: validate the execution input against the declared refresh jobs (before anything is read), then
gather the part of the region's replication graph the refresh needs."""

import os

from mitosis.adapters.kms import Kms
from mitosis.adapters.rds import Rds
from mitosis.models import REFRESH_JOBS, DescribeEvent, Refresh
from mitosis.runtime import lambda_handler
from mitosis.steps.describe import describe

rds = Rds()
kms = Kms()


@lambda_handler(DescribeEvent)
def handler(event: DescribeEvent) -> Refresh:
    return describe(rds, kms, event, REFRESH_JOBS.validate_json(os.environ.get("REFRESH_JOBS", "[]")))
