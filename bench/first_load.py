"""What a phone downloads to open a room for the first time, per language, in real Chromium.

    .venv/bin/python bench/first_load.py [--project DIR] [--runs 3] [--locales en,es,hi,ar]

Starts ``spcp serve`` from the checkout ``--project`` (default: this one) on 127.0.0.1 with a
fresh data folder and an event made by ``spcp event create --json``, then, for each locale, opens
the room's join URL in a new browser context (empty cache, HTTP cache disabled, the locale as
``Accept-Language``) and waits until the room is shown and the network has been quiet for a while.
Prints, per locale, the median over the runs of: requests, KB on the wire (encoded bodies and
headers), KB of bodies as decoded, KB of fonts. Numbers, not pass/fail: the box is shared and noisy.
Compare two checkouts with ``git worktree add /tmp/spcp-before <commit>`` and ``--project``.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Request, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project root: tests/serving.py
from tests.serving import free_port, stop, wait_until_up  # noqa: E402

CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync', '--no-first-run']
SPCP = [sys.executable, '-c', 'from spcp.cli import main; main()']  # the checkout in cwd comes first on sys.path
THIS_PROJECT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT_S = 30
QUIET_MS = 700      # the network counts as idle after this long without a new request
MAX_WAIT_S = 15     # per page load, whatever happens


@contextlib.contextmanager
def serving(project: Path) -> Iterator[str]:
    """``spcp serve`` from ``project`` on a free port; yields the first room's join URL."""
    with tempfile.TemporaryDirectory(prefix='spcp-bench-') as folder:
        port = free_port()
        base_url = f'http://127.0.0.1:{port}'
        env = {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST_', 'SPCP_'))}
        # every run is a new phone from 127.0.0.1: no per-address limits
        env |= {'SPCP_DATA_DIR': folder, 'SPCP_JOINS_PER_ADDRESS': '0', 'SPCP_PAGE_LOADS_PER_ADDRESS': '',
                'PYTHONUNBUFFERED': '1'}
        created = subprocess.run([*SPCP, 'event', 'create', '--name', 'Bench', '--rooms', '1', '--json',
                                  '--data-dir', folder], cwd=project, env=env, capture_output=True, text=True,
                                 timeout=60, check=True)
        join_url = json.loads(created.stdout)['rooms'][0]['join_url']
        join_url = base_url + '/r/' + join_url.rsplit('/r/', 1)[1]
        with open(Path(folder) / 'server.log', 'w') as log:
            process = subprocess.Popen([*SPCP, 'serve', '--host', '127.0.0.1', '--port', str(port),
                                        '--data-dir', folder, '--public-url', base_url],
                                       cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_up(process, base_url + '/')
            yield join_url
        finally:
            stop(process)


@dataclass
class Load:
    requests: int = 0
    wire: int = 0       # encoded body + response headers, as received
    decoded: int = 0    # bodies after decompression
    fonts: int = 0      # decoded bytes of font responses
    font_files: list[str] = field(default_factory=list)


def _count(load: Load, request: Request) -> None:
    response = request.response()
    if response is None:
        return
    sizes = request.sizes()
    body = len(response.body()) if response.status < 300 or response.status >= 400 else 0
    load.requests += 1
    load.wire += sizes['responseBodySize'] + sizes['responseHeadersSize']
    load.decoded += body
    if request.resource_type == 'font':
        load.fonts += body
        load.font_files.append(request.url.rsplit('/', 1)[-1])


def first_load(browser: Browser, url: str, locale: str) -> Load:
    context = browser.new_context(locale=locale, extra_http_headers={'Accept-Language': locale},
                                  viewport={'width': 390, 'height': 844}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send('Network.enable')
        cdp.send('Network.setCacheDisabled', {'cacheDisabled': True})
        finished: list[Request] = []
        page.on('requestfinished', lambda request: finished.append(request))
        page.goto(url, wait_until='networkidle', timeout=MAX_WAIT_S * 1000)
        # the room arrives over the websocket after the page; its text may fetch a script's font
        page.locator('.phone-phase').first.wait_for(timeout=MAX_WAIT_S * 1000)
        page.evaluate('document.fonts.ready.then(() => true)')
        _wait_quiet(page, finished)
        load = Load()
        for request in finished:
            _count(load, request)
        return load
    finally:
        context.close()


def _wait_quiet(page, finished: list[Request]) -> None:
    deadline = time.monotonic() + MAX_WAIT_S
    seen = -1
    while len(finished) != seen and time.monotonic() < deadline:
        seen = len(finished)
        page.wait_for_timeout(QUIET_MS)


def median_loads(loads: list[Load]) -> dict[str, float]:
    return {'requests': statistics.median(x.requests for x in loads),
            'wire': statistics.median(x.wire for x in loads) / 1024,
            'decoded': statistics.median(x.decoded for x in loads) / 1024,
            'fonts': statistics.median(x.fonts for x in loads) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--project', type=Path, default=THIS_PROJECT, help="checkout whose 'spcp serve' to start")
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--locales', default='en,es,hi,ar')
    args = parser.parse_args()
    project = args.project.resolve()
    commit = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=project, capture_output=True,
                            text=True).stdout.strip()
    print(f'{project} at {commit or "?"}: median of {args.runs} first loads of the join URL (390x844, no cache)')
    with serving(project) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        print('| locale | requests | KB on the wire | KB decoded | KB fonts | font files |')
        print('|---|---:|---:|---:|---:|---|')
        for locale in args.locales.split(','):
            loads = [first_load(browser, url, locale) for _ in range(args.runs)]
            m = median_loads(loads)
            files = ', '.join(sorted(set(loads[-1].font_files)))
            print(f'| {locale} | {m["requests"]:.0f} | {m["wire"]:.1f} | {m["decoded"]:.1f} | {m["fonts"]:.1f} '
                  f'| {files} |')
        browser.close()


if __name__ == '__main__':
    main()
