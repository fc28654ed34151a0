"""What a phone downloads to open a room for the first time, per language, in real Chromium.

    .venv/bin/python bench/first_load.py [--project DIR] [--runs 3] [--locales en,es,hi,ar]
                                         [--profiles normal,slow] [--detail] [--revisit] [--timeline [--trace]]

Starts ``spcp serve`` from the checkout ``--project`` (default: this one) on 127.0.0.1 with a
fresh data folder and an event made by ``spcp event create --json``, then, for each profile and
locale, opens the room's join URL in a new browser context (empty cache, HTTP cache disabled, the
locale as ``Accept-Language``) and waits until the room is shown and the network has been quiet for
a while. Prints, per locale, the median over the runs of: requests, KB on the wire (encoded bodies
and headers), KB of bodies as decoded, KB of fonts, and the time to a usable page: from navigation
start until the room's heading and its phase's part are on screen, the socket is connected and, a
frame later, every font the page shows that hides text until it arrives (``font-display`` auto or
block) has loaded; then the time until every font has (``document.fonts.ready``: our Devanagari and
Arabic faces swap in, the text is readable before them in the phone's own font). Profiles: ``normal``
(loopback as is) and ``slow``, issue 16's slow phone (CPU throttled 4x, 1.6 Mbit/s down, 750 kbit/s up, 150 ms latency,
set through Chromium's DevTools protocol). ``--detail`` lists every response of the last English
load (URL, status, encoding, bytes); ``--revisit`` also opens the page a second time in the same
context with the HTTP cache on (what a phone costs when it comes back, e.g. after a reload).
``--timeline`` prints, per profile, where the English load's time goes (median over the runs, ms since
navigation start): the page's HTML, the style sheets and scripts arriving, the scripts' evaluation
(with ``--trace``: the main thread's work by kind, from Chromium's trace, which slows the load itself), Vue
mounting the page, the socket connecting and the room's heading appearing.
Numbers, not pass/fail: the box is shared and noisy. Compare two checkouts with
``git worktree add /tmp/spcp-before <commit>`` and ``--project``.
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

from playwright.sync_api import Browser, BrowserContext, Page, Request, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project root: tests/serving.py
from tests.serving import free_port, stop, wait_until_up  # noqa: E402

CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync', '--no-first-run']
SPCP = [sys.executable, '-c', 'from spcp.cli import main; main()']  # the checkout in cwd comes first on sys.path
THIS_PROJECT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT_S = 30
QUIET_MS = 700      # the network counts as idle after this long without a new request
MAX_WAIT_S = 30     # per page load, whatever happens (the slow profile takes seconds)
# issue 16's slow phone, through Chromium's DevTools protocol (bytes per second for the throughput)
PROFILES: dict[str, dict] = {
    'normal': {},
    'slow': {'cpu': 4, 'network': {'offline': False, 'latency': 150, 'downloadThroughput': 1_600_000 / 8,
                                   'uploadThroughput': 750_000 / 8}},
}
# Marks window.__usable (ms since navigation start) once the room's heading and its phase's part are
# shown, the socket is connected and, a frame later, every font that hides its text while loading has loaded; then
# window.__fonts once every font has (the swap faces too).
USABLE_SCRIPT = '''(() => {
  const shown = () => {
    const heading = document.querySelector('.phone-phase');
    return heading && heading.getClientRects().length && document.querySelector('.phone-section > *')
      && window.socket && window.socket.connected;
  };
  const hiding = () => [...document.fonts].filter(
    (face) => face.status === 'loading' && !['swap', 'fallback', 'optional'].includes(face.display));
  const poll = () => {
    if (!shown()) { requestAnimationFrame(poll); return; }
    requestAnimationFrame(() => setTimeout(async () => {
      await Promise.all(hiding().map((face) => face.loaded.catch(() => null)));
      window.__usable = performance.now();
      await document.fonts.ready;
      window.__fonts = performance.now();
    }, 0));
  };
  requestAnimationFrame(poll);
})();'''


# Marks, in window.__marks, when each step of a first load was first seen (polled every 5 ms, so within
# 5 ms of it, or later while the main thread is busy): the scripts defined, Vue's app mounted, the socket
# made, connected and through NiceGUI's handshake, the room's heading on screen, its phase's part drawn.
TIMELINE_SCRIPT = '''(() => {
  const marks = window.__marks = {};
  const at = (name, seen) => { if (seen && !(name in marks)) marks[name] = performance.now(); };
  const poll = setInterval(() => {
    at('socket.io defined', window.io);
    at('Vue defined', window.Vue);
    at('Quasar defined', window.Quasar);
    at('nicegui.js defined', window.createApp);
    at('app mounted', document.querySelector('#app > *'));
    at('socket made', window.socket);
    at('socket connected', window.socket && window.socket.connected);
    at('handshake done', window.did_handshake);
    const heading = document.querySelector('.phone-phase');
    at('heading shown', heading && heading.getClientRects().length);
    at('phase drawn', document.querySelector('.phone-section > *'));
    if (window.__usable !== undefined) { at('usable', true); clearInterval(poll); }
  }, 5);
})();'''
# what the trace's events of the main thread are counted as (their own time, children excluded)
TRACE_KINDS = {'EvaluateScript': 'script', 'v8.compile': 'script', 'v8.compileModule': 'script',
               'v8.evaluateModule': 'script', 'FunctionCall': 'script', 'TimerFire': 'script',
               'EventDispatch': 'script', 'FireAnimationFrame': 'script', 'v8.run': 'script',
               'ParseHTML': 'parse HTML', 'ParseAuthorStyleSheet': 'style', 'UpdateLayoutTree': 'style',
               'Layout': 'layout and paint', 'Paint': 'layout and paint', 'PrePaint': 'layout and paint',
               'Layerize': 'layout and paint', 'MinorGC': 'garbage collection', 'MajorGC': 'garbage collection'}


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
    usable_ms: float = 0.0
    fonts_ms: float = 0.0   # until every font has loaded
    font_files: list[str] = field(default_factory=list)
    timeline: dict[str, float] = field(default_factory=dict)  # step -> ms since navigation start (--timeline)
    responses: list[tuple[str, int, str, int, int]] = field(default_factory=list)  # url, status, encoding, wire, body


def _count(load: Load, request: Request) -> None:
    response = request.response()
    if response is None:
        return
    sizes = request.sizes()
    body = len(response.body()) if response.status < 300 or response.status >= 400 else 0
    wire = sizes['responseBodySize'] + sizes['responseHeadersSize']
    load.requests += 1
    load.wire += wire
    load.decoded += body
    load.responses.append((request.url, response.status, response.headers.get('content-encoding', ''), wire, body))
    if request.resource_type == 'font':
        load.fonts += body
        load.font_files.append(request.url.rsplit('/', 1)[-1].split('?')[0])


def _new_context(browser: Browser, locale: str) -> BrowserContext:
    context = browser.new_context(locale=locale, extra_http_headers={'Accept-Language': locale},
                                  viewport={'width': 390, 'height': 844}, is_mobile=True, has_touch=True)
    context.add_init_script(USABLE_SCRIPT)
    context.add_init_script(TIMELINE_SCRIPT)
    return context


NAVIGATION_JS = '''(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const steps = {'HTML first byte': nav.responseStart, 'HTML last byte': nav.responseEnd,
                 'DOM parsed': nav.domInteractive, 'DOMContentLoaded done': nav.domContentLoadedEventEnd};
  for (const paint of performance.getEntriesByType('paint')) steps[paint.name] = paint.startTime;
  const last = (test) => Math.max(0, ...performance.getEntriesByType('resource')
      .filter((r) => test(r.name, r.initiatorType)).map((r) => r.responseEnd));
  steps['style sheets arrived'] = last((name) => name.includes('.css'));
  steps['quasar.umd arrived'] = last((name) => name.includes('quasar.umd'));
  steps['Vue arrived'] = last((name) => name.includes('/vue.') && name.includes('esm-browser'));  // or the runtime
  steps['every script arrived'] = last((name) => name.includes('.js') || name.includes('.mjs'));
  return {...steps, ...window.__marks};
})()'''


def _main_thread_ms(trace: bytes, until_ms: float) -> dict[str, float]:
    """The renderer main thread's busy time until ``until_ms`` after navigation start, by kind (self time)."""
    events = json.loads(trace)['traceEvents']
    start = next((e['ts'] for e in events if e.get('name') == 'navigationStart'), None)
    main = next(((e['pid'], e['tid']) for e in events if e.get('name') == 'thread_name'
                 and e.get('args', {}).get('name') == 'CrRendererMain'), None)
    if start is None or main is None:
        return {}
    spans = sorted(((e['ts'], e['ts'] + e['dur'], TRACE_KINDS[e['name']]) for e in events
                    if (e.get('pid'), e.get('tid')) == main and e.get('ph') == 'X' and e.get('name') in TRACE_KINDS
                    and start <= e['ts'] <= start + until_ms * 1000), key=lambda s: (s[0], -s[1]))
    busy: dict[str, float] = {}
    stack: list[tuple[int, int, str]] = []
    for begin, end, kind in spans:  # nested events: a parent's time excludes its children's
        while stack and stack[-1][1] <= begin:
            stack.pop()
        if stack:
            busy[stack[-1][2]] = busy.get(stack[-1][2], 0) - (end - begin) / 1000
        busy[kind] = busy.get(kind, 0) + (end - begin) / 1000
        stack.append((begin, end, kind))
    return {f'main thread: {kind} (total ms)': ms for kind, ms in busy.items()}


def _visit(context: BrowserContext, url: str, profile: str, *, cache: bool, trace: bool = False) -> Load:
    """Open ``url`` in a new page of ``context`` under ``profile``; what it cost until quiet."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send('Network.enable')
    cdp.send('Network.setCacheDisabled', {'cacheDisabled': not cache})
    settings = PROFILES[profile]
    if 'cpu' in settings:
        cdp.send('Emulation.setCPUThrottlingRate', {'rate': settings['cpu']})
    if 'network' in settings:
        cdp.send('Network.emulateNetworkConditions', settings['network'])
    finished: list[Request] = []
    page.on('requestfinished', lambda request: finished.append(request))
    browser = context.browser
    if trace and browser is not None:
        browser.start_tracing(page=page, categories=['devtools.timeline', 'v8', 'blink.user_timing', 'loading'])
    page.goto(url, wait_until='networkidle', timeout=MAX_WAIT_S * 1000)
    # the room arrives over the websocket after the page; its text may fetch a script's font
    page.wait_for_function('window.__fonts !== undefined', timeout=MAX_WAIT_S * 1000)
    _wait_quiet(page, finished)
    load = Load(usable_ms=page.evaluate('window.__usable'), fonts_ms=page.evaluate('window.__fonts'),
                timeline=page.evaluate(NAVIGATION_JS))
    if trace and browser is not None:
        load.timeline |= _main_thread_ms(browser.stop_tracing(), load.usable_ms)
    for request in finished:
        _count(load, request)
    page.close()
    return load


def first_load(browser: Browser, url: str, locale: str, profile: str = 'normal',
               revisit: bool = False, trace: bool = False) -> tuple[Load, Load | None]:
    """A phone's first load of ``url`` (no cache); with ``revisit``, then a second one with the cache on;
    with ``trace``, the main thread's work traced (``Load.timeline``)."""
    context = _new_context(browser, locale)
    try:
        first = _visit(context, url, profile, cache=False, trace=trace)
        if not revisit:
            return first, None
        # the first visit ran with the cache off, so fill it once, then measure the visit after that
        _visit(context, url, 'normal', cache=True)
        return first, _visit(context, url, profile, cache=True)
    finally:
        context.close()


def _wait_quiet(page: Page, finished: list[Request]) -> None:
    deadline = time.monotonic() + MAX_WAIT_S
    seen = -1
    while len(finished) != seen and time.monotonic() < deadline:
        seen = len(finished)
        page.wait_for_timeout(QUIET_MS)


def median_loads(loads: list[Load]) -> dict[str, float]:
    return {'requests': statistics.median(x.requests for x in loads),
            'wire': statistics.median(x.wire for x in loads) / 1024,
            'decoded': statistics.median(x.decoded for x in loads) / 1024,
            'fonts': statistics.median(x.fonts for x in loads) / 1024,
            'usable': statistics.median(x.usable_ms for x in loads),
            'fonts_done': statistics.median(x.fonts_ms for x in loads)}


def _row(label: str, loads: list[Load]) -> str:
    m = median_loads(loads)
    files = ', '.join(sorted(set(loads[-1].font_files)))
    return (f'| {label} | {m["requests"]:.0f} | {m["wire"]:.1f} | {m["decoded"]:.1f} | {m["fonts"]:.1f} '
            f'| {m["usable"]:.0f} | {m["fonts_done"]:.0f} | {files} |')


def _print_timeline(profile: str, loads: list[Load]) -> None:
    steps = sorted({step for load in loads for step in load.timeline},
                   key=lambda step: (step.startswith('main thread'), statistics.median(
                       load.timeline.get(step, 0) for load in loads)))
    print(f'\n| {profile}: step (median of {len(loads)}) | ms since navigation start |')
    print('|---|---:|')
    for step in steps:
        print(f'| {step} | {statistics.median(load.timeline.get(step, 0) for load in loads):.0f} |')


def _print_detail(load: Load) -> None:
    print('\n| response | status | encoding | bytes on the wire | bytes decoded |')
    print('|---|---:|---|---:|---:|')
    for url, status, encoding, wire, body in load.responses:
        print(f'| {url.split("/", 3)[-1][:90]} | {status} | {encoding or "-"} | {wire} | {body} |')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--project', type=Path, default=THIS_PROJECT, help="checkout whose 'spcp serve' to start")
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--locales', default='en,es,hi,ar')
    parser.add_argument('--profiles', default='normal,slow', help=f'comma-separated, of {", ".join(PROFILES)}')
    parser.add_argument('--detail', action='store_true', help='list every response of the last English load')
    parser.add_argument('--revisit', action='store_true', help='also measure a second visit with the cache on')
    parser.add_argument('--timeline', action='store_true', help="where the English load's time goes, per profile")
    parser.add_argument('--trace', action='store_true', help="with --timeline: the main thread's work, traced")
    args = parser.parse_args()
    project = args.project.resolve()
    commit = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=project, capture_output=True,
                            text=True).stdout.strip()
    print(f'{project} at {commit or "?"}: median of {args.runs} first loads of the join URL (390x844, no cache)')
    detail: Load | None = None
    timelines: dict[str, list[Load]] = {}
    with serving(project) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        print('| profile, locale | requests | KB on the wire | KB decoded | KB fonts | ms to usable | ms to all fonts '
              '| font files |')
        print('|---|---:|---:|---:|---:|---:|---:|---|')
        for profile in args.profiles.split(','):
            for locale in args.locales.split(','):
                timeline = args.timeline and locale == 'en'
                loads = [first_load(browser, url, locale, profile, args.revisit, timeline and args.trace)
                         for _ in range(args.runs)]
                if timeline:
                    timelines[profile] = [first for first, _ in loads]
                print(_row(f'{profile}, {locale}', [first for first, _ in loads]))
                if args.revisit:
                    print(_row(f'{profile}, {locale}, revisit', [again for _, again in loads if again]))
                if locale == 'en':
                    detail = loads[-1][0]
        browser.close()
    if args.detail and detail is not None:
        _print_detail(detail)
    for profile, loads in timelines.items():
        _print_timeline(profile, loads)


if __name__ == '__main__':
    main()
