"""The law model (Lovmodellen) as its own scheme kind with its own rule set (SPEC 3.4; seed 003).

Seed 003: "Lovmodellen er en ordning med sit eget formål, sin egen brugergruppe og dermed egne regler
og vilkår. Lovmodellen anvendes til ministerbetjening og lovforberedende arbejde. Det er
Økonomiministeriet der har ansvaret for at udvikle og vedligeholde Lovmodellen."

The sanction table is not restated here: the scheme-kind -> table mapping lives with the tables in
``seed_data/sanctions.json`` (law_model -> authority, SPEC 5); ``sanction_table_kind`` reads it, so
"unless its rule set says otherwise" is a change of that one mapping.
"""

from __future__ import annotations

from dataclasses import dataclass

from boa.sanctions.rules import table_kind_for
from boa.sanctions.tables import Scope
from schemes.authority.rules import member_problems

SCHEME_KIND = "law_model"


@dataclass(frozen=True, slots=True)
class LawModelRules:
    scheme_kind: str
    responsible_ministry_da: str
    responsible_ministry_en: str
    purpose_da: str
    purpose_en: str
    breach_count_unit: Scope  # breaches counted per scheme, as in the authority scheme
    own_member_list: bool  # members are the law model's own user group, not project members
    has_projects: bool  # not a researcher project: no proposals, no project locks
    members_need_security_certification: bool
    members_need_office_approval: bool


LAW_MODEL = LawModelRules(
    scheme_kind=SCHEME_KIND,
    responsible_ministry_da="Økonomiministeriet",
    responsible_ministry_en="Ministry of Economic Affairs",
    purpose_da="Ministerbetjening og lovforberedende arbejde",
    purpose_en="Ministerial services and legislative preparation",
    breach_count_unit=Scope.SCHEME,
    own_member_list=True,
    has_projects=False,
    members_need_security_certification=True,
    members_need_office_approval=True,
)


def sanction_table_kind() -> str:
    return table_kind_for(SCHEME_KIND)


def law_model_member_problems(
    *, user_exists: bool, security_certified: bool, approved_by_office: bool
) -> list[str]:
    """Why a user may not (yet) join the law model's user group; empty means they may."""
    rules = LAW_MODEL
    return member_problems(
        user_exists=user_exists,
        security_certified=security_certified or not rules.members_need_security_certification,
        approved_by_office=approved_by_office or not rules.members_need_office_approval,
    )
