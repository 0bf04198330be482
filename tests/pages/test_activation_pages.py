"""The activation page from the mail's link (SPEC 2): the PIN with its rules, then the second factor
(an app with a QR code, or SMS with the code typed back); mistakes come back on the same page with
what was typed kept; an expired code says what to do. And the page a new address's link opens."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pyotp

from boa.kernel import clock
from boa.kernel.settings import get_settings
from tests.helpers import bearer, login, mails


async def _new_user(client, as_user, name: str, email: str) -> tuple[str, str]:
    staff = await as_user("STAF")
    ident = (await client.post("/v1/users", headers=staff, json={"name": name, "email": email})).json()["ident"]
    link = re.search(r"(/activate\?\S+)", next(m for m in await mails() if m["to"] == email)["body"]).group(1)
    return ident, link


async def test_a_new_user_chooses_a_pin_and_sets_up_the_app(people, client, as_user):
    ident, link = await _new_user(client, as_user, "Anna App", "anna@uni.example")
    me = await people()
    page = await me.get(link)
    assert page.status_code == 200 and f'value="{ident}"' in page.text
    assert "4 til 8 cifre" in page.text  # the PIN rules, before the person types

    code = re.search(r"code=([A-Z0-9]+)", link).group(1)
    r = await me.post("/activate", {"ident": ident, "code": code, "pin": "5831", "pin_again": "5832"})
    assert r.status_code == 422 and "De to PIN-koder er ikke ens" in r.text
    assert f'value="{ident}"' in r.text and f'value="{code}"' in r.text  # kept
    r = await me.post("/activate", {"ident": ident, "code": code, "pin": "1234", "pin_again": "1234"})
    assert r.status_code == 422 and f'value="{code}"' in r.text
    r = await me.post("/activate", {"ident": ident, "code": code, "pin": "5831", "pin_again": "5831"})
    assert r.status_code == 200 and "<svg" in r.text and "Autentificeringsapp" in r.text
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", r.text).group(1).replace(" ", "")

    wrong = await me.post("/activate/app", {"code": "000000"})
    assert wrong.status_code == 422 and "<svg" in wrong.text  # the QR code again, to try once more
    done = await me.post("/activate/app", {"code": pyotp.TOTP(secret).at(clock.now())})
    assert done.status_code == 200 and "Din adgang er aktiveret." in done.text

    clock.travel(timedelta(seconds=31))
    session = await login(client, ident, pin="5831", secret=secret)
    profile = (await client.get("/v1/me", headers=bearer(session["access_token"]))).json()
    assert [t["state"] for t in profile["tokens"]] == ["active"]
    assert profile["onboarding"]["missing"] == ["user_agreement", "certification", "association"]


async def test_a_new_user_sets_up_sms_and_can_correct_a_mistyped_number(people, client, as_user):
    ident, link = await _new_user(client, as_user, "Søren Sms", "soren@uni.example")
    me = await people()
    await me.get(link)
    code = re.search(r"code=([A-Z0-9]+)", link).group(1)
    await me.post("/activate", {"ident": ident, "code": code, "pin": "5831", "pin_again": "5831"})
    bad = await me.post("/activate/sms", {"mobile": "+46 70 123 45 67"})
    assert bad.status_code == 422 and 'value="+46 70 123 45 67"' in bad.text and "<svg" in bad.text
    r = await me.post("/activate/sms", {"mobile": "+45 20 30 40 51"})
    assert r.status_code == 200 and "+4520304051" in r.text
    # A mistyped number: back to the choice, and a second number replaces the first.
    assert (await me.get("/activate/second-factor")).status_code == 200
    r = await me.post("/activate/sms", {"mobile": "+45 20 30 40 50"})
    token_id = re.search(r'name="token_id" value="(\d+)"', r.text).group(1)
    last = json.loads((get_settings().outbox_dir / "sms.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert last["to"] == "+4520304050"
    sent = re.search(r"\b(\d{6})\b", last["text"]).group(1)
    wrong = await me.post("/activate/confirm", {"token_id": token_id, "code": "000000"})
    assert wrong.status_code == 422 and f'value="{token_id}"' in wrong.text
    done = await me.post("/activate/confirm", {"token_id": token_id, "code": sent})
    assert done.status_code == 200 and "Din adgang er aktiveret." in done.text
    again = await me.post("/activate/confirm", {"token_id": token_id, "code": sent})
    assert "Aktiveringskoden er forkert, brugt eller udløbet." in again.text


async def test_an_expired_activation_code_says_what_to_do(people, client, as_user):
    ident, link = await _new_user(client, as_user, "Ole Old", "ole@uni.example")
    clock.travel(timedelta(days=7, minutes=1))
    me = await people()
    await me.get(link)
    code = re.search(r"code=([A-Z0-9]+)", link).group(1)
    r = await me.post("/activate", {"ident": ident, "code": code, "pin": "5831", "pin_again": "5831"})
    assert r.status_code == 400
    assert "Aktiveringskoden er forkert, brugt eller udløbet." in r.text and "Forskningsservice" in r.text


async def test_the_confirmation_link_of_a_new_address(people, client, demo):
    me_api = bearer((await login(client, "RESA"))["access_token"])
    await client.patch("/v1/me", headers=me_api, json={"email": "rikke@uni.example"})
    link = re.search(r"(/confirm-email\?\S+)", next(m for m in await mails() if m["to"] == "rikke@uni.example")["body"])
    browser = await people()
    page = await browser.get(link.group(1))
    assert page.status_code == 200 and "Bekræft adressen" in page.text
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    r = await browser.post("/confirm-email", {"token": token})
    assert r.status_code == 200 and "rikke@uni.example" in r.text
    r = await browser.post("/confirm-email", {"token": token})
    assert r.status_code == 400
