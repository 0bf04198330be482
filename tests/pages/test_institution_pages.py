"""An institution's pages: what each role sees and may do, and what a crafted post gets."""

from __future__ import annotations

import re

from tests.pages.inplace import summary
from tests.schemes_helpers import institution_id


def _ids(html: str, action: str) -> list[str]:
    return re.findall(rf'action="/associations/(\d+)/{action}"', html)


async def test_administrator_associates_and_the_responsible_person_approves(people, demo):
    inst = await institution_id(demo, 101)
    admin = await people("ADMN")
    users = await admin.get(f"/institutions/{inst}/users")
    assert users.status_code == 200 and "Tilknyt en eksisterende bruger" in users.text
    assert "RESA" in users.text and "RESB" in users.text
    r = await admin.post(f"/institutions/{inst}/associations", {"ident": "auan"})
    assert r.status_code == 303 and r.headers["location"] == f"/institutions/{inst}/associations"
    waiting = await admin.get(r.headers["location"])
    assert "AUAN er tilknyttet og afventer godkendelse" in waiting.text
    # The administrator sees the request but may not decide it.
    assert "AUAN" in waiting.text and not _ids(waiting.text, "approve")

    resp = await people("RESP")
    page = await resp.get(f"/institutions/{inst}/associations")
    (assoc,) = _ids(page.text, "approve")
    r = await resp.post(f"/associations/{assoc}/approve", {"back": f"/institutions/{inst}/associations"})
    assert r.status_code == 303
    after = await resp.get(r.headers["location"])
    assert "Arne Authority Analyst (AUAN) er nu tilknyttet 101 Aarhus Research University." in after.text
    assert "AUAN" not in after.text.split('role="status"')[1].split("</p>", 1)[1]  # no longer waiting
    listed = await admin.get(f"/institutions/{inst}/users?q=AUAN")
    assert "Arne Authority Analyst" in listed.text


async def test_a_crafted_post_is_refused_by_the_service_with_a_translated_message(people, demo):
    inst = await institution_id(demo, 101)
    admin = await people("ADMN")
    await admin.post(f"/institutions/{inst}/associations", {"ident": "LAWM"})
    resp = await people("RESP")
    (assoc,) = _ids((await resp.get(f"/institutions/{inst}/associations")).text, "approve")
    # The administrator has no approve button; posting anyway is refused (and changes nothing).
    r = await admin.post(f"/associations/{assoc}/approve")
    assert r.status_code == 403 and 'class="error-summary"' in r.text and "Det må du ikke." in r.text
    # A plain user cannot even open the institution's user list.
    researcher = await people("RESB")
    assert (await researcher.get(f"/institutions/{inst}/users")).status_code == 404
    assert (await researcher.post(f"/institutions/{inst}/associations", {"ident": "LAWS"})).status_code == 403
    still = await resp.get(f"/institutions/{inst}/associations")
    assert _ids(still.text, "approve") == [assoc]


async def test_association_errors_are_shown_in_english_too(people, demo):
    inst = await institution_id(demo, 101)
    admin = await people("ADMN")
    await admin.post("/language", {"lang": "en", "next_page": "/"})
    await admin.get(f"/institutions/{inst}/users")
    r = await admin.post(f"/institutions/{inst}/associations", {"ident": "RESA"})
    # In place on the page it was posted from, in the code's words (not the service's sentence).
    assert r.status_code == 409 and "The user already has an association with this institution." in r.text
    assert "There is a problem" in r.text and 'value="RESA"' in r.text
    r = await admin.post(f"/institutions/{inst}/associations", {"ident": "R2D2"})
    assert r.status_code == 422 and summary(r.text) == [("field-ident", "IDENT: Write an IDENT of three or four letters (e.g. RESA).")]


async def test_only_the_responsible_person_or_a_substitute_is_offered_the_roles_they_may_assign(people, demo):
    inst = await institution_id(demo, 101)
    sub = await people("SUBS")
    page = await sub.get(f"/institutions/{inst}/roles")
    options = re.findall(r'<option value="([a-z_]+)">', page.text)
    assert options == ["substitute", "administrator", "signatory", "contact_person_with_powers", "contact_person"]
    r = await sub.post(f"/institutions/{inst}/roles", {"ident": "RESB", "role": "signatory"})
    assert r.status_code == 303
    assert "Bo Researcher (RESB) er nu tegningsberettiget ved 101 Aarhus Research University." in (
        await sub.get(r.headers["location"])).text
    r = await sub.post(f"/institutions/{inst}/roles/remove", {"ident": "resb", "role": "signatory"})
    assert r.status_code == 303
    assert "Bo Researcher (RESB) er ikke længere tegningsberettiget ved 101 Aarhus Research University." in (
        await sub.get(r.headers["location"])).text
    admin = await people("ADMN")
    admin_page = await admin.get(f"/institutions/{inst}/roles")
    assert re.findall(r'<option value="([a-z_]+)">', admin_page.text) == ["contact_person_with_powers",
                                                                            "contact_person"]
    assert (await admin.post(f"/institutions/{inst}/roles", {"ident": "RESB", "role": "administrator"})
            ).status_code == 403
    # The menu shows the role page only to those who may assign a role.
    researcher = await people("RESB")
    assert f"/institutions/{inst}/roles" not in (await researcher.get("/")).text


async def test_administrator_requests_a_new_user_and_staff_approve_it(people, demo):
    inst = await institution_id(demo, 101)
    admin = await people("ADMN")
    r = await admin.post(f"/institutions/{inst}/user-requests", {"name": "Nina New", "email": "nina@demo.boa.example"})
    assert r.status_code == 303
    assert "Nina New" in (await admin.get(r.headers["location"])).text
    staff = await people("STAF")
    page = await staff.get("/staff/user-requests")
    (req,) = re.findall(r'action="/staff/user-requests/(\d+)/approve"', page.text)
    # The institution that asks, by its name and authorisation number (not its database id).
    assert f'<a href="/institutions/{inst}">Aarhus Research University (101)</a>' in page.text
    r = await staff.post(f"/staff/user-requests/{req}/approve")
    assert r.status_code == 303
    assert "Anmodningen er godkendt; brugeren er oprettet." in (await staff.get(r.headers["location"])).text
    assert "Nina New" in (await staff.get("/staff/users?q=nina")).text


async def test_institution_projects_offer_the_transitions_the_roles_allow(people, demo):
    inst = await institution_id(demo, 101)
    admin = await people("ADMN")
    page = await admin.get(f"/institutions/{inst}/projects")
    assert "Health and income in Danish municipalities" in page.text
    # The created proposal: the administrator may submit it to the office.
    assert 'value="sent_to_office"' in page.text and "Send til Forskningsservice" in page.text
    number = re.search(r'action="/projects/(\d+)/transitions"', page.text).group(1)
    r = await admin.post(f"/projects/{number}/transitions", {"to": "sent_to_office",
                                                              "back": f"/institutions/{inst}/projects"})
    assert r.status_code == 303
    after = await admin.get(r.headers["location"])
    assert f"Projekt {number} er nu: Sendt til Forskningsservice." in after.text
    staff = await people("STAF")
    assert number in (await staff.get("/staff/proposals")).text
    # A returned proposal needs a reason; without one the service refuses.
    signatory = await people("SIGN")
    assert (await signatory.post(f"/projects/{number}/transitions", {"to": "approved"})).status_code == 409


async def test_administrator_changes_the_deletion_date_and_approves_a_deletion(people, demo):
    admin = await people("ADMN")
    inst = await institution_id(demo, 101)
    page = await admin.get(f"/institutions/{inst}/projects")
    numbers = re.findall(r'<a href="/projects/(\d+)">', page.text)
    number = numbers[0]
    project = await admin.get(f"/projects/{number}")
    assert "Godkend sletningen" in project.text and "Skift slettedatoen" in project.text
    r = await admin.post(f"/projects/{number}/deletion-date", {"deletion_date": "2030-01-31"})
    assert r.status_code == 303
    assert "Slettedatoen er ændret." in (await admin.get(r.headers["location"])).text
    bad = await admin.post(f"/projects/{number}/deletion-date", {"deletion_date": "31/01/2030"})
    assert bad.status_code == 422
    # The researcher sees the project but no deletion actions; a forced post is refused.
    researcher = await people("RESA")
    seen = await researcher.get(f"/projects/{number}")
    assert seen.status_code == 200 and "Godkend sletningen" not in seen.text
    assert (await researcher.post(f"/projects/{number}/deletion-approval")).status_code == 403
    assert (await researcher.get(f"/projects/{number}/deletion-approval")).status_code == 403
    # The approval asks first: the project, its deletion date, what happens and who loses access.
    assert f'href="/projects/{number}/deletion-approval"' in project.text
    assert f'action="/projects/{number}/deletion-approval"' not in project.text
    confirm = await admin.get(f"/projects/{number}/deletion-approval")
    assert confirm.status_code == 200 and f"Godkend sletningen af projekt {number}" in confirm.text
    assert "31. jan. 2030" in confirm.text and "kan ikke fortrydes" in confirm.text
    r = await admin.post(f"/projects/{number}/deletion-approval")
    assert r.status_code == 303
    assert re.search(rf"Sletningen af projekt {number} .+ er godkendt\.", (await admin.get(r.headers["location"])).text)
    assert (await admin.get(f"/projects/{number}/deletion-approval")).status_code == 409


async def test_administrator_ends_an_association_from_the_user_list(people, demo):
    inst = await institution_id(demo, 101)
    admin = await people("ADMN")
    page = await admin.get(f"/institutions/{inst}/users?q=RESB")
    (assoc,) = re.findall(r'href="/associations/(\d+)/end\?back=', page.text)  # a link to the confirmation
    assert 'action="/associations/' not in page.text  # nothing ends in one click
    confirm = await admin.get(f"/associations/{assoc}/end?back=/institutions/{inst}/users")
    assert confirm.status_code == 200
    assert "Afslut Bo Researcher (RESB)s tilknytning til 101 Aarhus Research University?" in confirm.text
    assert "700001" in confirm.text  # the project membership that ends with it is named
    assert f'action="/associations/{assoc}/end"' in confirm.text
    still = await admin.get(f"/institutions/{inst}/users?q=RESB")
    assert "Bo Researcher" in still.text  # looking at the confirmation changed nothing
    r = await admin.post(f"/associations/{assoc}/end", {"back": f"/institutions/{inst}/users"})
    assert r.status_code == 303 and r.headers["location"] == f"/institutions/{inst}/users"
    after = await admin.get(r.headers["location"])
    assert "Bo Researcher (RESB) er ikke længere tilknyttet 101 Aarhus Research University." in after.text
    assert "Bo Researcher" not in after.text.split("</main>")[0].split("role=\"status\"")[-1].split("</p>", 1)[1]
    gone = await admin.get(f"/associations/{assoc}/end")
    assert gone.status_code == 409  # an ended association offers no second confirmation
    again = await admin.post(f"/associations/{assoc}/end")
    assert again.status_code == 409 and "Det strider mod den nuværende tilstand." in again.text


async def test_paging_through_associated_users(people, demo):
    from tests.schemes_helpers import make_user

    for ident in ("PGAA", "PGAB", "PGAC", "PGAD", "PGAE", "PGAF", "PGAG", "PGAH", "PGAI", "PGAJ",
                  "PGAK", "PGAL", "PGAM", "PGAN", "PGAO", "PGAP", "PGAQ", "PGAR", "PGAS", "PGAT",
                  "PGAU", "PGAV", "PGAW", "PGAX", "PGAY", "PGAZ"):
        await make_user(demo, ident)
    inst = await institution_id(demo, 101)
    admin = await people("ADMN")
    first = await admin.get(f"/institutions/{inst}/users")
    nxt = re.search(r'href="\?q=&amp;cursor=(\d+)"', first.text)
    assert nxt and first.text.count('href="/associations/') == 25
    second = await admin.get(f"/institutions/{inst}/users?q=&cursor={nxt.group(1)}")
    assert "User PGAZ" in second.text and "User PGAZ" not in first.text


async def test_another_institutions_pages_are_not_found(people, demo):
    inst = await institution_id(demo, 101)
    outsider = await people("AUAD")  # administrator at 201
    for path in (f"/institutions/{inst}", f"/institutions/{inst}/users", f"/institutions/{inst}/associations",
                 f"/institutions/{inst}/user-requests", "/projects/700001"):
        r = await outsider.get(path)
        assert r.status_code == 404, path
        assert "Findes ikke, eller du må ikke se det." in r.text
    home = await outsider.get("/")
    assert "Danish Agency for Social Affairs (201)" in home.text and "Aarhus Research University" not in home.text
    manager = await people("PDBM")
    pdb = re.search(r'href="/project-databases/(\d+)"', (await manager.get("/")).text).group(1)
    assert (await outsider.get(f"/project-databases/{pdb}")).status_code == 404
    r = await outsider.post(f"/institutions/{inst}/associations", {"ident": "AUAN"})
    assert r.status_code == 404


async def test_page_titles_name_the_page_and_its_object(people, demo):
    """A tab or a bookmark says what it is: "Page — object — BOA", never BOA twice."""
    inst = await institution_id(demo, 101)
    admin = await people("ADMN")
    for path, title in ((f"/institutions/{inst}", "101 Aarhus Research University — BOA"),
                        (f"/institutions/{inst}/users", "Tilknyttede brugere — 101 Aarhus Research University — BOA"),
                        ("/me/projects", "Mine projekter — BOA")):
        page = await admin.get(path)
        assert re.search(r"<title>(.*?)</title>", page.text, flags=re.S).group(1).strip() == title, path
