"""The RADIUS wire checks and the Reply-Message texts, without a network (pure)."""

from __future__ import annotations

import struct
from datetime import UTC, datetime

import pytest
from pyrad.packet import AccessRequest, AuthPacket

from boa.kernel.access import Reason
from tokens.radius import messages
from tokens.radius.packets import Dropped, dictionary, fit, message_authenticator_ok, parse, reply, user_name

SECRET = b"a-shared-secret-of-the-gateway"


def signed(**attributes: str) -> bytes:
    packet = AuthPacket(code=AccessRequest, secret=SECRET, dict=dictionary())
    for key, value in attributes.items():
        packet[key.replace("_", "-")] = value
    packet.add_message_authenticator()
    return packet.RequestPacket()


def test_a_signed_request_is_parsed_and_its_message_authenticator_checked():
    raw = signed(User_Name="RESA")
    request = parse(raw + b"\x00" * 7)  # octets after Length are padding
    assert request.raw == raw and request.first(1) == b"RESA"
    assert message_authenticator_ok(request, SECRET)
    assert not message_authenticator_ok(request, b"another-secret-entirely")


def test_a_changed_attribute_or_a_second_message_authenticator_fails():
    raw = signed(User_Name="RESA")
    changed = raw.replace(b"RESA", b"RESB")
    assert not message_authenticator_ok(parse(changed), SECRET)
    body = raw[20:] + b"\x50\x12" + bytes(16)
    twice = raw[:2] + struct.pack("!H", 20 + len(body)) + raw[4:20] + body
    assert not message_authenticator_ok(parse(twice), SECRET)
    short = raw[:2] + struct.pack("!H", len(raw) + 3) + raw[4:] + b"\x50\x03x"
    assert not message_authenticator_ok(parse(short), SECRET)


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "malformed"),
    (b"\x01\x01\x00\x14" + bytes(15), "malformed"),
    (b"\x01\x01\x00\x13" + bytes(16), "malformed"),
    (b"\x01\x01\x00\x30" + bytes(16), "malformed"),
    (b"\x01\x01\x00\x16" + bytes(16) + b"\x01\x05", "truncated_attribute"),
    (b"\x01\x01\x00\x16" + bytes(16) + b"\x01\x00", "truncated_attribute"),
    (b"\x01\x01\x00\x15" + bytes(16) + b"\x01", "truncated_attribute"),
    (b"\x01\x01\x10\x01" + bytes(4097), "oversize"),
])
def test_broken_packets_are_dropped_with_their_reason(data, reason):
    with pytest.raises(Dropped) as dropped:
        parse(data)
    assert dropped.value.reason == reason


@pytest.mark.parametrize("name", ["RE\x00SA", "RESA\x7f", "RE\u202eSA", "R\u2028", "x" * 65])
def test_user_names_with_control_characters_or_too_long_are_refused(name):
    assert user_name(parse(signed(User_Name=name))) is None


def test_user_names_that_are_not_utf8_are_refused():
    packet = AuthPacket(code=AccessRequest, secret=SECRET, dict=dictionary())
    packet[1] = [b"\xff\xfeRESA"]
    packet.add_message_authenticator()
    assert user_name(parse(packet.RequestPacket())) is None


def test_an_answer_is_signed_with_the_message_authenticator_first_and_keeps_proxy_state():
    packet = AuthPacket(code=AccessRequest, secret=SECRET, dict=dictionary())
    packet["User-Name"] = "RESA"
    packet.AddAttribute("Proxy-State", b"proxy-1")
    packet.AddAttribute("Proxy-State", b"proxy-2")
    packet.add_message_authenticator()
    raw = packet.RequestPacket()
    answer = reply(parse(raw), SECRET, 3, messages=("æ" * 200,), session_timeout=30)
    decoded = packet.CreateReply(packet=answer)
    assert packet.VerifyReply(decoded, answer, enforce_ma=True)
    assert answer[20] == 80 and decoded["Proxy-State"] == [b"proxy-1", b"proxy-2"]
    assert len(decoded["Reply-Message"][0].encode()) <= 253


def test_fit_never_splits_a_character():
    assert fit("kort") == "kort"
    cut = fit("ø" * 200)
    assert len(cut.encode()) == 252 and set(cut) == {"ø"}


def test_texts_before_the_pin_are_in_both_languages():
    assert messages.text("invalid_credentials", None) == "IDENT eller PIN er forkert. / The IDENT or PIN is wrong."
    assert messages.text("code_sms", "da") == "Indtast koden fra din SMS"
    assert messages.text("code_sms", "en") == "Enter the code from your SMS"
    until = datetime(2026, 12, 1, 13, 5, tzinfo=UTC)
    both = messages.locked_out(until, None)
    assert "Login er spærret til 1. dec. 2026 kl. 14.05" in both and "Login is locked until 1 Dec 2026, 14:05" in both


def test_every_reason_of_the_login_decision_has_both_texts():
    from boa.kernel import access

    facts = access.Facts(now=datetime(2026, 1, 1, tzinfo=UTC), ident="RESA", exists=True, active=True)
    codes = {r.code for r in access.decide("login", facts).reasons} | {
        "user_unknown", "user_inactive", "not_activated", "certification_expired", "locked"}
    assert codes - set(messages.TEXTS) == set()


def test_lock_reasons_say_until_when_or_what_ends_them():
    dated = Reason("locked", "user", "…", lock_id="7", until="2027-03-01T10:00:00+00:00")
    assert messages.reason(dated, "en", {}) == "Your access is locked until 1 March 2027."
    assert messages.reason(dated, "da", {}) == "Din adgang er spærret til 1. marts 2027."
    open_ended = Reason("locked", "user", "…", lock_id="8")
    assert "suspenderet" in messages.reason(open_ended, "da", {"8": "until_decision"})
    assert "report on the breach" in messages.reason(open_ended, "en", {"8": "until_report_approved"})
    assert "further decision" in messages.reason(open_ended, "en", {"8": "case_by_case"})
    association = Reason("no_association", "membership", "…")
    assert messages.reason(association, "en", {}).startswith("You are not associated with an institution")
