"""The grouping help's one background thread: embedding (~20 ms a card) and clustering never run on the
server's event loop. Pages call ``embed_soon`` as each card arrives and ``await run(...)`` for a
suggestion; one worker runs them in order, so a suggestion asked for after the cards came in finds their
vectors ready. The model is loaded on first use, in that thread too."""
from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from .suggester import Suggester

log = logging.getLogger(__name__)
T = TypeVar('T')

_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix='spcp-suggest')
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
