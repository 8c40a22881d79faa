#!/usr/bin/env python3
"""CDK entry point (`cdk synth`, `cdk deploy`): the refresh jobs come from cdk.json context. No AWS calls.

The output folder is the CDK CLI's (`cdk synth -o DIR`, cdk.out by default): it passes it in CDK_OUTDIR."""

from infrastructure.app import build_app

if __name__ == "__main__":
    build_app().synth()
