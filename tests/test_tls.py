"""HTTPS: ``spcp serve --tls-cert --tls-key`` as a real subprocess, with a self-signed certificate
for 127.0.0.1 made by the ``openssl`` command line, checked the way a browser would check it."""
from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .serving import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SPCP = [sys.executable, '-c', 'from spcp.cli import main; main()']
STARTUP_TIMEOUT_S = 30


@dataclass(frozen=True)
class TlsServer:
    base_url: str   # https://127.0.0.1:PORT
    port: int
    cert: Path
    log: Path


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate whose subjectAltName is the IP address 127.0.0.1 (clients check
    an address against the SAN, not the common name)."""
    openssl = shutil.which('openssl')
    if openssl is None:
        pytest.skip('the openssl command is not installed (apt-get install openssl): no test certificate')
    cert, key = folder / 'cert.pem', folder / 'key.pem'
    subprocess.run([openssl, 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
                    '-nodes', '-keyout', str(key), '-out', str(cert), '-days', '2', '-subj', '/CN=127.0.0.1',
                    '-addext', 'subjectAltName=IP:127.0.0.1'],
                   check=True, capture_output=True, timeout=30)
    return cert, key


def trusting(cert: Path) -> ssl.SSLContext:
    """Verification on (hostname included), with only our certificate as the authority."""
    return ssl.create_default_context(cafile=str(cert))


def get(url: str, context: ssl.SSLContext | None = None) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5, context=context) as response:
        return response.status, response.read().decode('utf-8', 'replace')


def wait_until_up(process: subprocess.Popen, url: str, cert: Path, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f'spcp serve exited with code {process.returncode}:\n{log.read_text(errors="replace")}')
        try:
            if get(url, trusting(cert))[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f'spcp serve did not answer on {url} within {STARTUP_TIMEOUT_S} s:\n{log.read_text(errors="replace")}')


@pytest.fixture(scope='module')
def tls_server(tmp_path_factory) -> Iterator[TlsServer]:
    folder = tmp_path_factory.mktemp('spcp-tls')
    cert, key = make_certificate(folder)
    port = free_port()
    # without pytest's variables (NiceGUI would think it runs inside a test) or the caller's SPCP_*
    env = {name: value for name, value in os.environ.items() if not name.startswith(('PYTEST_', 'SPCP_'))}
    env['PYTHONUNBUFFERED'] = '1'
    log = folder / 'server.log'
    with log.open('w') as log_file:  # not a terminal: the server prints join links but no keys
        process = subprocess.Popen([*SPCP, 'serve', '--tls-cert', str(cert), '--tls-key', str(key),
                                    '--host', '127.0.0.1', '--port', str(port), '--data-dir', str(folder / 'data')],
                                   cwd=PROJECT_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    base_url = f'https://127.0.0.1:{port}'
    try:
        wait_until_up(process, base_url + '/', cert, log)
        yield TlsServer(base_url, port, cert, log)
    finally:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_https_serves_the_pages_with_a_certificate_that_verifies(tls_server) -> None:
    status, page = get(tls_server.base_url + '/', trusting(tls_server.cert))
    assert status == 200
    assert '<title>SPCP Live</title>' in page
    # the socket.io endpoint the pages connect to answers over the same TLS (engine.io "open" packet)
    status, opened = get(tls_server.base_url + '/_nicegui_ws/socket.io/?EIO=4&transport=polling',
                         trusting(tls_server.cert))
    assert status == 200
    assert opened.startswith('0{"sid":')


def test_a_client_that_does_not_trust_the_certificate_is_refused(tls_server) -> None:
    with pytest.raises(urllib.error.URLError) as refused:
        get(tls_server.base_url + '/', ssl.create_default_context())  # the system's authorities only
    assert isinstance(refused.value.reason, ssl.SSLCertVerificationError)


def test_plain_http_on_the_https_port_gets_no_page(tls_server) -> None:
    with pytest.raises((OSError, http.client.HTTPException)):
        get(f'http://127.0.0.1:{tls_server.port}/')


def test_the_printed_join_links_use_https(tls_server) -> None:
    output = tls_server.log.read_text(errors='replace')
    assert f'SPCP Live is running at {tls_server.base_url}/ but only this laptop can open it' in output
    joins = re.findall(r'Join:\s+(\S+)', output)
    assert joins and all(re.fullmatch(rf'{re.escape(tls_server.base_url)}/r/[A-Z0-9]+', url) for url in joins)
    assert 'Board:' not in output and 'key=' not in output  # keys only on a terminal
