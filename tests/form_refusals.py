"""Every form with typed input, submitted once with bad input (issue 18 item 1): who fills it in,
on which page, what they type and which fields must come back marked. The page tests
(``tests/pages/test_errors_in_place.py``, over HTTP) and the browser test
(``tests/browser/test_errors_in_place.py``, in Chromium) both go through this list.

A page's path may name an object by a placeholder, found on the person's own pages:
``{institution}`` (101's id), ``{pdb}`` (a project database), ``{scheme}`` (an authority scheme)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Where each placeholder is found: the page to look at, and the link's pattern.
FINDERS = {
    "institution": ("/", r'href="/institutions/(\d+)'),
    "pdb": ("/", r'href="/project-databases/(\d+)'),
    "scheme": ("/", r'href="/authority-schemes/(\d+)'),
    "staff_institution": ("/staff/institutions", r'href="/institutions/(\d+)"'),
}


@dataclass(frozen=True)
class Refusal:
    name: str
    who: str
    page: str
    action: str
    typed: dict[str, str]
    marked: tuple[str, ...]  # the fields the page marks (the summary links to each)
    method: str = "post"
    choose: dict[str, str] = field(default_factory=dict)  # selects and check boxes: name -> value

    def needs(self) -> set[str]:
        return set(re.findall(r"\{(\w+)\}", self.page + self.action + " ".join(self.choose.values())))

    def at(self, found: dict[str, str]) -> tuple[str, str, dict[str, str]]:
        """The page, the action and the choices with the placeholders filled in."""
        return (self.page.format(**found), self.action.format(**found),
                {k: v.format(**found) for k, v in self.choose.items()})


REFUSALS = (
    # Research Services
    Refusal("new institution", "STAF", "/staff/institutions", "/staff/institutions",
            {"name": "", "authorisation_number": "12a", "mail_domains": "uni.example.dk"},
            ("name", "authorisation_number")),
    Refusal("authorisation agreement", "STAF", "/institutions/{staff_institution}",
            "/staff/institutions/{staff_institution}/agreements",
            {"responsible": "RESP", "substitutes": "RESP"}, ("substitutes",), choose={"schemes": "researcher"}),
    Refusal("new user", "STAF", "/staff/users", "/staff/users",
            {"name": "", "email": "new.person@example.org", "mobile": "+45 20 30 40 50"}, ("name",)),
    Refusal("new register", "STAF", "/staff/registers", "/staff/registers",
            {"code": "NYTREG", "name_da": "Nyt register", "name_en": "", "first_year": "19x0"},
            ("name_en", "first_year")),
    Refusal("register names", "STAF", "/staff/registers/BEF", "/staff/registers/BEF",
            {"name_da": "", "name_en": "Population", "first_year": "abcd"}, ("name_da", "first_year")),
    Refusal("new variable", "STAF", "/staff/registers/BEF", "/staff/registers/BEF/variables",
            {"name": "", "label_da": "Alder", "label_en": "Age"}, ("name",)),
    Refusal("report years", "STAF", "/staff/reports/active-projects", "/staff/reports/active-projects",
            {"first_year": "abc", "last_year": "2026"}, ("first_year",), method="get"),
    # Sanctions: the breach form, eleven fields
    Refusal("breach registration", "SANC", "/staff/breaches", "/staff/breaches",
            {"ident": "RESA", "project": "", "occurred_at": "", "data_volume": "One table, 40 rows",
             "description": "A table with CPR numbers left the gate."},
            ("occurred_at",), choose={"kind": "microdata_transfer", "warning_ignored": "yes"}),
    # The institution's administrator
    Refusal("association", "ADMN", "/institutions/{institution}/users", "/institutions/{institution}/associations",
            {"ident": "R2D2"}, ("ident",)),
    Refusal("user request", "ADMN", "/institutions/{institution}/user-requests",
            "/institutions/{institution}/user-requests",
            {"name": "", "email": "ny.forsker@example.org", "mobile": "+45 20 30 40 50"}, ("name",)),
    # A researcher
    Refusal("contact details", "RESA", "/me", "/me", {"email": "", "postal_code": "8000", "city": "Aarhus C"},
            ("email",)),
    Refusal("new project", "RESA", "/me/projects/new", "/me/projects/new",
            {"title": "", "description": "Register data on schooling.", "purpose": "Effects of class size."},
            ("title",), choose={"institution_id": "{institution}"}),
    Refusal("commissioned statistics", "RESA", "/commissions", "/commissions",
            {"title": "Skoler pr. kommune", "description": "", "register": "BEF", "variables": "KOEN ALDER",
             "periods": "2023"}, ("description",)),
    # An authority scheme's administrator
    Refusal("changed needs", "AUAD", "/authority-schemes/{scheme}", "/authority-schemes/{scheme}/needs",
            {"description": ""}, ("description",)),
    # A project database's manager
    Refusal("sub-project", "PDBM", "/project-databases/{pdb}", "/project-databases/{pdb}/sub-projects",
            {"title": ""}, ("title",)),
)


def find(needs: set[str], pages: dict[str, str]) -> dict[str, str]:
    """The placeholders' values from the pages (path -> html) named in :data:`FINDERS`."""
    out = {}
    for name in needs:
        path, pattern = FINDERS[name]
        found = re.search(pattern, pages[path])
        assert found, f"no {name} on {path}"
        out[name] = found.group(1)
    return out
