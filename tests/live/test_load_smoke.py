"""The load generator (bench/load.py) runs, so it cannot rot: 20 phones in 2 rooms for 10 s of steady work.

A real ``spcp serve`` (started by the bench itself in a fresh data folder), raw phones and boards
over the real websocket. No timing threshold: only that every submit reached its board and every
other phone's counter, nothing was refused or lost, no socket dropped, and the report has its keys.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
KEYS = ('p50_ms', 'p95_ms', 'p99_ms', 'dropped', 'errors', 'loop_lag_p99_ms', 'rss_mb', 'phase_change_max_ms',
        'disconnects', 'windows', 'server_cpu_s', 'rss_per_participant_mb', 'generator_cpu_s', 'scenario', 'command')
PHONES, ROOM_SIZE = 20, 10


def test_a_steady_smoke_run_reports_every_submit(tmp_path: Path) -> None:
    out = tmp_path / 'load.json'
    done = subprocess.run([sys.executable, 'bench/load.py', '--participants', str(PHONES), '--room-size',
                           str(ROOM_SIZE), '--seconds', '10', '--timeout', '30', '--json', str(out)],
                          cwd=PROJECT, capture_output=True, text=True, timeout=150)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(out.read_text())

    assert [key for key in KEYS if key not in report] == []
    assert (report['dropped'], report['errors'], report['disconnects']) == (0, 0, 0), report['error_examples']
    assert isinstance(report['p50_ms'], float) and report['p50_ms'] > 0
    assert report['scenario'] == 'steady' and report['rooms'] == 2
    assert report['actions'] == PHONES and report['samples'] == PHONES      # one submit per phone in 10 s
    assert report['others']['n'] == PHONES * (ROOM_SIZE - 1)                # each reached the 9 other counters
    assert report['others']['missing'] == 0 and report['self']['n'] == PHONES
    assert report['phase_change_max_ms'] is None                            # no phase change in steady work
    assert '| steady issues | 20 (2) | action -> board |' in done.stdout    # the README's table row


def test_a_move_all_smoke_run_moves_every_phone(tmp_path: Path) -> None:
    """The organizer's dashboard moves both rooms to Vote with one click (``--move-all``): every phone shows it."""
    out = tmp_path / 'phase.json'
    done = subprocess.run([sys.executable, 'bench/load.py', '--participants', str(PHONES), '--room-size',
                           str(ROOM_SIZE), '--scenario', 'phase', '--move-all', '--seconds', '5', '--timeout', '30',
                           '--settle', '20', '--json', str(out)],
                          cwd=PROJECT, capture_output=True, text=True, timeout=150)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(out.read_text())

    assert (report['dropped'], report['errors'], report['disconnects']) == (0, 0, 0), report['error_examples']
    assert report['samples'] == PHONES and report['titles'] == ['Vote']     # every phone, in the new phase
    assert report['move_all'] and report['phase_change_max_ms'] > 0
    assert '| phase, move all | 20 (2) | phase change -> phone |' in done.stdout
