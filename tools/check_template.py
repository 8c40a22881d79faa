#!/usr/bin/env python3
"""`make check`'s validators of what `cdk deploy` would deploy, for cdk.json's refresh jobs.

The stack is synthesized once, with cdk-nag's AwsSolutions and Serverless packs (infrastructure/nag.py: any
finding left, warnings included, fails), into a folder that then holds the CloudFormation template and the
state machine's definition with its intrinsic functions (Fn::Join, Ref, Fn::GetAtt) rendered to plain strings.
cfn-lint checks the template (.cfnlintrc.yaml says which checks are off, and why) and asl-validator the
definition, offline (`npx --no-install`).

    .venv/bin/python tools/check_template.py [--outdir DIR]   # DIR keeps what was checked (default: a temp dir)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from infrastructure import nag
from infrastructure.app import STACK_NAME, build_app
from simulator.deployment import ACCOUNT_ID, resolve

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CFN_LINT_CONFIG = PROJECT_ROOT / ".cfnlintrc.yaml"
# Placeholders for the account's values: asl-validator checks the shape of the ARNs, not what they name.
REGION = "us-east-1"


def synthesize(outdir: Path) -> tuple[Path, list[str]]:
    """The template, and cdk-nag's findings that are neither fixed nor acknowledged."""
    app = build_app(outdir=str(outdir))
    nag.apply(app)
    try:
        app.synth()
        failure = None
    except RuntimeError as error:  # cdk-nag's errors interrupt synthesis (ValidationFailed), after the report
        failure = error
    report_path = outdir / "validation-report.json"
    report = json.loads(report_path.read_text()) if report_path.exists() else {"pluginReports": []}
    findings = [f"{violation['severity']} {violation['ruleName']} at {construct['constructPath']} "
                f"({plugin['pluginName']}): {violation['description']}"
                for plugin in report["pluginReports"] for violation in plugin["violations"]
                for construct in violation["violatingConstructs"]]
    if failure is not None and not findings:
        raise failure  # synthesis itself failed
    return outdir / f"{STACK_NAME}.template.json", findings


def render_definitions(template: dict[str, Any], outdir: Path) -> list[Path]:
    """Each state machine's definition, as Step Functions receives it, in a file of its own."""
    resources = template["Resources"]
    function_arns = {logical_id: f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{logical_id}"
                     for logical_id, resource in resources.items() if resource["Type"] == "AWS::Lambda::Function"}
    paths = []
    for logical_id, resource in resources.items():
        if resource["Type"] != "AWS::StepFunctions::StateMachine":
            continue
        definition = resolve(resource["Properties"]["DefinitionString"], REGION, function_arns)
        if not isinstance(definition, str):
            raise TypeError(f"{logical_id}: the definition did not render to a string: {definition!r:.200}")
        path = outdir / f"{logical_id}.asl.json"
        path.write_text(json.dumps(json.loads(definition), indent=2) + "\n")
        paths.append(path)
    if not paths:
        raise ValueError("the template has no AWS::StepFunctions::StateMachine")
    return paths


def run(title: str, command: list[str]) -> bool:
    print(f"--- {title}: {' '.join(command)}", flush=True)
    passed = subprocess.run(command, cwd=PROJECT_ROOT, check=False).returncode == 0
    print(f"--- {title}: {'passed' if passed else 'FAILED'}", flush=True)
    return passed


def check(outdir: Path) -> bool:
    print(f"--- cdk-nag (AwsSolutions, Serverless): synthesizing {STACK_NAME} into {outdir}", flush=True)
    template_path, findings = synthesize(outdir)
    for finding in findings:
        print(finding)
    print(f"--- cdk-nag: {'FAILED, ' + str(len(findings)) + ' findings' if findings else 'passed'}", flush=True)
    definitions = render_definitions(json.loads(template_path.read_text()), outdir)
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    results = [not findings,
               run("cfn-lint", [str(cfn_lint), "--config-file", str(CFN_LINT_CONFIG), "--", str(template_path)])]
    results += [run("asl-validator", ["npx", "--no-install", "asl-validator", "--json-path", str(path)])
                for path in definitions]
    return all(results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--outdir", type=Path, help="keep the synthesized template and definitions here")
    args = parser.parse_args(argv)
    if args.outdir:
        args.outdir.mkdir(parents=True, exist_ok=True)
        passed = check(args.outdir.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="mitosis-check-") as outdir:
            passed = check(Path(outdir))
    print("check_template: " + ("every validator passed" if passed else "FAILED"))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
