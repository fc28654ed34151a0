"""Two measured shortcuts in the libraries under NiceGUI, taken at start-up by the composition root.

Profiled at 500 participants submitting (bench/load.py --calls, 1,000 submits), each cost about 6% of the
event loop's time, for work whose answer never changes:

- NiceGUI asks ``inspect.signature`` whether a handler wants an argument each time an element is made
  (its props, classes and style each register the element's change handler): 21,000 signatures for
  6,000 elements. For a plain function or a method the answer is in its code object; we read it there
  and leave every other callable (partials, wrapped or callable objects) to NiceGUI's own check.
- python-socketio walks every message it sends, every nested dict and list, looking for bytes to send
  as attachments (350,000 calls). NiceGUI's ``update`` messages are element dicts, which never hold
  bytes; a download (``ui.download.content``) does and is still walked.
"""
from __future__ import annotations

from collections.abc import Callable
from types import FunctionType, MethodType
from typing import Any

import socketio.packet
from nicegui import core, helpers
from nicegui.helpers import functions

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


def install() -> None:
    """Take both shortcuts (once NiceGUI's socket.io server exists: at import of nicegui)."""
    helpers.expects_arguments = expects_arguments
    functions.expects_arguments = expects_arguments
    core.sio.packet_class = ElementUpdatePacket
