"""What machine a benchmark ran on, in one line: CPU model, cores, load, Python, OS.

In: nothing (reads /proc/cpuinfo and the load average where Linux has them). Out:
`describe()`, a line each benchmark prints first, so that figures are never read without
the machine that made them.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

__all__ = ["describe"]


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return platform.processor() or platform.machine()
    for line in text.splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.machine()


def describe() -> str:
    """E.g. `machine: AMD EPYC 7B13, 2 cores usable (2 online), load 3.1/2.8/2.5, ...`."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = "/".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    python = f"{platform.python_implementation()} {platform.python_version()}"
    return (
        f"machine: {_cpu_model()}, {usable} cores usable ({os.cpu_count()} online), "
        f"load {load} (1/5/15 min), {python}, {platform.system()} {platform.release()}"
    )


if __name__ == "__main__":
    print(describe())
