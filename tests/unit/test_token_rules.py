"""PIN policy and hashing, seed sealing, seed files and Danish contact rules."""

from __future__ import annotations

import base64

import pytest

from boa.people.contact import ContactError, check_justification, check_postal_address, normalise_mobile
from tokens.pin import PinHasher, WeakPin, validate_pin
from tokens.secrets_box import SealError, SecretBox
from tokens.seedfile import SeedFileError, parse

SEED20 = b"0123456789abcdefghij"


@pytest.mark.parametrize("pin", ["0000", "7777777", "1234", "4321", "0123", "9876", "12345678", "87654321"])
def test_trivial_pins_are_weak(pin):
    with pytest.raises(WeakPin) as err:
        validate_pin(pin)
    assert err.value.code == "weak_pin"


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "", "１２３４", " 1357"])
def test_pins_of_wrong_shape(pin):
    with pytest.raises(WeakPin) as err:
        validate_pin(pin)
    assert err.value.code == "invalid_pin_format"


@pytest.mark.parametrize("pin", ["7391", "1357", "5831", "90210", "13572468"])
def test_good_pins(pin):
    validate_pin(pin)


def test_pin_hash_is_argon2id_with_pepper():
    hasher = PinHasher(b"pepper-one-sixteen-bytes", time_cost=1, memory_cost=1024)
    hashed = hasher.hash("7391")
    assert hashed.startswith("$argon2id$") and "7391" not in hashed
    assert hasher.verify("7391", hashed) and not hasher.verify("7392", hashed)
    assert not PinHasher(b"pepper-two-sixteen-bytes", time_cost=1, memory_cost=1024).verify("7391", hashed)
    with pytest.raises(ValueError):
        hasher.verify("7391", "garbage")
    assert "pepper-one" not in repr(hasher)


def test_secret_box_binds_to_row_and_rotates():
    old = SecretBox({"k1": b"a" * 32}, current="k1")
    sealed = old.seal(b"SEED", associated_data=b"token:1")
    assert b"SEED" not in sealed.encode()
    rotated = SecretBox({"k1": b"a" * 32, "k2": b"b" * 32}, current="k2")
    assert rotated.open(sealed, associated_data=b"token:1") == b"SEED"
    assert rotated.seal(b"x").startswith("k2:")
    with pytest.raises(SealError):
        rotated.open(sealed, associated_data=b"token:2")
    with pytest.raises(SealError):
        SecretBox({"k2": b"b" * 32}, current="k2").open(sealed, associated_data=b"token:1")


def test_oath_csv_hex_and_base32():
    text = "serial,seed\n# comment\nHW001, " + SEED20.hex() + "\nHW002," + base64.b32encode(SEED20).decode() + ",6,30\n"
    records = parse(text)
    assert [r.serial for r in records] == ["HW001", "HW002"] and records[0].secret == records[1].secret == SEED20


def _pskc(serial: str, secret: bytes, extra: str = "") -> str:
    return f"""<?xml version="1.0"?>
<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc">{extra}
 <KeyPackage><DeviceInfo><Manufacturer>Vendor</Manufacturer><SerialNo>{serial}</SerialNo></DeviceInfo>
  <Key Id="1" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:totp">
   <AlgorithmParameters><ResponseFormat Length="6" Encoding="DECIMAL"/></AlgorithmParameters>
   <Data><Secret><PlainValue>{base64.b64encode(secret).decode()}</PlainValue></Secret>
   <TimeInterval><PlainValue>30</PlainValue></TimeInterval></Data></Key></KeyPackage>
</KeyContainer>"""


def test_pskc_plain_value():
    records = parse(_pskc("PS100", SEED20))
    assert records[0].serial == "PS100" and records[0].secret == SEED20 and records[0].period == 30


@pytest.mark.parametrize(("text", "code"), [
    ("HW1," + SEED20.hex() + "\nHW1," + SEED20.hex(), "duplicate_serial"),
    ("HW1," + b"short".hex(), "invalid_seed_length"),
    ("HW1,not-a-seed!!", "malformed_seed_file"),
    ("just one column", "malformed_seed_file"),
    ("", "malformed_seed_file"),
    ("<KeyContainer><unclosed>", "malformed_seed_file"),
    ('<!DOCTYPE x [<!ENTITY a "b">]><KeyContainer/>', "malformed_seed_file"),
])
def test_bad_seed_files(text, code):
    with pytest.raises(SeedFileError) as err:
        parse(text)
    assert err.value.code == code


def test_encrypted_pskc_is_refused_clearly():
    text = _pskc("P1", SEED20, extra="<EncryptionKey><KeyName>PRE</KeyName></EncryptionKey>")
    with pytest.raises(SeedFileError) as err:
        parse(text)
    assert err.value.code == "unsupported_encryption"


@pytest.mark.parametrize(("raw", "clean"), [("12345678", "+4512345678"), ("+45 12 34 56 78", "+4512345678"),
                                            ("004512345678", "+4512345678")])
def test_danish_mobile(raw, clean):
    assert normalise_mobile(raw) == clean


@pytest.mark.parametrize("raw", ["+4612345678", "1234567", "+45123456789", "phone"])
def test_non_danish_mobile(raw):
    with pytest.raises(ContactError):
        normalise_mobile(raw)


def test_physical_token_address_and_justification():
    good = {"street": "Sejrøgade 11", "postal_code": "2100", "city": "København Ø", "country": "DK"}
    assert check_postal_address(good, "Rikke Researcher")["postal_code"] == "2100"
    for bad, code in [({**good, "country": "SE"}, "address_abroad"), ({**good, "postal_code": "21000"}, "invalid_address")]:
        with pytest.raises(ContactError) as err:
            check_postal_address(bad, "Rikke Researcher")
        assert err.value.code == code
    with pytest.raises(ContactError):
        check_postal_address(good, "Rikke")
    assert check_justification({"reason": "travel_sms_delay", "text": "Fieldwork in Greenland for 6 months"})
    for bad in [None, {"reason": "convenience", "text": "I prefer a key fob to my phone"},
                {"reason": "no_danish_mobile", "text": ""}]:
        with pytest.raises(ContactError):
            check_justification(bad)
