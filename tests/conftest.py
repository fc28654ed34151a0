"""Settings for the whole suite."""
from __future__ import annotations

import logging

# The socket.io client library that tests use (tests/live, the TLS test) logs an ERROR from its own
# threads when a socket it no longer needs closes (e.g. "packet queue is empty, aborting" after a
# test's server stopped). That can land in a later test, where NiceGUI's test plugin fails on any
# ERROR log: it is the test client's noise, not the app's.
for name in ('engineio.client', 'socketio.client'):
    logging.getLogger(name).setLevel(logging.CRITICAL)
