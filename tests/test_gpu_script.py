"""bench/gpu.sh --dry-run: the GPU script's every step on the CPU with tiny sizes, so a
typo or a stale option fails here and not in a GPU machine's 10 minutes."""

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parent.parent / "bench" / "gpu.sh"


def test_the_gpu_script_runs_dry_on_the_cpu():
    bin_dir = str(Path(sys.executable).parent)  # the same environment's python and glauber
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ["PATH"],
           "GPU_BENCH_SECONDS": "300", "OMP_NUM_THREADS": "1"}
    run = subprocess.run(["bash", str(SCRIPT), "--dry-run"], capture_output=True, text=True, env=env,
                         timeout=400)
    out = run.stdout
    assert run.returncode == 0, out[-3000:] + run.stderr[-3000:]
    assert "(failed" not in out and "(stopped" not in out and "(skipped" not in out
    for header in ("| move | chains | sweeps/s | site-updates/s |",
                   "| move | calls/sweep | ops/sweep | syncs/sweep |",
                   "| dataset | solver | puzzles |", "site-cond/s"):
        assert header in out, header
    assert out.count("| dataset | solver | puzzles |") == 4
