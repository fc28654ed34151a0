"""The privacy note, one tap away on every phone screen: what is kept, who sees it, for how long."""
from __future__ import annotations

from nicegui import ui

from ..i18n import Translator


def privacy_button(tr: Translator) -> ui.button:
    """The button; its dialog is built at the first tap, beside it: a quarter of a phone page's elements
    (8 of 29), which most phones never open, and every phone of the hall would hold."""
    built: list[ui.dialog] = []

    def show() -> None:
        if not built:
            built.append(privacy_dialog(tr))  # the handler runs in the button's slot: the dialog goes beside it
        built[0].open()
    return ui.button(tr('Privacy'), icon='shield', on_click=show) \
        .props('flat dense no-caps').classes('privacy-button').mark('privacy')


def privacy_dialog(tr: Translator) -> ui.dialog:
    with ui.dialog() as dialog, ui.card().classes('privacy-card'):
        title = ui.label(tr('Privacy')).classes('phone-heading').props('role=heading aria-level=2')
        dialog.props['aria-labelledby'] = title.html_id  # a screen reader names the dialog by its title
        for text in (
            tr('You are anonymous. We never ask your name, phone number or e-mail.'),
            tr('What is kept: the issues and solutions you write, your dots and endorsements, the group you '
               'chose (if any) and a random number that lets this phone find its dots again after a reload.'),
            tr('Who sees it: the room sees the cards, never who wrote them. The organizers get the same '
               'anonymous cards and totals for the action plan.'),
            tr("Where and how long: only on the organizer's laptop, never on the internet. The organizers "
               'delete it once the action plan is written.'),
        ):
            ui.label(text).classes('phone-note')
        ui.button(tr('OK'), on_click=dialog.close).props('unelevated').classes('self-end')
    return dialog
