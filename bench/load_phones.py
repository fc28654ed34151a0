"""Simulated browser tabs for bench/load.py: the package's own (``spcp/rehearsal/phones.py``), kept under
this name for bench/load_worker.py and tests/browser/test_traffic_shape.py.

One implementation serves the load generator and a practice room's rehearsal, so the traffic test
that checks these tabs against Chromium checks both.
"""
from __future__ import annotations

from spcp.rehearsal.phones import *  # noqa: F403 (this module is that one under its old name)
