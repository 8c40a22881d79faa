"""The `mitosis` commands for people: plan, start, status and history, against a real account (through AWS
profiles) or, for `plan --world`, the simulated one. `mitosis simulate` and `mitosis demo` are the simulator's
(simulator/cli.py, which registers these)."""
