#!/usr/bin/env python3
"""CDK entry point (`cdk synth`, `cdk deploy`): the refresh jobs come from cdk.json context. No AWS calls."""

from infrastructure.app import build_app

if __name__ == "__main__":
    build_app().synth()  # the CDK CLI says where (cdk.out, or `cdk synth -o DIR`)
