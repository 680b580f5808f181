"""Running the ``dateline`` command as an operator would: a real process, a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def dateline_env(data_dir: Path, database_url: str, **settings: str) -> dict[str, str]:
    """This process's environment without any ``DATELINE_*`` variable, plus the data folder,
    the database and ``settings`` (``DATELINE_*`` names)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATELINE_")}
    env.update(DATELINE_DATA_DIR=str(data_dir), DATELINE_DATABASE_URL=database_url)
    env.update(settings)
    return env


def run_dateline(
    env: dict[str, str], *args: str, stdin: str = "", timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``python -m dateline ARGS`` in ``env``, its output captured, ``stdin`` as its input."""
    return subprocess.run(
        [sys.executable, "-m", "dateline", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
