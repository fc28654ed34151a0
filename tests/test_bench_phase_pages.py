"""bench/phase_pages.py runs, so it cannot rot: two rooms' boards and phones updated once, every figure reported."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def test_the_phase_pages_bench_reports_each_cost() -> None:
    done = subprocess.run([sys.executable, 'bench/phase_pages.py', '--rooms', '2', '--room-size', '3', '--cards', '4',
                           '--repeat', '1'], cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = dict(re.findall(r'^(.+?)\s+median\s+([\d.]+)', done.stdout, re.MULTILINE))
    assert set(figures) == {'click ms/room', 'board ms/room', 'rebuild ms/phone', 'serialise ms/phone', 'sent KB/phone'}
    assert all(float(value) > 0 for value in figures.values()), figures  # each phone sent its Vote screen
