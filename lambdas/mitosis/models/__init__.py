"""Contracts between the states of the refresh workflow.

Everything that crosses a state boundary is one of these models, serialised as JSON in the execution's state:
`request` (the execution input and the declared jobs), `graph` (what Describe reads), `plan` (what the pure
planner decides), `steps` (hook runs, outcomes and the state's shape), and `names` (identifiers and tags).
"""

from mitosis.models.graph import (
    AccountQuota,
    DBInstance,
    InstanceEndpoint,
    ManagedSecret,
    OptionGroupStatus,
    ParameterGroupStatus,
    Refresh,
    ReplicationGraph,
    Run,
    SubnetGroup,
    Tag,
    VpcSecurityGroup,
)
from mitosis.models.names import (
    FINAL_SNAPSHOT_INFIX,
    MAX_IDENTIFIER_LENGTH,
    OLD_PREFIX,
    TAG_GENERATION,
    TAG_NAME,
    TAG_PROTECTED,
    TAG_REPLACED_BY,
    TAG_SOURCE,
    TAG_TARGET,
    TEMP_PREFIX,
    final_snapshot_name,
    final_snapshot_prefix,
    generation_id,
    is_identifier,
    old_name,
    temp_name,
)
from mitosis.models.plan import (
    BeforeSwapRun,
    Call,
    CopyBuild,
    Deletion,
    Expectation,
    InstanceRef,
    Level,
    Operation,
    Params,
    PasswordChange,
    Plan,
    Rename,
    RestartHook,
    Restoration,
    RootBuild,
    SnapshotRetention,
    Swap,
    protection,
)
from mitosis.models.request import (
    HOOK,
    REFRESH_JOBS,
    BeforeSwap,
    EcsRestart,
    EcsTask,
    Hook,
    Identifier,
    MasterPassword,
    RefreshJob,
    RefreshRequest,
    Restart,
    SsmCommand,
    SsmTarget,
)
from mitosis.models.steps import (
    HOOK_RUN,
    Deleted,
    DescribeEvent,
    EcsRollout,
    EcsTaskRun,
    ErrorInfo,
    HookCheck,
    HookRun,
    Outcome,
    SsmInvocation,
    TaskContext,
    WorkflowState,
)

__all__ = [
    "FINAL_SNAPSHOT_INFIX", "HOOK", "HOOK_RUN", "MAX_IDENTIFIER_LENGTH", "OLD_PREFIX", "REFRESH_JOBS",
    "TAG_GENERATION", "TAG_NAME", "TAG_PROTECTED", "TAG_REPLACED_BY", "TAG_SOURCE", "TAG_TARGET", "TEMP_PREFIX",
    "AccountQuota", "BeforeSwap", "BeforeSwapRun", "Call", "CopyBuild", "DBInstance", "Deleted", "Deletion",
    "DescribeEvent", "EcsRestart", "EcsRollout", "EcsTask", "EcsTaskRun", "ErrorInfo", "Expectation",
    "InstanceEndpoint",
    "Hook", "HookCheck", "HookRun", "Identifier", "InstanceRef", "Level", "MasterPassword", "ManagedSecret",
    "Operation", "OptionGroupStatus", "Outcome", "ParameterGroupStatus", "Params", "PasswordChange", "Plan",
    "Refresh", "RefreshJob", "RefreshRequest", "Rename", "ReplicationGraph", "Restart", "RestartHook", "Restoration",
    "RootBuild", "Run", "SnapshotRetention", "SsmCommand", "SsmInvocation", "SsmTarget", "SubnetGroup", "Swap",
    "Tag", "TaskContext", "VpcSecurityGroup", "WorkflowState", "final_snapshot_name", "final_snapshot_prefix",
    "generation_id", "is_identifier", "old_name", "protection", "temp_name",
]
