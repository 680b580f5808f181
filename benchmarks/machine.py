"""The machine a benchmark runs on, and this process's memory, as the reports record them."""

from __future__ import annotations

import os
import platform
import sqlite3
from pathlib import Path
from typing import Any


def machine(*, with_sqlite: bool = False) -> dict[str, Any]:
    """CPUs, CPU model, Python (and SQLite), OS, and the load average now."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    described: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "cpu_model": model or platform.processor(),
        "python": platform.python_version(),
    }
    if with_sqlite:
        described["sqlite"] = sqlite3.sqlite_version
    described["os"] = platform.platform()
    described["load_average_at_start"] = [round(v, 2) for v in os.getloadavg()]
    return described


def vm_rss_mb() -> float:
    """This process's resident memory now (VmRSS), in MiB; NaN where /proc is absent."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")
