"""The guest's screen: one Textual screen that holds what every step has (the hotel's name
and the step, the staff-are-coming banner, Help, Back where going back is safe, and the
language switch), built once, and in the middle the step itself: a page.

Why pages in one screen rather than a Textual screen per step: a new screen costs Textual a
full styling, two layouts and a frame's wait before it is drawn, some 30 ms before any of
its content (bench/ui.py "floor"), against 50 ms for a whole step (ARCHITECTURE.md, Performance budgets). A page
mounted into the running screen costs only its own widgets.

Pages stack like screens: a step's further page goes over it (the scan over the choice of
how to prove identity); Back pops it and shows the page underneath as the guest left it
(what they typed, where focus was). A new step's page (screens/routes.py) closes the pages
before it. A page composes all its text from the catalog, so a language change recomposes
it; what the guest typed and where focus was survive the change.

Pages reach the app only through `GuestApp`, what they may ask of it: they import neither
the app nor each other.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from contextlib import AbstractContextManager
from typing import ClassVar, Protocol, cast

from textual import events, on
from textual.app import ComposeResult
from textual.await_remove import AwaitRemove
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import AwaitMount, Widget
from textual.widgets import Button, Input, Static

from kiosk.hotel import Hotel
from kiosk.i18n import Catalog
from kiosk.idle_limit import IdleLimit
from kiosk.session import Outcome, Rejected
from screens.languages import LanguageList, language_name
from screens.textual_seams import lay_out_now
from screens.trouble import TroubleGuard

STEPS = 4  # booking, identity, room, door code
HOLD_AT_MOST = 0.5  # seconds a new page may take to get its widgets before frames go on
SETTLE_TURNS = 3  # turns of the event loop for widgets to post what they ask of the screen
SWEEP_AFTER = 2.0  # seconds after a page change that the pages it closed are removed
FEW_ATTEMPTS = 2  # from here on a rejection also says how many tries are left


class GuestApp(Protocol):
    """What the guest screen and its pages ask of the kiosk app (screens/app.py), which
    owns the session and knows which page shows which step (screens/routes.py)."""

    hotel: Hotel
    demo: bool
    language: str
    help_pending: bool
    large_text: bool
    high_contrast: bool
    read_aloud: bool
    idle_limit: IdleLimit

    @property
    def catalog(self) -> Catalog: ...

    def start_check_in(self) -> None:
        """The guest starts: a new session, and the page for its first step, at once."""

    def show_step(self, outcome: Outcome | None = None) -> None:
        """The guest did what the page asked (`outcome`: what the session answered): the
        page for where the session stands now, unless the one shown shows it."""

    def start_check_out(self) -> None:
        """The guest checks out: a new check-out session, and its first page, at once."""

    def show_check_out_step(self) -> None:
        """The guest did what a check-out page asked: the page for where the check-out
        stands now, unless the one shown shows it."""

    def welcome_next_guest(self) -> None:
        """The guest is done, or leaves: the kiosk forgets them and shows Welcome."""

    def call_staff(self) -> None: ...

    def open_access_panel(self) -> None:
        """The "Aa Display" panel (screens/access.py) over the page shown."""

    @property
    def can_speak(self) -> bool:
        """This kiosk can read aloud (espeak-ng is installed, and it is not in a browser)."""

    def speak(self, text: str) -> None:
        """Read `text` aloud now, where this kiosk can."""

    def more_time(self) -> bool:
        """The guest asked for more time before the kiosk forgets them; False: no more."""


def is_typed(event: events.Key) -> bool:
    """A character a guest or a scanner typed, as opposed to a key that moves or acts."""
    character = event.character
    return character is not None and character.isprintable() and not character.isspace()


def plain(text: str = "", *, id: str | None = None, classes: str = "") -> Static:
    """A line of text that is never read as markup: guest names may contain brackets."""
    return Static(text, markup=False, id=id, classes=classes)


class PageButton(Button):
    """A button on a page. It does not flash when pressed: its answer shows at once (the next
    page, or a line on this one), and the flash's own repaint would hold the next page back
    by a frame (1/60 s) or two."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.active_effect_duration = 0


class TopBar(Widget):
    """The hotel's name on the left and the step on the right: one line (on a phone, the step
    on a second), one widget."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"top-bar--progress"}
    progress: reactive[str] = reactive("", layout=True)  # a phone may need a line more

    def __init__(self, hotel: str, progress: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hotel = hotel
        self.set_reactive(TopBar.progress, progress)

    def render(self) -> Content:
        name = Content.styled(self.hotel, "bold")
        step = Content.styled(self.progress, self.get_visual_style("top-bar--progress"))
        gap = self.content_size.width - name.cell_length - step.cell_length
        if gap < 1 and self.progress:  # a phone's width: the step goes on a line of its own
            return Content.assemble(name, "\n", step)
        return Content.assemble(name, " " * max(1, gap), step)


class GuestPage(TroubleGuard, Vertical):
    """One step of the guest's check-in, shown in the middle of the guest screen."""

    STEP: ClassVar[int | None] = None
    """Which of the steps this page belongs to, for the progress line; None shows none."""
    CAN_GO_BACK: ClassVar[bool] = False
    """Whether this page offers Back (override `go_back` when it does)."""
    AUTO_FOCUS: ClassVar[str | None] = None
    """What has focus when the page is first shown."""
    CLOSES_AFTER: ClassVar[float | None] = None
    """A page after the check-in closes by itself once the guest has left it alone this
    many seconds, with no warning: nothing is left to lose. (The app's idle watch does
    it: a timer of the page's own, stopped early, would keep the page in memory until
    its time had come.)"""

    rejected: Rejected | None = None
    """The last rejection this page shows, kept so that it can be shown in another language."""
    _composed_in = ""
    """The language of the text on the page; a different one recomposes it."""
    _focused: Widget | None = None
    """What had focus when another page went on top; it has it again on Back."""

    @property
    def kiosk_app(self) -> GuestApp:
        return cast(GuestApp, self.app)

    @property
    def catalog(self) -> Catalog:
        return self.kiosk_app.catalog

    def t(self, key: str, **fields: object) -> str:
        return self.catalog.t(key, **fields)

    @property
    def guest_screen(self) -> GuestScreen:
        return cast(GuestScreen, self.screen)

    @property
    def is_current(self) -> bool:
        """The guest sees this page now: no other page, dialog or staff mode over it."""
        screen = self.guest_screen
        return screen.page is self and self.app.screen is screen

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._composed_in = self.kiosk_app.language
        yield from self.compose_body()

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def on_mount(self) -> None:
        self.guest_screen.page_ready(self)

    def take_focus(self) -> None:
        """Focus where the guest left it, or on the page's first question."""
        focused = self._focused
        if focused is None or not focused.is_attached or not focused.focusable:
            focused = next(
                (widget for widget in self.query(self.AUTO_FOCUS or "-") if widget.focusable),
                None,
            )
        # At once (Widget.focus waits for the app's next turn): the page is drawn focused.
        self.screen.set_focus(focused, scroll_visible=False)

    def problem_line(self) -> Static:
        """Where a rejection is shown; empty and hidden until there is one."""
        line = plain(self.describe(self.rejected) if self.rejected else "", id="problem")
        line.display = self.rejected is not None
        return line

    def spoken_text(self) -> str:
        """What "Read aloud" reads when the page is shown: its title, its main text and what
        went wrong, as shown; never a PIN (DoorCodePage reads it only when asked)."""
        return "\n".join(
            str(line.render())
            for line in self.query(".title, .hint, #problem").results(Static)
            if line.display
        )

    def describe(self, rejected: Rejected) -> str:
        """The guest's words for a rejection; pages that show rejections say them."""
        raise NotImplementedError

    def show_rejection(self, rejected: Rejected) -> None:
        self.rejected = rejected
        line = self.query_one("#problem", Static)
        said = self.describe(rejected)
        line.update(said)
        line.display = True
        if self.kiosk_app.read_aloud:
            self.kiosk_app.speak(said)

    def attempts_note(self, key: str, rejected: Rejected) -> str:
        if rejected.attempts_left is None or rejected.attempts_left > FEW_ATTEMPTS:
            return ""
        return " " + self.catalog.plural(key, rejected.attempts_left)

    async def relabel(self) -> None:
        """Compose again in the guest's language, keeping what they typed and the focus."""
        if self._composed_in == self.kiosk_app.language:
            return
        # Only the scan page has text areas: their module loads with it, not at the start.
        from textual.widgets import TextArea

        typed = {field.id: field.value for field in self.query(Input) if field.id}
        zones = {area.id: area.text for area in self.query(TextArea) if area.id}
        focused = self.screen.focused
        focused_id = focused.id if focused is not None and self in focused.ancestors else None
        await self.recompose()
        for field in self.query(Input):
            field.value = typed.get(field.id or "", field.value)
        for area in self.query(TextArea):
            area.load_text(zones.get(area.id or "", area.text))
        if focused_id:
            for widget in self.query(f"#{focused_id}"):
                widget.focus()

    # -- leaving ----------------------------------------------------------------------------

    def close(self) -> None:
        """Back to the page underneath."""
        if self.guest_screen.page is self:
            self.guest_screen.pop_page()

    def go_back(self) -> None:
        self.close()

    def any_key(self, event: events.Key) -> None:
        """Every key the guest presses while this page is shown, before its binding acts."""

    def closed(self) -> None:
        """The page is closed and will not be shown again: forget what must not stay."""


class StaffCalledPage(GuestPage):
    """A page where the kiosk hands over to a person: the core has called staff already;
    the page says so, and keeps Help, the language switch and a way back to the start."""

    AUTO_FOCUS = "#start-over"

    def on_mount(self) -> None:
        # The core filed the help request; Help now only confirms it.
        self.kiosk_app.help_pending = True

    def compose_start_over(self) -> ComposeResult:
        yield PageButton(
            self.t("action.start_over"), id="start-over", variant="primary", classes="main-action"
        )

    @on(Button.Pressed, "#start-over")
    def start_over(self) -> None:
        self.kiosk_app.welcome_next_guest()


class GoodbyePage(GuestPage):
    """The last page of a guest's visit (checked in, or checked out): Finish, or any key that
    does nothing here, means done; left alone, it closes by itself."""

    AUTO_FOCUS = "#finish"
    CLOSES_AFTER = 30

    def compose_finish(self, label: str) -> ComposeResult:
        yield PageButton(label, id="finish", variant="primary", classes="main-action")

    def any_key(self, event: events.Key) -> None:
        # Keys that do something here (Tab, Enter on a button, F1) keep doing it; any other
        # key means "done". Stopped, so that it does not also act on the Welcome page.
        if event.key == "escape" or event.key not in self.screen.active_bindings:
            event.stop()
            self.leave()

    @on(Button.Pressed, "#finish")
    def leave(self) -> None:
        if self.is_current:
            self.kiosk_app.welcome_next_guest()


class GuestScreen(TroubleGuard, Screen[None]):
    """The screen guests see, from Welcome to goodbye: the frame, and the pages in it."""

    AUTO_FOCUS = ""  # each page says what has focus
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", show=False, id="guest.help"),
        Binding("escape", "back", "Back", show=False, id="guest.back"),
    ]

    def __init__(self, first: GuestPage) -> None:
        super().__init__()
        self.pages: list[GuestPage] = [first]
        """Bottom (Welcome) to top; the top one is shown, the others wait for Back."""
        self._composed_in = ""
        self._gone: list[GuestPage] = []  # closed and hidden, to be removed
        self._sweeping: list[AwaitRemove] = []
        self._mounting: dict[GuestPage, Awaitable[object]] = {}
        # Built and hidden -> the page that may show it next, and its mounting.
        self._prepared: dict[GuestPage, tuple[GuestPage, AwaitMount]] = {}
        self._held: AbstractContextManager[None] | None = None  # nothing drawn meanwhile
        self._holds = 0  # page changes under way
        self._hold_timer: Timer | None = None

    @property
    def kiosk_app(self) -> GuestApp:
        return cast(GuestApp, self.app)

    @property
    def page(self) -> GuestPage:
        return self.pages[-1]

    def t(self, key: str, **fields: object) -> str:
        return self.kiosk_app.catalog.t(key, **fields)

    # -- the frame --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._composed_in = self.kiosk_app.language
        yield TopBar(self.kiosk_app.hotel.profile.name, self._progress(), id="top-bar")
        with VerticalScroll(id="body", can_focus=False):
            yield from self.pages
        yield plain(self.t("help.on_the_way"), id="help-banner")
        with Horizontal(id="actions"):
            yield Button(self.t("action.help"), id="help")
            back = Button(self.t("action.back"), id="back")
            back.display = self.page.CAN_GO_BACK
            yield back
            yield Button(self.t("action.access"), id="access")
            yield Button(self._language_label(), id="language", classes="language")

    def _progress(self) -> str:
        step = self.page.STEP
        if step is None:
            return ""
        return self.t("progress", step=step, steps=STEPS, name=self.t(f"step.{step}"))

    def _language_label(self) -> str:
        # The language on screen in its own name, and a sign that more are behind it.
        return f"{language_name(self.kiosk_app.language)} ▾"

    def on_mount(self) -> None:
        # init=True: the language may have changed between compose and mount.
        self.watch(self.app, "language", self._relabel)
        self.watch(self.app, "help_pending", self._show_help_banner)

    # -- pages ------------------------------------------------------------------------------
    # A page change is drawn once, complete. A new page is mounted while the current one
    # stays as it is; once the new page has its widgets (GuestPage.on_mount) the pages change
    # places in one go. Nothing is drawn until then (App.batch_update): no half-built or
    # empty frame, and no early repaint, after which Textual would hold the next one back
    # for one or two of its frames (1/60 s); then the page is laid out and drawn at once
    # (_lay_out_now). Closed pages forget what must not stay (door codes) at once, hide with
    # the change and leave the DOM with it (Back, end of a check-in) or with the next change
    # or a moment later (a removal costs a layout of its own).

    def push_page(self, page: GuestPage) -> None:
        """Show `page` over the current one, which waits (hidden, as it is) for Back."""
        below = self.page
        focused = self.focused
        below._focused = focused if focused is not None and below in focused.ancestors else None
        self._mount(page)

    def replace_page(self, page: GuestPage) -> None:
        """Show `page` instead of the current one, which is closed."""
        closing = self.pages.pop()
        self._mount(page)
        self._retire(closing)

    def prepare_page(self, page: GuestPage) -> None:
        """Build `page` now, hidden, as the likely next step from the page shown: shown
        later by `replace_page`, it costs only its layout and drawing. It is closed with
        the page that prepared it, like a page the guest has left; a page pushed over that
        one and popped again leaves it as it was."""
        page.display = False
        self._prepared[page] = (self.page, self.query_one("#body").mount(page))

    def pop_page(self) -> None:
        """Close the current page and show the one underneath as it was left."""
        if len(self.pages) > 1:
            self._close(self.pages.pop())

    def close_pages(self) -> None:
        """Close every page but the first (Welcome), which starts afresh."""
        if len(self.pages) > 1:
            closing, self.pages[1:] = self.pages[1:], []
            self.page._focused = None
            self._close(*closing)

    def _mount(self, page: GuestPage) -> None:
        self._hold_frames()
        self.set_focus(None)  # keys typed meanwhile must not reach the page being left
        self.pages.append(page)
        prepared = self._prepared.pop(page, None)
        if prepared is None:
            self._mounting[page] = self.query_one("#body").mount(page)
        else:
            # In the guest's language now, whatever it was when the page was built.
            self._mounting[page] = self._relabelled(prepared[1], page)
            if page.is_mounted:  # else its on_mount says so
                # Next, not now: the page it replaces is retired first, and so hidden.
                self.call_next(self.page_ready, page)

    async def _relabelled(self, mounting: AwaitMount, page: GuestPage) -> None:
        await mounting
        await page.relabel()

    def page_ready(self, page: GuestPage) -> None:
        """`page` has its widgets: it takes the place of the one it follows."""
        mounting = self._mounting.pop(page, None)
        if page is self.page:
            for other in (*self.pages[:-1], *self._gone):
                other.display = False
            page.display = True
            self._show_page(page)
        # Else closed again before it was ready, or the first page, composed with the frame.
        if mounting is not None:
            self.call_next(self._release_frames_after, mounting)

    def _close(self, *closing: GuestPage) -> None:
        self._hold_frames()
        for page in closing:
            page.display = False
        self._retire(*closing)
        # Closed pages go with this change: after Back or at the end of a check-in no
        # guest's data stays in the DOM.
        self._sweeping += self._remove_gone()
        page = self.page
        page.display = True
        self._show_page(page)
        self.call_next(self._release_frames_after, page.relabel())

    def _retire(self, *pages: GuestPage) -> None:
        for page in pages:
            page.closed()
        self._gone.extend(pages)
        unused = [page for page, (owner, _) in self._prepared.items() if owner in pages]
        for page in unused:
            del self._prepared[page]
        if unused:
            self._retire(*unused)

    def _show_page(self, page: GuestPage) -> None:
        """What the frame says about the page shown (its step, whether Back goes), and focus."""
        self.query_one(TopBar).progress = self._progress()
        self.query_one("#back").display = page.CAN_GO_BACK
        self.query_one("#body", VerticalScroll).scroll_home(animate=False)
        page.take_focus()
        if self.kiosk_app.read_aloud:
            self.call_after_refresh(self._read_aloud, page)

    def _read_aloud(self, page: GuestPage) -> None:
        # After the page is drawn: starting a reading costs a process, the page comes first.
        if page is self.page and self.kiosk_app.read_aloud:  # still: not after the guest left
            self.kiosk_app.speak(page.spoken_text())

    def _hold_frames(self) -> None:
        if self._held is None:
            self._held = self.app.batch_update()
            self._held.__enter__()
            # Whatever happens to the page change, the screen does not stay frozen.
            self._hold_timer = self.set_timer(HOLD_AT_MOST, self._release_frames)
            # Pages closed by earlier changes go now: their removal is laid out with this one.
            self._sweeping = self._remove_gone()
        self._holds += 1

    async def _release_frames_after(self, step: Awaitable[object]) -> None:
        try:
            await step
            sweeping, self._sweeping = self._sweeping, []
            for removal in sweeping:
                await removal
            if self._holds == 1:
                await self._lay_out_now()
        finally:
            self._holds -= 1
            if self._holds <= 0:
                self._release_frames()

    def _release_frames(self) -> None:
        self._holds = 0
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None
        if self._held is not None:
            held, self._held = self._held, None
            held.__exit__(None, None, None)
            if self._gone:
                self.set_timer(SWEEP_AFTER, self._sweep)

    async def _lay_out_now(self) -> None:
        """Lay the changed page out and draw it now, and let its widgets ask for the layout
        they want once they have their sizes. Left to Textual, the first layout would wait
        for the screen's next frame and the second for one or two frames after that (1/60 s
        each): some 25 ms of waiting on every step. This way the second one comes with the
        very next frame (through Textual's internals: screens/textual_seams.py)."""
        if not self.is_current:
            return
        for _ in range(SETTLE_TURNS):  # what the change itself asked for arrives
            await asyncio.sleep(0)
        # The top bar's new step asks this screen for a repaint by a message, which the
        # screen cannot read while it runs this: without this line the step showed a frame
        # after the page (bench/ui.py compares the frames cell by cell).
        lay_out_now(self, self.query_one(TopBar))
        for _ in range(SETTLE_TURNS):  # the new widgets' own requests arrive
            await asyncio.sleep(0)

    def _sweep(self) -> None:
        if self._held is None:  # else the change under way removes them
            self._remove_gone()

    def _remove_gone(self) -> list[AwaitRemove]:
        gone = [page for page in self._gone if page not in self._mounting]
        self._gone = [page for page in self._gone if page in self._mounting]
        return [page.remove() for page in gone]

    # -- language and help ------------------------------------------------------------------

    async def _relabel(self, language: str) -> None:
        changed = language != self._composed_in
        if changed:
            self._composed_in = language
            self.query_one(TopBar).progress = self._progress()
            self.query_one("#help-banner", Static).update(self.t("help.on_the_way"))
            self.query_one("#help", Button).label = self.t("action.help")
            self.query_one("#back", Button).label = self.t("action.back")
            self._label_access()
            self.query_one("#language", Button).label = self._language_label()
        await self.page.relabel()
        if changed and self.kiosk_app.read_aloud:  # the page again, in the guest's language
            self.kiosk_app.speak(self.page.spoken_text())
        focused = self.focused
        if isinstance(focused, Button) and focused.has_class("language"):
            # The guest chose a language and goes on: typing goes to the page, not to the
            # language button they pressed.
            self.page.take_focus()

    def _label_access(self) -> None:
        # A phone's row has room only for the short label beside Help and Back.
        short = self.has_class("-narrow")
        label = self.t("action.access_short" if short else "action.access")
        self.query_one("#access", Button).label = label

    def on_resize(self) -> None:
        self._label_access()

    def _show_help_banner(self, pending: bool) -> None:
        self.set_class(pending, "-help-pending")

    @on(Button.Pressed, "#language")
    def show_languages(self) -> None:
        self.app.push_screen(LanguageList(self.kiosk_app.language), self._choose_language)

    def _choose_language(self, language: str | None) -> None:
        if language is not None and language != self.kiosk_app.language:
            self.kiosk_app.language = language  # the page follows once it is relabelled
        else:
            self.page.take_focus()

    @on(Button.Pressed, "#help")
    def action_help(self) -> None:
        self.kiosk_app.call_staff()

    @on(Button.Pressed, "#access")
    def open_access_panel(self) -> None:
        self.kiosk_app.open_access_panel()

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        if self.page.CAN_GO_BACK:
            self.page.go_back()

    def on_key(self, event: events.Key) -> None:
        self.page.any_key(event)
