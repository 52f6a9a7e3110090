"""Which page shows the guest's check-in (or check-out) where it stands: one table from the
session's step to its page for each, and the rule for moving from one step's page to the
next.

Pages never open another step's page (nor import one): they tell the app what the guest did
(`GuestApp.show_step`), and the app asks this table. A step's page opens its own further
pages itself, in its own module (identity: the scan or hand entry; the lookup wait), or is
handed them (the door codes after the rooms). Moving to another step closes the pages of
the steps before: what the guest typed there leaves memory, and there is no going back
into a step the session has left (Back within a step stays: scan back to the choice).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kiosk.check_out import CheckOutSession, CheckOutStep
from kiosk.session import CheckInSession, Outcome, Rejected, Step
from screens.base import GuestPage
from screens.booking import ConfirmPage, FindBookingPage, WaitPage
from screens.check_out import CheckedOutPage, FolioPage, IdentifyStayPage
from screens.done import DonePage, PrivacyPage
from screens.door_code import DoorCodePage
from screens.identity import HandEntryPage, IdentityChoicePage, ScanPage
from screens.offers import OffersPage
from screens.recovery import LockedPage, NoRoomPage
from screens.registration import RegistrationPage
from screens.rooms import RoomPage


@dataclass(frozen=True)
class Route:
    open: Callable[[CheckInSession, Outcome | None], GuestPage | None]
    """The step's first page, made for the session; None: the check-in is over (Welcome)."""
    pages: tuple[type[GuestPage], ...]
    """Every page that shows the step: while one of them is up, the step is on screen."""


def _find(session: CheckInSession, _: Outcome | None) -> GuestPage:
    # Too many failed lookups on this kiosk: the next one waits a while.
    return WaitPage(session) if session.waiting_until() else FindBookingPage(session)


def _identify(session: CheckInSession, _: Outcome | None) -> GuestPage:
    return IdentityChoicePage(session)


def _rooms(session: CheckInSession, _: Outcome | None) -> GuestPage | None:
    if not session.keys:  # staff revoked the last key: nothing left to show
        return None
    # The door code page, QR codes and all, is built while the guest reads the rooms.
    return RoomPage(session, door_code=lambda: DoorCodePage(session))


def _locked(_: CheckInSession, outcome: Outcome | None) -> GuestPage:
    return LockedPage(outcome.because if isinstance(outcome, Rejected) else None)


def _ended(_: CheckInSession, outcome: Outcome | None) -> GuestPage | None:
    if isinstance(outcome, Rejected):
        # The guest's step came too late: checked in meanwhile elsewhere (or at the desk).
        # A person sorts it out.
        return LockedPage(staff_called=False)
    return None


_IDENTITY = Route(_identify, (IdentityChoicePage, ScanPage, HandEntryPage))

ROUTES: dict[Step, Route] = {
    Step.FIND: Route(_find, (FindBookingPage, WaitPage)),
    Step.CONFIRM: Route(lambda session, _: ConfirmPage(session), (ConfirmPage,)),
    Step.IDENTIFY: _IDENTITY,
    # Identity proven: the session proceeds to the rooms at once; the identity pages stay
    # up only while that cannot be written (the guest tries again from there).
    Step.READY: _IDENTITY,
    Step.REGISTER: Route(lambda session, _: RegistrationPage(session), (RegistrationPage,)),
    Step.OFFERS: Route(lambda session, _: OffersPage(session), (OffersPage,)),
    Step.KEYS: Route(_rooms, (RoomPage, DoorCodePage)),
    Step.DONE: Route(lambda session, _: DonePage(session), (DonePage, PrivacyPage)),
    Step.NO_ROOM: Route(lambda *_: NoRoomPage(), (NoRoomPage,)),
    Step.LOCKED: Route(_locked, (LockedPage,)),
    Step.ENDED: Route(_ended, ()),
}


def page_for(session: CheckInSession, outcome: Outcome | None) -> GuestPage | None:
    """The first page of the step the session stands at; None: Welcome."""
    return ROUTES[session.step].open(session, outcome)


def shows_step(page: GuestPage, session: CheckInSession) -> bool:
    """Whether `page` shows the step the session stands at (a rejection leaves it there)."""
    return isinstance(page, ROUTES[session.step].pages)


@dataclass(frozen=True)
class CheckOutRoute:
    open: Callable[[CheckOutSession], GuestPage | None]
    """The step's page; None: the check-out is over (Welcome)."""
    pages: tuple[type[GuestPage], ...]


# A refusal leaves the page that was refused up: it says why (kiosk/check_out.py).
CHECK_OUT_ROUTES: dict[CheckOutStep, CheckOutRoute] = {
    CheckOutStep.IDENTIFY: CheckOutRoute(IdentifyStayPage, (IdentifyStayPage,)),
    CheckOutStep.CONFIRM: CheckOutRoute(FolioPage, (FolioPage,)),
    CheckOutStep.DONE: CheckOutRoute(CheckedOutPage, (CheckedOutPage,)),
    CheckOutStep.ENDED: CheckOutRoute(lambda _: None, ()),
}


def check_out_page_for(session: CheckOutSession) -> GuestPage | None:
    """The page of the check-out step the session stands at; None: Welcome."""
    return CHECK_OUT_ROUTES[session.step].open(session)


def shows_check_out_step(page: GuestPage, session: CheckOutSession) -> bool:
    return isinstance(page, CHECK_OUT_ROUTES[session.step].pages)
