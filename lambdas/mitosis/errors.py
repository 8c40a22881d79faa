"""Errors whose class names are the workflow's error types.

Step Functions matches Retry and Catch on the Lambda's `errorType`, which is the exception's class name, so
each class here is a name the state machine can react to.
"""


class MitosisError(Exception):
    """Base of the errors the workflow raises on purpose."""


class InvalidInput(MitosisError):
    """The execution input is not a valid refresh request. Nothing was changed."""


class PlanRefused(MitosisError):
    """The planner refuses this refresh (it would harm production or cannot work). Nothing was changed."""


class NotReady(MitosisError):
    """The awaited operation is still in progress: Step Functions retries the check later."""


class InstanceFailed(MitosisError):
    """An instance entered a status it does not leave by itself (failed, incompatible-*, storage-full...)."""


class RestartFailed(MitosisError):
    """The restart hook ended without success."""


class TransientAwsError(MitosisError):
    """AWS throttled us or failed internally: the same call can succeed when retried."""


class RefreshAlreadyRunning(MitosisError):
    """Another execution is refreshing the same target. Nothing was changed."""


class RenameRefused(MitosisError):
    """The instance under the name is not the one the plan expects: renaming it could lose data."""


class RestoreFailed(MitosisError):
    """A name could not be given back to its old instance: a person must look."""


class HookFailed(MitosisError):
    """The before-swap hook did not succeed. The target was not touched."""
