"""Shared timing for the benchmarks: arguments, environment, interleaved runs, JSON output.

Every benchmark prints one JSON object on stdout (progress goes to stderr). Cases that are
compared run interleaved (A, B, A, B, ...) after one warm-up call each, so a slow period of the
machine hits both sides alike.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch

from drc_desktop.ml.builtin.drc_mini import BUILTIN_MODEL_DIR

MIN_RUNS = 5


def _runs(value: str) -> int:
    runs = int(value)
    if runs < MIN_RUNS:
        raise argparse.ArgumentTypeError(f"at least {MIN_RUNS} runs, got {runs}")
    return runs


def parse_args(description: str) -> argparse.Namespace:
    """``--model DIR``, ``--runs N`` (>= 5) and ``--device``; also sets flush-denormal mode."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--model", type=Path, default=BUILTIN_MODEL_DIR, help="drc-mini folder")
    parser.add_argument("--runs", type=_runs, default=7, help=f"timed runs (>= {MIN_RUNS})")
    parser.add_argument("--device", default="cpu", help="torch device (default: cpu)")
    args = parser.parse_args()
    # Denormal floats make some CPU kernels many times slower; the app sets this too.
    torch.set_flush_denormal(True)
    return args


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def environment(device: torch.device) -> dict[str, object]:
    info: dict[str, object] = {
        "torch_version": torch.__version__,
        "threads": torch.get_num_threads(),
        "device": str(device),
        "cpu": cpu_model(),
    }
    if device.type == "cuda":
        info["gpu"] = torch.cuda.get_device_name(device)
    return info


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _time_once(function: Callable[[], object], device: torch.device) -> float:
    start = time.perf_counter()
    function()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return (time.perf_counter() - start) * 1000.0


def summary(runs_ms: list[float]) -> dict[str, object]:
    return {
        "median_ms": round(statistics.median(runs_ms), 3),
        "min_ms": round(min(runs_ms), 3),
        "max_ms": round(max(runs_ms), 3),
        "runs_ms": [round(r, 3) for r in runs_ms],
    }


def measure(
    cases: dict[str, Callable[[], object]], runs: int, device: torch.device, warmup: int = 1
) -> dict[str, dict[str, object]]:
    """Time each case ``runs`` times, interleaved, after ``warmup`` untimed calls of each."""
    for _ in range(warmup):
        for function in cases.values():
            function()
    timings: dict[str, list[float]] = {name: [] for name in cases}
    for run in range(runs):
        for name, function in cases.items():
            timings[name].append(_time_once(function, device))
        log(
            f"run {run + 1}/{runs}: " + ", ".join(f"{n} {t[-1]:.1f} ms" for n, t in timings.items())
        )
    return {name: summary(values) for name, values in timings.items()}


def emit(result: dict[str, object]) -> None:
    print(json.dumps(result, indent=2))
