"""Notify: one message per finished execution, and the refresh's measurements."""

from __future__ import annotations

from dataclasses import dataclass

from mitosis.adapters.sfn import StepFunctions
from mitosis.adapters.sns import Sns
from mitosis.history import Summary, summarize
from mitosis.models import RefreshJob
from mitosis.models.notify import NotificationSent, StatusChangeEvent
from mitosis.notification import compose

UNDECLARED = "undeclared"  # the job of an execution whose input names no declared (source, target)


@dataclass(frozen=True)
class Notified:
    sent: NotificationSent
    summary: Summary


def job_of(summary: Summary, jobs: list[RefreshJob]) -> str:
    pair = (summary.field("source"), summary.field("target"))
    return next((job.name for job in jobs if (job.source, job.target) == pair), UNDECLARED)


def notify(sfn: StepFunctions, sns: Sns, event: StatusChangeEvent, jobs: list[RefreshJob], *, topic_arn: str,
           region: str) -> Notified:
    """Read the finished execution (its description and history: the event carries neither the failed state nor
    the error), publish what happened to the topic, and return it with the execution's summary."""
    arn = event.detail.executionArn
    description = sfn.describe_execution(arn)
    summary = summarize(description, sfn.history(arn))
    job = job_of(summary, jobs)
    message = compose(summary, job=job, execution_arn=arn, region=region, output=description.get("output"))
    message_id = sns.publish(topic_arn, message.subject, message.body, {
        "status": summary.status, "job": job, "target": summary.field("target"),
        "dry_run": "true" if summary.dry_run else "false"})
    sent = NotificationSent(execution=summary.name, job=job, status=summary.status, subject=message.subject,
                            message_id=message_id)
    return Notified(sent=sent, summary=summary)
