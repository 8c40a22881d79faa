"""Building the CDK app, shared by app.py (the CDK CLI's entry point) and the offline simulator."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk

from infrastructure.settings import CONTEXT_KEYS, STACK_NAME, DeploymentSettings, cdk_json_context
from infrastructure.stack import MitosisStack

__all__ = ["STACK_NAME", "build_app", "cdk_json_context"]


def build_app(context: dict[str, Any] | None = None, outdir: str | None = None) -> cdk.App:
    """The CDK app. `context` replaces cdk.json's (the simulator and tests declare their own refresh jobs);
    context given on the CDK CLI's command line still wins, as in any CDK app."""
    app = cdk.App(context=cdk_json_context() if context is None else context, outdir=outdir)
    settings = DeploymentSettings.from_context({
        key: app.node.try_get_context(key) for key in CONTEXT_KEYS if app.node.try_get_context(key) is not None
    })
    MitosisStack(app, STACK_NAME, settings=settings,
                 description="stack-mitosis: refresh staging RDS trees from production")
    return app
