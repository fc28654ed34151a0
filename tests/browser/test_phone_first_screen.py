"""A phone's first screen in real Chromium (issue 16): the room's heading is drawn from the page's first
HTML, before the socket has connected; its phase's part is drawn one task after Vue has mounted the page,
once NiceGUI has opened the socket (``phone_after_mount.js``), so the socket connects while it is drawn."""
from __future__ import annotations

import pytest

from .conftest import CHROMIUM, PHONE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f'{CHROMIUM} is not installed (apt-get install chromium)'),
]

# Each batch of DOM changes (a MutationObserver callback: after the task or microtask that made them)
# is numbered; it notes when the heading and the phase's first element first appear, and the socket then.
ORDER_SCRIPT = '''(() => {
  const order = window.__order = {batches: 0};
  new MutationObserver(() => {
    order.batches += 1;
    const socket = window.socket ? (window.socket.connected ? 'connected' : 'opening') : 'none';
    if (!order.heading && document.querySelector('.phone-phase')) order.heading = [order.batches, socket];
    if (!order.phase && document.querySelector('.phone-section > *')) order.phase = [order.batches, socket];
  }).observe(document, {childList: true, subtree: true});
})();'''


def test_the_heading_shows_before_the_socket_connects_and_the_phase_after_it_was_opened(browser, server) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.add_init_script(ORDER_SCRIPT)
    try:
        page = context.new_page()
        page.goto(server.rooms[0]['join_url'])
        page.locator('.spcp-outbox').wait_for(state='attached')  # joined: the outbox comes with the join
        order = page.evaluate('window.__order')
    finally:
        context.close()
    heading_batch, socket_at_heading = order['heading']
    phase_batch, socket_at_phase = order['phase']
    assert socket_at_heading == 'opening'  # drawn at Vue's mount, which opened the socket, not yet connected
    assert phase_batch > heading_batch and socket_at_phase in ('opening', 'connected')  # a later task
