"""What the Notify function gets and gives: the "Step Functions Execution Status Change" event EventBridge
delivers (as the stack's rule passes it on), and what it published."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ExecutionStatusChange(BaseModel):
    """The event's `detail`: "the same information as the DescribeExecution API" (Step Functions Developer Guide,
    https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html); dates in epoch milliseconds. Fields AWS
    adds later are ignored, and input and output are not read here (they may be left out when large)."""

    model_config = ConfigDict(extra="ignore")

    executionArn: str
    stateMachineArn: str
    name: str
    status: str
    startDate: int | None = None
    stopDate: int | None = None


class StatusChangeEvent(BaseModel):
    """The part of the EventBridge event the rule's input transformer passes: its detail and time."""

    detail: ExecutionStatusChange
    time: str = ""


class NotificationSent(BaseModel):
    """What Notify did for one finished execution: the message published (its id), and the metrics emitted."""

    execution: str
    job: str
    status: str
    subject: str
    message_id: str | None = None
    metrics: dict[str, float] = Field(default_factory=dict)
