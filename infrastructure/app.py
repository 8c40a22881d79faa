"""Building the CDK app, shared by app.py (the CDK CLI's entry point) and the offline simulator."""

from __future__ import annotations

import os
from typing import Any

# aws-cdk-lib prints a banner about Node 20's end of life on import; Node 20 is what this project pins.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import aws_cdk as cdk  # noqa: E402

from infrastructure.settings import STACK_NAME, DeploymentSettings, cdk_json_context  # noqa: E402
from infrastructure.stack import MitosisStack  # noqa: E402

__all__ = ["STACK_NAME", "build_app", "cdk_json_context"]


def build_app(context: dict[str, Any] | None = None, outdir: str | None = None) -> cdk.App:
    """The CDK app. `context` replaces cdk.json's (the simulator and tests declare their own refresh jobs);
    context given on the CDK CLI's command line still wins, as in any CDK app."""
    app = cdk.App(context=cdk_json_context() if context is None else context, outdir=outdir)
    settings = DeploymentSettings.from_context({
        key: app.node.try_get_context(key) for key in ("refresh_jobs", "polling")
        if app.node.try_get_context(key) is not None
    })
    MitosisStack(app, STACK_NAME, settings=settings,
                 description="stack-mitosis: refresh staging RDS trees from production")
    return app
