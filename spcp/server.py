"""Builds the NiceGUI app and runs it. ``python app.py``, ``spcp serve`` and the tests'
``main_file`` all come through :func:`start`."""
from __future__ import annotations

from nicegui import app, core, ui
from nicegui.client import Client

from spcp import (
    actions,
    db,
    framework_speedups,
    gc_policy,
    group_commit,
    hardening,
    icons,
    loop_watch,
    phone_html,
    phone_quasar,
    proxies,
    settings,
    socket_rooms,
    static_files,
)
from spcp.http_limits import PageLoadLimit
from spcp.pages import card_lists
from spcp.pages.language import QUASAR_LANGUAGE, HtmlDirection
from spcp.settings import ASSETS_DIR, Settings
from spcp.suggest import worker as suggest_worker

# Phones on flaky Wi-Fi keep their page through a drop this long (a locked screen, a hotspot blip)
# without reloading. Measured (bench/client_memory.py): a kept phone page holds 1.35 MB in Vote with
# 60 cards, 0.33 MB in Issues; with 300 phones each dropping about once in 10 minutes, 120 s keeps
# ~81 MB extra. Longer buys little: the outbox and drafts make a reload lose nothing.
RECONNECT_TIMEOUT_S = 120
ASSET_VERSION = '17'  # bump when assets/ change, so phones do not keep a stale copy


def storage_secret(cfg: Settings) -> str:
    """A secret kept beside the data, so browser ids (cookies) stay valid across restarts."""
    return hardening.storage_secret(cfg.data_dir)


def tls_options(cfg: Settings) -> dict[str, str]:
    """HTTPS for organizers who have a certificate (see SECURITY.md); plain HTTP otherwise."""
    if cfg.tls_cert and cfg.tls_key:
        return {'ssl_certfile': str(cfg.tls_cert), 'ssl_keyfile': str(cfg.tls_key)}
    return {}


def inline_scripts(*names: str) -> str:
    """Our scripts as inline ``<script>`` elements (each guards itself against a document not parsed yet)."""
    texts = [(ASSETS_DIR / name).read_text(encoding='utf-8') for name in names]
    if any('</script' in text.lower() for text in texts):
        raise ValueError('an inline script cannot hold "</script"')
    return ''.join(f'<script>{text}</script>' for text in texts)


def build() -> None:
    """Register static files and every page (importing a page module registers its routes)."""
    app.add_static_files('/assets', ASSETS_DIR)
    icons.install()  # the icons we use as inline SVG: phones never fetch the 128.6 KB Material Icons font
    # our own files only (no CDN): the style sheets, the browser check and the browser-side scripts
    ui.add_head_html(f'<link rel="stylesheet" href="/assets/utilities.css?v={ASSET_VERSION}">'
                     f'<link rel="stylesheet" href="/assets/spcp.css?v={ASSET_VERSION}">', shared=True)
    # Our scripts are in every page's head, not files: on the slow phone each file waited ~1 s at low priority for
    # one of HTTP/1.1's six connections, and as deferred scripts they held back every script after them (socket.io's,
    # which opens a phone's socket early: spcp/phone_html.py), then the page's mounting. 18 KB, 7 KB on the wire.
    ui.add_head_html(inline_scripts('browser-check.js', 'timer.js', 'outbox.js', 'fit.js', 'fonts.js'), shared=True)
    from spcp.pages import action_plan, board, council, exports, home, organize, phone, remote, setup  # noqa: F401
    from spcp.pages.widgets import error_page
    app.on_page_exception(error_page)
    from spcp import socket_guard
    socket_guard.install()  # a socket may only send events as its own client


def connected_pages() -> int:
    """How many pages have their socket connected now (the garbage collector sweeps when none has)."""
    return sum(client.has_socket_connection for client in Client.instances.values())


def serve_static_files(phone_bundle: phone_quasar.Bundle | None) -> None:
    """NiceGUI's static files, our assets, the phone's own Quasar and Vue and the compiled components
    pre-compressed (brotli, gzip), cached for good where the URL is versioned (spcp/static_files.py); prepared in
    the background at start-up, before phones ask."""
    store = static_files.StaticStore()
    roots = static_files.roots(ASSETS_DIR, ASSET_VERSION, phone_bundle.compiled if phone_bundle else None)
    files = static_files.page_files(ASSETS_DIR, QUASAR_LANGUAGE.values())
    if phone_bundle is not None:
        roots = [*roots, phone_bundle.root()]
        files = [*phone_bundle.paths, *files, *phone_bundle.compiled.values()]
    app.add_middleware(static_files.PrecompressedStatic, roots=roots, store=store)
    app.on_startup(lambda: store.warm(files))


def sync_commits_in_groups() -> None:
    """On SQLite, commits are synced to disk off the event loop, several at once (spcp/group_commit.py)."""
    if (database := db.commit_in_groups()) is not None:
        group_commit.install(database)
        app.on_shutdown(group_commit.stop)


def relay_changes_between_processes() -> None:
    """On PostgreSQL several processes may serve one event: each hands its changes to the others' pages."""
    if db.engine().dialect.name == 'postgresql':
        from spcp.relay import Relay
        relay = Relay(db.engine().url)
        app.on_startup(relay.start)
        app.on_shutdown(relay.stop)


def start(cfg: Settings | None = None, *, announce: bool = True) -> None:
    cfg = cfg or settings.load()
    hardening.prepare(cfg.data_dir)  # before the database is opened: its files are created private
    hardening.use_nicegui_storage(cfg.data_dir)
    db.configure(cfg.database_url)
    sync_commits_in_groups()
    relay_changes_between_processes()
    actions.configure(cfg)  # the rate limits and join counts of this server
    build()
    if cfg.loop_watch:
        loop_watch.install()
    app.on_startup(suggest_worker.warm)  # the grouping help's model, before any board asks
    phone_bundle = phone_quasar.load()  # only the Quasar parts a phone uses, if built at install (its module)
    phone_html.install(phone_bundle)  # phone pages name it, and open their socket early (its module)
    serve_static_files(phone_bundle)  # innermost: the headers middleware below still marks every file it answers
    app.add_middleware(HtmlDirection)  # dir="rtl" in the HTML of an Arabic page, before any script runs
    app.add_middleware(PageLoadLimit)  # pages per address, before NiceGUI makes a client for one
    app.add_middleware(hardening.SecurityHeaders)  # after build(): outside any middleware it adds
    card_lists.serve_ahead_of_middleware(app)  # outside them all, NiceGUI's too: every phone fetches at a phase change
    if announce:
        from spcp.links import announce as print_urls
        app.on_startup(lambda: print_urls(cfg))
    framework_speedups.install()  # library work whose answers never change, a deleted element's cycles (its module)
    socket_rooms.install(core.sio)  # a closing socket's rooms found without a walk over every page's room
    gc_policy.install()  # small young generations, their survivors frozen, rare full collections (its module)
    app.on_startup(lambda: gc_policy.started(connected_pages))
    app.on_disconnect(gc_policy.socket_closed)
    ui.run(host=cfg.host, port=cfg.port, title='SPCP Live', storage_secret=storage_secret(cfg),
           reload=False, show=False, reconnect_timeout=RECONNECT_TIMEOUT_S, favicon=ASSETS_DIR / 'favicon.svg',
           language='en-US', show_welcome_message=False,
           tailwind=False,  # 69 KB of script building styles on each phone: assets/utilities.css instead
           # no permessage-deflate: its compressor kept ~0.2 MB per phone (300 phones: 60 MB) to shrink messages
           # that are small since the big ones (a room's card list) go over HTTP, gzipped once (card_lists.py)
           ws_per_message_deflate=False,
           **proxies.uvicorn_options(cfg.trusted_proxies),  # whose X-Forwarded-For names a phone: SECURITY.md
           **tls_options(cfg))


if __name__ in {'__main__', '__mp_main__'}:
    start()
