"""Before-swap hook done?: every part of the hook ended in success, within its timeout. A failure stops the
refresh before the swap: the target is untouched."""

from mitosis.adapters.ecs import Ecs
from mitosis.adapters.ssm import Ssm
from mitosis.errors import HookFailed
from mitosis.models import HookCheck
from mitosis.runtime import lambda_handler
from mitosis.steps.hooks import HookAdapters, settle

adapters = HookAdapters(ecs=Ecs(), ssm=Ssm())
UNTOUCHED = "The target was not touched; the copies are kept, and a new run reuses them."


@lambda_handler(HookCheck)
def handler(check: HookCheck) -> dict[str, str]:
    return settle(adapters, check, HookFailed, "The before-swap hook", UNTOUCHED)
