"""How each group voted, as a chart: for each theme (or plenary card), one bar per group that may be shown,
as long as the part of that group's dots it got, with the figure written beside it, and whether the groups
agree or differ on it. Groups with fewer than 5 voters (and any that would give them away) are never drawn:
the domain leaves their figures out (``domain/stakeholders.py``); the chart says so in words.

Bars are plain elements sized by CSS (``--share``), so the chart is text to a screen reader and needs no
chart library or script; participant text stays text (``dir=auto``)."""
from __future__ import annotations

from nicegui import ui

from ...domain.stakeholders import AGREE, DIFFER, BreakdownRow, StakeholderBreakdown
from ...i18n import Translator

ROWS_SHOWN = 5


class StakeholderChart:
    def __init__(self, tr: Translator, breakdown: StakeholderBreakdown, *, by: str = 'themes',
                 rows: int = ROWS_SHOWN) -> None:
        self.tr = tr
        with ui.element('div').classes('groups-chart').mark('groups-chart') as self.root:
            if not breakdown.published:
                notice = breakdown.notice  # a message id from the domain
                ui.label(tr(notice) if notice else '').classes('groups-note')
                return
            shown = breakdown.shown
            if not shown:
                ui.label(tr('No group had 5 or more voters, so no group is shown.')).classes('groups-note')
                return
            for row in (breakdown.themes if by == 'themes' else breakdown.cards)[:rows]:
                self.row(row, breakdown)
            if breakdown.hidden:
                ui.label(tr('Groups with fewer than 5 voters are not shown, so no one can be singled out.')) \
                    .classes('groups-note')

    def row(self, row: BreakdownRow, breakdown: StakeholderBreakdown) -> None:
        tr = self.tr
        with ui.element('div').classes('groups-row').props('role=group'):
            with ui.element('div').classes('groups-head'):
                ui.label(row.text).classes('groups-text room-text').props('dir=auto')
                if row.accord in (AGREE, DIFFER):
                    ui.label(tr('Groups agree') if row.accord == AGREE else tr('Groups differ')) \
                        .classes(f'groups-accord groups-{row.accord}')
            for i, column in enumerate(breakdown.columns):
                share = row.shares[i]
                if column.hidden is not None or share is None:
                    continue
                percent = round(share * 100)
                with ui.element('div').classes('groups-bar-line'):
                    ui.label(tr(column.label)).classes('groups-label')
                    bar = ui.element('div').classes('groups-bar').props('aria-hidden=true')
                    bar.style(f'--share: {percent}%')
                    ui.label(tr('{percent}% of their dots', percent=percent)).classes('groups-figure')
