"""Real ``dateline serve`` processes for tests: started on free ports, always stopped.

``serving`` is the fixture: ``serving(env, log_path, *args)`` starts one and returns a
``Serve``; every server a test started is stopped at its end (SIGTERM, then its whole
process group), and a server that would not stop on SIGTERM fails the test.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from benchmarks.serving import nginx_conf

START_TIMEOUT = 90.0  # seconds: the machine is shared, and uvicorn spawns fresh interpreters


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(check: Callable[[], bool], what: str, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


class Serve:
    """A ``dateline serve`` process with its output in a log file; stopped by ``stop``."""

    def __init__(self, env: dict[str, str], log: Path, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        self._log = log.open("w")
        command = [sys.executable, "-m", "dateline", "serve", "--port", str(self.port), *args]
        self.process = subprocess.Popen(
            command, env=env, stdout=self._log, stderr=self._log, start_new_session=True
        )

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def get(self, path: str) -> tuple[int, bytes]:
        with urllib.request.urlopen(self.url + path, timeout=10) as answer:
            return int(answer.status), answer.read()

    def answers(self) -> bool:
        assert self.process.poll() is None, f"dateline serve exited:\n{self.log()}"
        try:
            return self.get("/robots.txt")[0] == 200
        except OSError:
            return False

    def stop(self) -> None:
        """Stop the server as an operator would (SIGTERM); its whole process group if stuck."""
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
            raise AssertionError(f"dateline serve did not stop on SIGTERM:\n{self.log()}") from None
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)  # no worker outlives its server
            self._log.close()


@pytest.fixture
def serving() -> Iterator[Callable[..., Serve]]:
    """Start ``dateline serve`` processes; every one is stopped at the end of the test."""
    started: list[Serve] = []

    def start(env: dict[str, str], log: Path, *args: str) -> Serve:
        started.append(Serve(env, log, *args))
        return started[-1]

    yield start
    stuck = []
    for server in started:
        try:
            server.stop()
        except AssertionError as exc:
            stuck.append(str(exc))
    assert not stuck, "\n".join(stuck)


class Nginx:
    """A real nginx in the foreground, with ``http_text`` (``dateline nginx-config``'s)
    inside its ``http`` block; everything it writes stays under ``prefix``."""

    def __init__(self, prefix: Path, http_text: str) -> None:
        prefix.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix
        conf = prefix / "nginx.conf"
        conf.write_text(nginx_conf(prefix, 2, http_text))  # the benchmark's own skeleton
        checked = subprocess.run(
            ["nginx", "-t", "-p", str(prefix), "-c", str(conf)], capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stderr
        self._log = (prefix / "error.log").open("w")  # the skeleton logs to stderr
        self.process = subprocess.Popen(
            ["nginx", "-p", str(prefix), "-c", str(conf)],
            stdout=subprocess.DEVNULL,
            stderr=self._log,
            start_new_session=True,
        )

    def errors(self) -> str:
        path = self.prefix / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self._log.close()
