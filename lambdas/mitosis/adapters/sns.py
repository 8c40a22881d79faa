"""SNS adapter: publish a message to the notification topic."""

from __future__ import annotations

from typing import Any

from mitosis.adapters.aws import aws_errors, lazy_client


class Sns:
    def __init__(self, client: Any = None) -> None:
        self._client = (lambda: client) if client is not None else lazy_client("sns")

    def publish(self, topic_arn: str, subject: str, message: str, attributes: dict[str, str]) -> str:
        """The message's id. `attributes` become string message attributes, so a subscription's filter policy
        can choose by them (only failures, one job...)."""
        with aws_errors():
            response = self._client().publish(
                TopicArn=topic_arn, Subject=subject, Message=message,
                MessageAttributes={key: {"DataType": "String", "StringValue": value}
                                   for key, value in attributes.items() if value})
        return str(response["MessageId"])
