"""Notify: when an execution ends (the stack's EventBridge rule on the state machine's status changes), publish
one message saying how it went and what to do next to the notification topic, and emit the refresh's metrics."""

import os

from aws_lambda_powertools.metrics import Metrics, MetricUnit, single_metric

from mitosis.adapters.sfn import StepFunctions
from mitosis.adapters.sns import Sns
from mitosis.metrics import (
    FAILED_REFRESHES,
    NAME_DOWNTIME,
    NAMESPACE,
    REFRESHES,
    SERVICE,
    downtimes,
    measurements,
)
from mitosis.models import REFRESH_JOBS
from mitosis.models.notify import NotificationSent, StatusChangeEvent
from mitosis.runtime import lambda_handler, logger
from mitosis.steps.notify import Notified, notify

sfn = StepFunctions()
sns = Sns()
# Embedded metric format on stdout: CloudWatch Logs turns it into metrics, no PutMetricData call needed.
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)


@lambda_handler(StatusChangeEvent)
def handler(event: StatusChangeEvent) -> NotificationSent:
    jobs = REFRESH_JOBS.validate_json(os.environ.get("REFRESH_JOBS", "[]"))
    notified = notify(sfn, sns, event, jobs, topic_arn=os.environ["TOPIC_ARN"], region=os.environ["AWS_REGION"])
    logger.append_keys(target=notified.summary.field("target") or None)
    return notified.sent.model_copy(update={"metrics": emit(notified)})


def emit(notified: Notified) -> dict[str, float]:
    """The refresh's metrics, flushed now (dimensions job and target; a name's downtime also by name)."""
    dimensions = {"job": notified.sent.job, "target": notified.summary.field("target") or "-"}
    values = measurements(notified.summary)
    emitted = dict(values)
    if values:
        for dimension, text in dimensions.items():  # until the flush below: nothing carries over to the next call
            metrics.add_dimension(name=dimension, value=text)
        for name, value in values.items():
            unit = MetricUnit.Count if name in (REFRESHES, FAILED_REFRESHES) else MetricUnit.Seconds
            metrics.add_metric(name=name, unit=unit, value=value)
        metrics.flush_metrics()
    for name, seconds in downtimes(notified.summary).items():
        with single_metric(name=NAME_DOWNTIME, unit=MetricUnit.Seconds, value=seconds, namespace=NAMESPACE,
                           default_dimensions={**dimensions, "service": SERVICE}) as metric:
            metric.add_dimension(name="name", value=name)
        emitted[f"{NAME_DOWNTIME}/{name}"] = seconds
    return emitted
