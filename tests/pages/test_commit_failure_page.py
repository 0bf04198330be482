"""A form whose change cannot be committed shows an error page, not the success redirect."""

from __future__ import annotations

from tests.helpers import failing_commits
from tests.schemes_helpers import institution_id


async def test_an_association_that_was_not_saved_is_not_shown_as_made(people, demo):
    inst = await institution_id(demo, 101)
    admin = await people("ADMN")
    await admin.get(f"/institutions/{inst}/users")
    with failing_commits(demo):
        r = await admin.post(f"/institutions/{inst}/associations", {"ident": "AUAN"})
    assert r.status_code == 503 and r.headers["content-type"].startswith("text/html")
    assert "location" not in r.headers and "Ændringen kunne ikke gemmes, og intet blev ændret." in r.text
    waiting = await admin.get(f"/institutions/{inst}/associations")
    assert "AUAN" not in waiting.text
    # Once the database commits again the same form works.
    await admin.get(f"/institutions/{inst}/users")
    r = await admin.post(f"/institutions/{inst}/associations", {"ident": "AUAN"})
    assert r.status_code == 303
    assert "AUAN" in (await admin.get(r.headers["location"])).text
