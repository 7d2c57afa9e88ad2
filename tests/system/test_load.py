"""The load test in a short form: bench/load.py itself, with 10 virtual trainees for 15 seconds and on until 50
turns were answered (a busy machine, as CI's with the other tests running beside, answers fewer in 15 s: the run
checks the same work, not a throughput). The full run (50 trainees, 3 minutes, p95 target) is `bench/load.py`;
latency is a figure there, not an assertion here."""

import subprocess
import sys

from ops.servers import ROOT


def test_a_short_load_run_has_no_errors_and_records_every_turn_exactly_once(model):
    out = subprocess.run([sys.executable, "bench/load.py", "--trainees", "10", "--seconds", "15", "--think", "0.5",
                          "2", "--min-turns", "50", "--no-latency-target"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    lines = {line.split("  ")[0]: line for line in out.stdout.splitlines() if "  " in line}
    assert lines["errors"].split()[-1] == "0"
    assert lines["exactly once"].endswith(" 0 problems")
    turns = int(lines["turns answered"].split()[2].replace(",", ""))
    assert turns >= 50, out.stdout
    assert "p95" in lines["turn latency (ms)"]
