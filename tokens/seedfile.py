"""Vendor seed files for physical OATH TOTP tokens: OATH CSV and PSKC (RFC 6030, unencrypted)."""

from __future__ import annotations

import base64
import binascii
import csv
import io
import re
import xml.etree.ElementTree as ET  # noqa: S405 (DOCTYPE/entities are refused before parsing)
from dataclasses import dataclass, field

MIN_SEED, MAX_SEED = 16, 64
PSKC_NS = "urn:ietf:params:xml:ns:keyprov:pskc"


class SeedFileError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class SeedRecord:
    serial: str
    secret: bytes = field(repr=False)
    digits: int = 6
    period: int = 30
    algorithm: str = "totp"


def _decode_seed(text: str, where: str) -> bytes:
    value = re.sub(r"\s", "", text)
    try:
        if re.fullmatch(r"[0-9a-fA-F]+", value) and len(value) % 2 == 0:
            seed = bytes.fromhex(value)
        else:
            seed = base64.b32decode(value.upper() + "=" * (-len(value) % 8))
    except (ValueError, binascii.Error):
        raise SeedFileError("malformed_seed_file", f"{where}: the seed is neither hex nor base32.") from None
    if not MIN_SEED <= len(seed) <= MAX_SEED:
        raise SeedFileError("invalid_seed_length",
                            f"{where}: a seed must be {MIN_SEED} to {MAX_SEED} bytes, not {len(seed)}.")
    return seed


def _check_unique(records: list[SeedRecord]) -> list[SeedRecord]:
    seen: set[str] = set()
    for r in records:
        if r.serial in seen:
            raise SeedFileError("duplicate_serial", f"Serial {r.serial} appears twice in the file.")
        seen.add(r.serial)
    if not records:
        raise SeedFileError("malformed_seed_file", "The file holds no tokens.")
    return records


def parse_csv(text: str) -> list[SeedRecord]:
    records = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in row]
        if not cells or not cells[0] or cells[0].startswith("#"):
            continue
        if number == 1 and cells[0].lower() in ("serial", "serialno", "serial_number"):
            continue
        if len(cells) < 2 or not re.fullmatch(r"[A-Za-z0-9\-_.]{1,64}", cells[0]):
            raise SeedFileError("malformed_seed_file", f"Line {number}: expected 'serial, seed'.")
        digits = int(cells[2]) if len(cells) > 2 and cells[2].isdigit() else 6
        period = int(cells[3]) if len(cells) > 3 and cells[3].isdigit() else 30
        if digits not in (6, 8) or not 10 <= period <= 120:
            raise SeedFileError("malformed_seed_file", f"Line {number}: digits must be 6 or 8, period 10-120 s.")
        records.append(SeedRecord(cells[0], _decode_seed(cells[1], f"Line {number}"), digits, period))
    return _check_unique(records)


def parse_pskc(text: str) -> list[SeedRecord]:
    if re.search(r"<!DOCTYPE|<!ENTITY", text, re.IGNORECASE):
        raise SeedFileError("malformed_seed_file", "DOCTYPE and entities are not allowed in a seed file.")
    try:
        root = ET.fromstring(text)  # noqa: S314
    except ET.ParseError as exc:
        raise SeedFileError("malformed_seed_file", f"Not valid XML: {exc}.") from None
    ns = {"p": PSKC_NS}
    if root.find(".//p:EncryptionKey", ns) is not None or root.find(".//p:EncryptedValue", ns) is not None:
        raise SeedFileError("unsupported_encryption", "Encrypted PSKC files are not supported; ask for plain values.")
    records = []
    for number, package in enumerate(root.findall("p:KeyPackage", ns), start=1):
        where = f"KeyPackage {number}"
        serial = (package.findtext("p:DeviceInfo/p:SerialNo", namespaces=ns) or "").strip()
        key = package.find("p:Key", ns)
        value = key.findtext("p:Data/p:Secret/p:PlainValue", namespaces=ns) if key is not None else None
        if not serial or key is None or not value:
            raise SeedFileError("malformed_seed_file", f"{where}: needs DeviceInfo/SerialNo and Data/Secret/PlainValue.")
        algorithm = "hotp" if (key.get("Algorithm") or "").endswith(":hotp") else "totp"
        fmt = key.find("p:AlgorithmParameters/p:ResponseFormat", ns)
        digits = int(fmt.get("Length", "6")) if fmt is not None else 6
        period = int(key.findtext("p:Data/p:TimeInterval/p:PlainValue", default="30", namespaces=ns))
        try:
            seed = base64.b64decode(value.strip(), validate=True)
        except binascii.Error:
            raise SeedFileError("malformed_seed_file", f"{where}: the secret is not base64.") from None
        if not MIN_SEED <= len(seed) <= MAX_SEED:
            raise SeedFileError("invalid_seed_length", f"{where}: a seed must be {MIN_SEED} to {MAX_SEED} bytes.")
        records.append(SeedRecord(serial, seed, digits, period, algorithm))
    return _check_unique(records)


def parse(text: str) -> list[SeedRecord]:
    return parse_pskc(text) if text.lstrip().startswith("<") else parse_csv(text)
