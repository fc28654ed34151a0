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


# the plenary (every room's top themes, voted on by the whole hall) has no issues, themes or solutions of its own
PLENARY_ORDER = (WELCOME, VOTE, WRAPUP)


def allows(phase: str, action: str) -> bool:
    return action in PHASES.get(phase, frozenset())


def order(kind: str = 'breakout') -> tuple[str, ...]:
    """The phases a room of this kind goes through, in order."""
    return PLENARY_ORDER if kind == 'plenary' else tuple(PHASES)


def next_phase(phase: str, kind: str = 'breakout') -> str | None:
    phases = order(kind)
    i = phases.index(phase)
    return phases[i + 1] if i + 1 < len(phases) else None


def previous_phase(phase: str, kind: str = 'breakout') -> str | None:
    phases = order(kind)
    i = phases.index(phase)
    return phases[i - 1] if i > 0 else None
