"""Starting and stopping a real ``spcp serve`` in a subprocess: shared by the tests that need one
(browser, live, TLS, hardening, onboarding) and by the benchmarks in bench/."""
from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

STARTUP_TIMEOUT_S = 30


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def free_port_run(count: int) -> int:
    """A TCP port on 127.0.0.1 such that it and the ``count - 1`` after it are free right now (scripts/cluster.sh
    gives its processes the ports after the proxy's: one of them taken made the script's test fail at random)."""
    for _ in range(100):
        base = free_port()
        if base + count <= 65_536 and all(_is_free(base + offset) for offset in range(1, count)):
            return base
    raise RuntimeError(f'no run of {count} free ports found')


def _is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(('127.0.0.1', port))
        except OSError:
            return False
    return True


def wait_until_up(process: subprocess.Popen, url: str, log: Path | None = None,
                  timeout: float = STARTUP_TIMEOUT_S, opener: Callable = urllib.request.urlopen) -> None:
    """Poll ``url`` until it answers 200; RuntimeError (with the server's log) if the server exits or
    stays silent for ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f'spcp serve exited with code {process.returncode}:\n{_tail(log)}')
        try:
            with opener(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f'spcp serve did not answer on {url} within {timeout} s:\n{_tail(log)}')


def stop(process: subprocess.Popen) -> None:
    """End the server we started, by its own handle: politely, then for sure."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _tail(log: Path | None) -> str:
    return log.read_text(errors='replace')[-5000:] if log and log.exists() else ''
