"""The grouping help's one background thread: embedding (~20 ms a card) and clustering never run on the
server's event loop. Pages call ``embed_soon`` as each card arrives and ``await run(...)`` for a
suggestion; one worker runs them in order, so a suggestion asked for after the cards came in finds their
vectors ready. The model is loaded on first use, in that thread too."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from .suggester import Suggester

log = logging.getLogger(__name__)
T = TypeVar('T')

BACKGROUND_NICENESS = 19  # the lowest priority: when the loop's thread wants the CPU, it gets it


def _background() -> None:
    """Run the worker thread at the lowest CPU priority. Embedding a room's cards when a board opens (300
    cards: ~10 s of CPU) shared a core with the event loop as an equal and slowed every phone (bench/load.py
    plenary: the slowest phone 0.9 -> 1.9 s); a nice thread only gets what the loop leaves. (Linux sets
    the niceness per thread; elsewhere this does nothing.)"""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICENESS)


_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix='spcp-suggest', initializer=_background)
_suggester: Suggester | None = None
_lock = threading.Lock()


def suggester() -> Suggester:
    """The process's suggester (the model loads here on first call: call it from the worker)."""
    global _suggester  # noqa: PLW0603
    with _lock:
        if _suggester is None:
            _suggester = Suggester()
        return _suggester


def use(custom: Suggester | None) -> None:
    """Tests: use this suggester (None: make the default one again on next use)."""
    global _suggester  # noqa: PLW0603
    with _lock:
        _suggester = custom


def _embed(texts: list[str]) -> None:
    try:
        suggester().cache.add(texts)
    except Exception:  # noqa: BLE001 (a failed embedding is retried when a suggestion needs the text)
        log.exception('embedding %d cards failed', len(texts))


def embed_soon(texts: Sequence[str]) -> Future[None]:
    """Queue the texts' embedding (returns at once)."""
    return _executor.submit(_embed, list(texts))


async def run(job: Callable[[Suggester], T]) -> T:
    """``job(suggester)`` on the worker thread, awaited without blocking the event loop."""
    return await asyncio.get_running_loop().run_in_executor(_executor, lambda: job(suggester()))


def warm() -> None:
    """Load the model now (at start-up, ~0.2 s), so the first board does not wait for it and the server's
    memory at rest includes it (it is the same for 10 phones or 1,000)."""
    try:
        suggester().cache.add(['warm'])
    except Exception:  # noqa: BLE001 (grouping help is optional: the boards say when it is not there)
        log.exception('the grouping help could not load its model')
