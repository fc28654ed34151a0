"""Small pieces shared by the pages: page frame, QR code, timer, outcomes shown as messages,
action keys, who is asking (network address, signed-in roles)."""
from __future__ import annotations

import base64
import io
import time
import uuid
from typing import Any, TypeVar

import qrcode
import qrcode.image.svg
from nicegui import app, ui
from starlette.requests import Request

from ..actions import Outcome
from ..domain.views import TimerView
from ..i18n import Translator

E = TypeVar('E', bound=ui.element)
# at the bottom: a message never covers the phase title; short-lived, so it does not outlast the phase
NOTIFY_AT = 'bottom'



def frame(tr: Translator, title: str) -> None:
    """Title (translated) and colours of a page (``lang``/``dir`` come with the HTML: see
    :mod:`spcp.pages.language`)."""
    ui.page_title(title)
    # white on each is about 10:1 and 5:1 (NiceGUI's default blue is 3:1; the green of 'Saved.' was 2.6:1)
    ui.colors(primary='#1e3a8a', positive='#15803d')


def labelled(element: E, **attributes: str) -> E:
    """Set translated attributes (``aria_label=tr('Back')`` -> ``aria-label``) as props, never
    inside a props string, where quotes in a translation would break it."""
    for name, text in attributes.items():
        element.props[name.replace('_', '-')] = text
    element.update()
    return element


def action_key(args: Any) -> str:
    """The browser's key for this action, or a fresh one (e.g. in tests, where no JavaScript runs)."""
    return args if isinstance(args, str) and 8 <= len(args) <= 64 and args.isalnum() else uuid.uuid4().hex


def tell(tr: Translator, outcome: Outcome, done: str | None = None) -> bool:
    """Show the reader why an action was not done (or ``done``, translated, if it was); return ``outcome.done``."""
    if outcome.done:
        if done:
            ui.notify(done, type='positive', position=NOTIFY_AT, timeout=2500)
    elif outcome.msgid:
        ui.notify(refusal_text(tr, outcome), type='negative' if outcome.retry else 'warning', position=NOTIFY_AT,
                  multi_line=True, timeout=6000)
    return outcome.done


def refusal_text(tr: Translator, outcome: Outcome) -> str:
    return tr(outcome.msgid or '', **outcome.params)


def refusal_page(tr: Translator, title: str, outcome: Outcome) -> None:
    """A page that could not be opened: a plain title (translated) and the reason, never a stack trace."""
    with ui.column().classes('phone'):
        ui.label(title).classes('phone-phase').props('role=heading aria-level=1')
        ui.label(refusal_text(tr, outcome)).classes('phone-prompt')


def client_address(request: Request) -> str:
    """The network address a page was asked from (each phone on a hotspot has its own). Behind a trusted
    proxy (``SPCP_TRUSTED_PROXIES``), uvicorn has already put the phone's address there (spcp/proxies.py)."""
    return request.client.host if request.client else 'unknown'


def remember_proof(kind: str, ident: object, proof: str, storage: dict | None = None) -> None:
    """Keep a sign-in proof (a key's fingerprint, never the key) in this browser's server-side storage
    (``storage``: that browser's ``app.storage.user``, taken while its page was built)."""
    storage = app.storage.user if storage is None else storage
    grants = dict(storage.get('grants', {}))
    grants[f'{kind}:{ident}'] = proof
    storage['grants'] = grants


def proof_of(kind: str, ident: object) -> str:
    return app.storage.user.get('grants', {}).get(f'{kind}:{ident}', '')


def error_page(_exception: Exception) -> None:
    """What a person sees if a page fails to build: a plain message, never the exception."""
    from .language import reader
    tr = reader()
    with ui.column().classes('phone'):
        ui.label(tr('Something went wrong')).classes('phone-phase')
        ui.label(tr('Please reload the page. Nothing you already sent is lost.')).classes('phone-prompt')


def qr_data_url(url: str) -> str:
    """The join URL as an SVG QR code (no Pillow, no network), as a data URL for ``ui.image``."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=20, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return 'data:image/svg+xml;base64,' + base64.b64encode(buffer.getvalue()).decode()


def timer_text(timer: TimerView) -> str:
    left = timer.seconds_left()
    if left is None:
        return ''
    return f'{left // 60}:{left % 60:02d}'


def timer_attr(timer: TimerView) -> str:
    if timer.ends_at is not None:
        return f'run:{max(0, round((timer.ends_at - time.time()) * 1000))}:{timer.ends_at}'
    return f'stop:{timer.remaining_s or 0}'


def timer_label(tr: Translator, timer: TimerView, classes: str) -> ui.label:
    label = ui.label().classes(f'timer {classes}').props('role=timer aria-live=off')
    label.props['aria-label'] = tr('Time left')
    label.props['data-done'] = tr('Time is up')  # said in words at 0:00, not only by colour (assets/timer.js)
    show_timer(label, timer)
    return label


def show_timer(label: ui.label, timer: TimerView) -> None:
    label.set_text(timer_text(timer))
    label.props['data-timer'] = timer_attr(timer)
    label.set_visibility(timer.seconds_left() is not None)
    label.update()
