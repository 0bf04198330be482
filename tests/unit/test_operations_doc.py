"""docs/operations.md's configuration reference lists every ``BOA_`` setting the code reads."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("boa", "api", "tokens", "schemes", "admin_ui")


def settings_read_by_the_code() -> set[str]:
    names: set[str] = set()
    for folder in SOURCES:
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            names |= {f"BOA_{n}" for n in re.findall(r'_(?:env|int|float|secret_from_env_or_file)\("([A-Z0-9_]+)"', text)}
            names |= set(re.findall(r'environ(?:\.get)?\(?\[?"(BOA_[A-Z0-9_]+)"', text))
    return names


def test_every_setting_is_in_the_configuration_reference():
    doc = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    reference = doc.split("## Configuration reference", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"`(BOA_[A-Z0-9_]+)`", reference))
    read = settings_read_by_the_code()
    assert {"BOA_DATABASE_URL", "BOA_ACCESS_CACHE_SECONDS", "BOA_TRANSFER_RULES"} <= read
    assert read - listed == set()
