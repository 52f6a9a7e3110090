"""Every step of the check-in has its page (screens/routes.py): a new step cannot leave the
guest on a page that no longer fits."""

from __future__ import annotations

from kiosk.session import Step
from screens.routes import ROUTES


def test_every_step_has_a_route() -> None:
    assert set(ROUTES) == set(Step)
