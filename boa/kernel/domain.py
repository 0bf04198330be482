"""Domain vocabulary as data: kinds, roles, schemes. One place each."""

from __future__ import annotations

import re

SCHEME_KINDS = ("researcher", "project_database", "authority", "law_model")

INSTITUTION_KINDS = (
    "university",
    "research_institute",
    "ministry",
    "agency",
    "directorate",
    "region",
    "municipality",
    "consultancy",
    "other",
)
AUTHORITY_KINDS = ("ministry", "agency", "directorate", "region", "municipality")

INSTITUTION_ROLES = (
    "responsible",
    "substitute",
    "administrator",
    "contact_person_with_powers",
    "signatory",
    "contact_person",
    "user",
)
STAFF_ROLES = ("staff", "sanctions", "sanction_decision", "review", "proposal_approval")

# The languages of the users, the pages and the texts the office publishes (Danish first).
LANGUAGES = ("da", "en")


def per_language(value: object, what: str) -> dict[str, str]:
    """A text given in every language (``{"da": ..., "en": ...}``), else ValueError naming ``what``."""
    if not isinstance(value, dict) or any(not isinstance(value.get(lang), str) or not value[lang].strip()
                                          for lang in LANGUAGES):
        raise ValueError(f"{what} needs a text in Danish and English")
    return {lang: value[lang] for lang in LANGUAGES}

# Who may assign which institution role (SPEC 1: only the responsible person or a substitute
# assigns substitute, administrator and signatory). "responsible" comes only with an agreement.
ROLE_ASSIGNERS: dict[str, frozenset[str]] = {
    "substitute": frozenset({"responsible", "substitute"}),
    "administrator": frozenset({"responsible", "substitute"}),
    "signatory": frozenset({"responsible", "substitute"}),
    "contact_person_with_powers": frozenset({"responsible", "substitute", "administrator"}),
    "contact_person": frozenset({"responsible", "substitute", "administrator"}),
}

# Who may end an association agreement besides the user themself.
ASSOCIATION_ENDERS = frozenset({"responsible", "substitute", "administrator"})
ASSOCIATION_APPROVERS = frozenset({"responsible", "substitute"})

IDENT_RE = re.compile(r"^[A-Za-z]{3,4}$")


def normalise_ident(value: str) -> str | None:
    value = (value or "").strip()
    return value.upper() if IDENT_RE.fullmatch(value) else None
