"""Measured shortcuts in the libraries under NiceGUI, taken at start-up by the composition root.

Profiled at 500 participants submitting (bench/load.py --calls, 1,000 submits), each cost 4-6% of the
event loop's time, for work whose answer never changes or that waits for nothing:

- NiceGUI asks ``inspect.signature`` whether a handler wants an argument each time an element is made
  (its props, classes and style each register the element's change handler): 21,000 signatures for
  6,000 elements. For a plain function or a method the answer is in its code object; we read it there
  and leave every other callable (partials, wrapped or callable objects) to NiceGUI's own check.
- python-socketio walks every message it sends, every nested dict and list, looking for bytes to send
  as attachments (350,000 calls). NiceGUI's ``update`` messages are element dicts, which never hold
  bytes; a download (``ui.download.content``) does and is still walked.
- Each page's outbox (NiceGUI's ``Outbox.loop``) waits for something to send with ``asyncio.wait_for(...,
  timeout=1.0)``: a task and a timer per wait, and with 1,000 phones a thousand timeouts a second that
  find nothing (72,000 waits in a 20 s run). Nothing needs the timeout: ``Outbox.stop`` sets the same
  event. And a page whose socket is not connected (a board's first GET, which redirects; a phone in its
  reconnect window) had its outbox look again every 0.1 s: with 100 boards, 38,000 looks in a 20 s
  phase-change run. :func:`outbox_loop` is NiceGUI 3.18's loop waiting on the events themselves; the
  test pins NiceGUI's source, so an upgrade that changes it fails until this is looked at again.
- An element's props, classes and style each hold their change handler, a bound method of themselves:
  a reference cycle, so a deleted element leaves three behind that only the full garbage collection
  frees (250,000 objects after one phase change at 1,000 phones, and that collection stops the event
  loop 1.5 s). :func:`remove_elements` drops those handlers as NiceGUI removes the elements, so plain
  reference counting frees them at once.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from types import FunctionType, MethodType
from typing import Any

import socketio.packet
from nicegui import core, helpers
from nicegui.client import Client
from nicegui.dependencies import JsComponent
from nicegui.element import Element
from nicegui.helpers import functions
from nicegui.outbox import Deleted, Outbox, deleted

_nicegui_expects_arguments = functions.expects_arguments


def expects_arguments(func: Callable) -> bool:
    """NiceGUI's ``expects_arguments`` (a parameter that is neither ``*args``/``**kwargs`` nor has a
    default), read from the code object of a plain function or method."""
    bound = isinstance(func, MethodType)
    target = func.__func__ if bound else func
    if type(target) is not FunctionType or hasattr(target, '__wrapped__') or hasattr(target, '__signature__'):
        return _nicegui_expects_arguments(func)
    code = target.__code__
    positional = code.co_argcount - len(target.__defaults__ or ()) - (1 if bound else 0)
    keyword_names = code.co_varnames[code.co_argcount:code.co_argcount + code.co_kwonlyargcount]
    keyword_defaults = target.__kwdefaults__ or {}
    return positional > 0 or any(name not in keyword_defaults for name in keyword_names)


class ElementUpdatePacket(socketio.packet.Packet):
    """A socket.io packet that does not look for bytes inside NiceGUI's element updates."""

    @classmethod
    def data_is_binary(cls, data: Any) -> bool:
        if isinstance(data, list) and data and data[0] == 'update':
            return False
        return super().data_is_binary(data)


NICEGUI_OUTBOX_LOOP = Outbox.loop


async def outbox_loop(self: Outbox) -> None:
    """NiceGUI 3.18's ``Outbox.loop``, waiting on its event without a timeout (and split in two)."""
    self._enqueue_event = asyncio.Event()
    self._enqueue_event.set()
    while not self._should_stop:
        try:
            await self._enqueue_event.wait()  # NiceGUI: wait_for(..., timeout=1.0), then check again
            client = self._client()
            if client is None or not client.has_socket_connection:
                if client is None:
                    self.client  # noqa: B018 (NiceGUI's own error for an outbox whose client is gone)
                await until_connected(client)  # NiceGUI: asyncio.sleep(0.1), and check again
                continue
            self._enqueue_event.clear()
            for coro in _outgoing(self, client):
                try:
                    await coro
                except Exception as e:  # noqa: BLE001 (as NiceGUI: one message's failure is reported)
                    core.app.handle_exception(e)
        except asyncio.CancelledError:
            break
        except Exception as e:  # noqa: BLE001
            core.app.handle_exception(e)
            await asyncio.sleep(0.1)


async def until_connected(client: Any) -> None:
    """Until the page's socket (re)connects: NiceGUI's handshake sets ``_connected``, and so does the client's
    deletion (after stopping its outbox). Cleared first: set by an earlier handshake, it stays set after a
    disconnect (NiceGUI's own ``connected()`` clears it before waiting too)."""
    client._connected.clear()  # noqa: SLF001
    await client._connected.wait()  # noqa: SLF001


def _outgoing(self: Outbox, client: Any) -> list:
    """The sends for what is queued (NiceGUI's loop body): element updates with any new components, then messages."""
    coros = []
    if self.updates:
        data = {element_id: None if element is deleted else element._to_dict()  # noqa: SLF001
                for element_id, element in self.updates.items()}
        js_components = [component for element in self.updates.values() if not isinstance(element, Deleted)
                         and isinstance((component := element.component), JsComponent)
                         and component.name not in self._loaded_components]
        if js_components:
            coros.append(self._emit((client.id, 'load_js_components', {
                'components': [{'key': c.key, 'tag': c.tag} for c in js_components]})))
            self._loaded_components.update(c.name for c in js_components)
        coros.append(self._emit((client.id, 'update', data)))
        self.updates.clear()
    if self.messages:
        coros.extend(self._emit(message) for message in self.messages)
        self.messages.clear()
    return coros


NICEGUI_REMOVE_ELEMENTS = Client.remove_elements


def remove_elements(self: Client, elements: Iterable[Element]) -> None:
    """NiceGUI's ``Client.remove_elements``, then the cycles of each removed element's props, classes and
    style broken (a deleted element is never updated again: NiceGUI ignores it from then on)."""
    removed = list(elements)
    NICEGUI_REMOVE_ELEMENTS(self, removed)
    for element in removed:
        for observed in (element._props, element._classes, element._style):  # noqa: SLF001
            observed._change_handlers.clear()  # noqa: SLF001


def install() -> None:
    """Take the shortcuts (once NiceGUI's socket.io server exists: at import of nicegui)."""
    helpers.expects_arguments = expects_arguments
    functions.expects_arguments = expects_arguments
    core.sio.packet_class = ElementUpdatePacket
    Outbox.loop = outbox_loop
    Client.remove_elements = remove_elements
