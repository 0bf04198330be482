"""The project database's datasets and versions, and the authority scheme's agreement and
purposes, on the pages (issue 16 items 4-6): Research Services adds datasets by agreement,
narrows after a confirmation page that names what it affects (refused, with the sub-projects
named, for a dataset in use), moves a dataset one sub-project uses to its own order; the
authority scheme walks its agreement and its administrator tells of changed needs."""

from __future__ import annotations

import re

from sqlalchemy import select

from boa.kernel.db import transaction
from schemes.authority.models import AuthorityScheme
from schemes.project_database.models import ProjectDatabase


async def _ids(demo) -> tuple[str, str]:
    async with transaction(demo) as s:
        return str(await s.scalar(select(ProjectDatabase.id))), str(await s.scalar(select(AuthorityScheme.id)))


async def test_staff_add_narrow_after_confirmation_and_move(people, demo):
    pdb, _ = await _ids(demo)
    staff = await people("STAF")
    page = await staff.get(f"/project-databases/{pdb}")
    assert "Datasæt og versioner" in page.text and "Tilføj datasæt efter aftale" in page.text
    sub = re.search(r'<a href="/projects/(70\d{4})">\1</a></td><td>Education', page.text).group(1)

    r = await staff.post(f"/project-databases/{pdb}/datasets", {"datasets": "AKM, FIRM", "agreement": "Aftalt 30/11"})
    assert r.status_code == 303
    after = await staff.get(r.headers["location"])
    assert "Tilføjet: AKM, FIRM (version 2)." in after.text
    bad = await staff.post(f"/project-databases/{pdb}/datasets", {"datasets": "NOSUCH", "agreement": "x"})
    assert bad.status_code == 422 and "Et register findes ikke i registerkataloget." in bad.text

    # A dataset in use: the confirmation page names the sub-project and its users and offers no button.
    confirm = await staff.get(f"/project-databases/{pdb}/narrow", params={"datasets": ["BEF", "LPR"], "reason": "x"})
    assert confirm.status_code == 200 and "Underprojekter bruger et datasæt" in confirm.text
    assert f'href="/projects/{sub}"' in confirm.text and "RESB" in confirm.text
    assert "Fjern datasættene" not in confirm.text
    forced = await staff.post(f"/project-databases/{pdb}/narrow", {"datasets": ["BEF"], "reason": "x"})
    assert forced.status_code == 409

    confirm = await staff.get(f"/project-databases/{pdb}/narrow", params={"datasets": ["LPR"], "reason": "Not used"})
    assert "Intet aktivt underprojekt bruger dem." in confirm.text and "Fjern datasættene" in confirm.text
    r = await staff.post(f"/project-databases/{pdb}/narrow", {"datasets": ["LPR"], "reason": "Not used"})
    assert r.status_code == 303
    after = await staff.get(r.headers["location"])
    assert "Fjernet: LPR (version 3)." in after.text

    r = await staff.post(f"/project-databases/{pdb}/datasets/IDAP/move", {"reason": "Only one sub-project"})
    assert r.status_code == 303
    after = await staff.get(r.headers["location"])
    assert "IDAP er flyttet til underprojektets egen bestilling." in after.text
    assert f"Bestilt af underprojektet selv: {sub} (IDAP)" in after.text
    assert f"Flyttet til {sub}s egen bestilling: IDAP" in after.text

    r = await staff.post(f"/project-databases/{pdb}/responsible", {"ident": "STAF"})
    assert r.status_code == 303
    r = await staff.post(f"/project-databases/{pdb}/assessment", {"overlap": "BEF in all", "growth": "Two a year"})
    assert r.status_code == 303
    after = await staff.get(r.headers["location"])
    assert "Ansvarlig i Forskningsservice</dt><dd>STAF" in after.text and "BEF in all" in after.text


async def test_a_manager_sees_the_versions_but_cannot_change_the_datasets(people, demo):
    pdb, _ = await _ids(demo)
    manager = await people("PDBM")
    page = await manager.get(f"/project-databases/{pdb}")
    assert "Versioner" in page.text and "Tilføj datasæt efter aftale" not in page.text
    assert (await manager.post(f"/project-databases/{pdb}/narrow", {"datasets": ["LPR"], "reason": "x"})
            ).status_code == 403
    assert (await manager.post(f"/project-databases/{pdb}/datasets", {"datasets": "AKM", "agreement": "x"})
            ).status_code == 403


async def test_the_authority_scheme_page_in_danish_and_english(people, demo):
    _, scheme = await _ids(demo)
    admin = await people("AUAD")
    home = await admin.get("/")
    assert f'href="/authority-schemes/{scheme}"' in home.text
    page = await admin.get(f"/authority-schemes/{scheme}")
    assert "Myndighedsordningen" in page.text and "Ingen fast periode" in page.text and "Aktiv" in page.text
    assert "Bring aftalen til ophør" not in page.text  # only Research Services moves the agreement
    r = await admin.post(f"/authority-schemes/{scheme}/needs", {"description": "We need UDDA too."})
    assert r.status_code == 303
    assert "Forskningsservice er orienteret om de ændrede behov." in (await admin.get(r.headers["location"])).text
    staff = await people("STAF")
    r = await staff.post(f"/authority-schemes/{scheme}/purposes",
                         {"topics": "social services, education", "registers": "BEF BOL UDDA"})
    assert r.status_code == 303
    page = await staff.get(r.headers["location"])
    assert "besvaret af version 2" in page.text and "Bring aftalen til ophør" in page.text
    r = await staff.post(f"/authority-schemes/{scheme}/deliveries", {"description": "Tailored", "registers": "LPR"})
    assert r.status_code == 422 and "Et register ligger uden for formålsbeskrivelsen." in r.text
    r = await staff.post(f"/authority-schemes/{scheme}/agreement", {"state": "terminated", "reason": "ended"})
    assert r.status_code == 303
    assert "Aftalen er nu: Opsagt." in (await staff.get(r.headers["location"])).text
    r = await staff.post("/language", {"lang": "en", "next_page": f"/authority-schemes/{scheme}"})
    page = await staff.get(f"/authority-schemes/{scheme}")
    assert "No fixed period" in page.text and "Terminated" in page.text and "Tell Research Services" not in page.text
    r = await admin.post(f"/authority-schemes/{scheme}/needs", {"description": "Again"})
    assert r.status_code == 409


async def test_a_new_end_date_is_confirmed_with_the_sub_projects_and_users_it_applies_to(people, demo):
    pdb, _ = await _ids(demo)
    staff = await people("STAF")
    page = await staff.get(f"/project-databases/{pdb}")
    assert f'<form method="get" action="/project-databases/{pdb}/extend"' in page.text  # asks before it extends
    confirm = await staff.get(f"/project-databases/{pdb}/extend", params={"end_date": "2040-01-01"})
    assert confirm.status_code == 200 and "Forlæng projektdatabasen til 1. jan. 2040?" in confirm.text
    assert "RESB" in confirm.text and re.search(r'href="/projects/70\d{4}"', confirm.text)
    assert f'action="/project-databases/{pdb}/extend"' in confirm.text
    async with transaction(demo) as s:
        assert (await s.get_one(ProjectDatabase, int(pdb))).end_date.isoformat() != "2040-01-01"  # nothing yet
    earlier = await staff.get(f"/project-databases/{pdb}/extend", params={"end_date": "2026-12-01"})
    assert earlier.status_code == 200 and 'role="alert"' in earlier.text  # refused: named, no button
    assert f'method="post" action="/project-databases/{pdb}/extend"' not in earlier.text
    nonsense = await staff.get(f"/project-databases/{pdb}/extend", params={"end_date": "soon"})
    assert nonsense.status_code == 422
    r = await staff.post(f"/project-databases/{pdb}/extend", {"end_date": "2040-01-01"})
    assert r.status_code == 303
    assert "Slutdatoen er forlænget til 1. jan. 2040." in (await staff.get(r.headers["location"])).text
