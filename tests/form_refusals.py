"""Every form with typed input, submitted once with bad input (issue 18 item 1): who fills it in,
on which page, what they type and which fields must come back marked. The page tests
(``tests/pages/test_errors_in_place.py``, over HTTP) and the browser test
(``tests/browser/test_errors_in_place.py``, in Chromium) both go through this list.

A page's path may name an object by a placeholder, found on the person's own pages:
``{institution}`` (101's id), ``{pdb}`` (a project database), ``{scheme}`` (an authority scheme);
a placeholder may be found by someone else (:data:`FINDERS`' third item: Research Services has no
list of project databases) or on a page named by another placeholder (``{dataset}``).

Forms not in the list, and why:

- nothing to type wrong: the authority scheme's agreement (a button for each state, the note optional),
  the signature, removing a role, a file or the external data, discarding or submitting a transfer,
  approving, refusing or ending an association, the deletion approval;
- the typed value is asked on a GET form and posted from a confirmation page as hidden fields
  (nothing to mark): the project database's new end date and its narrowing;
- a file upload (the value is not kept, by design): a transfer's files, a sanction case's
  attachments, the variable description of external data;
- the page needs an object in a state the demo does not hold, and the list has no step to make it
  (not done yet): a transition with a comment (a submitted proposal), the price quote, a register
  order's years, a breach case's assessment, preparation, decision, dismissal and report, lifting
  a lock, the review comment (a file in review), a transfer's notes, the commission's steps
  (office quotation, time registration, delivery, sub-invoice, the customer's acceptance), the
  onboarding (every demo user has accepted the user agreement)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Where each placeholder is found: the page to look at, the link's pattern and, when it is not the
# person filling in the form, who looks (Research Services has no list of project databases).
FINDERS: dict[str, tuple[str, str] | tuple[str, str, str]] = {
    "institution": ("/", r'href="/institutions/(\d+)'),
    "pdb": ("/", r'href="/project-databases/(\d+)'),
    "scheme": ("/", r'href="/authority-schemes/(\d+)'),
    "staff_institution": ("/staff/institutions", r'href="/institutions/(\d+)"'),
    "any_pdb": ("/", r'href="/project-databases/(\d+)', "PDBM"),
    "any_scheme": ("/", r'href="/authority-schemes/(\d+)', "AUAD"),
    "admin_institution": ("/", r'href="/institutions/(\d+)', "ADMN"),
    "draft": ("/institutions/{admin_institution}/projects", r'href="/projects/(\d+)">\d+</a></td>\s*<td>Health', "ADMN"),
    "dataset": ("/project-databases/{any_pdb}", r'action="/project-databases/\d+/datasets/(\w+)/move"'),
}


@dataclass(frozen=True)
class Refusal:
    name: str
    who: str  # a demo IDENT, or "" for a guest (no login)
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
    Refusal("access history", "STAF", "/access-history", "/access-history",
            {"project": "", "ident": "RESA", "from": "someday", "to": ""}, ("from",), method="get"),
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
    Refusal("role", "RESP", "/institutions/{institution}/roles", "/institutions/{institution}/roles",
            {"ident": "R2D2"}, ("ident",), choose={"role": "contact_person"}),
    Refusal("deletion date", "ADMN", "/projects/{draft}", "/projects/{draft}/deletion-date",
            {"deletion_date": "2001-01-01"}, ("deletion_date",)),
    # A researcher
    Refusal("contact details", "RESA", "/me", "/me", {"email": "", "postal_code": "8000", "city": "Aarhus C"},
            ("email",)),
    Refusal("new project", "RESA", "/me/projects/new", "/me/projects/new",
            {"title": "", "description": "Register data on schooling.", "purpose": "Effects of class size."},
            ("title",), choose={"institution_id": "{institution}"}),
    Refusal("proposal", "RESA", "/projects/{draft}/proposal", "/projects/{draft}/proposal",
            {"title": "", "description": "Register data on income.", "purpose": "Health and income."}, ("title",)),
    Refusal("commissioned statistics", "RESA", "/commissions", "/commissions",
            {"title": "Skoler pr. kommune", "description": "", "register": "BEF", "variables": "KOEN ALDER",
             "periods": "2023"}, ("description",)),
    # A guest (no login)
    Refusal("guest's commission request", "", "/commission-request", "/commission-request",
            {"name": "Gæst Gæstesen", "contact_email": "ikke en adresse", "title": "", "description": "Skoler.",
             "register": "BEF", "variables": "KOEN", "periods": "2023"}, ("title",)),
    # An authority scheme's administrator
    Refusal("changed needs", "AUAD", "/authority-schemes/{scheme}", "/authority-schemes/{scheme}/needs",
            {"description": ""}, ("description",)),
    # A project database's manager
    Refusal("sub-project", "PDBM", "/project-databases/{pdb}", "/project-databases/{pdb}/sub-projects",
            {"title": ""}, ("title",)),
    Refusal("more data sets", "STAF", "/project-databases/{any_pdb}", "/project-databases/{any_pdb}/datasets",
            {"datasets": "", "agreement": "Aftale af 1. marts"}, ("datasets",)),
    Refusal("data set moved", "STAF", "/project-databases/{any_pdb}", "/project-databases/{any_pdb}/datasets/{dataset}/move",
            {"reason": ""}, ("reason",)),
    Refusal("responsible at Research Services", "STAF", "/project-databases/{any_pdb}",
            "/project-databases/{any_pdb}/responsible", {"ident": "NOBODY"}, ("ident",)),
    Refusal("project database assessment", "STAF", "/project-databases/{any_pdb}",
            "/project-databases/{any_pdb}/assessment", {"overlap": "", "growth": "Two new projects a year."},
            ("overlap",)),
    Refusal("purpose description", "STAF", "/authority-schemes/{any_scheme}", "/authority-schemes/{any_scheme}/purposes",
            {"topics": "", "registers": "BEF"}, ("topics",)),
    Refusal("tailored delivery", "STAF", "/authority-schemes/{any_scheme}", "/authority-schemes/{any_scheme}/deliveries",
            {"description": "", "registers": "BEF"}, ("description",)),
)


def needed(case: Refusal) -> list[str]:
    """The placeholders the case needs, each after those its page is found by (``{dataset}`` after ``{pdb}``)."""
    out: list[str] = []

    def add(name: str) -> None:
        for first in re.findall(r"\{(\w+)\}", FINDERS[name][0]):
            add(first)
        if name not in out:
            out.append(name)
    for name in sorted(case.needs()):
        add(name)
    return out


def where(name: str, found: dict[str, str]) -> tuple[str | None, str]:
    """Who looks (None: the person filling in the form) and the page a placeholder is found on,
    itself filled in with what is found already."""
    finder = FINDERS[name]
    return (finder[2] if len(finder) > 2 else None), finder[0].format(**found)


def find(name: str, html: str) -> str:
    """The placeholder's value on its page (:data:`FINDERS`)."""
    found = re.search(FINDERS[name][1], html)
    assert found, f"no {name} on {FINDERS[name][0]}"
    return found.group(1)
