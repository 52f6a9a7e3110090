"""Speech: the voice for each language, a PIN digit by digit, and espeak-ng run without a
shell, the text on its standard input (a PIN on the command line would be in the process
list for anyone on the machine)."""

from __future__ import annotations

import shutil
import stat
import subprocess
import time
from pathlib import Path

import pytest

from kiosk import speech
from kiosk.speech import Espeak, digit_by_digit, find_speaker, voice_for


def test_each_guest_language_has_its_voice() -> None:
    assert voice_for("de") == "de" and voice_for("en") == "en"
    assert voice_for("zh_Hans") == "cmn"  # espeak-ng's Mandarin
    for language in ("uk", "pl", "tr", "fr", "es", "it", "nl"):
        assert voice_for(language) == language
    assert voice_for("xx") == "en"


def test_a_pin_is_read_digit_by_digit() -> None:
    assert digit_by_digit("048213") == "0, 4, 8, 2, 1, 3"


def fake_program(folder: Path) -> Path:
    """Stands in for espeak-ng: notes its arguments and what it was given to read."""
    program = folder / "espeak-ng"
    program.write_text(
        f'#!/bin/sh\necho "$@" > {folder}/arguments\ncat > {folder}/text.part\n'
        f"mv {folder}/text.part {folder}/text\n",
        encoding="utf-8",
    )
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return program


def wait_for(path: Path) -> str:
    deadline = time.monotonic() + 30  # only turns a hang into a failure
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never written"
        time.sleep(0.01)
    return path.read_text(encoding="utf-8")


def test_the_text_goes_on_standard_input_in_the_guests_voice(tmp_path: Path) -> None:
    speaker = Espeak(str(fake_program(tmp_path)))
    speaker.say("4, 8, 2, 1", "de")
    assert wait_for(tmp_path / "text") == "4, 8, 2, 1"
    assert (tmp_path / "arguments").read_text(encoding="utf-8").split() == ["-v", "de", "--stdin"]


def test_saying_returns_at_once_and_a_new_text_cuts_the_old_one_short(tmp_path: Path) -> None:
    slow = tmp_path / "espeak-ng"
    slow.write_text("#!/bin/sh\nexec sleep 30\n", encoding="utf-8")
    slow.chmod(slow.stat().st_mode | stat.S_IXUSR)
    speaker = Espeak(str(slow))
    started = time.monotonic()
    speaker.say("Welcome", "en")
    first = speaker._reading
    assert time.monotonic() - started < 5 and first is not None and first.poll() is None
    speaker.say("Find your booking", "en")
    assert first.wait(timeout=30) != 0  # terminated
    speaker.stop()


def test_no_espeak_ng_on_the_path_no_speech(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_speaker() is None
    fake_program(tmp_path)
    found = find_speaker()
    assert found is not None and found.program == str(tmp_path / speech.PROGRAM)


@pytest.mark.skipif(shutil.which(speech.PROGRAM) is None, reason="espeak-ng is not installed")
def test_the_real_espeak_ng_speaks_german() -> None:
    speaker = find_speaker()
    assert speaker is not None
    made = subprocess.run(
        [*speaker.command("de"), "--stdout"],
        input="Ihr Türcode: 4, 8, 2, 1".encode(),
        capture_output=True,
        check=True,
        timeout=60,
    )
    assert made.stdout[:4] == b"RIFF" and len(made.stdout) > 10_000  # a WAV with sound in it
