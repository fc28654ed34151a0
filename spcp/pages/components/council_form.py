"""Volunteering for the SPCP council from a phone (at Wrap-up, in a room or the plenary): a separate,
explicit step. The form opens only when asked for, says that it is not anonymous and exactly who will
read it (the organizers of this event), and sends nothing without the consent box ticked.

What is stored (``domain/council.py``) holds no participant, room or time and cannot be joined to the
anonymous content; so nothing on the server records that this phone volunteered. The thanks stay on this
screen for as long as it is open (a phase rebuild included); a reload shows the form again.
"""
from __future__ import annotations

import weakref
from collections.abc import Callable

from nicegui import ui

from ...actions import Outcome
from ...domain import council
from ...domain.council import VolunteerDetails
from ...i18n import Translator
from ..widgets import labelled, tell
from .phone_seat import Drafts

FIELDS = ('council-name', 'council-contact', 'council-affiliation', 'council-why')
_sent: weakref.WeakSet[Drafts] = weakref.WeakSet()  # screens that volunteered (kept in the page, not on the server)


class CouncilForm:
    def __init__(self, tr: Translator, send: Callable[..., Outcome], drafts: Drafts) -> None:
        """``send(council.volunteer, details=..., consent=...)``: the phone's seam (it adds its room)."""
        self.tr, self.send, self.drafts = tr, send, drafts
        with ui.element('section').classes('w-full').mark('council') as self.root:
            ui.label(tr('Volunteer for the council')).classes('phone-heading').props('role=heading aria-level=2')
            if drafts in _sent:
                self.thanks()
                return
            was_open = any(drafts.texts.get(name) for name in FIELDS)  # being filled in before a rebuild
            ui.label(tr('An SPCP council of community members and police carries the action plan forward. '
                        'You can offer to take part.')).classes('phone-note')
            self.opener = ui.button(tr('Volunteer for the council'), icon='groups', on_click=self.open) \
                .classes('big-btn w-full').props('outline no-caps').mark('council-open')
            with ui.column().classes('w-full gap-3') as self.form:
                self.build_form()
        self.form.set_visibility(was_open)
        self.opener.set_visibility(not was_open)

    def build_form(self) -> None:
        tr = self.tr
        ui.label(tr('This is not anonymous: only the organizers of this event will see what you write here, '
                    'to contact you about the council. It is kept apart from your issues and votes and is '
                    'never linked to them.')).classes('notice').mark('council-who')
        self.name = self.entry('council-name', ui.input(tr('Your name')), council.MAX_NAME)
        self.contact = self.entry('council-contact', ui.input(tr('Phone or email')), council.MAX_CONTACT)
        self.affiliation = self.entry('council-affiliation', ui.input(tr('Group or organization (optional)')),
                                      council.MAX_AFFILIATION)
        self.why = self.entry('council-why', ui.textarea(tr('Why you would like to take part (optional)')),
                              council.MAX_WHY)
        self.consent = ui.checkbox(tr('I agree that the organizers of this event see what I wrote here.')) \
            .mark('council-consent')
        self.submit = ui.button(tr('Send'), icon='send', on_click=self.volunteer).classes('big-btn w-full') \
            .mark('council-send')
        self.submit.bind_enabled_from(self.consent, 'value')

    def entry(self, name: str, element: ui.input, limit: int) -> ui.input:
        element.props(f'outlined dir=auto maxlength={limit}').classes('w-full').mark(name)
        self.drafts.restore(name, element)
        return element

    def open(self) -> None:
        self.opener.set_visibility(False)
        self.form.set_visibility(True)

    def volunteer(self) -> None:
        details = VolunteerDetails(self.name.value or '', self.contact.value or '', self.affiliation.value,
                                   self.why.value)
        if not tell(self.tr, self.send(council.volunteer, details=details, consent=bool(self.consent.value))):
            return
        _sent.add(self.drafts)
        for name in FIELDS:  # nothing of it stays on the screen, nor comes back on a rebuild
            self.drafts.entries.pop(name, None)
            self.drafts.texts.pop(name, None)
        self.opener.delete()
        self.form.delete()
        with self.root:
            self.thanks()

    def thanks(self) -> None:
        labelled(ui.label(self.tr('Thank you. The organizers of this event will contact you about the council.'))
                 .classes('notice').mark('council-thanks'), role='status')
