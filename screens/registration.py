"""The registration card, for a guest the law asks to register (kiosk/registration.py): the
stay and what the document zone said, filled in; the guest checks the rest and types what
only they know (their address, who travels with them). A complete card is kept sealed and
goes to the guest's signature at the desk (`session.register`); then the check-in goes on."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Button, Input, Static

from kiosk.registration import Problem
from kiosk.session import CheckInSession, Rejected
from screens.base import GuestPage, PageButton, plain
from screens.widgets.facts import Facts
from screens.widgets.fields import GuestInput, as_iso_date

_DATES = frozenset({"date_of_birth", "document_issued_on"})
_STAY = ("arrival", "departure")


class RegistrationPage(GuestPage):
    STEP = 2
    AUTO_FOCUS = ".card-empty"

    def __init__(self, session: CheckInSession) -> None:
        super().__init__()
        self.session = session

    def compose_body(self) -> ComposeResult:
        session, catalog = self.session, self.catalog
        booking = session.booking
        assert booking is not None
        law = self.kiosk_app.hotel.profile.registration_country
        yield plain(self.t("card.page.title"), classes="title")
        yield plain(self.t(f"card.page.hint.{law}"), classes="hint")
        prefilled = session.card_prefilled(self.kiosk_app.language)
        fixed = session.card_fixed()
        yield Facts(
            [
                (self.t("card.field.arrival"), catalog.date(booking.arrival)),
                (self.t("card.field.departure"), catalog.date(booking.departure)),
                *(
                    (self.t(f"card.field.{name}"), self._shown(name, prefilled[name]))
                    for name in session.card_fields
                    if name in fixed
                ),
            ],
            id="card-fixed",
        )
        problems = self.rejected.problems if self.rejected and self.rejected.problems else {}
        with Grid(id="card-form"):
            for name in session.card_fields:
                if name in fixed or name in _STAY:
                    continue
                value = self._shown(name, prefilled[name])
                yield plain(self.t(f"card.field.{name}"), classes="card-label")
                yield GuestInput(
                    value=value,
                    placeholder=self.t("card.placeholder.date") if name in _DATES else "",
                    id=f"card-{name}",
                    classes="card-field" if value else "card-field card-empty",
                    max_length=80,
                )
                line = plain(self._problem(problems.get(name)), id=f"problem-{name}")
                line.add_class("field-problem")
                line.display = name in problems
                yield line
        yield self.problem_line()
        yield PageButton(
            self.t("card.page.submit"), id="card-submit", variant="primary", classes="main-action"
        )

    def _shown(self, name: str, value: str) -> str:
        """Dates as the guest writes them (the core keeps ISO)."""
        if name in _DATES and len(value) == 10 and value[4] == "-":
            year, month, day = value.split("-")
            return f"{day}.{month}.{year}"
        return value

    def _problem(self, problem: Problem | None) -> str:
        return self.t(f"card.problem.{problem}") if problem else ""

    @on(Input.Submitted, ".card-field")
    def next_field(self, event: Input.Submitted) -> None:
        fields = list(self.query(".card-field"))
        following = fields[fields.index(event.input) + 1 :]
        (following[0] if following else self.query_one("#card-submit")).focus()

    @on(Button.Pressed, "#card-submit")
    def submit(self) -> None:
        typed = {
            (field.id or "").removeprefix("card-"): field.value
            for field in self.query(".card-field").results(Input)
        }
        for name in _DATES & typed.keys():
            typed[name] = as_iso_date(typed[name])
        outcome = self.session.register(typed, self.kiosk_app.language)
        self.kiosk_app.show_step(outcome)
        if isinstance(outcome, Rejected) and self.is_current:
            self.show_rejection(outcome)

    def show_rejection(self, rejected: Rejected) -> None:
        super().show_rejection(rejected)
        problems = rejected.problems or {}
        first = None
        for line in self.query(".field-problem").results(Static):
            name = (line.id or "").removeprefix("problem-")
            line.update(self._problem(problems.get(name)))
            line.display = name in problems
            if name in problems and first is None:
                first = self.query_one(f"#card-{name}", Input)
        if first is not None:
            first.focus()

    def describe(self, rejected: Rejected) -> str:
        return self.t("card.page.incomplete")
