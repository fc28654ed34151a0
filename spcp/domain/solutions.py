"""Solutions: participants propose them for the room's top themes and endorse each other's; the
facilitator types in the ones written on paper."""
from __future__ import annotations

from sqlmodel import Session, select

from . import paper, phases
from .access import Actor, already_done, record, require_facilitator, require_participant
from .changes import Change, SolutionChanged
from .errors import DomainError, NotFound
from .models import Endorsement, Room, Solution
from .text import clean_text
from .views import solution_view, top_themes


def propose(session: Session, actor: Actor, room_id: int, theme_id: int, text: str, key: str
            ) -> tuple[int, list[Change]]:
    """Propose a solution for one of the top themes. A retry with the same ``key`` adds nothing."""
    room = require_participant(session, actor, room_id)
    if (receipt := already_done(session, actor, key, 'propose_solution')) is not None:
        return receipt.result_id, []
    if not phases.allows(room.phase, 'propose_solution'):
        raise DomainError('Solutions can only be proposed during the solutions phase.')
    if theme_id not in top_themes(session, room):
        raise DomainError('Solutions are collected for the top themes only.')
    solution = Solution(room_id=room_id, theme_id=theme_id, participant_id=actor.participant_id,
                        text=clean_text(text, room.max_card_length))
    session.add(solution)
    session.flush()
    record(session, actor, key, 'propose_solution', solution.id)
    session.commit()
    return solution.id, [SolutionChanged(room_id, solution_view(session, solution))]


def propose_paper(session: Session, actor: Actor, room_id: int, theme_id: int, text: str
                  ) -> tuple[int, list[Change]]:
    """The facilitator types a solution written on paper for one of the top themes: no author, marked
    paper. In any phase (paper is often typed in later)."""
    room = require_facilitator(session, actor, room_id)
    paper.require_people(room)
    if theme_id not in top_themes(session, room):
        raise DomainError('Solutions are collected for the top themes only.')
    solution = Solution(room_id=room_id, theme_id=theme_id, text=clean_text(text, room.max_card_length), paper=True)
    session.add(solution)
    session.commit()
    return solution.id, [SolutionChanged(room_id, solution_view(session, solution))]


def _room_solution(session: Session, room: Room, solution_id: int) -> Solution:
    solution = session.get(Solution, solution_id) if isinstance(solution_id, int) else None
    if solution is None or solution.room_id != room.id:
        raise NotFound('That solution is no longer there.')
    return solution


def endorse(session: Session, actor: Actor, room_id: int, solution_id: int, endorsed: bool = True) -> list[Change]:
    """Endorse (or withdraw the endorsement of) someone else's solution. Setting a state, not
    toggling it, makes a retried request harmless."""
    room = require_participant(session, actor, room_id)
    if not phases.allows(room.phase, 'endorse'):
        raise DomainError('Endorsing is only open during the solutions phase.')
    solution = _room_solution(session, room, solution_id)
    if solution.hidden:
        raise NotFound('That solution is no longer there.')
    if solution.participant_id == actor.participant_id:
        raise DomainError('You cannot endorse your own solution.')
    existing = session.exec(select(Endorsement).where(Endorsement.solution_id == solution.id,
                                                      Endorsement.participant_id == actor.participant_id)).first()
    if endorsed and existing is None:
        session.add(Endorsement(solution_id=solution.id, participant_id=actor.participant_id))
    elif not endorsed and existing is not None:
        session.delete(existing)
    else:
        return []
    session.commit()
    return [SolutionChanged(room_id, solution_view(session, solution), endorser_id=actor.participant_id,
                            endorsed=endorsed)]


def set_hidden(session: Session, actor: Actor, room_id: int, solution_id: int, hidden: bool) -> list[Change]:
    room = require_facilitator(session, actor, room_id)
    solution = _room_solution(session, room, solution_id)
    if solution.hidden == hidden:
        return []
    solution.hidden = hidden
    session.commit()
    return [SolutionChanged(room_id, solution_view(session, solution))]


