"""The breach-case and lock pages: Research Services register, assess, preview, decide, dismiss
and lift; the responsible person submits the report and plan; the locked user sees why."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from admin_ui.templating import LOCAL_TIME
from boa.kernel import clock
from boa.kernel.db import transaction
from schemes.projects.models import Project
from tests.pages.inplace import field_message, summary, value_of
from tests.sanction_helpers import docx, pdf, with_media


async def _labour(demo) -> str:
    async with transaction(demo) as s:
        return str(await s.scalar(select(Project.number).where(Project.title.like("Labour market careers%"))))


def _occurred(days_ago: float = 1) -> str:
    return (clock.now() - timedelta(days=days_ago)).astimezone(LOCAL_TIME).strftime("%Y-%m-%dT%H:%M")


def _breach(ident: str, project: str = "", **more: str) -> dict[str, str]:
    return {"ident": ident, "project": project, "kind": "microdata_transfer", "occurred_at": _occurred(),
            "description": "A table with CPR numbers left the gate.", "warning_ignored": "yes",
            "transfer_tool_used": "no", "data_volume": "One table, 40 rows", **more}


def _template(**more: str) -> dict[str, str]:
    """The report form in the standard template, with one measure."""
    return {"report": "The user exported a raw table.", "scope": "One file, 40 rows; deleted the same day.",
            "current_rules": "Every user takes the course.", "actions_taken": "A meeting with the user on 5 March.",
            "user_consequences": "The user retook the course.", "plan": "Peer review of transfers.",
            "measure_what_1": "Peer review of every transfer", "measure_who_1": "Head of department",
            "measure_when_1": "10 March", "measure_target_group_1": "All users", "measure_status_1": "implemented",
            **more}


async def _register(sanc, body: dict[str, str]) -> str:
    r = await sanc.post("/staff/breaches", body)
    assert r.status_code == 303, r.text
    assert re.fullmatch(r"/staff/breaches/\d+", r.headers["location"])
    return r.headers["location"].rsplit("/", 1)[1]


async def test_register_report_preview_decide_and_lift(people, demo):
    number = await _labour(demo)
    resa, resp, sanc = await people("RESA"), await people("RESP"), await people("SANC")
    page = await sanc.get("/staff/breaches")
    assert page.status_code == 200 and "Registrér et brud" in page.text

    case_id = await _register(sanc, _breach("resa", number))
    page = await sanc.get(f"/staff/breaches/{case_id}")
    assert f"Brudsag {case_id} er registreret; brugeren og projektet er suspenderet." in page.text
    assert "One table, 40 rows" in page.text
    assert page.text.count("Midlertidig suspension") == 2 and "Indtil sagen er afgjort" in page.text
    assert "Afventer redegørelse og plan" in page.text

    # The researcher's open session is refused on the next page, with the reason and the case.
    denied = await resa.get("/me")
    assert denied.status_code == 403
    assert "Adgangen er suspenderet, indtil brudsagen er afgjort." in denied.text
    assert f"sag {case_id}" in denied.text

    # Nothing is prepared or decided before an adequate report; the page says so.
    dirg = await people("DIRG")
    early = await dirg.post(f"/staff/breaches/{case_id}/decision", {"severity": "severe"})
    assert early.status_code == 409
    assert "Sagen behandles ikke, før redegørelsen og handlingsplanen er vurderet tilstrækkelige." in early.text
    preview = await sanc.get(f"/staff/breaches/{case_id}?severity=severe")
    assert "Forhåndsvisning: Alvorligt brud" in preview.text and f'action="/staff/breaches/{case_id}/preparation"' \
        not in preview.text

    # The responsible person sees the case and submits the report and plan.
    listing = await resp.get("/breaches")
    assert f'href="/breaches/{case_id}"' in listing.text and "RESA" in listing.text
    mine = await resp.get(f"/breaches/{case_id}")
    assert f'action="/breaches/{case_id}/report"' in mine.text
    assert "/decision" not in mine.text and "/dismiss" not in mine.text
    incomplete = await resp.post(f"/breaches/{case_id}/report", _template(current_rules=""))
    assert incomplete.status_code == 422
    r = await resp.post(f"/breaches/{case_id}/report", _template())
    assert r.status_code == 303
    assert "Redegørelsen og planen er sendt til Forskningsservice." in (await resp.get(r.headers["location"])).text
    r = await sanc.post(f"/staff/breaches/{case_id}/assessment", {"adequate": "yes"})
    assert r.status_code == 303
    page = await sanc.get(f"/staff/breaches/{case_id}")
    assert "Peer review of every transfer" in page.text and "Afgørelsen skal foreligge (8 arbejdsdage)" in page.text

    # Preview per severity, the preparation by Research Services, then the Director General's decision.
    minor = await sanc.get(f"/staff/breaches/{case_id}?severity=minor")
    assert "Forhåndsvisning: Mindre alvorligt brud" in minor.text and "Indtil redegørelsen er godkendt" in minor.text
    severe = await sanc.get(f"/staff/breaches/{case_id}?severity=severe")
    assert f'action="/staff/breaches/{case_id}/preparation"' in severe.text
    assert f'action="/staff/breaches/{case_id}/decision"' not in severe.text
    assert 'name="severity" value="severe"' in severe.text and "Ophævelse af aftalen" in severe.text
    assert (await sanc.get(f"/staff/breaches/{case_id}?severity=huge")).status_code == 422
    r = await sanc.post(f"/staff/breaches/{case_id}/preparation", {
        "severity": "severe", "conscious": "yes", "warning_ignored": "yes", "note": "The warning was ignored."})
    assert r.status_code == 303
    assert "Sagen er forelagt" in (await sanc.get(r.headers["location"])).text
    shown = await dirg.get(f"/staff/breaches/{case_id}?severity=severe")
    assert f'action="/staff/breaches/{case_id}/decision"' in shown.text and "The warning was ignored." in shown.text
    r = await dirg.post(f"/staff/breaches/{case_id}/decision", {"severity": "severe", "comment": "Warning ignored.",
                                                                "supervisory_board": "Informed."})
    assert r.status_code == 303
    page = await dirg.get(r.headers["location"])
    assert re.search(r"Sanktionen er afgjort: \d+ spærringer; afgørelsesbrevet er sendt.", page.text)
    assert "Afgjort" in page.text and "I kraft" in page.text and "Ophævet eller udløbet" in page.text
    # The suspension the decision lifted says why in the reader's words, not the service's note.
    assert "</span>: sagen er afgjort" in page.text and "case decided" not in page.text

    # The refused session is over; a new login of the quarantined user shows the lock and its end date.
    assert (await resa.get("/me/projects")).status_code == 303
    denied = await (await people()).login("RESA")
    assert denied.status_code == 403 and "Adgangen er spærret." in denied.text
    assert re.search(r"Indtil \d+\. \w+\.? \d{4}", denied.text) and f"sag {case_id}" in denied.text

    # Active locks; lifting one needs a comment and happens once.
    locks = await sanc.get("/staff/locks")
    assert locks.status_code == 200 and f"sag {case_id}" in locks.text
    lock_ids = re.findall(r'href="/staff/locks/(\d+)/lift"', locks.text)  # a link to the confirmation
    assert lock_ids and 'action="/staff/locks/' not in locks.text  # nothing is lifted in one click
    confirm = await sanc.get(f"/staff/locks/{lock_ids[0]}/lift")
    assert confirm.status_code == 200 and f"sag {case_id}" in confirm.text
    assert re.search(r"Ophæv spærringen af (RESA|projekt \d+|.+)\?", confirm.text)
    assert "Den adgang, spærringen lukker, vender tilbage med det samme" in confirm.text
    empty = await sanc.post(f"/staff/locks/{lock_ids[0]}/lift", {"comment": "  "})
    assert empty.status_code == 422 and 'id="error-summary"' in empty.text  # the same page, the error in place
    assert 'id="lift-comment"' in empty.text and 'aria-invalid="true"' in empty.text
    r = await sanc.post(f"/staff/locks/{lock_ids[0]}/lift", {"comment": "Appeal granted."})
    assert r.status_code == 303
    lifted = (await sanc.get(r.headers["location"])).text
    assert re.search(rf"Spærringen af .+ fra sag {case_id} er ophævet\.", lifted)
    assert f"Spærring {lock_ids[0]} " not in lifted  # the lock is named by whom it closed, not by its id
    again = await sanc.post(f"/staff/locks/{lock_ids[0]}/lift", {"comment": "Twice."})
    assert again.status_code == 409 and "Spærringen er allerede ophævet." in again.text


async def test_assessment_return_approve_and_dismissal(people, demo):
    number = await _labour(demo)
    resp, sanc = await people("RESP"), await people("SANC")
    case_id = await _register(sanc, _breach("RESB", number))
    nothing = await sanc.post(f"/staff/breaches/{case_id}/assessment", {"adequate": "yes"})
    assert nothing.status_code == 409 and "Der er ingen indsendt redegørelse at vurdere." in nothing.text
    await resp.get(f"/breaches/{case_id}")
    assert (await resp.post(f"/breaches/{case_id}/report", _template(report="R", plan="P"))).status_code == 303
    page = await sanc.get(f"/staff/breaches/{case_id}")
    assert "Godkend redegørelsen" in page.text
    returned = await sanc.post(f"/staff/breaches/{case_id}/assessment", {"adequate": "no", "comment": ""})
    assert returned.status_code == 422
    r = await sanc.post(f"/staff/breaches/{case_id}/assessment", {"adequate": "no", "comment": "Say more."})
    assert r.status_code == 303
    page = await resp.get(f"/breaches/{case_id}")
    assert "Redegørelse sendt retur" in page.text and "Say more." in page.text
    assert f'action="/breaches/{case_id}/report"' in page.text
    assert (await resp.post(f"/breaches/{case_id}/report", _template(report="More", plan="P2"))).status_code == 303
    r = await sanc.post(f"/staff/breaches/{case_id}/assessment", {"adequate": "yes"})
    assert r.status_code == 303 and "Redegørelsen er godkendt." in (await sanc.get(r.headers["location"])).text
    page = await resp.get(f"/breaches/{case_id}")
    assert "Redegørelse godkendt" in page.text and f'action="/breaches/{case_id}/report"' not in page.text
    late = await resp.post(f"/breaches/{case_id}/report", _template(report="Again", plan="P3"))
    assert late.status_code == 409 and "Sagen modtager ingen redegørelse nu." in late.text

    other = await _register(sanc, _breach("RESB", number))
    assert (await sanc.post(f"/staff/breaches/{other}/dismiss", {"comment": ""})).status_code == 422
    r = await sanc.post(f"/staff/breaches/{other}/dismiss", {"comment": "No breach after all."})
    assert r.status_code == 303
    page = await sanc.get(r.headers["location"])
    assert "Sagen er henlagt; suspensionen er ophævet." in page.text and "No breach after all." in page.text
    dismissed = await sanc.get("/staff/breaches?state=dismissed")
    assert f'href="/staff/breaches/{other}"' in dismissed.text and f'href="/staff/breaches/{case_id}"' \
        not in dismissed.text


async def test_registration_errors_in_both_languages(people, demo):
    number = await _labour(demo)
    sanc = await people("SANC")
    await sanc.get("/staff/breaches")
    future = await sanc.post("/staff/breaches", _breach("RESA", number, occurred_at=_occurred(-2)))
    assert future.status_code == 422 and "Tidspunktet for bruddet ligger i fremtiden." in future.text
    stranger = await sanc.post("/staff/breaches", _breach("AUAN", number))
    assert stranger.status_code == 422 and "Brugeren er ikke bruger af det projekt." in stranger.text
    nowhen = await sanc.post("/staff/breaches", _breach("RESA", number, occurred_at="yesterday"))
    assert nowhen.status_code == 422
    sanc.http.cookies.set("boa_lang", "en")
    future = await sanc.post("/staff/breaches", _breach("RESA", number, occurred_at=_occurred(-2)))
    assert future.status_code == 422 and "The time of the breach lies in the future." in future.text
    assert summary(future.text) == [("field-occurred_at", "Occurred at: The time of the breach lies in the future.")]
    assert value_of(future.text, "description") == "A table with CPR numbers left the gate."
    page = await sanc.get("/staff/breaches")
    assert "Register a breach" in page.text and "Breach cases" in page.text


async def test_pages_offer_only_what_the_person_may_do(people, demo):
    number = await _labour(demo)
    sanc = await people("SANC")
    await sanc.get("/staff/breaches")
    case_id = await _register(sanc, _breach("RESA", number))

    staff = await people("STAF")  # Research Services without the sanctions role: reads only
    page = await staff.get("/staff/breaches")
    assert page.status_code == 200 and 'action="/staff/breaches"' not in page.text
    assert 'href="/staff/breaches"' not in page.text.split("<main>", 1)[0]  # not in the menu
    assert 'href="/staff/locks"' in (await sanc.get("/")).text
    page = await staff.get(f"/staff/breaches/{case_id}")
    assert page.status_code == 200 and "Forhåndsvis sanktionen" not in page.text and "Henlæg sagen" not in page.text
    assert (await staff.get(f"/staff/breaches/{case_id}?severity=minor")).status_code == 403
    assert (await staff.post("/staff/breaches", _breach("RESA", number))).status_code == 403
    locks = await staff.get("/staff/locks")
    assert locks.status_code == 200 and "/lift" not in locks.text

    researcher = await people("RESB")
    home = await researcher.get("/")
    assert "/breaches" not in home.text
    for path in ("/staff/breaches", "/staff/locks", f"/staff/breaches/{case_id}"):
        assert (await researcher.get(path)).status_code == 403, path
    assert (await researcher.get(f"/breaches/{case_id}")).status_code == 404
    assert (await researcher.get("/breaches")).status_code == 200
    assert (await researcher.post(f"/breaches/{case_id}/report", {"report": "R", "plan": "P"})).status_code == 404

    resp = await people("RESP")
    home = await resp.get("/")
    assert 'href="/breaches"' in home.text and "/staff/breaches" not in home.text
    admin = await people("ADMN")  # an administrator is no reporter: no menu item, no report form
    assert 'href="/breaches"' not in (await admin.get("/")).text
    assert (await admin.get(f"/breaches/{case_id}")).status_code == 404


async def _attach(person, case_id: str, name: str, data: bytes, *, csrf: str | None = None):
    """The documentation form as a browser sends it: csrf_token, then the file."""
    token = person.csrf if csrf is None else csrf
    return await person.http.post(f"/breaches/{case_id}/attachments", data={"csrf_token": token},
                                  files=[("document", (name, data, "application/octet-stream"))])


async def test_the_documentation_is_attached_refused_in_place_and_read_by_the_office(people, demo):
    number = await _labour(demo)
    resp, sanc = await people("RESP"), await people("SANC")
    await sanc.get("/staff/breaches")
    case_id = await _register(sanc, _breach("RESA", number))

    page = await resp.get(f"/breaches/{case_id}")
    assert "Der er ikke vedhæftet dokumentation." in page.text
    form = page.text[page.text.index(f'action="/breaches/{case_id}/attachments"'):]
    assert 'enctype="multipart/form-data"' in form.split(">", 1)[0]
    assert form.index('name="csrf_token"') < form.index('name="document"')

    minutes = docx("Minutes of the meeting on 5 March\nDecided: two-person review of every transfer")
    r = await _attach(resp, case_id, "minutes.docx", minutes)
    assert r.status_code == 303 and r.headers["location"] == f"/breaches/{case_id}#documentation", r.text
    page = await resp.get(r.headers["location"])
    assert "minutes.docx er vedhæftet." in page.text
    # A signed copy of a few MB is more than a page form's usual cap, and is taken.
    assert (await _attach(resp, case_id, "agenda.pdf", pdf())).status_code == 303
    assert (await _attach(resp, case_id, "signed.docx", with_media(minutes, 2 * 1024 * 1024))).status_code == 303

    # A refused file is named in place, on the case page, with why; nothing is stored.
    for name, data, status, said in (
            ("notes.txt", b"plain text", 422, "notes.txt er ikke vedhæftet: kun PDF- og DOCX-dokumenter kan vedhæftes."),
            ("renamed.pdf", b"plain text, not a PDF", 422,
             "renamed.pdf er ikke vedhæftet: indholdet er ikke den slags fil, navnet siger (PDF eller DOCX)."),
            ("cprs.docx", docx("cpr;beloeb\n070761-4285;100\n010190-1234;200"), 422,
             "cprs.docx er ikke vedhæftet: det ser ud til at indeholde mikrodata"),
            ("empty.pdf", b"", 422, "empty.pdf er ikke vedhæftet: filen er tom."),
            ("huge.docx", with_media(minutes, 11 * 1024 * 1024), 413,
             "Dokumentet er større end 10 MB; det er ikke vedhæftet.")):
        r = await _attach(resp, case_id, name, data)
        assert r.status_code == status, (name, r.status_code)
        assert said in r.text, (name, r.text[-3000:])
        assert 'role="alert"' in r.text and f'action="/breaches/{case_id}/attachments"' in r.text
    nothing = await resp.http.post(f"/breaches/{case_id}/attachments", data={"csrf_token": resp.csrf},
                                   files=[("document", ("", b"", "application/octet-stream"))])
    assert nothing.status_code == 422 and "Vælg et PDF- eller DOCX-dokument, der skal vedhæftes." in nothing.text
    resp.http.cookies.set("boa_lang", "en")
    r = await _attach(resp, case_id, "cprs.docx", docx("cpr;beloeb\n070761-4285;100\n010190-1234;200"))
    assert r.status_code == 422 and "cprs.docx is not attached: it looks like it holds microdata" in r.text
    # Without the form's token nothing is attached.
    assert (await _attach(resp, case_id, "agenda2.pdf", pdf(), csrf="forged")).status_code == 403

    # The office sees the documentation on the case page and downloads it as stored.
    page = await sanc.get(f"/staff/breaches/{case_id}")
    links = dict((name, href) for href, name in re.findall(r'<a href="(/breaches/\d+/attachments/\d+)" download>([^<]+)</a>',
                                                          page.text))
    assert list(links) == ["minutes.docx", "agenda.pdf", "signed.docx"]
    got = await sanc.http.get(links["minutes.docx"])
    assert got.status_code == 200 and got.content == minutes
    assert 'action="/breaches/' + case_id + '/attachments"' not in page.text  # the office does not attach
    mine = await resp.http.get(links["agenda.pdf"])
    assert mine.status_code == 200 and mine.content.startswith(b"%PDF-")
    stranger = await people("RESB")
    assert (await stranger.http.get(links["minutes.docx"])).status_code == 404
    assert (await _attach(stranger, case_id, "agenda.pdf", pdf())).status_code == 404

    # Once the report is judged adequate, no more documentation is taken and the form is gone.
    assert (await resp.post(f"/breaches/{case_id}/report", _template())).status_code == 303
    await sanc.get(f"/staff/breaches/{case_id}")
    assert (await sanc.post(f"/staff/breaches/{case_id}/assessment", {"adequate": "yes"})).status_code == 303
    page = await resp.get(f"/breaches/{case_id}")
    assert f'action="/breaches/{case_id}/attachments"' not in page.text and "signed.docx" in page.text
    late = await _attach(resp, case_id, "late.pdf", pdf())
    assert late.status_code == 409 and "late.pdf is not attached: the case takes no documentation now." in late.text


async def test_refusals_on_the_breach_pages_are_in_the_readers_words(people, demo):
    """A refusal names the form's field by its label, in Danish or English; never the service's
    field name (``current_rules``) or its English sentence on a Danish page."""
    number = await _labour(demo)
    resp, sanc = await people("RESP"), await people("SANC")
    await sanc.get("/staff/breaches")
    no_text = await sanc.post("/staff/breaches", _breach("RESA", number, description=""))
    assert no_text.status_code == 422
    assert summary(no_text.text) == [("field-description", "Hvad skete der: Udfyld feltet.")]
    assert field_message(no_text.text, "field-description") == "Udfyld feltet."
    assert "is required" not in no_text.text and value_of(no_text.text, "ident") == "RESA"
    case_id = await _register(sanc, _breach("RESA", number))

    await resp.get(f"/breaches/{case_id}")
    for lang, said, field in (
            ("da", "Udfyld alle felter i standardskabelonen og mindst ét tiltag.",
             "Institutionens gældende regler og praksis"),
            ("en", "Fill in every field of the standard template, and at least one measure.",
             "Current rules and practice at the institution")):
        resp.http.cookies.set("boa_lang", lang)
        r = await resp.post(f"/breaches/{case_id}/report", _template(current_rules=""))
        assert r.status_code == 422 and summary(r.text) == [("field-current_rules", f"{field}: {said}")], r.text
        assert field_message(r.text, "field-current_rules") == said and "standard template)." not in r.text
        r = await resp.post(f"/breaches/{case_id}/report", _template(measure_who_1=""))
        assert r.status_code == 422 and [t for t, _ in summary(r.text)] == ["field-measure_who_1"]
        assert "measures[0]" not in r.text and value_of(r.text, "measure_what_1")

    await sanc.get(f"/staff/breaches/{case_id}")
    r = await sanc.post(f"/staff/breaches/{case_id}/dismiss", {"comment": " "})
    assert r.status_code == 422 and "comment is required" not in r.text
    assert summary(r.text) == [("field-comment", "Hvorfor er der ikke noget brud? Udfyld feltet.")]
    missing = await sanc.get("/staff/breaches/987654")
    assert missing.status_code == 404 and "Findes ikke, eller du må ikke se det." in missing.text
    assert "No breach case" not in missing.text
