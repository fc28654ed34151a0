"""A TCP proxy on 127.0.0.1 that a test can cut and restore, to take a phone offline for real.

Playwright's ``context.set_offline(True)`` stops new requests but may leave an open WebSocket alone,
so a phone would never notice. Here the browser talks to the proxy and the proxy to the server:
``stop()`` stops listening AND aborts every open connection (the socket.io WebSocket really dies and
every reconnect is refused, as on a phone whose Wi-Fi dropped), ``restart()`` listens again on the
same port (the phone's origin, hence its localStorage, stays the same).

The proxy runs its own asyncio event loop in its own daemon thread, so Playwright's sync API and
pytest-asyncio never share a loop with it. It is bounded: at most ``max_connections`` open links
(more are refused), 64 KiB reads with back-pressure (``drain``), a connect timeout to the server,
and ``close()`` (or leaving the ``with`` block) stops the loop and joins the thread.
"""
from __future__ import annotations

import asyncio
import contextlib
import threading
from types import TracebackType

HOST = '127.0.0.1'
CHUNK = 64 * 1024
CONNECT_TIMEOUT_S = 5.0
CALL_TIMEOUT_S = 10.0  # a call into the proxy's loop (start, stop) that takes longer is a bug


class TcpProxy:
    """``with TcpProxy(server_port) as proxy:`` then ``proxy.base_url``, ``proxy.stop()``, ``proxy.restart()``."""

    def __init__(self, target_port: int, *, port: int = 0, max_connections: int = 64) -> None:
        self.target_port, self.port, self.max_connections = target_port, port, max_connections
        self.accepted = 0  # connections accepted so far (a reload or a reconnect shows up here)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=f'tcp-proxy-{target_port}', daemon=True)
        self._server: asyncio.AbstractServer | None = None
        self._links: set[asyncio.Task] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def base_url(self) -> str:
        return f'http://{HOST}:{self.port}'

    @property
    def listening(self) -> bool:
        return self._server is not None

    @property
    def open_connections(self) -> int:
        return len(self._links)

    # ---------- called from the test's thread ----------

    def start(self) -> TcpProxy:
        if not self._thread.is_alive():
            self._thread.start()
        self._call(self._listen())
        return self

    def stop(self) -> None:
        """Cut the link: stop listening and abort every open connection (both sides)."""
        self._call(self._cut())

    def restart(self) -> None:
        """Listen again on the same port; the browser's next reconnect gets through."""
        self._call(self._listen())

    def close(self) -> None:
        if not self._thread.is_alive():
            self._loop.close()
            return
        with contextlib.suppress(Exception):  # best effort: the loop must end whatever happened inside
            self._call(self._cut())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=CALL_TIMEOUT_S)
        if not self._thread.is_alive():
            self._loop.close()

    def __enter__(self) -> TcpProxy:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def _call(self, coroutine) -> object:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=CALL_TIMEOUT_S)

    # ---------- inside the proxy's loop ----------

    async def _listen(self) -> None:
        if self._server is not None:
            return
        # reuse_address: a port whose last connections sit in TIME_WAIT can be listened on again at once
        self._server = await asyncio.start_server(self._link, HOST, self.port, reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _cut(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()  # no new connections (Python 3.11: does not wait for the open ones)
        for writer in list(self._writers):
            writer.transport.abort()  # at once, no flushing: the browser sees the connection die
        links = list(self._links)
        if links:  # aborted transports end their pipes by themselves; cancel only what is left after that
            _, stuck = await asyncio.wait(links, timeout=CALL_TIMEOUT_S / 2)
            for task in stuck:
                task.cancel()
            await asyncio.gather(*links, return_exceptions=True)

    async def _link(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._server is None or len(self._links) >= self.max_connections:
            writer.transport.abort()
            return
        task = asyncio.current_task()
        assert task is not None
        self._links.add(task)
        self._writers.add(writer)
        self.accepted += 1
        upstream: asyncio.StreamWriter | None = None
        try:
            up_reader, upstream = await asyncio.wait_for(asyncio.open_connection(HOST, self.target_port),
                                                         CONNECT_TIMEOUT_S)
            self._writers.add(upstream)
            pipes = [asyncio.create_task(self._pipe(reader, upstream)),
                     asyncio.create_task(self._pipe(up_reader, writer))]
            try:  # both directions until each has ended, or until one fails (a reset): then end both
                await asyncio.wait(pipes, return_when=asyncio.FIRST_EXCEPTION)
            finally:
                for pipe in pipes:
                    pipe.cancel()
                await asyncio.gather(*pipes, return_exceptions=True)
        except OSError:  # incl. TimeoutError
            pass  # the server is not there: the browser sees its connection close
        except asyncio.CancelledError:
            pass  # cut by stop(): asyncio's stream callback would log a cancelled handler as an error
        finally:
            for end in (writer, upstream):
                if end is not None:
                    self._writers.discard(end)
                    end.transport.abort()
            self._links.discard(task)

    @staticmethod
    async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        """Copy one direction; an end of stream is passed on (a half-close), an error raises."""
        while data := await source.read(CHUNK):
            sink.write(data)
            await sink.drain()  # back-pressure: never more than a chunk or two in memory
        if sink.can_write_eof():
            sink.write_eof()
