"""Accessibility at the kiosk, driven through the real app: the "Aa Display" panel on every
guest page (large text, high contrast, read aloud, more time) by keyboard and by touch, more
time in the idle warning, and everything back to normal for the next guest."""

from __future__ import annotations

import pytest
from textual.color import Color

from helpers import Guest, seconds_to_warning, shown
from kiosk.idle_limit import MORE_TIME_SECONDS, MOST_EXTENSIONS
from screens.app import make_app
from screens.theme import CONTRAST_THEME, LOBBY_THEME

SIZE = (100, 30)


class FakeSpeaker:
    """Stands in for espeak-ng: what was read aloud, and in which language."""

    def __init__(self) -> None:
        self.said: list[tuple[str, str]] = []
        self.reading = False

    def say(self, text: str, language: str) -> None:
        self.said.append((text, language))
        self.reading = True

    def stop(self) -> None:
        self.reading = False

    def heard(self, words: str) -> bool:
        return any(words in text for text, _ in self.said)


@pytest.fixture
def speaker() -> FakeSpeaker:
    return FakeSpeaker()


@pytest.fixture
def speaking_app(guest_hotel, idle_clock, speaker):
    """The guest app on a kiosk with speech."""
    kiosk = make_app(guest_hotel, demo=True, clock=idle_clock, speaker=speaker)
    kiosk.animation_level = "none"
    return kiosk


async def open_panel(guest: Guest) -> None:
    await guest.click("#access")
    assert guest.on("AccessPanel")


async def close_panel(guest: Guest) -> None:
    await guest.click("#close-access")
    assert not guest.on("AccessPanel")


# -- the button and the panel -----------------------------------------------------------------


async def test_the_display_button_is_on_every_guest_page(app, guest_hotel) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        assert shown(app, "Aa Display")
        await guest.click("#check-in")
        assert guest.on("FindBookingPage") and shown(app, "Aa Display")
        await guest.to_door_code("LH4821", "12.08.1974")
        assert guest.on("DoorCodePage") and shown(app, "Aa Display")


async def test_the_panel_works_by_keyboard_alone(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        for _ in range(10):  # Tab from "Check in" along the page and the bar below it
            if app.focused is not None and app.focused.id == "access":
                break
            await pilot.press("tab")
        assert app.focused.id == "access"
        await pilot.press("enter")
        assert guest.on("AccessPanel") and app.focused.id == "large-text"
        await pilot.press("enter")
        assert app.large_text and shown(app, "✓ Large text: on")
        await pilot.press("tab", "enter")
        assert app.high_contrast and shown(app, "✓ High contrast: on")
        await pilot.press("escape")
        assert guest.on("WelcomePage")


async def test_a_phone_shows_the_short_label(app) -> None:
    async with app.run_test(size=(43, 46)) as pilot:
        await pilot.pause()
        assert str(app.screen.query_one("#access").label) == "Aa"
        app.language = "de"
        await pilot.pause()
        assert str(app.screen.query_one("#access").label) == "Aa"
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert str(app.screen.query_one("#access").label) == "Aa Anzeige"


# -- large text and high contrast -------------------------------------------------------------


async def test_large_text_gives_the_titles_and_the_pin_more_room(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.to_door_code("LH4821", "12.08.1974")
        page = app.guest_screen.page
        title, pin = page.query_one(".title"), page.query_one("#pin")
        plain_heights = (title.outer_size.height, pin.outer_size.height)
        await open_panel(guest)
        await guest.click("#large-text")
        assert shown(app, "✓ Large text: on")  # said in words, not by colour alone
        await close_panel(guest)
        assert title.outer_size.height > plain_heights[0]
        assert pin.outer_size.height > plain_heights[1]
        assert title.styles.text_style.bold


def contrast(one: str, other: str) -> float:
    """The WCAG contrast ratio of two colours."""

    def luminance(colour: str) -> float:
        red, green, blue = (
            channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4
            for channel in (value / 255 for value in Color.parse(colour).rgb)
        )
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_high_contrast_theme_reaches_seven_to_one() -> None:
    theme = CONTRAST_THEME
    text_on = {
        "page": (theme.foreground, theme.background),
        "a button": (theme.foreground, theme.surface),
        "the bar below": (theme.foreground, theme.panel),
        "a main action": (theme.background, theme.primary),
        "focus": (theme.background, theme.accent),
        "a problem": (theme.error, theme.background),
        "good news": (theme.success, theme.background),
    }
    for what, (text, background) in text_on.items():
        assert contrast(text, background) >= 7, what


async def test_high_contrast_turns_the_kiosk_black_white_and_yellow(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        background = app.screen.styles.background
        await open_panel(guest)
        await guest.click("#high-contrast")
        assert app.theme == "lobby-contrast" and shown(app, "✓ High contrast: on")
        await close_panel(guest)
        assert app.screen.styles.background != background
        assert app.screen.styles.background == Color.parse("#000000")


async def test_the_kiosk_starts_in_its_own_theme_and_comes_back_to_it(app) -> None:
    # The start theme is the class's default (screens/app.py), not set after Textual's own
    # start: the first frame, its dark mode too, must still be the kiosk's.
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        assert app.theme == "lobby" and app.has_class("-dark-mode") == LOBBY_THEME.dark
        assert app.screen.styles.background == Color.parse(LOBBY_THEME.background)
        await open_panel(guest)
        await guest.click("#high-contrast")
        await guest.click("#high-contrast")
        await close_panel(guest)
        assert app.theme == "lobby"
        assert app.screen.styles.background == Color.parse(LOBBY_THEME.background)


# -- more time --------------------------------------------------------------------------------


async def test_more_time_from_the_panel_puts_the_warning_off(app, guest_hotel, idle_clock) -> None:
    profile = guest_hotel.profile
    warned_after = seconds_to_warning(profile)
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot, idle_clock)
        await guest.find("LH7388")
        await open_panel(guest)
        await guest.click("#more-time")
        assert shown(app, "You have 2 more minutes")
        await close_panel(guest)
        await guest.walk_away(warned_after)
        assert guest.on("ConfirmPage")  # no warning yet: it comes two minutes later
        await guest.walk_away(MORE_TIME_SECONDS - 2)
        assert guest.on("ConfirmPage")
        await guest.walk_away(1)
        assert guest.on("IdleWarning")


async def test_the_idle_warning_says_how_to_get_more_time_and_gives_it(
    app, guest_hotel, idle_clock
) -> None:
    profile = guest_hotel.profile
    warned_after = seconds_to_warning(profile)
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot, idle_clock)
        await guest.find("LH7388")
        await guest.walk_away(warned_after)
        assert guest.on("IdleWarning") and shown(app, "for 2 more minutes")
        await pilot.press("enter")  # "I need more time" has focus
        assert guest.on("ConfirmPage")
        await guest.walk_away(warned_after + MORE_TIME_SECONDS - 2)
        assert guest.on("ConfirmPage")
        await guest.walk_away(1)
        assert guest.on("IdleWarning")
        await guest.click("#idle-more-time")  # by touch
        assert guest.on("ConfirmPage")
        await guest.walk_away(warned_after + 2 * MORE_TIME_SECONDS - 2)
        assert guest.on("ConfirmPage") and app.session is not None


async def test_any_other_key_in_the_warning_gives_no_more_time(
    app, guest_hotel, idle_clock
) -> None:
    profile = guest_hotel.profile
    warned_after = seconds_to_warning(profile)
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot, idle_clock)
        await guest.find("LH7388")
        await guest.walk_away(warned_after)
        await pilot.press("space")
        assert guest.on("ConfirmPage")
        await guest.walk_away(warned_after)
        assert guest.on("IdleWarning")


async def test_more_time_has_an_end(app, guest_hotel, idle_clock) -> None:
    profile = guest_hotel.profile
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot, idle_clock)
        await guest.find("LH7388")
        await open_panel(guest)
        for _ in range(MOST_EXTENSIONS + 1):
            await guest.click("#more-time")
        assert shown(app, "You have all the extra time there is")
        await close_panel(guest)
        longest = profile.idle_timeout + MOST_EXTENSIONS * MORE_TIME_SECONDS
        await guest.walk_away(longest - profile.idle_warning + 1)
        assert guest.on("IdleWarning") and not app.screen.query("#idle-more-time")
        assert not shown(app, "I need more time")
        await guest.walk_away(profile.idle_warning)
        assert guest.on("WelcomePage") and app.session is None


# -- the next guest ---------------------------------------------------------------------------


async def choose_everything(guest: Guest) -> None:
    await open_panel(guest)
    for button in ("#large-text", "#high-contrast", "#read-aloud", "#more-time"):
        await guest.click(button)
    await close_panel(guest)
    app = guest.app
    assert app.large_text and app.high_contrast and app.read_aloud and app.idle_limit.extended


def all_normal(app) -> bool:
    return (
        not app.has_class("-large-text")
        and app.theme == "lobby"
        and not app.read_aloud
        and app.idle_limit.seconds == app.hotel.profile.idle_timeout
    )


async def test_the_next_guest_finds_the_display_as_new(speaking_app, idle_clock) -> None:
    app = speaking_app
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot, idle_clock)
        await guest.to_door_code("LH4821", "12.08.1974")
        await choose_everything(guest)
        await guest.click("#next")
        await guest.click("#finish")
        assert guest.on("WelcomePage") and all_normal(app)


async def test_settings_left_on_welcome_reset_quietly(
    speaking_app, guest_hotel, idle_clock
) -> None:
    app = speaking_app
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot, idle_clock)
        await choose_everything(guest)
        await guest.walk_away(app.idle_limit.seconds - 1)
        assert not all_normal(app) and guest.on("WelcomePage")  # no countdown on Welcome
        await guest.walk_away(1)
        assert all_normal(app) and guest.on("WelcomePage")


async def test_an_idle_guests_settings_go_with_them(app, guest_hotel, idle_clock) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot, idle_clock)
        await guest.find("LH7388")
        await open_panel(guest)
        await guest.click("#large-text")
        await guest.click("#high-contrast")
        await close_panel(guest)
        await guest.walk_away(guest_hotel.profile.idle_timeout)
        assert guest.on("WelcomePage") and all_normal(app)


# -- read aloud -------------------------------------------------------------------------------


async def test_without_speech_there_is_no_read_aloud(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await open_panel(guest)
        assert not app.screen.query("#read-aloud") and not shown(app, "Read aloud")
        await close_panel(guest)
        await guest.to_door_code("LH4821", "12.08.1974")
        assert not app.screen.query("#read-pin")


async def test_read_aloud_reads_each_page_in_the_guests_language(speaking_app, speaker) -> None:
    app = speaking_app
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await open_panel(guest)
        await guest.click("#read-aloud")
        assert shown(app, "✓ Read aloud: on") and speaker.heard("Read aloud: on")
        await close_panel(guest)
        welcome = app.catalog.t("welcome.title", hotel="Hotel Lindenhof")
        assert speaker.said[-1] == (f"{welcome}\n{app.catalog.t('welcome.subtitle')}", "en")
        await guest.choose_language("de")
        assert speaker.said[-1][0].startswith("Willkommen im Hotel Lindenhof")
        await guest.click("#check-in")
        text, language = speaker.said[-1]
        assert language == "de" and text.startswith("Ihre Buchung finden")
        await guest.find("ZZ9999")
        assert speaker.heard(
            "haben wir keine Buchung für heute gefunden"
        )  # a problem on the page is read too


async def test_read_my_pin_reads_it_digit_by_digit_and_nothing_else_does(
    speaking_app, speaker
) -> None:
    app = speaking_app
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.to_door_code("LH4821", "12.08.1974")
        (key,) = app.session.keys
        assert not any(key.pin in text for text, _ in speaker.said)  # read aloud is off
        await guest.click("#read-pin")
        assert speaker.said == [(", ".join(key.pin), "en")]
        await open_panel(guest)
        await guest.click("#read-aloud")
        await close_panel(guest)
        # The page is read, the PIN is not: whoever stands near hears it only when asked.
        assert speaker.heard("Room 104") and not any(
            key.pin in text or ", ".join(key.pin) in text for text, _ in speaker.said[1:]
        )
        await guest.click("#next")
        await guest.click("#finish")
        assert not speaker.reading  # the next guest hears nothing of this one's


# -- keyboard and touch -----------------------------------------------------------------------


def controls(app) -> list:
    """Every button and field the guest sees now."""
    return [
        widget
        for widget in app.screen.query("Button, Input, TextArea")
        if widget.display and all(node.display for node in widget.ancestors if node is not app)
    ]


def reachable_by_tab_and_touch(app) -> None:
    chain = app.screen.focus_chain
    for control in controls(app):
        assert control in chain, f"{control} cannot be reached by Tab"
        control.scroll_visible(animate=False, immediate=True)
        assert control.region.area, f"{control} cannot be tapped"


async def test_every_control_is_reached_by_tab_and_by_touch(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        steps = [
            pilot.pause,
            lambda: guest.find("LH7388"),
            lambda: guest.click("#yes"),
            lambda: guest.click("#by-hand"),
        ]
        for step in steps:
            await step()
            await pilot.pause()
            reachable_by_tab_and_touch(app)
        await open_panel(guest)
        reachable_by_tab_and_touch(app)
        await close_panel(guest)
        await guest.by_hand("17.05.1980")
        await guest.no_thanks()
        for page in ("RoomPage", "DoorCodePage"):
            if page == "DoorCodePage":
                await guest.click("#show-key")
            assert guest.on(page)
            reachable_by_tab_and_touch(app)


async def test_after_the_panel_typing_goes_to_the_page(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.click("#check-in")
        await open_panel(guest)
        await close_panel(guest)
        await guest.type("LH7388")
        assert app.screen.query_one("#find-text").value == "LH7388"
