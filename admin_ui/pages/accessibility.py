"""The accessibility statement (the Danish web accessibility act, lov om tilgængelighed af
offentlige organers websteder og mobilapplikationer): public, in Danish and English, linked from
every page's footer. It says what the pages meet (WCAG 2.1 AA), how that is checked (axe-core in
the browser tests on every page, keyboard-only journeys) and whom to tell about a barrier."""

from __future__ import annotations

from litestar import Controller, Request, Response, get

from admin_ui.templating import render
from boa.web.auth import SESSION_OPTIONAL

PUBLIC = {"public": True, SESSION_OPTIONAL: True}
# When the pages were last checked against the statement (kept by hand with the statement's text).
REVIEWED = "2026-11-30"


class AccessibilityPage(Controller):
    path = "/accessibility"

    @get("/", opt=PUBLIC)
    async def statement(self, request: Request) -> Response:
        return render(request, "accessibility.html", reviewed=REVIEWED)
