"""python-socketio's rooms, with an index from each socket to its rooms.

NiceGUI puts every page's socket in a socket.io room named after its client, so a server with 1,000 phones
has some 2,000 rooms (python-socketio also keeps one per socket). When a socket closes, python-socketio
finds its rooms by looking in every room (``basic_disconnect``), and NiceGUI's disconnect handler asks for
them again the same way (``rooms(sid)``): two walks over every room per socket. When a hall of 1,000 phones
left at once (bench/load.py at the end of a run), those walks stopped the event loop for 0.4-0.6 s.

:class:`IndexedRooms` keeps, beside python-socketio's own ``rooms``, the rooms of each socket: it is updated
where python-socketio itself enters and leaves a room (every other change goes through those two), and
answers both questions from it.

It also sends a message for a room of one socket (every NiceGUI message: each page's socket has its own room)
in place. python-socketio's ``emit`` makes an asyncio task per recipient and waits for them all
(``asyncio.wait``): for one recipient, a task, a wait and two more turns of the event loop per message, to put
the packet in that socket's queue. A phase change in 100 rooms sends some 2,000 such messages at once. Everything
else is python-socketio's own code.
"""
from __future__ import annotations

from typing import Any

import socketio
from engineio import packet as eio_packet
from socketio import packet

Key = tuple[Any, Any]  # (namespace, socket id)


class IndexedRooms(socketio.AsyncManager):
    """The asyncio manager, finding a socket's rooms through ``rooms_of`` instead of a walk over all rooms."""

    rooms_of: dict[Key, dict[Any, None]]  # (namespace, sid) -> its rooms, in the order it entered them

    def __init__(self) -> None:  # made as such (install() gives a manager in use this class instead)
        super().__init__()
        self.rooms_of = {}

    def basic_enter_room(self, sid: Any, namespace: Any, room: Any, eio_sid: Any = None) -> None:
        super().basic_enter_room(sid, namespace, room, eio_sid=eio_sid)  # raises when refused: no index then
        self.rooms_of.setdefault((namespace, sid), {})[room] = None

    def basic_leave_room(self, sid: Any, namespace: Any, room: Any) -> None:
        super().basic_leave_room(sid, namespace, room)
        rooms = self.rooms_of.get((namespace, sid))
        if rooms is not None:
            rooms.pop(room, None)
            if not rooms:
                del self.rooms_of[(namespace, sid)]

    def basic_disconnect(self, sid: Any, namespace: Any, **kwargs: Any) -> None:
        """python-socketio 5's ``basic_disconnect``, the socket's rooms read from the index."""
        if namespace not in self.rooms:
            return
        for room in list(self.rooms_of.get((namespace, sid), ())):
            self.basic_leave_room(sid, namespace, room)
        self.rooms_of.pop((namespace, sid), None)
        self.callbacks.pop(sid, None)
        for pending in (self.pending_connect, self.pending_disconnect):
            if sid in pending.get(namespace, ()):
                pending[namespace].remove(sid)
                if not pending[namespace]:
                    del pending[namespace]

    def get_rooms(self, sid: Any, namespace: Any) -> list[Any]:
        return [room for room in self.rooms_of.get((namespace, sid), ()) if room is not None]

    async def emit(self, event: Any, data: Any, namespace: Any, room: Any = None, skip_sid: Any = None,
                   callback: Any = None, to: Any = None, **kwargs: Any) -> None:
        """python-socketio 5's ``emit``; to a room of one socket, without a callback, the packet is put in that
        socket's queue here, not by a task of its own."""
        room = to or room
        members = self.rooms.get(namespace, {}).get(room) if isinstance(room, str) and not callback else None
        if members is None or len(members) != 1:
            await super().emit(event, data, namespace, room=room, skip_sid=skip_sid, callback=callback, **kwargs)
            return
        (sid, eio_sid), = members.items()
        if sid == skip_sid or (isinstance(skip_sid, list) and sid in skip_sid):
            return
        data = list(data) if isinstance(data, tuple) else [] if data is None else [data]
        encoded = self.server.packet_class(packet.EVENT, namespace=namespace, data=[event, *data]).encode()
        for part in encoded if isinstance(encoded, list) else [encoded]:
            await self.server._send_eio_packet(eio_sid, eio_packet.Packet(eio_packet.MESSAGE, part))  # noqa: SLF001


def install(server: socketio.AsyncServer) -> None:
    """Give the server's manager the index (before or after sockets connected: it is built from what is there)."""
    manager = server.manager
    if isinstance(manager, IndexedRooms):
        return
    if type(manager) is not socketio.AsyncManager:
        return  # another manager (Redis, ...) keeps its rooms its own way
    manager.rooms_of = {}
    for namespace, rooms in manager.rooms.items():
        for room, members in rooms.items():
            for sid in members:
                manager.rooms_of.setdefault((namespace, sid), {})[room] = None
    manager.__class__ = IndexedRooms
