"""Load generator: the real app driven as phones and boards drive it, without a browser.

    python bench/load.py --participants N --room-size K --seconds S --json OUT
                         [--scenario steady|phase|plenary|joins|idle] [--phase issues|vote] [--cards C]
                         [--workers W] [--timeout T] [--no-pin] [--no-assets] [--url URL --data-dir DIR]
                         [--url URL --database-url DB --server-pid PID ... --process-url URL ...]
                         [--project CHECKOUT]

Starts its own ``spcp serve`` on 127.0.0.1 in a fresh data folder (the per-address limits off:
``SPCP_JOINS_PER_ADDRESS=0``, ``SPCP_ACTIONS_PER_ADDRESS=``, ``SPCP_PAGE_LOADS_PER_ADDRESS=``), seeds
one event of ceil(N/K) rooms through the domain straight into its SQLite file, and opens one board
and K phones per room (bench/load_phones.py: the frames Chromium sends, checked by
tests/browser/test_traffic_shape.py), in ``--workers`` processes (bench/load_worker.py). Scenarios:

- ``steady``: every phone acts once every 10 s, staggered; while naming issues (``--phase issues``) it
  submits an issue, while voting (``--phase vote``, totals shown on the board) it puts a dot on its
  own card or takes it back. Measured: action -> the board's socket gets the update carrying the new
  text or total (p50/p95/p99), -> every other phone's room counter (submits), -> the outbox
  acknowledgement on the phone itself.
- ``phase``: every board clicks *Next phase* (Issues -> Vote, ``--cards`` per room) at the same moment;
  measured: click -> each phone's update showing the new phase title.
- ``plenary``: one room of N phones and ``--cards`` (default 300) cards changes Issues -> Vote; same measure.
- ``joins``: N cold joins spread evenly over ``--seconds`` (rooms filled in turn); measured: GET -> a
  usable page (socket connected, the issue box there). A cold join fetches the scripts and styles
  the page names, as a browser without a cache does (``--no-assets``: the page and socket only).
- ``idle``: the boards and phones stay connected and do nothing for ``--seconds``: what having them costs
  the server (CPU, and with ``--calls`` its function calls per second), the floor under every other number.

Also measured from outside the app: event-loop lag (a ``GET /favicon.ico`` every 100 ms on its own
keep-alive connection from the parent process; its latency above the idle latency, corrected for
coordinated omission: a probe that took L ms also stands for the probes it held up) and from inside
(``loop_lag_*``: the lateness of the server's own 20 ms heartbeat, corrected the same way, from the go until
the first worker's scenario ends; the sockets closing after it, a hall leaving at once, are reported as
``loop_lag_teardown_max_ms``), the server's
RSS (``/proc``: before the phones, with them connected, at the end, and the peak ``VmHWM``) and CPU
seconds, the generator's own CPU, disconnects; and from inside, every garbage collection of the server
(``gc_pauses`` per generation: count, wall and CPU ms; ``gc_full_after``: a full collection timed once
the run is over). Writes JSON and prints the markdown rows of the
README's "Performance" table with the command that made them. The server runs on CPU 0 and the
generator on the others when there are two or more (``--no-pin`` to share).

``--url URL --data-dir DIR`` drives a server that is already running on 127.0.0.1: DIR is its data
folder, where the bench creates its own event (facilitator links included) and seeds it; the server
must run with the per-address limits off as above, and ``--server-pid`` lets RSS and CPU be read.
Several processes on one PostgreSQL behind a proxy (README "Several processes"): ``--url`` is the proxy,
``--database-url`` the database the event is seeded in, ``--server-pid`` and ``--process-url`` are given once
per process (CPU and RSS summed, each process's loop lag read from its own address). Each simulated phone keeps
its own cookies (spcp/rehearsal/phones.py), so the proxy's sticky cookie holds. bench/cluster_load.py runs
the same scenario on 1 and 2 such processes and on SQLite.
``--project DIR`` serves another checkout (``git archive OLD | tar -x -C DIR``, compiled catalogs
copied in) with this generator: the same instrument before and after a change.
Every wait is bounded (``--timeout``, default 120 s); the server started here is ended by its PID at
the end, on Ctrl-C and on any error.
"""
from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import multiprocessing
import os
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROJECT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(PROJECT), str(PROJECT / 'bench')]  # spcp, tests.serving, load_phones, load_worker

import load_chromium  # noqa: E402
import load_worker  # noqa: E402
from load_chromium import ChromiumPlan  # noqa: E402
from load_seed import SeededRoom  # noqa: E402
from load_worker import RoomPlan, WorkerPlan  # noqa: E402

from tests.serving import free_port, stop, wait_until_up  # noqa: E402

SPCP = [sys.executable, '-c', 'from spcp.cli import main; main()']
# --calls: the same server, counting the Python function calls of its main thread (the event loop's) between
# two SIGUSR1s, written to the file in SPCP_BENCH_CALLS: a measure of work that other load on the machine
# does not change, unlike CPU seconds and latencies (numbers under cProfile are slower: compare calls only)
COUNTING = '''
import cProfile, os, pstats, signal
from spcp.cli import main
profile, counting = cProfile.Profile(), []
def toggle(*_):
    if counting:
        profile.disable()
        profile.dump_stats(os.environ['SPCP_BENCH_CALLS'] + '.prof')
        with open(os.environ['SPCP_BENCH_CALLS'], 'w') as out:
            out.write(str(pstats.Stats(profile).total_calls))
    else:
        profile.enable()
    counting[:] = [] if counting else [True]
signal.signal(signal.SIGUSR1, toggle)
main()
'''
# every garbage collection of the server's main thread (when it ended on the monotonic clock, its generation, how
# long it took and how much of that on the CPU: the part other load on the machine does not change), written as
# JSON to the file in SPCP_BENCH_GC on SIGUSR2: the pauses behind the loop's lag; on the second SIGUSR2 (the run
# over, its lag read) a full collection, timed: what one costs with every page in memory, and what it found
GC_PAUSES = '''
import collections, gc, json, os, signal, time
_pauses, _began, _dumped = [], [0.0, 0.0], []
def _collected(phase, info):
    if phase == 'start':
        _began[:] = time.perf_counter(), time.thread_time()
    else:
        _pauses.append((time.monotonic(), info['generation'], time.perf_counter() - _began[0],
                        time.thread_time() - _began[1]))
def _dump(*_):
    written, began = list(_pauses), (time.perf_counter(), time.thread_time())
    if _dumped:
        frozen = gc.get_freeze_count()  # gc_policy.py freezes what survives the young collections: all walked here
        gc.unfreeze()
        gc.set_debug(gc.DEBUG_SAVEALL)  # what it found kept, to be counted by kind below (then freed)
        collected = gc.collect()
        written = {'ms': (time.perf_counter() - began[0]) * 1000, 'cpu_ms': (time.thread_time() - began[1]) * 1000,
                   'collected': collected, 'tracked': len(gc.get_objects()) + gc.get_freeze_count(), 'frozen': frozen,
                   'kinds': collections.Counter(type(o).__qualname__ for o in gc.garbage).most_common(12)}
        gc.set_debug(0)
        gc.garbage.clear()
    _dumped.append(True)
    with open(os.environ['SPCP_BENCH_GC'] + '.tmp', 'w') as out:
        json.dump(written, out)
    os.replace(os.environ['SPCP_BENCH_GC'] + '.tmp', os.environ['SPCP_BENCH_GC'])
gc.callbacks.append(_collected)
signal.signal(signal.SIGUSR2, _dump)
'''
NO_PER_ADDRESS_LIMITS = {'SPCP_JOINS_PER_ADDRESS': '0', 'SPCP_ACTIONS_PER_ADDRESS': '',
                         'SPCP_PAGE_LOADS_PER_ADDRESS': ''}
PERIOD_S = 10.0          # steady: each phone acts once per period
WINDOW_S = 15.0          # p95 per window of this many seconds
PROBE_EVERY_S = 0.1
KEYS = ('p50_ms', 'p95_ms', 'p99_ms', 'dropped', 'errors', 'loop_lag_p99_ms', 'rss_mb', 'phase_change_max_ms',
        'disconnects')
DEFAULT_CARDS = {'steady': 0, 'phase': 20, 'plenary': 300, 'joins': 0, 'idle': 0}
MEASURES = {'steady': 'action -> board', 'phase': 'phase change -> phone', 'plenary': 'phase change -> phone',
            'joins': 'GET -> usable page', 'idle': 'nothing (the floor: server CPU and calls per second)'}


# ---------- the event ----------

def seed(project: Path, database: Path | str, rooms: int, phase: str, cards: int,
         max_cards: int) -> list[SeededRoom]:
    """The bench's event, written by the served checkout's own domain (bench/load_seed.py run there), so its
    schema is the one that checkout's server opens. ``database``: an SQLite file or a database URL."""
    done = subprocess.run([sys.executable, str(Path(__file__).with_name('load_seed.py')), str(project), str(database),
                           str(rooms), phase, str(cards), str(max_cards)],
                          cwd=project, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise RuntimeError(f'seeding in {project} failed:\n{done.stderr[-3000:]}')
    made = json.loads(done.stdout)
    return [SeededRoom(code, board, [tuple(card) for card in cards], organizer=made['organizer'])
            for code, board, cards in made['rooms']]


# ---------- the server ----------

@contextlib.contextmanager
def own_server(data_dir: Path, cpus: set[int] | None, project: Path = PROJECT,
               calls: bool = False) -> Iterator[tuple[subprocess.Popen, str]]:
    """``spcp serve`` (of ``project``) on 127.0.0.1 with the per-address limits off; ended by its PID whatever
    happens. ``calls``: ready to count its function calls (``COUNTING``)."""
    port = free_port()
    base_url = f'http://127.0.0.1:{port}'
    env = {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST_', 'SPCP_'))}
    env |= {'SPCP_DATA_DIR': str(data_dir), 'PYTHONUNBUFFERED': '1', 'SPCP_LOOP_WATCH': '1', **NO_PER_ADDRESS_LIMITS,
            'SPCP_BENCH_CALLS': str(data_dir / 'calls.txt'), 'SPCP_BENCH_GC': str(data_dir / 'gc.json')}
    log = data_dir / 'server.log'
    command = [sys.executable, '-c', GC_PAUSES + (COUNTING if calls else 'from spcp.cli import main; main()')]
    with log.open('w') as out:
        process = subprocess.Popen([*command, 'serve', '--host', '127.0.0.1', '--port', str(port), '--data-dir',
                                    str(data_dir), '--public-url', base_url],
                                   cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        if cpus:
            with contextlib.suppress(OSError):
                os.sched_setaffinity(process.pid, cpus)
        wait_until_up(process, base_url + '/', log)
        yield process, base_url
    finally:
        stop(process)


def proc_status(pid: int | None, name: str) -> float | None:
    """``VmRSS``/``VmHWM`` of a process in MB (None: no such process)."""
    if pid is None:
        return None
    with contextlib.suppress(OSError):
        for line in Path(f'/proc/{pid}/status').read_text().splitlines():
            if line.startswith(name + ':'):
                return int(line.split()[1]) / 1024
    return None


def cpu_seconds(pid: int | None) -> float | None:
    """User plus system CPU seconds of every thread of a process."""
    if pid is None:
        return None
    with contextlib.suppress(OSError):
        fields = Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')
    return None


def thread_cpu_seconds(pid: int | None) -> dict[str, float]:
    """CPU seconds of each thread of a process, summed by thread name ("event loop" for the main thread, whose
    time is what phones wait for; the process total also counts the grouping help and other helpers, which
    take what the loop leaves)."""
    found: dict[str, float] = {}
    if pid is None:
        return found
    with contextlib.suppress(OSError):
        for task in Path(f'/proc/{pid}/task').iterdir():
            with contextlib.suppress(OSError):
                name_part, rest = task.joinpath('stat').read_text().rsplit(')', 1)
                name = 'event loop' if task.name == str(pid) else name_part.split('(', 1)[1].rstrip('_0123456789')
                fields = rest.split()
                found[name] = found.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')
    return found


class LagProbe(threading.Thread):
    """``GET /favicon.ico`` every 100 ms on one keep-alive connection: the latency is mostly the time
    the request waits for the server's event loop."""

    def __init__(self, port: int, timeout: float) -> None:
        super().__init__(daemon=True)
        self.port, self.timeout = port, timeout
        self.samples: list[tuple[float, float]] = []   # (when, latency s)
        self.failures = 0
        self.running = threading.Event()
        self.running.set()

    def probe(self, connection: http.client.HTTPConnection) -> float:
        started = time.monotonic()
        connection.request('GET', '/favicon.ico')
        response = connection.getresponse()
        response.read()
        return time.monotonic() - started

    def run(self) -> None:
        connection = http.client.HTTPConnection('127.0.0.1', self.port, timeout=self.timeout)
        while self.running.is_set():
            started = time.monotonic()
            try:
                self.samples.append((started, self.probe(connection)))
            except (OSError, http.client.HTTPException):
                self.failures += 1
                connection.close()
                connection = http.client.HTTPConnection('127.0.0.1', self.port, timeout=self.timeout)
            time.sleep(max(0.0, started + PROBE_EVERY_S - time.monotonic()))
        connection.close()

    def idle(self, count: int = 20) -> float:
        """The median latency of ``count`` probes now (the server idle): the floor the lag is measured from."""
        connection = http.client.HTTPConnection('127.0.0.1', self.port, timeout=self.timeout)
        try:
            return statistics.median(self.probe(connection) for _ in range(count))
        finally:
            connection.close()

    def lags(self, since: float, idle: float) -> list[float]:
        """Lag samples (s) after ``since``: each probe's latency above idle, plus the probes it held up."""
        lags = []
        for started, latency in self.samples:
            if started >= since:
                lag = max(0.0, latency - idle)
                lags += [lag - k * PROBE_EVERY_S for k in range(int(lag / PROBE_EVERY_S) + 1)]
        return lags


# ---------- the generator's processes ----------

def room_phones(participants: int, room_size: int, rooms: int) -> list[int]:
    """How many phones each room gets: full rooms of ``room_size``, the last one what is left."""
    return [min(room_size, participants - r * room_size) for r in range(rooms)]


def worker_plans(args: argparse.Namespace, base_url: str, seeded: list[SeededRoom], cpus: set[int] | None,
                 phase: str) -> list[WorkerPlan]:
    """Whole rooms per worker (a room's board and phones share a clock and a process), except the
    plenary's one room, whose phones are dealt out (its board stays with worker 0)."""
    sizes = room_phones(args.participants, args.room_size, len(seeded))
    plans = [WorkerPlan(w, base_url, args.scenario, phase, args.seconds, PERIOD_S, args.timeout, len(seeded),
                        args.room_size, [], assets=args.assets, deflate=args.deflate, cpus=cpus)
             for w in range(args.workers)]
    for r, (room, size) in enumerate(zip(seeded, sizes, strict=True)):
        if args.scenario == 'plenary':
            for w, plan in enumerate(plans):
                plan.rooms.append(RoomPlan(r, room.code, room.board_path if w == 0 else None,
                                           list(range(w, size, args.workers)), room.cards))
        else:
            phones = [] if args.scenario == 'joins' else list(range(size))
            plans[r % args.workers].rooms.append(RoomPlan(r, room.code, room.board_path, phones, room.cards))
    for plan in plans:
        plan.move_all = args.move_all
    if args.move_all:
        plans[0].organizer_path = seeded[0].organizer
    if args.scenario == 'joins':
        for i in range(args.participants):
            plans[(i % len(seeded)) % args.workers].joins.append((i * args.seconds / args.participants,
                                                                  i % len(seeded)))
    return plans


@dataclass
class Workers:
    processes: list[multiprocessing.Process]
    conns: list[Any]

    @classmethod
    def start(cls, plans: list[WorkerPlan], chromium: ChromiumPlan | None = None) -> Workers:
        """The simulated phones' processes, and the real Chromium phones' one (``--chromium``)."""
        context = multiprocessing.get_context('fork')  # before any thread of ours starts
        jobs: list[tuple[Any, Any]] = [(load_worker.main, plan) for plan in plans]
        jobs += [(load_chromium.main, chromium)] if chromium else []
        pipes = [context.Pipe() for _ in jobs]
        processes = [context.Process(target=target, args=(plan, child), daemon=True)
                     for (target, plan), (_, child) in zip(jobs, pipes, strict=True)]
        for process in processes:
            process.start()
        return cls(processes, [parent for parent, _ in pipes])

    def receive(self, timeout: float, what: str) -> list[dict]:
        """One message from every worker, waiting at most ``timeout`` seconds in all."""
        deadline, messages = time.monotonic() + timeout, []
        for conn, process in zip(self.conns, self.processes, strict=True):
            while not conn.poll(0.2):
                if time.monotonic() > deadline or not process.is_alive():
                    raise RuntimeError(f'worker {process.pid} sent no {what} (alive: {process.is_alive()})')
            message = conn.recv()
            if 'failed' in message:
                raise RuntimeError(f'worker {process.pid} failed: {message["failed"]}')
            messages.append(message)
        return messages

    def go(self, start: float) -> None:
        for conn in self.conns:
            conn.send({'start': start})

    def end(self) -> None:
        """End our worker processes, by their own handles."""
        for process in self.processes:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)


# ---------- numbers ----------

def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile in ms of values in seconds (None when there are none)."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] * 1000, 1)


def spread(values: list[float]) -> dict[str, Any]:
    return {'n': len(values), 'p50_ms': percentile(values, 50), 'p95_ms': percentile(values, 95),
            'p99_ms': percentile(values, 99), 'max_ms': percentile(values, 100)}


def windows(samples: list[tuple[float, float]], start: float, width: float = WINDOW_S) -> list[dict[str, Any]]:
    """p95 per window of ``width`` seconds, by when the measured thing started (s after the go)."""
    buckets: dict[int, list[float]] = {}
    for began, latency in samples:
        # max(0, ...): a sleep may end a fraction of a millisecond before the start it waited for
        buckets.setdefault(max(0, int((began - start) // width)), []).append(latency)
    return [{'from_s': k * width, 'n': len(v), 'p95_ms': percentile(v, 95)} for k, v in sorted(buckets.items())]


def steady_numbers(results: list[dict]) -> dict[str, Any]:
    actions = [a for r in results for a in r['actions']]
    board = [(a['sent'], a['board'] - a['sent']) for a in actions if a['board'] is not None]
    refused = [a for a in actions if a['state'] not in ('', 'done')]
    return {'samples': board, 'dropped': sum(a['board'] is None and a['state'] in ('', 'done') for a in actions),
            'refused': refused, 'actions': len(actions),
            'others': spread([x for r in results for x in r['others']]) |
            {'missing': sum(r['others_missing'] for r in results)},
            'self': spread([a['ack'] - a['sent'] for a in actions if a['ack'] is not None])}


def phase_numbers(results: list[dict]) -> dict[str, Any]:
    clicks = {int(room): t for r in results for room, t in r['clicks'].items()}
    seen = [s for r in results for s in r['seen']]
    samples = [(clicks[s['room']], s['at'] - clicks[s['room']]) for s in seen
               if s['at'] is not None and s['room'] in clicks]
    if clicks:  # to line up with the server's log (SPCP_LOOP_WATCH stamps its lines with the same clock)
        print(f'first Next phase click at {min(clicks.values()):.2f} (monotonic)', file=sys.stderr)
    # the real Chromium phones (--chromium) are in the first room; reported beside the simulated ones
    real = [c for r in results for c in r.get('chromium', [])]
    chromium = spread([c['at'] - clicks[0] for c in real if c['at'] is not None and 0 in clicks]) | {
        'phones': len(real), 'not_usable': sum(c['at'] is None for c in real),
        'missing': sorted({c['missing'] for c in real if c['at'] is None}),
        'titles': sorted({c['title'] for c in real})} if real else None
    return {'samples': samples, 'dropped': sum(s['at'] is None for s in seen), 'refused': [],
            'titles': sorted({s['title'] for s in seen if s['title']}), 'chromium': chromium}


def join_numbers(results: list[dict]) -> dict[str, Any]:
    joins = [j for r in results for j in r['joins']]
    return {'samples': [(j['start'], j['usable'] - j['start']) for j in joins if j['usable'] is not None],
            'dropped': sum(j['error'] == 'timeout' for j in joins),
            'refused': [j for j in joins if j['error'] not in ('', 'timeout')], 'joins': len(joins)}


def idle_numbers(_results: list[dict]) -> dict[str, Any]:
    return {'samples': [], 'dropped': 0, 'refused': []}


@dataclass
class Server:
    pid: int | None
    base_url: str
    others: tuple[int, ...] = ()        # the other processes behind a proxy at base_url: CPU and RSS summed
    lag_urls: tuple[str, ...] = ()      # each process's own address, for its loop lag (none: base_url)
    rss_baseline: float | None = None
    rss_connected: float | None = None
    cpu_start: float | None = None
    threads_start: dict[str, float] = field(default_factory=dict)  # thread_cpu_seconds at the go
    cpu_run_end: float | None = None   # at the end of --seconds (the drain and slow phase changes come after)
    probe_idle: float = 0.0
    calls_file: Path | None = None      # --calls: where the server writes its count (COUNTING)
    calls: int | None = None
    gc_file: Path | None = None         # where the server writes its garbage collections on SIGUSR2 (GC_PAUSES)
    gc_pauses: list[tuple[float, int, float, float]] | None = None
    gc_pauses_before: list[tuple[float, int, float, float]] | None = None  # start-up and joins, before the go


def server_status(server: Server, name: str) -> float | None:
    """``proc_status`` summed over the server's processes (None: one of them cannot be read)."""
    values = [proc_status(pid, name) for pid in (server.pid, *server.others)]
    return None if None in values else sum(values)


def server_cpu(server: Server) -> float | None:
    """``cpu_seconds`` summed over the server's processes (None: one of them cannot be read)."""
    values = [cpu_seconds(pid) for pid in (server.pid, *server.others)]
    return None if None in values else sum(values)


def server_figures(args: argparse.Namespace, server: Server, cpu_end: float | None, wall: float) -> dict[str, Any]:
    """The server's memory (MB) and CPU (s) during the run, read from /proc (None: no process to read); several
    processes: their sums."""
    def minus(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None else a - b
    rss_peak = server_status(server, 'VmHWM')
    grown, cpu, run_cpu = (minus(rss_peak, server.rss_baseline), minus(cpu_end, server.cpu_start),
                           minus(server.cpu_run_end, server.cpu_start))
    return {'rss_mb': rss_peak, 'rss_baseline_mb': server.rss_baseline, 'rss_connected_mb': server.rss_connected,
            'rss_end_mb': server_status(server, 'VmRSS'), 'server_processes': 1 + len(server.others),
            'rss_per_participant_mb': None if grown is None else round(grown / args.participants, 3),
            'server_cpu_s': None if cpu is None else round(cpu, 2),
            'server_cpu_share': None if cpu is None else round(cpu / wall, 2),               # go -> every result in
            'server_cpu_share_run': None if run_cpu is None else round(run_cpu / args.seconds, 2),  # --seconds only
            'server_threads_cpu_s': threads_used(server)}


def threads_used(server: Server) -> dict[str, float]:
    """CPU seconds each thread (by name) of the first process used since the go, the busiest first."""
    now = thread_cpu_seconds(server.pid)
    used = {name: round(seconds - server.threads_start.get(name, 0.0), 2) for name, seconds in now.items()}
    return dict(sorted(((n, s) for n, s in used.items() if s >= 0.01), key=lambda item: -item[1]))


def server_lags(base_url: str, since: float, timeout: float, until: float | None = None) -> list[float]:
    """The server's heartbeat lateness between ``since`` and ``until`` (SPCP_LOOP_WATCH's /_spcp/loop-lag; same
    clock: this machine's CLOCK_MONOTONIC), each late beat also standing for the beats it held up; [] if not
    served. (A server older than ``until`` answers up to now.)"""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname or '127.0.0.1', parts.port or 80, timeout=timeout)
    try:
        connection.request('GET', f'/_spcp/loop-lag?since={since}' + ('' if until is None else f'&until={until}'))
        response = connection.getresponse()
        body = json.loads(response.read()) if response.status == 200 else {}
    except (OSError, http.client.HTTPException, ValueError):
        body = {}
    finally:
        connection.close()
    beat, lates = body.get('beat_s', 0.02), body.get('late_s', [])
    on_time = [0.0] * max(0, body.get('beats', 0) - len(lates))
    return on_time + [late - k * beat for late in lates for k in range(int(late / beat) + 1)]


def summarize(args: argparse.Namespace, server: Server, probe: LagProbe, results: list[dict], start: float,
              wall: float, cpu_end: float | None) -> dict[str, Any]:
    numbers = {'steady': steady_numbers, 'phase': phase_numbers, 'plenary': phase_numbers,
               'joins': join_numbers, 'idle': idle_numbers}[args.scenario](results)
    main = spread([latency for _, latency in numbers['samples']])
    lags = probe.lags(start, server.probe_idle)
    # the measured window ends when the first worker's scenario ended, before its sockets closed: a thousand
    # phones leaving at once is not steady work, and is reported on its own (loop_lag_teardown_max_ms)
    ended = min((r['ended_at'] for r in results if 'ended_at' in r), default=None)
    urls = server.lag_urls or (server.base_url,)
    blocked = [lag for url in urls for lag in server_lags(url, start, args.timeout, until=ended)]
    teardown = [] if ended is None else [lag for url in urls for lag in server_lags(url, ended, args.timeout)]
    errors = [f'{x.get("kind", "join")}: {x.get("state") or x.get("error")} {x.get("note", "")}'.strip()
              for x in numbers['refused']] + [e for r in results for e in r['errors']]
    report = {
        'scenario': args.scenario, 'measure': MEASURES[args.scenario], 'participants': args.participants,
        'room_size': args.room_size, 'rooms': args.rooms, 'phase': args.phase_used, 'cards_per_room': args.cards,
        'seconds': args.seconds, 'workers': args.workers,
        'p50_ms': main['p50_ms'], 'p95_ms': main['p95_ms'], 'p99_ms': main['p99_ms'], 'max_ms': main['max_ms'],
        'samples': main['n'], 'windows': windows(numbers['samples'], start),
        'p95_ms_per_second': [w['p95_ms'] for w in windows(numbers['samples'], start, 1.0)],  # when a slow stretch was
        # work per sample (action, phone or join), from the server's CPU seconds and (--calls) its function calls
        'server_cpu_ms_per_sample': None if cpu_end is None or server.cpu_start is None or not main['n']
        else round((cpu_end - server.cpu_start) * 1000 / main['n'], 2),
        'server_calls': server.calls,
        'server_calls_per_second': None if server.calls is None else round(server.calls / wall),
        'server_calls_per_sample': None if server.calls is None or not main['n'] else round(server.calls / main['n']),
        'dropped': numbers['dropped'], 'errors': len(errors), 'error_examples': errors[:5],
        'disconnects': sum(r['disconnects'] for r in results),
        'close_codes': dict(Counter(str(code) for r in results for code in r['close_codes'])),
        # the event loop's own lag (its heartbeat's lateness, spcp/loop_watch.py), and a request's wait for an answer
        'loop_lag_p99_ms': percentile(blocked, 99), 'loop_lag_max_ms': percentile(blocked, 100),
        'loop_lag_teardown_max_ms': percentile(teardown, 100),  # while the phones' sockets closed, after the window
        'request_lag_p99_ms': percentile(lags, 99), 'request_lag_max_ms': percentile(lags, 100),
        'probe_idle_ms': round(server.probe_idle * 1000, 2), 'probe_failures': probe.failures,
        'gc_pauses': gc_figures(server.gc_pauses, start),  # the server's garbage collections in the run, per generation
        'gc_pauses_before': gc_figures(server.gc_pauses_before, start),  # and before it: start-up, pages built, joins
        'phase_change_max_ms': main['max_ms'] if args.scenario in ('phase', 'plenary') else None,
        **server_figures(args, server, cpu_end, wall),
        'generator_cpu_s': round(sum(r['cpu_s'] for r in results), 2),
        'generator_cpu_share_max': round(max(r['cpu_s'] / max(r['wall_s'], 1e-9) for r in results), 2),
        'wall_s': round(wall, 1), 'load_average_before': args.load_before, 'load_average': os.getloadavg(),
        'pinned': args.pin, 'deflate': args.deflate, 'settle_s': args.settle_s,
        'move_all': args.move_all,
        'command': shlex.join(['python', 'bench/load.py', *sys.argv[1:]]), 'code': source_state(Path(args.project)),
    }
    report |= {extra: numbers[extra] for extra in ('others', 'self', 'titles', 'actions', 'joins', 'chromium')
               if extra in numbers}
    return report


def source_state(project: Path) -> dict[str, Any]:
    """Which code was measured: the commit, and the app's files that differ from it (a shared working tree)."""
    def git(*args: str) -> str:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            return subprocess.run(['git', *args], cwd=project, capture_output=True, text=True, timeout=10).stdout
        return ''
    return {'project': str(project), 'commit': git('rev-parse', '--short', 'HEAD').strip(),
            'changed': git('status', '--porcelain', '--', 'spcp', 'assets').split('\n')[:-1]}


def markdown(report: dict[str, Any]) -> str:
    """The README's "Performance" rows: a header, this run's row, and the command that made it."""
    def ms(value: float | None) -> str:
        return '–' if value is None else f'{value:,.0f}' if value >= 10 else f'{value:.1f}'
    head = ('| scenario | participants (rooms) | measure | p50 ms | p95 ms | p99 ms | max ms | loop lag p99 ms | '
            'dropped / errors / disconnects | RSS peak MB (per participant) | server CPU s |')
    rss = '–' if report['rss_mb'] is None else f'{report["rss_mb"]:,.0f} ({report["rss_per_participant_mb"]})'
    variant = f' {report["phase"]}' if report['scenario'] == 'steady' else \
        ', move all' if report.get('move_all') else ''
    row = (f'| {report["scenario"]}{variant} | '
           f'{report["participants"]} ({report["rooms"]}) | {report["measure"]} | {ms(report["p50_ms"])} | '
           f'{ms(report["p95_ms"])} | {ms(report["p99_ms"])} | {ms(report["max_ms"])} | '
           f'{ms(report["loop_lag_p99_ms"])} | {report["dropped"]} / {report["errors"]} / {report["disconnects"]} | '
           f'{rss} | {report["server_cpu_s"] if report["server_cpu_s"] is not None else "–"} |')
    rows = [head, '|' + '---|' * head.count(' |'), row]
    if real := report.get('chromium'):  # the real Chromium phones of the same run, beside the simulated ones
        rows.append(f'| {report["scenario"]}: {real["phones"]} real Chromium phones | {report["participants"]} '
                    f'({report["rooms"]}) | phase change -> usable page | {ms(real["p50_ms"])} | {ms(real["p95_ms"])} '
                    f'| {ms(real["p99_ms"])} | {ms(real["max_ms"])} | | {real["not_usable"]} not usable | | |')
    pauses = ', '.join(f'generation {g}: {x["n"]}, p50 {ms(x["p50_ms"])} / p99 {ms(x["p99_ms"])} / max '
                       f'{ms(x["max_ms"])} ms (CPU {ms(x["cpu_max_ms"])}), {ms(x["total_ms"])} ms in all '
                       f'(CPU {ms(x["cpu_total_ms"])})'
                       for g, x in (report.get('gc_pauses') or {}).items())
    return '\n'.join([*rows, '', f'`{report["command"]}`', *([f'garbage collections: {pauses}'] if pauses else [])])


# ---------- running ----------

def cpu_split(pin: bool) -> tuple[set[int] | None, set[int] | None]:
    """CPU 0 for the server, the others for the generator (None, None: no pinning)."""
    cpus = os.sched_getaffinity(0)
    if not pin or len(cpus) < 2:
        return None, None
    first = min(cpus)
    return {first}, cpus - {first}


def measure(args: argparse.Namespace, server: Server, seeded: list[SeededRoom],
            generator_cpus: set[int] | None) -> dict[str, Any]:
    """Open the rooms, run the scenario, read the server; every wait bounded."""
    port = int(server.base_url.rsplit(':', 1)[1])
    args.load_before = os.getloadavg()  # other work on the machine shows here: numbers under load are noisy
    probe = LagProbe(port, args.timeout)
    server.probe_idle = probe.idle()
    server.rss_baseline = server_status(server, 'VmRSS')
    chromium = ChromiumPlan(server.base_url, seeded[0].code, args.chromium, args.timeout, generator_cpus) \
        if args.chromium else None
    workers = Workers.start(worker_plans(args, server.base_url, seeded, generator_cpus, args.phase_used), chromium)
    try:
        ready = workers.receive(args.timeout + args.participants * 0.5, 'ready')
        opened = sum(m['phones'] for m in ready)
        print(f'opened {len(seeded)} boards and {opened} phones ({sum(m["errors"] for m in ready)} errors)',
              file=sys.stderr)
        server.rss_connected = server_status(server, 'VmRSS')
        args.settle_s = settle(server, args.settle)
        print(f'server quiet after {args.settle_s} s' if args.settle_s is not None else
              f'server not quiet after {args.settle} s: the scenario starts anyway', file=sys.stderr)
        profiler = start_profile(args.profile, server.pid, args.seconds + 1.0)
        probe.start()
        server.cpu_start = server_cpu(server)
        server.threads_start = thread_cpu_seconds(server.pid)
        count_calls(server, stop=False)
        start = time.monotonic() + 1.0
        workers.go(start)
        timer = threading.Timer(1.0 + args.seconds, lambda: setattr(server, 'cpu_run_end', server_cpu(server)))
        timer.daemon = True  # never keeps the bench alive after an error
        timer.start()
        results = [m['result'] for m in workers.receive(args.seconds + 3 * args.timeout + 30, 'result')]
        cpu_end = server_cpu(server)
        count_calls(server, stop=True)
        wall = time.monotonic() - start
        read_gc_pauses(server, start)
        timer.cancel()
        if server.cpu_run_end is None:  # every result came in before --seconds were over
            server.cpu_run_end = cpu_end
    finally:
        probe.running.clear()
        workers.end()
        if profiler is not None:  # it ends by itself after its duration, writing its file; SIGINT makes it write too
            with contextlib.suppress(subprocess.TimeoutExpired):
                profiler.wait(timeout=args.seconds + 30)
            if profiler.poll() is None:
                profiler.send_signal(signal.SIGINT)
                stop(profiler)
    report = summarize(args, server, probe, results, start, wall, cpu_end)
    # a full collection after the run (and after its lag was read): its length and what it found
    return report | {'gc_full_after': gc_written(server)}


SETTLED_SHARE = 0.25  # of one core: 1,000 phones doing nothing cost 13% (--scenario idle)


def settle(server: Server, longest: float) -> float | None:
    """Wait (at most ``longest`` s) until the server's CPU over one second is under ``SETTLED_SHARE``: what
    opening the rooms left behind (the grouping help embedding 100 boards' seeded cards takes some 30 s on its
    thread, and each board then draws its duplicate pairs on the loop) is not the scenario. The seconds it took
    (None: no process to read, or it never settled)."""
    started = time.monotonic()
    before = server_cpu(server)
    while before is not None and time.monotonic() - started < longest:
        time.sleep(1.0)
        now = server_cpu(server)
        if now is None:
            return None
        if now - before < SETTLED_SHARE:
            return round(time.monotonic() - started, 1)
        before = now
    return None


def count_calls(server: Server, stop: bool) -> None:
    """``--calls``: start counting the server's function calls, or stop and read the count (bounded wait)."""
    if server.calls_file is None or server.pid is None:
        return
    os.kill(server.pid, signal.SIGUSR1)
    deadline = time.monotonic() + 30
    while stop and not server.calls_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2 if stop else 0)  # written by then
    with contextlib.suppress(OSError, ValueError):
        server.calls = int(server.calls_file.read_text()) if stop else None


def gc_written(server: Server) -> Any:
    """What the server's ``GC_PAUSES`` writes on SIGUSR2 (bounded wait; None if nothing came)."""
    if server.gc_file is None or server.pid is None:
        return None
    with contextlib.suppress(OSError):
        server.gc_file.unlink(missing_ok=True)
        os.kill(server.pid, signal.SIGUSR2)
    deadline = time.monotonic() + 30
    while not server.gc_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    with contextlib.suppress(OSError, ValueError):
        return json.loads(server.gc_file.read_text())
    return None


def read_gc_pauses(server: Server, since: float) -> None:
    """The server's garbage collections, before ``since`` and after."""
    pauses = [tuple(pause) for pause in gc_written(server) or ()]
    server.gc_pauses = [pause for pause in pauses if pause[0] >= since]
    server.gc_pauses_before = [pause for pause in pauses if pause[0] < since]


def gc_figures(pauses: list[tuple[float, int, float, float]] | None, start: float) -> dict[str, Any] | None:
    """Per generation: how many collections, how long (ms: p50, p99, max), their sum, and the CPU time (ms) of the
    longest and of all (the part that other load on this machine does not stretch); full ones: when (s after
    ``start``, the go)."""
    if pauses is None:
        return None
    figures = {}
    for generation in (0, 1, 2):
        took, cpu = [p[2] for p in pauses if p[1] == generation], [p[3] for p in pauses if p[1] == generation]
        if took:
            figures[str(generation)] = spread(took) | {'total_ms': round(sum(took) * 1000, 1),
                                                       'cpu_max_ms': percentile(cpu, 100),
                                                       'cpu_total_ms': round(sum(cpu) * 1000, 1)}
    if '2' in figures:
        figures['2']['ended_at_s'] = [round(p[0] - start, 1) for p in pauses if p[1] == 2]
    return figures


def start_profile(path: Path | None, pid: int | None, seconds: float) -> subprocess.Popen | None:
    """``--profile``: py-spy samples the server (100 Hz, every thread, idle left out) for the scenario's
    seconds into a speedscope file (https://www.speedscope.app, or read it with ``--top`` in py-spy)."""
    if path is None or pid is None:
        return None
    return subprocess.Popen([str(Path(sys.executable).with_name('py-spy')), 'record', '--pid', str(pid),
                             '--rate', '100', '--duration', str(math.ceil(seconds)), '--format', 'speedscope',
                             '--output', str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run(args: argparse.Namespace) -> dict[str, Any]:
    server_cpus, generator_cpus = cpu_split(args.pin)
    if generator_cpus:
        os.sched_setaffinity(0, generator_cpus)  # the parent's probe and the workers keep off the server's core
    max_cards = max(12, math.ceil(args.seconds / PERIOD_S) + 1)  # a long steady run may write more than 12 each
    if args.url:
        seeded = seed(Path(args.project), args.database_url or Path(args.data_dir) / 'spcp.sqlite3', args.rooms,
                      args.phase_used, args.cards, max_cards)
        pids = args.server_pids or [None]
        return measure(args, Server(pids[0], args.url.rstrip('/'), others=tuple(pids[1:]),
                                    lag_urls=tuple(url.rstrip('/') for url in args.process_urls or ())),
                       seeded, generator_cpus)
    with contextlib.ExitStack() as stack:
        data_dir = Path(args.data_dir) if args.data_dir else \
            Path(stack.enter_context(tempfile.TemporaryDirectory(prefix='spcp-load-')))
        seeded = seed(Path(args.project), data_dir / 'spcp.sqlite3', args.rooms, args.phase_used, args.cards, max_cards)
        process, base_url = stack.enter_context(own_server(data_dir, server_cpus, Path(args.project), args.calls))
        return measure(args, Server(process.pid, base_url, calls_file=data_dir / 'calls.txt' if args.calls else None,
                                    gc_file=data_dir / 'gc.json'), seeded, generator_cpus)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--participants', type=int, required=True)
    parser.add_argument('--room-size', type=int, default=10)
    parser.add_argument('--seconds', type=float, default=30.0)
    parser.add_argument('--json', type=Path, help='write the report here')
    parser.add_argument('--scenario', choices=sorted(MEASURES), default='steady')
    parser.add_argument('--phase', choices=['issues', 'vote'], default='issues', help='steady: what phones do')
    parser.add_argument('--cards', type=int, help='cards seeded per room (default: steady 0, or the room size in '
                        'Vote; phase 20; plenary 300; joins 0)')
    parser.add_argument('--workers', type=int, default=1, help='generator processes')
    parser.add_argument('--profile', type=Path, help="py-spy the server during the scenario into this speedscope "
                        "JSON (pip install '.[bench]')")
    parser.add_argument('--chromium', type=int, default=0, help='phase, plenary: also this many real Chromium phones '
                        "in the first room (bench/load_chromium.py), their time to a usable page reported beside")
    parser.add_argument('--calls', action='store_true', help="count the server's Python function calls during the "
                        'scenario (cProfile on its event loop): work per action that other load does not change; '
                        'its latencies are slower than without. With --data-dir, the profile stays in '
                        'DIR/calls.txt.prof')
    parser.add_argument('--timeout', type=float, default=120.0, help='longest wait for any one thing (s)')
    parser.add_argument('--no-pin', dest='pin', action='store_false', help='do not pin server and generator')
    parser.add_argument('--move-all', action='store_true',
                        help="phase: the organizer's dashboard moves every room at once (one click, as the issue's "
                             '"move all rooms" button) instead of each board clicking Next phase')
    parser.add_argument('--settle', type=float, default=120.0,
                        help='before the scenario, wait at most this long (s) for the server to go quiet after the '
                             'rooms opened (0: start at once)')
    parser.add_argument('--no-assets', dest='assets', action='store_false', help='joins: page and socket only')
    parser.add_argument('--no-deflate', dest='deflate', action='store_false',
                        help='sockets without permessage-deflate (Chromium negotiates it): what compression costs')
    parser.add_argument('--url', help='a running server on 127.0.0.1, or a proxy in front of several (needs '
                        '--data-dir, its data folder, or --database-url)')
    parser.add_argument('--data-dir', help='the data folder (default: a fresh temporary one)')
    parser.add_argument('--database-url', help="with --url: the servers' database (e.g. PostgreSQL), where the "
                        'bench seeds its event')
    parser.add_argument('--server-pid', type=int, action='append', dest='server_pids',
                        help='with --url: read RSS and CPU of this process (once per process behind a proxy: summed)')
    parser.add_argument('--process-url', action='append', dest='process_urls',
                        help="with --url through a proxy: one process's own address, where its loop lag is read "
                        '(once per process; default: --url)')
    parser.add_argument('--project', default=str(PROJECT), help='run the server from this checkout (e.g. a git '
                        'archive of an older commit, to measure before and after); its own domain seeds '
                        'the event (bench/load_seed.py)')
    args = parser.parse_args(argv)
    if args.url and not (args.data_dir or args.database_url):
        parser.error('--url needs --data-dir or --database-url: the bench creates its event (and facilitator '
                     'links) there')
    if args.scenario == 'plenary':
        args.room_size = args.participants
    args.rooms = math.ceil(args.participants / args.room_size)
    args.phase_used = args.phase if args.scenario == 'steady' else 'issues'
    if args.cards is None:
        args.cards = args.room_size if args.phase_used == 'vote' else DEFAULT_CARDS[args.scenario]
    if args.phase_used == 'vote' and args.cards < args.room_size:
        parser.error('--phase vote needs at least --room-size cards: each phone dots its own card')
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the same clean-up as Ctrl-C
    report = run(args)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + '\n')
    print(markdown(report))
    return 0


if __name__ == '__main__':
    sys.exit(main())
