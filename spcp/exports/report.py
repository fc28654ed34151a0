"""The report an organizer hands over, as a list of blocks that the Word (``docx.py``) and PDF
(``pdf.py``) renderers both draw: the same content, two formats.

Cover (event, date, venue, rooms, people), the ranked priorities with their chart, each room's top
issues and solutions, the action plan and the council when the export has them, and how the day ran
(the rooms in numbers, the moderation counts, when each room moved on). Everything comes from the
export's tables, so the report never says more than the spreadsheet.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pandas as pd
from babel.dates import format_date

from ..i18n import Translator, translator
from .tables import DATE, INT, TEXT, TIME, ExportTables, Table

TOP_ISSUES = 5        # per room
CHART_BARS = 10       # priorities in the chart


@dataclass(frozen=True)
class Heading:
    text: str
    level: int        # 0: the title, 1: a section, 2: within a section


@dataclass(frozen=True)
class Paragraph:
    text: str
    muted: bool = False


@dataclass(frozen=True)
class Grid:
    """A table: headers, rows of text, and which columns are numbers (aligned to the end)."""
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    widths: tuple[float, ...]     # each column's share of the page width


@dataclass(frozen=True)
class Chart:
    labels: tuple[str, ...]
    values: tuple[int, ...]
    title: str


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Grid | Chart | PageBreak


@dataclass(frozen=True)
class Report:
    locale: str
    rtl: bool
    title: str
    blocks: tuple[Block, ...]


def cell(value: object, kind: str, tr: Translator) -> str:
    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return ''
    if kind == INT:
        return tr.number(int(value))
    if kind == DATE:
        return format_date(value.date(), 'medium', locale=tr.locale)
    if kind == TIME:
        return value.strftime('%H:%M')
    if isinstance(value, bool):
        return '✓' if value else ''  # a mark needs no translation
    return str(value)


def grid(table: Table, keys: tuple[str, ...], tr: Translator, widths: tuple[float, ...],
         frame: pd.DataFrame | None = None) -> Grid:
    """Some columns of a table (all its rows, or ``frame``'s) as text in the reader's language."""
    frame = table.frame if frame is None else frame
    index = {c.key: i for i, c in enumerate(table.columns)}
    kinds = [table.columns[index[k]].kind for k in keys]
    rows = tuple(tuple(cell(row[k], kind, tr) for k, kind in zip(keys, kinds, strict=True))
                 for row in frame.to_dict('records'))
    return Grid(tuple(table.headers[index[k]] for k in keys), rows, tuple(k == INT for k in kinds), widths)


def cover(export: ExportTables, tr: Translator) -> Iterator[Block]:
    yield Heading(export.event_name, 0)
    facts = [format_date(export.date, 'full', locale=tr.locale) if export.date else None, export.venue]
    yield Paragraph(' · '.join(f for f in facts if f))
    # one room a line: names in several scripts and directions on one line read in a muddled order
    yield Paragraph(tr.plural('{n} room', '{n} rooms', len(export.rooms)) + ':\n' + '\n'.join(export.rooms))
    people = tr.plural('{n} participant', '{n} participants', export.participants)
    if export.on_paper:
        people += ' · ' + tr.plural('{n} on paper', '{n} on paper', export.on_paper)
    yield Paragraph(people)
    if export.facilitators:
        yield Paragraph(tr('Facilitators: {names}', names=', '.join(export.facilitators)), muted=True)


def priorities(export: ExportTables, tr: Translator) -> Iterator[Block]:
    voted = 'plenary' in export.tables and export['plenary'].frame['dots'].sum() > 0
    if voted:
        yield from plenary(export, tr)
    table = export['priorities']
    yield Heading(tr("The rooms' top themes") if voted else tr('Priorities'), 1)
    if table.frame.empty:
        yield Paragraph(tr('No room has ranked its themes yet.'), muted=True)
        return
    top = table.frame.head(CHART_BARS)
    yield Chart(tuple(f'{p}\n{r}' for p, r in zip(top['priority'], top['room'], strict=True)),  # the room below
                tuple(int(v) for v in top['dots']), tr('Dots per priority'))
    yield grid(table, ('rank', 'priority', 'room', 'dots', 'solutions', 'endorsements'), tr,
               (0.08, 0.3, 0.2, 0.08, 0.14, 0.2))
    if 'plenary' in export.tables and not voted and not export['plenary'].frame.empty:  # made, not voted on yet
        yield Heading(export['plenary'].title, 2)
        yield grid(export['plenary'], ('priority', 'rooms'), tr, (0.6, 0.4))


def plenary(export: ExportTables, tr: Translator) -> Iterator[Block]:
    """The hall's ranking of the rooms' top themes: the event's priorities."""
    table = export['plenary']
    yield Heading(table.title, 1)
    top = table.frame.head(CHART_BARS)
    yield Chart(tuple(top['priority']), tuple(int(v) for v in top['dots']), tr('Dots per priority'))
    yield grid(table, ('rank', 'priority', 'dots', 'rooms'), tr, (0.08, 0.5, 0.1, 0.32))


def rooms(export: ExportTables, tr: Translator) -> Iterator[Block]:
    issues, solutions = export['issues'], export['solutions']
    for room in export.rooms:
        yield Heading(room, 1)
        mine = issues.frame[issues.frame['room'] == room].sort_values('dots', ascending=False, kind='stable')
        yield Heading(tr('Top issues'), 2)
        if mine.empty:
            yield Paragraph(tr('No issues.'), muted=True)
        else:
            yield grid(issues, ('issue', 'theme', 'dots'), tr, (0.6, 0.28, 0.12), mine.head(TOP_ISSUES))
        found = solutions.frame[solutions.frame['room'] == room]
        yield Heading(tr('Solutions'), 2)
        if found.empty:
            yield Paragraph(tr('No solutions.'), muted=True)
        else:
            yield grid(solutions, ('solution', 'theme', 'endorsements'), tr, (0.57, 0.27, 0.16), found)


ACTION_SUMMARY = ('number', 'action', 'lead', 'responsible', 'start', 'due', 'status')
ACTION_DETAILS = ('partners', 'first_steps', 'resources', 'success_measure', 'notes')   # long: under the table


def action_plan(export: ExportTables, tr: Translator) -> Iterator[Block]:
    """Per priority, its actions (who leads, who is responsible, when, how it goes), then each action's
    longer fields (partners, first steps, resources, measure of success, notes) as a small table of its own."""
    table = export['action_plan']
    yield Heading(table.title, 1)
    frame = table.frame
    for (priority, room), items in frame.groupby(['priority', 'room'], sort=False):
        yield Heading(priority, 2)
        yield Paragraph(room, muted=True)   # a line of its own: the two may be in different scripts
        yield grid(table, ACTION_SUMMARY, tr, (0.06, 0.27, 0.16, 0.14, 0.13, 0.13, 0.11), items)
        for item in items.to_dict('records'):
            yield from details(table, item, tr)


def details(table: Table, item: dict, tr: Translator) -> Iterator[Block]:
    """One action's filled-in long fields: its number and text as the header, one field a row."""
    headers = dict(zip((c.key for c in table.columns), table.headers, strict=True))
    rows = tuple((headers[key], cell(item[key], TEXT, tr)) for key in ACTION_DETAILS if cell(item[key], TEXT, tr))
    if rows:
        title = f"{headers['action']} {tr.number(int(item['number']))}"
        yield Grid((title, str(item['action'])), rows, (False, False), (0.24, 0.76))


def council_list(export: ExportTables, tr: Translator) -> Iterator[Block]:
    """The volunteers (each stored only with their consent), with what that consent covers."""
    table = export['council']
    yield Heading(table.title, 1)
    # the report is handed over; the volunteers agreed that the organizers see what they wrote: their contact
    # and their reasons stay in the organizers' own spreadsheet
    yield Paragraph(tr('These people volunteered for the council. Their contact details and what they wrote stay '
                       'with the organizers, as the volunteers were promised.'), muted=True)
    yield grid(table, ('name', 'affiliation'), tr, (0.45, 0.55))


# the sections other parts of the day add, in order, each drawn when the export has its table
SECTIONS: dict[str, Callable[[ExportTables, Translator], Iterator[Block]]] = {
    'action_plan': action_plan, 'council': council_list}


def optional(export: ExportTables, tr: Translator) -> Iterator[Block]:
    """The action plan and the council list, on a page of their own, when the export has them."""
    drawn = [section for key, section in SECTIONS.items() if key in export.tables]
    if drawn:
        yield PageBreak()
    for section in drawn:
        yield from section(export, tr)


def the_day(export: ExportTables, tr: Translator) -> Iterator[Block]:
    yield Heading(tr('How the day ran'), 1)
    yield grid(export['rooms'], ('room', 'participants', 'on_paper', 'issues', 'dots', 'themes', 'solutions'), tr,
               (0.25, 0.14, 0.12, 0.11, 0.1, 0.12, 0.16))
    yield Heading(tr('Moderation log'), 2)
    yield Paragraph(tr('Hidden cards never appear in this report: only how many there were.'), muted=True)
    yield grid(export['moderation'], ('room', 'hidden_issues', 'merged', 'never_approved', 'hidden_solutions'), tr,
               (0.24, 0.19, 0.19, 0.19, 0.19))
    day = export['day']
    if not day.frame.empty:
        yield Heading(tr('Phases'), 2)
        yield grid(day, ('time', 'room', 'phase'), tr, (0.15, 0.45, 0.4))


def build(export: ExportTables) -> Report:
    tr = translator(export.locale)
    blocks = [*cover(export, tr), *priorities(export, tr), PageBreak(), *rooms(export, tr),
              *optional(export, tr), PageBreak(), *the_day(export, tr)]
    return Report(export.locale, tr.rtl, export.event_name, tuple(blocks))
