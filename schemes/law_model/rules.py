"""The law model's own rule set (SPEC 3.4, seed 003: owned by the Ministry of Finance and used
for ministerial services and legislative preparation). Rules as data, in one place."""

from __future__ import annotations

from typing import Any

from boa.kernel.errors import ValidationFailed

RESPONSIBLE_KINDS = ("ministry",)
# Who may put members on the law model besides Research Services.
MEMBER_MANAGERS = frozenset({"responsible", "substitute", "administrator"})

DEFAULT_RULE_SET: dict[str, Any] = {
    "purpose": "Ministerial services and legislative preparation.",
    # Breaches are counted per scheme and sanctioned by the authority-scheme table (SPEC 5).
    "sanction_table": "authority",
    # Members come from institutions with an active law-model agreement.
    "member_agreement_scheme": "law_model",
    "requires": ["approved_association", "user_agreement", "certification"],
    "project_proposals": False,
}


def check_responsible(kind: str) -> None:
    if kind not in RESPONSIBLE_KINDS:
        raise ValidationFailed("The law model is owned by a ministry.", code="not_a_ministry", field="institution_id")


# The sanction tables of seed_data/sanctions.json a law model may name.
SANCTION_TABLES = ("authority", "researcher")


def rule_set(overrides: dict[str, Any] | None) -> dict[str, Any]:
    unknown = set(overrides or {}) - set(DEFAULT_RULE_SET)
    if unknown:
        raise ValidationFailed(f"Unknown rules: {', '.join(sorted(unknown))}.", field="rule_set")
    rules = {**DEFAULT_RULE_SET, **(overrides or {})}
    if rules["sanction_table"] not in SANCTION_TABLES:
        raise ValidationFailed(f"sanction_table is one of {', '.join(SANCTION_TABLES)}.", field="rule_set",
                               code="unknown_sanction_table")
    return rules
