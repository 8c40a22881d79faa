"""`make bench` (`python -m simulator.bench`): how long a refresh takes, how long each name is down, and what it
costs, on the simulator.

Every case runs the synthesized state machine with the real handlers against the simulated AWS, with the
default latency model (simulator.latency.Latency), and is compared with two references computed from the plan it
executed and the same latency model: the critical-path bound, and the original tool's order (where the original
has an equivalent). One module per concern:

- cases.py: the trees, the example world, the MySQL tree, and that tree restored (point in time, snapshot);
- bound.py: the critical-path bound of the executed plan, which no order of its operations can beat;
- original.py: the original tool's order (docs/original.md), modelled: it cannot run on the simulator, and its
  order is simple enough to add up;
- run.py: one case on the simulator, its plan, its references and its cost;
- render.py: docs/benchmark.md (the goals, the tables, the assumptions);
- __main__.py: every case, the file written.

Virtual times are exact and repeat on any machine; only the "real s" column depends on the machine.
"""
