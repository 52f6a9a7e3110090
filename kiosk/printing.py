"""How a PDF reaches a printer: CUPS `lp`, the document on its standard input and never in a
file (a registration card holds the document number), and what counts as a failed print."""

from __future__ import annotations

import subprocess

# lp only hands the job to the local CUPS daemon; a kiosk waits no longer than this for it.
LP_TIMEOUT_SECONDS = 5
# The print job's title, which CUPS shows in its queue and logs: never a guest's name.
CARD_JOB_TITLE = "Registration card"


class PrintError(Exception):
    """The document did not reach the printer; the message says why, with no guest data."""


def send(printer: str, pdf: bytes, *, title: str) -> None:
    """Queues `pdf` on the CUPS destination `printer`; raises PrintError if `lp` is missing,
    gives no answer within LP_TIMEOUT_SECONDS, or refuses the job."""
    try:
        subprocess.run(
            ["lp", "-d", printer, "-t", title, "-"],
            input=pdf,
            capture_output=True,
            timeout=LP_TIMEOUT_SECONDS,
            check=True,
        )
    except FileNotFoundError:
        raise PrintError(
            "Cannot print: the CUPS command `lp` is not installed (Debian: cups-client)."
        ) from None
    except subprocess.TimeoutExpired:
        raise PrintError(
            f"Printer {printer}: `lp` gave no answer within {LP_TIMEOUT_SECONDS} seconds."
        ) from None
    except subprocess.CalledProcessError as error:
        said = error.stderr.decode(errors="replace").strip() or f"exit status {error.returncode}"
        raise PrintError(f"Printer {printer}: `lp` refused the job: {said}") from None
