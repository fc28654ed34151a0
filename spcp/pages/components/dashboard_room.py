"""One room on the organizer's dashboard: a compact card (twelve fit a 1366x768 laptop), built once and
then updated element by element: its phase (and a control to change it), the timer (counting down in
the browser, ``assets/timer.js``), who is connected and joined, issues, dots, top themes, alerts as
worded badges, and a link to the room's board."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from nicegui import ui

from ...domain.changes import PresenceChanged
from ...domain.dashboard import HIDDEN_CARDS, IDLE, REFUSED_JOINS, TOP_SHOWN, Alert, RoomPulse, alerts
from ...domain.events import format_code
from ...domain.views import PhaseView, TimerView
from ...i18n import Translator
from ..widgets import labelled, show_timer, timer_label


class RoomCard:
    def __init__(self, tr: Translator, pulse: RoomPulse, phases: tuple[PhaseView, ...], presence: PresenceChanged,
                 on_phase: Callable[[int, str], bool]) -> None:
        self.tr, self.on_phase = tr, on_phase
        self.titles = {p.id: p.title for p in phases}
        self.pulse = pulse
        self.connected, self.refused_joins = presence.connected, presence.refused_joins
        self.seen_activity: float | None = None  # activity this page was told of (a phase change)
        with ui.element('section').classes('dash-room').mark(f'room-{pulse.id}') as self.root:
            self.root.props['aria-label'] = pulse.name
            with ui.element('div').classes('dash-room-head'):
                ui.label(pulse.name).classes('dash-room-name').props('role=heading aria-level=2 dir=auto')
                ui.label(format_code(pulse.code)).classes('dash-code')
            with ui.element('div').classes('dash-row'):
                self.phase = ui.select({p.id: tr(p.title) for p in phases}, value=pulse.phase,
                                       on_change=lambda e: self.choose(e.value)) \
                    .props('dense outlined options-dense').classes('dash-phase').mark('room-phase')
                self.timer = timer_label(tr, pulse.timer, 'dash-timer').mark('room-timer')
            self.people = ui.label().classes('dash-line').mark('people')
            self.work = ui.label().classes('dash-line').mark('work')
            self.build_themes()
            with ui.element('div').classes('dash-alerts').mark('alerts'):
                if pulse.practice:  # simulated phones rehearse here: its numbers are not the event's
                    ui.label(tr('Practice room')).classes('dash-alert').mark('practice')
                self.badges = {kind: ui.label().classes('dash-alert').mark(f'alert-{kind}')
                               for kind in (IDLE, REFUSED_JOINS, HIDDEN_CARDS)}
            ui.link(tr('Open board'), f'/board/{pulse.code}', new_tab=True).classes('dash-link').mark('open-board')
        self.show(pulse)

    def build_themes(self) -> None:
        with ui.element('ol').classes('dash-themes').mark('top-themes') as self.themes_box:
            self.themes_box.props['aria-label'] = self.tr('Top themes')
            self.theme_rows: list[tuple[ui.element, ui.label, ui.label]] = []
            for _ in range(TOP_SHOWN):  # made once; a theme change only sets their texts
                with ui.element('li').classes('dash-theme') as row:
                    name = ui.label().classes('dash-theme-name').props('dir=auto')
                    dots = ui.label().classes('dash-theme-dots')
                self.theme_rows.append((row, name, dots))
        self.no_themes = ui.label(self.tr('No themes yet')).classes('dash-line dash-muted')

    # ---------- showing ----------

    def show(self, pulse: RoomPulse) -> None:
        """The room as read again (after changes to its cards, dots, themes, people)."""
        self.pulse = pulse
        self.show_phase(pulse.phase)
        self.show_timer(pulse.timer)
        self.show_people()
        self.work.set_text(self.tr.plural('{n} issue', '{n} issues', pulse.cards) + ' · ' + self.tr.plural(
            '{spent} of {n} dot spent', '{spent} of {n} dots spent', pulse.dots_total, spent=pulse.dots_spent))
        for i, (row, name, dots) in enumerate(self.theme_rows):
            theme = pulse.top_themes[i] if i < len(pulse.top_themes) else None
            row.set_visibility(theme is not None)
            if theme is not None:
                name.set_text(theme.name)
                dots.set_text(self.tr.plural('{n} dot', '{n} dots', theme.dots))
        self.no_themes.set_visibility(not pulse.top_themes)

    def show_phase(self, phase: str) -> None:
        self.pulse = replace(self.pulse, phase=phase)
        self.phase_id = phase  # before the select moves: its change event is then no request
        self.phase.set_value(phase)
        labelled(self.phase, aria_label=self.tr('Phase: {phase}', phase=self.tr(self.titles.get(phase, phase))))

    def show_timer(self, timer: TimerView) -> None:
        self.pulse = replace(self.pulse, timer=timer)
        show_timer(self.timer, timer)

    def show_people(self) -> None:
        self.people.set_text(self.tr('{n} connected now', n=self.connected) + ' · '
                             + self.tr('{n} joined', n=self.pulse.joined))

    def show_presence(self, change: PresenceChanged) -> None:
        self.connected, self.refused_joins = change.connected, change.refused_joins
        self.show_people()

    def show_alerts(self, now: float) -> tuple[Alert, ...]:
        """The room's alerts at ``now`` as badges with words (the colour only repeats them)."""
        found = {a.kind: a for a in alerts(self.pulse, now=now, refused_joins=self.refused_joins,
                                           seen_activity=self.seen_activity)}
        texts = {
            IDLE: lambda n: self.tr.plural('No activity for {n} minute', 'No activity for {n} minutes', n),
            REFUSED_JOINS: lambda n: self.tr.plural('{n} join refused', '{n} joins refused', n),
            HIDDEN_CARDS: lambda n: self.tr.plural('{n} hidden card', '{n} hidden cards', n),
        }
        for kind, badge in self.badges.items():
            badge.set_visibility(kind in found)
            if kind in found:
                badge.set_text(texts[kind](found[kind].n))
        self.root.classes(add='dash-room-alert') if found else self.root.classes(remove='dash-room-alert')
        return tuple(found.values())

    # ---------- acting ----------

    def choose(self, phase: str | None) -> None:
        if phase and phase != self.phase_id and not self.on_phase(self.pulse.id, phase):
            self.show_phase(self.phase_id)  # refused: the control shows the room's phase again
