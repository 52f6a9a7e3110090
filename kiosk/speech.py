"""What the kiosk reads aloud, and how: `espeak-ng`, where it is installed, in the guest's
language; nothing where it is not (the option is then not offered)."""

from __future__ import annotations

import shutil
import subprocess
from typing import Protocol

PROGRAM = "espeak-ng"
VOICES = {
    "en": "en",
    "de": "de",
    "fr": "fr",
    "es": "es",
    "it": "it",
    "nl": "nl",
    "pl": "pl",
    "tr": "tr",
    "uk": "uk",
    "zh_Hans": "cmn",  # espeak-ng's Mandarin
}
"""The espeak-ng voice for each guest language the kiosk may have."""


def voice_for(language: str) -> str:
    """The guest's language's voice; English for a language espeak-ng is not told about."""
    return VOICES.get(language, VOICES["en"])


def digit_by_digit(code: str) -> str:
    """A PIN as separate digits: "4 8 2 1", not "four thousand eight hundred ...". The
    commas make espeak-ng pause between them, so that each can be keyed in as it is heard."""
    return ", ".join(code)


class Speaker(Protocol):
    """What reads a text aloud. Tests inject a fake one."""

    def say(self, text: str, language: str) -> None:
        """Start reading `text` (interrupting whatever is being read) and return at once."""

    def stop(self) -> None:
        """Stop reading: the guest has gone, what they asked to hear is not the next one's."""


class Espeak:
    """espeak-ng as a child process per text. Never through a shell, and the text goes on
    its standard input, not on the command line: a door PIN on the command line could be
    read by any user of the machine in the process list."""

    def __init__(self, program: str) -> None:
        self.program = program
        self._reading: subprocess.Popen[bytes] | None = None

    def command(self, language: str) -> list[str]:
        return [self.program, "-v", voice_for(language), "--stdin"]

    def say(self, text: str, language: str) -> None:
        self.stop()
        try:
            reading = subprocess.Popen(
                self.command(language),
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError:  # uninstalled since the start: the check-in goes on without speech
            return
        assert reading.stdin is not None
        # A page's text is far below a pipe's buffer: this write does not wait for the reading.
        try:
            reading.stdin.write(text.encode("utf-8"))
            reading.stdin.close()
        except OSError:  # the program ended at once (no sound device): nothing is read aloud
            pass
        self._reading = reading

    def stop(self) -> None:
        """Cut the reading under way short: a new page, a new text."""
        reading, self._reading = self._reading, None
        if reading is not None and reading.poll() is None:
            reading.terminate()


def find_speaker() -> Espeak | None:
    """espeak-ng if it is on PATH, else None: this kiosk has no speech."""
    program = shutil.which(PROGRAM)
    return Espeak(program) if program else None
