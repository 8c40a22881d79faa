"""CDK constructs of stack-mitosis."""

import os

# aws-cdk-lib prints a banner about Node 20's end of life when jsii starts; Node 20 is what this project pins.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
