"""Does this laptop's firewall let phones in? A cheap, local guess for the start-up lines.

Only local commands that read the firewall's own state are run (``ufw status``, ``firewall-cmd``,
``nft list ruleset``, ``iptables -S``), each only if installed and with a short timeout; nothing is
sent over the network. Most of them need root: without it the answer is "unsure" and the start-up
lines say how to open the port should phones fail to connect. Nothing here may stop the server
from starting: every failure is an "unsure".
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

PROBE_TIMEOUT_S = 1.0


class Probe(NamedTuple):
    installed: bool
    code: int | None = None   # None: it could not run (timeout, no permission to start it)
    output: str = ''


# what one firewall tool says about a port: it is let in, no rule lets it in, the tool filters
# nothing, or cannot tell (e.g. it needs root)
ALLOWED, BLOCKED, INACTIVE, UNSURE = 'allowed', 'blocked', 'inactive', 'unsure'


@dataclass(frozen=True)
class Verdict:
    state: str      # ALLOWED, BLOCKED, INACTIVE (no firewall filters) or UNSURE
    tool: str = ''  # the tool whose answer it is


Runner = Callable[[list[str]], Probe]


def run_probe(command: list[str]) -> Probe:
    """Run a read-only firewall command if it is installed (never raises)."""
    if shutil.which(command[0]) is None:
        return Probe(installed=False)
    env = {**os.environ, 'LC_ALL': 'C', 'LANG': 'C'}  # English output, whatever the laptop's language
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S, env=env,
                              stdin=subprocess.DEVNULL, check=False)
    except (OSError, subprocess.SubprocessError, ValueError):
        return Probe(installed=True)
    return Probe(installed=True, code=done.returncode, output=done.stdout)


def _in_ports(spec: str, port: int) -> bool:
    """Whether ``port`` is in a list such as ``22,8080``, ``8000:9000`` or ``8000-9000``."""
    for part in re.split(r'[,\s]+', spec.strip(' {}')):
        low, _, high = part.replace(':', '-').partition('-')
        if low.isdigit() and (high or low).isdigit() and int(low) <= port <= int(high or low):
            return True
    return False


def read_ufw(probe: Probe, port: int) -> str:
    """``ufw status verbose``: inactive, incoming allowed by default, or a rule that allows the port."""
    if probe.code != 0 or 'Status:' not in probe.output:
        return UNSURE  # "You need to be root to run this script"
    if 'Status: inactive' in probe.output:
        return INACTIVE
    if re.search(r'Default:.*\ballow \(incoming\)', probe.output):
        return ALLOWED
    for line in probe.output.splitlines():
        columns = re.split(r'\s{2,}', line.strip())
        if len(columns) < 2 or 'ALLOW' not in columns[1]:
            continue
        target = columns[0].split(' ')[0]
        if target == 'Anywhere' or (not target.endswith('/udp') and _in_ports(target.split('/')[0], port)):
            return ALLOWED
    return BLOCKED


def read_firewalld(state: Probe, query: Probe) -> str:
    """``firewall-cmd --state`` then ``--query-port=N/tcp`` (both work without root)."""
    if state.code is None:
        return UNSURE
    if state.output.strip() != 'running':
        return INACTIVE
    answer = query.output.strip()
    return ALLOWED if answer == 'yes' else BLOCKED if answer == 'no' else UNSURE


def _input_chains(chains: dict[str, list[str]], roots: list[str], jump: re.Pattern) -> list[str]:
    """``roots`` and every chain they jump or go to, transitively (the rules incoming packets meet)."""
    seen: list[str] = []
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen or name not in chains:
            continue
        seen.append(name)
        todo += [m.group(1) for line in chains[name] for m in jump.finditer(line)]
    return seen


def read_nft(probe: Probe, port: int) -> str:
    """``nft list ruleset``: filters if an input chain drops by policy or drops/rejects in a rule."""
    if probe.code != 0:
        return UNSURE  # "Operation not permitted" without root
    verdicts: list[str] = []
    for table in re.split(r'^table ', probe.output, flags=re.MULTILINE)[1:]:
        chains: dict[str, list[str]] = {}
        for match in re.finditer(r'chain (\S+) \{(.*?)\n\t\}', table, flags=re.DOTALL):
            chains[match.group(1)] = match.group(2).splitlines()
        roots = [name for name, lines in chains.items() if any('hook input' in line for line in lines)]
        lines = [line for name in _input_chains(chains, roots, re.compile(r'\b(?:jump|goto) (\S+)'))
                 for line in chains[name]]
        if not any(re.search(r'policy drop|\b(drop|reject)\b', line) for line in lines):
            continue
        allowed = any(m and 'accept' in line and _in_ports(m.group(1), port)
                      for line in lines for m in [re.search(r'tcp dport (\{[^}]*\}|[\d-]+)', line)])
        verdicts.append(ALLOWED if allowed else BLOCKED)
    return BLOCKED if BLOCKED in verdicts else ALLOWED if verdicts else INACTIVE


def read_iptables(probe: Probe, port: int) -> str:
    """``iptables -S``: filters if INPUT's policy is DROP or a rule on the way drops or rejects."""
    if probe.code != 0:
        return UNSURE
    chains: dict[str, list[str]] = {}
    for line in probe.output.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in ('-P', '-N', '-A'):
            chains.setdefault(parts[1], []).append(line)
    lines = [line for name in _input_chains(chains, ['INPUT'], re.compile(r'-[jg] (\S+)')) for line in chains[name]]
    if not any(line in ('-P INPUT DROP', '-P INPUT REJECT') or re.search(r'-j (DROP|REJECT)\b', line)
               for line in lines):
        return INACTIVE
    for line in lines:
        match = re.search(r'--dports? (\S+)', line)
        if match and '-j ACCEPT' in line and '-p udp' not in line and _in_ports(match.group(1), port):
            return ALLOWED
    return BLOCKED


def check(port: int, *, run: Runner = run_probe, platform: str = sys.platform) -> Verdict:
    """What the firewall tools on this laptop say about incoming TCP ``port`` (Linux only)."""
    if not platform.startswith('linux'):
        return Verdict(UNSURE)
    answers: list[tuple[str, str]] = []
    ufw = run(['ufw', 'status', 'verbose'])
    if ufw.installed:
        answers.append(('ufw', read_ufw(ufw, port)))
    state = run(['firewall-cmd', '--state'])
    if state.installed:
        query = run(['firewall-cmd', f'--query-port={port}/tcp']) if state.output.strip() == 'running' else Probe(True)
        answers.append(('firewalld', read_firewalld(state, query)))
    nft = run(['nft', 'list', 'ruleset'])
    if nft.installed:
        answers.append(('nftables', read_nft(nft, port)))
    iptables = run(['iptables', '-S'])
    if iptables.installed:
        answers.append(('iptables', read_iptables(iptables, port)))
    return decide(answers)


def decide(answers: list[tuple[str, str]]) -> Verdict:
    """One verdict from the tools' answers, in order ufw, firewalld, nftables, iptables: the first that
    allows or blocks decides (ufw and firewalld manage the rules the lower two list, and read them
    better than this module's rough reading of those); if every tool ran and none filters, nothing
    blocks; a tool that could not tell (or no tool at all) leaves it unsure."""
    for tool, answer in answers:
        if answer in (ALLOWED, BLOCKED):
            return Verdict(answer, tool)
    if answers and all(answer == INACTIVE for _, answer in answers):
        return Verdict(INACTIVE)
    return Verdict(UNSURE)


_FIXES = {'ufw': 'sudo ufw allow {port}/tcp', 'firewalld': 'sudo firewall-cmd --add-port={port}/tcp',
          'iptables': 'sudo iptables -I INPUT -p tcp --dport {port} -j ACCEPT'}


def advice(port: int, verdict: Verdict, platform: str = sys.platform) -> str:
    """One line for the organizer: whether phones get through the firewall, and what to do if not."""
    if verdict.state == ALLOWED:
        return f'Firewall: {verdict.tool} lets phones in on TCP port {port}.'
    if verdict.state == INACTIVE:
        return f'Firewall: none is active on this laptop, so phones can connect on TCP port {port}.'
    if verdict.state == BLOCKED:
        fix = _FIXES.get(verdict.tool, '').format(port=port)
        how = f', e.g. `{fix}`' if fix else ''
        return (f'Firewall: {verdict.tool} is on and no rule found lets TCP port {port} in. If phones cannot '
                f'connect, allow TCP port {port}{how}.')
    if platform == 'darwin':
        return (f'If phones cannot connect, allow TCP port {port} in the firewall (System Settings > Network > '
                'Firewall: allow incoming connections for Python).')
    if platform.startswith('win'):
        return (f'If phones cannot connect, allow TCP port {port} in the firewall (Windows asks once: allow '
                'Python on private networks).')
    return f'If phones cannot connect, allow TCP port {port} in the firewall.'
