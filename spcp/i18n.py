"""The one translation function.

Every user-facing string goes through :func:`t`. The English text is the message id (gettext
style), so a missing translation falls back to readable English. Catalogs for Spanish, Hindi
and Arabic plug into ``CATALOGS`` later; the locale is per request/client via a context var.
"""
from __future__ import annotations

from contextvars import ContextVar

DEFAULT_LOCALE = 'en'
RTL_LOCALES = frozenset({'ar'})

# locale -> {English msgid -> translated text}
CATALOGS: dict[str, dict[str, str]] = {DEFAULT_LOCALE: {}}

_locale: ContextVar[str] = ContextVar('spcp_locale', default=DEFAULT_LOCALE)


def t(msgid: str, /, **params: object) -> str:
    """Translate ``msgid`` into the current locale and fill in ``{named}`` parameters."""
    text = CATALOGS.get(_locale.get(), {}).get(msgid, msgid)
    return text.format(**params) if params else text


def tn(one: str, many: str, n: int, /, **params: object) -> str:
    """Translate a count: ``one`` when ``n`` is 1, else ``many`` (catalogs may hold more forms later)."""
    return t(one if n == 1 else many, n=n, **params)


def set_locale(locale: str) -> None:
    _locale.set(locale if locale in CATALOGS else DEFAULT_LOCALE)


def current_locale() -> str:
    return _locale.get()


def is_rtl() -> bool:
    return _locale.get() in RTL_LOCALES
