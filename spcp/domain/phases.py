"""What each phase of a breakout room allows. The plan file names and times the phases;
the rules live here, in code, so a typo in a plan cannot open voting during collection."""
from __future__ import annotations

WELCOME, ISSUES, VOTE, THEMES, SOLUTIONS, WRAPUP = 'welcome', 'issues', 'vote', 'themes', 'solutions', 'wrapup'

# phase id -> participant actions it allows
PHASES: dict[str, frozenset[str]] = {
    WELCOME: frozenset({'choose_group'}),
    ISSUES: frozenset({'choose_group', 'submit_card'}),
    VOTE: frozenset({'vote'}),
    THEMES: frozenset(),
    SOLUTIONS: frozenset({'propose_solution', 'endorse'}),
    WRAPUP: frozenset(),
}


def allows(phase: str, action: str) -> bool:
    return action in PHASES.get(phase, frozenset())


def next_phase(phase: str) -> str | None:
    order = list(PHASES)
    i = order.index(phase)
    return order[i + 1] if i + 1 < len(order) else None


def previous_phase(phase: str) -> str | None:
    order = list(PHASES)
    i = order.index(phase)
    return order[i - 1] if i > 0 else None
