"""Registering a breach through Research Services' page, as the browser journeys do."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


def register_breach(page, ident: str, number: str, **selects: str) -> str:  # type: ignore[no-untyped-def]
    """Fill in and send the register form on ``/staff/breaches`` (the page is open) for ``ident`` on
    project ``number``, a microdata transfer yesterday; ``selects`` sets more of the form's
    selects (``warning_ignored="yes"``). Returns the new case's id from the page it lands on."""
    form = page.locator("form.register")
    form.locator("input[name=ident]").fill(ident)
    form.locator("input[name=project]").fill(number)
    form.locator("select[name=kind]").select_option("microdata_transfer")
    yesterday = datetime.now(ZoneInfo("Europe/Copenhagen")) - timedelta(days=1)
    form.locator("input[name=occurred_at]").fill(yesterday.strftime("%Y-%m-%dT%H:%M"))
    for name, value in selects.items():
        form.locator(f"select[name={name}]").select_option(value)
    form.locator("input[name=data_volume]").fill("One table with 40 rows")
    form.locator("textarea[name=description]").fill("A table with CPR numbers was copied out of the project.")
    form.get_by_role("button", name="Registrér bruddet").click()
    page.wait_for_url(re.compile(r"/staff/breaches/\d+$"))
    return page.url.rsplit("/", 1)[1]
