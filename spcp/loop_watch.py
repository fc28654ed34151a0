"""A watchdog for the event loop: when it is blocked, say where.

Everything a page does runs on one event loop, so one slow step makes every phone of the hall wait.
A task on the loop beats every ``BEAT_S``; a thread checks the beat and, while it is late by more than
``BLOCKED_S``, samples the loop thread's Python stack. When the loop beats again, one log line says how
long it was blocked, how much of that the loop's thread spent on the CPU (the rest: the machine gave the
CPU to someone else) and the innermost frames seen most often, ours and all: enough to find what to cut.

Off by default (``SPCP_LOOP_WATCH=1`` turns it on, as ``bench/load.py`` does): the thread costs little,
but a busy server has better things to do than log. With it on, ``GET /_spcp/loop-lag?since=T[&until=U]`` lists how
late the beats came between ``T`` and ``U`` (``time.monotonic()``): the event loop's lag as the server itself saw it.
"""
from __future__ import annotations

import asyncio
import gc
import logging
import math
import sys
import threading
import time
import traceback
from collections import Counter, deque

log = logging.getLogger(__name__)

BEAT_S = 0.02
BLOCKED_S = 0.1
SAMPLE_S = 0.01
SHOWN_FRAMES = 8
KEEP_BEATS = 100_000  # late beats kept for ``lateness`` (bench/load.py reads them at /_spcp/loop-lag)


class LoopWatch:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.loop_thread = threading.get_ident()  # made on the loop's thread
        self.beat = time.monotonic()
        self.running = True
        self.samples: Counter[str] = Counter()
        self.sampled = 0
        self.cpu_clock = time.pthread_getcpuclockid(self.loop_thread)
        self.lates: deque[tuple[float, float]] = deque(maxlen=KEEP_BEATS)  # (when, how late) of late beats
        self.beats: deque[float] = deque(maxlen=KEEP_BEATS)  # when each beat came

    def lateness(self, since: float, until: float = math.inf) -> tuple[int, list[float]]:
        """How many beats came between ``since`` and ``until`` (monotonic), and how late (s) those late by over
        1 ms were."""
        return (sum(since <= at <= until for at in self.beats),
                [late for at, late in self.lates if since <= at <= until])

    async def beating(self) -> None:
        while self.running:
            self.beat = time.monotonic()
            await asyncio.sleep(BEAT_S)
            now = time.monotonic()
            self.beats.append(now)
            if (late := now - self.beat - BEAT_S) > 0.001:
                self.lates.append((now, late))

    def watching(self) -> None:
        blocked_since: float | None = None
        cpu_since = 0.0
        while self.running:
            time.sleep(SAMPLE_S)
            late = time.monotonic() - self.beat
            if late > BLOCKED_S + BEAT_S:
                if blocked_since is None:
                    blocked_since, cpu_since = self.beat, time.clock_gettime(self.cpu_clock) - late
                self.sample()
            elif blocked_since is not None:
                self.report(self.beat - blocked_since, time.clock_gettime(self.cpu_clock) - cpu_since)
                blocked_since = None

    def sample(self) -> None:
        frame = sys._current_frames().get(self.loop_thread)  # noqa: SLF001 (the documented way to see another thread)
        if frame is None:
            return
        self.sampled += 1
        stack = traceback.extract_stack(frame)
        ours = [f for f in stack if '/spcp/' in f.filename and '/spcp/cli.py' not in f.filename
                and '/spcp/server.py' not in f.filename]
        self.samples[' < '.join(_where(f) for f in [stack[-1], *reversed(ours[-3:])])] += 1

    def report(self, blocked_s: float, cpu_s: float) -> None:
        log.warning('event loop blocked %.0f ms (%.0f ms of it on the CPU) until %.2f; in %d samples: %s',
                    blocked_s * 1000, cpu_s * 1000, self.beat, self.sampled,
                    ' | '.join(f'{n}x {where}' for where, n in self.samples.most_common(SHOWN_FRAMES)))
        self.samples.clear()
        self.sampled = 0


def _where(frame: traceback.FrameSummary) -> str:
    return f'{frame.filename.rsplit("site-packages/", 1)[-1]}:{frame.lineno} {frame.name}'


class CollectionWatch:
    """Garbage collections that take long (a full one walks every object of every page): they block the loop
    from inside C, so the stack samples only show the frame that happened to allocate."""

    def __init__(self) -> None:
        self.started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == 'start':
            self.started = time.perf_counter()
        elif (took := time.perf_counter() - self.started) > BLOCKED_S / 2:
            log.warning('garbage collection of generation %d took %.0f ms (%d collected)', info['generation'],
                        took * 1000, info['collected'])


def start() -> LoopWatch:
    """Start watching the running loop (call from a start-up handler on the loop)."""
    gc.callbacks.append(CollectionWatch())
    watch = LoopWatch(asyncio.get_running_loop())
    asyncio.get_running_loop().create_task(watch.beating())
    threading.Thread(target=watch.watching, name='loop-watch', daemon=True).start()
    return watch


def install() -> None:
    """Watch the loop from start-up on, and answer ``GET /_spcp/loop-lag?since=T[&until=U]`` (JSON: lateness in s)."""
    from nicegui import app  # only here: the watch itself works on any asyncio loop
    from starlette.responses import JSONResponse
    watches: list[LoopWatch] = []
    app.on_startup(lambda: watches.append(start()))

    @app.get('/_spcp/loop-lag')
    def loop_lag(since: float = 0.0, until: float = math.inf) -> JSONResponse:
        beats, lates = watches[0].lateness(since, until) if watches else (0, [])
        return JSONResponse({'beat_s': BEAT_S, 'beats': beats, 'late_s': lates})
