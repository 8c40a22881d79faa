"""Operating the refresh with nobody awake: a message per finished execution, an alarm, a dashboard.

- The notification topic: created by the stack (SSL-only publishing), or the one cdk.json names
  (`notifications.topic_arn`); every address in `notifications.emails` is subscribed.
- An EventBridge rule on the state machine's "Step Functions Execution Status Change" events for the statuses
  an execution ends in invokes the Notify function, which reads the execution (the event has no error, cause or
  failed state), publishes one message to the topic and emits the refresh's metrics (mitosis.metrics).
- EventBridge delivers these events "best effort" (EventBridge events reference, Step Functions), so a CloudWatch
  alarm on the state machine's own AWS/States metrics (executions failed or timed out) notifies the same topic
  whatever happens to the event.
- A dashboard: the executions by result, the alarm, each job's refresh and phase durations, each name's
  downtime and the Notify function's errors.

The rule passes the function `{"event": {"detail", "time"}, "context": {"execution"}}` (an input transformer),
the envelope every handler takes (mitosis.runtime).
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct
from mitosis.metrics import NAME_DOWNTIME, NAMESPACE, PHASE_DURATION, REFRESH_DURATION

from infrastructure.functions import Fn, RefreshFunctions
from infrastructure.settings import STATE_MACHINE_NAME, TOPIC_NAME, Notifications

ENDED = ["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]
DASHBOARD_NAME = "stack-mitosis"
DAY = Duration.days(1)


class RefreshMonitoring(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, functions: RefreshFunctions,
                 state_machine: sfn.StateMachine, notifications: Notifications) -> None:
        super().__init__(scope, construct_id)
        if notifications.topic_arn:
            self.topic = sns.Topic.from_topic_arn(self, "Topic", notifications.topic_arn)
        else:
            self.topic = sns.Topic(self, "Topic", topic_name=TOPIC_NAME, display_name="stack-mitosis",
                                   enforce_ssl=True)
        for email in notifications.emails:
            self.topic.add_subscription(subscriptions.EmailSubscription(email))

        notify = functions[Fn.NOTIFY]
        notify.add_environment("TOPIC_ARN", self.topic.topic_arn)
        self.rule = events.Rule(
            self, "ExecutionEnded", description=f"An execution of {STATE_MACHINE_NAME} ended: notify",
            event_pattern=events.EventPattern(
                source=["aws.states"], detail_type=["Step Functions Execution Status Change"],
                detail={"status": ENDED, "stateMachineArn": [state_machine.state_machine_arn]}),
            targets=[targets.LambdaFunction(notify, event=events.RuleTargetInput.from_object({
                "event": {"detail": events.EventField.from_path("$.detail"), "time": events.EventField.time},
                "context": {"execution": events.EventField.from_path("$.detail.name")},
            }))],
        )

        failed = cloudwatch.MathExpression(
            expression="failed + timedOut", label="Executions failed or timed out", period=Duration.minutes(5),
            using_metrics={"failed": state_machine.metric_failed(), "timedOut": state_machine.metric_timed_out()})
        self.alarm = failed.create_alarm(
            self, "RefreshFailed", alarm_description=(
                f"An execution of {STATE_MACHINE_NAME} failed or timed out (AWS/States). The notification topic "
                "also gets a message from the Notify function saying where and what to do next."),
            threshold=1, evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING)
        self.alarm.add_alarm_action(actions.SnsAction(self.topic))

        self.dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=DASHBOARD_NAME, widgets=[
            [cloudwatch.TextWidget(width=24, height=2, markdown=(
                "# stack-mitosis\nEach refresh's durations and each name's downtime come from the Notify function "
                f"(namespace {NAMESPACE}, by job and target); executions from AWS/States."))],
            [cloudwatch.GraphWidget(title="Executions", width=12, left=[
                state_machine.metric_succeeded(period=DAY, label="Succeeded"),
                state_machine.metric_failed(period=DAY, label="Failed"),
                state_machine.metric_timed_out(period=DAY, label="Timed out"),
                state_machine.metric_aborted(period=DAY, label="Aborted")]),
             cloudwatch.AlarmStatusWidget(title="Alarm", width=12, alarms=[self.alarm])],
            [self._search("Refresh duration (s)", [REFRESH_DURATION]),
             self._search("Phase durations (s)", list(PHASE_DURATION.values()))],
            [self._search("Downtime per name (s)", [NAME_DOWNTIME], dimensions="job,name,service,target"),
             cloudwatch.GraphWidget(title="Notify errors", width=12, left=[
                 notify.metric_errors(period=DAY), notify.metric_invocations(period=DAY)])],
        ])

    @staticmethod
    def _search(title: str, metrics: list[str], dimensions: str = "job,service,target") -> cloudwatch.GraphWidget:
        """Every job's series of these metrics (a search expression: the jobs' names and their trees' names
        are the dimensions' values)."""
        names = " OR ".join(f'MetricName="{name}"' for name in metrics)
        return cloudwatch.GraphWidget(title=title, width=12, left=[cloudwatch.MathExpression(
            expression=f"SEARCH('{{{NAMESPACE},{dimensions}}} {names}', 'Maximum', 86400)", using_metrics={},
            label="", period=DAY)])
