"""Who may use which route: one line per route (``"METHOD /path"`` as the router names it).

A role in ``allowed`` must get past every gate (any answer but 401, 403 or 404 or a redirect to
the login page: a 409 or 422 for the sample body is fine); every other role must be denied. A route
whose handler checks objects needs a realistic body, so ``body`` (JSON), ``form``, ``query``
and ``params`` (path parameters overriding the demo's: ``{institution_id}`` is institution
101, ``{ident}`` the researcher RESB, ``{number}`` the approved project, ...) say what to send.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

ROLES = ("staff", "sanctions_staff", "director_general", "head_of_division", "responsible", "substitute", "administrator", "signatory", "contact_person", "researcher",
         "pdb_manager", "authority_admin", "service_client", "anonymous")
DENIED = frozenset({401, 403, 404})
# Nothing else is reachable without logging in.
# Public: the login, the activation and its enrolment (the one-time code or ticket is the
# credential), the e-mail confirmation link (its token is), OAuth, health, the documents, and
# reading the register catalogue (SPEC 3.1 "Data content": public without login, as the office's
# own overview of the basic data bank is; it names registers and variables, never microdata), and
# the accessibility statement (the web accessibility act: reachable without logging in).
PUBLIC = re.compile(r"^/(v1/auth/(login|verify|activate|enrolment|enrolment/confirm)|v1/me/email/confirm"
                    r"|v1/oauth/(token|jwks)|health(/ping)?|schema(/.*)?"
                    r"|login|activate(/.*)?|confirm-email|static/\{file_path\}"
                    r"|v1/registers(/\{code\})?|registers(/\{code\})?|accessibility"
                    r"|v1/commission-requests|commission-request)$")


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]
    body: Any = None
    form: dict[str, str] | None = None
    query: dict[str, str] | None = None
    params: dict[str, str] = field(default_factory=dict)
    files: list[tuple[str, str]] | None = None
    headers: dict[str, str] | None = None


def R(*roles: str | frozenset[str], **kw: Any) -> Rule:  # noqa: N802
    out: set[str] = set()
    for r in roles:
        out |= {r} if isinstance(r, str) else set(r)
    unknown = out - set(ROLES)
    assert not unknown, unknown
    return Rule(frozenset(out), **kw)


EVERYONE = frozenset(ROLES)
LINK = {"X-Commission-Link": "not-the-secret"}
USERS = frozenset(ROLES) - {"service_client", "anonymous"}
# Office staff: STAF (staff only), SANC (staff with the sanctions and review rights), DIRG (the
# Director General: staff with the sanction_decision right) and CHEF (the Head of Division for the
# Data Portal: staff with the proposal_approval right).
STAFF = frozenset({"staff", "sanctions_staff", "director_general", "head_of_division"})
HEAD_OF_DIVISION = frozenset({"head_of_division"})
SANCTIONS = frozenset({"sanctions_staff"})
DECIDER = frozenset({"director_general"})
AT_101 = frozenset({"responsible", "substitute", "administrator", "signatory", "contact_person", "researcher",
                    "pdb_manager"})
RESPONSIBLE = frozenset({"responsible", "substitute"})
# Administrators of institution 101 (the project database manager PDBM is one too).
ADMINISTRATORS = frozenset({"administrator", "pdb_manager"})

MATRIX: dict[str, Rule] = {
    # Login and service clients
    "POST /v1/auth/login": R(EVERYONE),
    "POST /v1/auth/verify": R(EVERYONE),
    "POST /v1/auth/activate": R(EVERYONE),
    "POST /v1/auth/logout": R(USERS),
    "POST /v1/auth/pin": R(USERS, body={"old_pin": "7391", "new_pin": "4826"}),
    "POST /v1/auth/step-up": R(USERS),
    "POST /v1/auth/enrolment": R(EVERYONE, body={"ticket": "none", "kind": "sms", "mobile": "+4512345678"}),
    "POST /v1/auth/enrolment/confirm": R(EVERYONE, body={"ticket": "none", "token_id": "1", "code": "123456"}),
    "POST /v1/me/email/confirm": R(EVERYONE, body={"token": "none"}),
    "POST /v1/oauth/token": R(EVERYONE, form={"grant_type": "client_credentials"}),
    "GET /v1/oauth/jwks": R(EVERYONE),
    # The signed-in user
    "GET /v1/me": R(USERS),
    "PATCH /v1/me": R(USERS, body={"email": "changed@demo.boa.example"}),
    "GET /v1/me/user-agreement": R(USERS),
    "POST /v1/me/user-agreement": R(USERS, body={"version": 1}),
    # The certification: the demo's users are certified (a start answers 409 renewal_not_yet); the
    # attempt is the researcher's (RESB), open, answered with nothing (422).
    "POST /v1/me/certification/attempts": R(USERS),
    "POST /v1/me/certification/attempts/{attempt_id}": R("researcher", body={"answers": {}}),
    # Institutions, agreements, roles, users, associations
    "GET /v1/institutions": R(STAFF),
    "POST /v1/institutions": R(STAFF, body={"name": "New U", "authorisation_number": 999, "kind": "university"}),
    "GET /v1/institutions/{institution_id}": R(STAFF, AT_101),
    "POST /v1/institutions/{institution_id}/agreements": R(STAFF, body={
        "schemes": ["law_model"], "responsible_ident": "RESP", "substitute_idents": ["SUBS"]}),
    "POST /v1/agreements/{agreement_id}/terminate": R(STAFF, body={"reason": "matrix"}),
    "POST /v1/institutions/{institution_id}/roles": R(RESPONSIBLE, STAFF, body={"ident": "RESB", "role": "signatory"}),
    "DELETE /v1/institutions/{institution_id}/roles/{ident}/{role}": R(RESPONSIBLE, STAFF, params={"ident": "SIGN"}),
    "GET /v1/institutions/{institution_id}/user-requests": R(STAFF, ADMINISTRATORS),
    "POST /v1/institutions/{institution_id}/user-requests": R(ADMINISTRATORS, body={
        "name": "Another Person", "email": "another@demo.boa.example"}),
    "GET /v1/institutions/{institution_id}/associations": R(STAFF, RESPONSIBLE, ADMINISTRATORS, "signatory"),
    "POST /v1/institutions/{institution_id}/associations": R(ADMINISTRATORS, body={"ident": "LAWM"}),
    "GET /v1/users": R(STAFF),
    "POST /v1/users": R(STAFF, body={"name": "New Person", "email": "new@demo.boa.example"}),
    "GET /v1/users/{ident}": R(STAFF, RESPONSIBLE, ADMINISTRATORS, "researcher"),
    "POST /v1/users/{ident}/pin-reset": R(STAFF),
    "POST /v1/user-requests/{request_id}/approve": R(STAFF),
    "POST /v1/user-requests/{request_id}/refuse": R(STAFF, body={"comment": "matrix"}),
    "POST /v1/associations/{association_id}/approve": R(RESPONSIBLE),
    "POST /v1/associations/{association_id}/refuse": R(RESPONSIBLE, body={"comment": "matrix"}),
    "POST /v1/associations/{association_id}/end": R(RESPONSIBLE, ADMINISTRATORS),
    # Tokens
    "GET /v1/users/{ident}/tokens": R(STAFF, "researcher"),
    "POST /v1/users/{ident}/tokens": R(STAFF, "researcher", body={"kind": "totp"}),
    "GET /v1/users/{ident}/lockout": R(STAFF),
    "DELETE /v1/users/{ident}/lockout": R(STAFF),
    "POST /v1/users/{ident}/sessions/revoke": R(STAFF),
    "POST /v1/tokens/{token_id}/activate": R(STAFF, "researcher", body={"code": "123456"}),
    "POST /v1/tokens/{token_id}/approve": R(STAFF),
    "POST /v1/tokens/{token_id}/ship": R(STAFF, body={}),
    "POST /v1/tokens/{token_id}/disable": R(STAFF),
    "POST /v1/tokens/{token_id}/rebind": R(STAFF),
    "POST /v1/tokens/{token_id}/revoke": R(STAFF, "researcher"),
    "POST /v1/tokens/{token_id}/lost": R(STAFF, "researcher"),
    # Decisions, audit, health
    "GET /v1/access/decision": R(STAFF, "service_client", query={"ident": "RESB", "action": "project_access", "project": "{number}"}),
    # Access history: the office, and the responsible person for their own institution's projects
    "GET /v1/access/history": R(STAFF, "responsible", query={"project": "{number}"}),
    "GET /v1/audit": R(STAFF),
    "GET /v1/audit/verify": R(STAFF),
    "GET /health": R(EVERYONE),
    "GET /health/ping": R(EVERYONE),
    # Projects (every scheme kind)
    "GET /v1/projects": R(USERS),
    "POST /v1/projects": R(STAFF, AT_101, body={"institution_id": "{institution_id}", "scheme": "researcher", "title": "New"}),
    "GET /v1/projects/{number}": R(STAFF, AT_101),
    "PATCH /v1/projects/{number}": R(ADMINISTRATORS, body={"deletion_date": "2040-01-01"}),
    "POST /v1/projects/{number}/deletion-approval": R(ADMINISTRATORS),
    "POST /v1/projects/{number}/members": R(STAFF, ADMINISTRATORS, "contact_person", body={"ident": "PDBM"}),
    "DELETE /v1/projects/{number}/members/{ident}": R(STAFF, ADMINISTRATORS, "contact_person", "researcher"),
    "PATCH /v1/projects/{number}/proposal": R(ADMINISTRATORS, "contact_person", body={"title": "Changed"}),
    "POST /v1/projects/{number}/proposals": R(ADMINISTRATORS, "contact_person", body={"title": "Again", "description": "More years",
                                                            "datasets": ["BEF"]}),
    "POST /v1/projects/{number}/transitions": R(STAFF, body={"to": "data_delivered"}),
    "GET /v1/projects/{number}/proposals/{version}/changes": R(STAFF, AT_101, params={"version": "1"}),
    # Editors of the proposal (the approved project's: 409 proposal_closed before the form is read).
    "POST /v1/projects/{number}/proposal/variable-description": R(ADMINISTRATORS, "contact_person"),
    # The signatory signs (409: the approved project's proposal is not sent for signature).
    "POST /v1/projects/{number}/proposal/signature": R("signatory"),
    # The project owner (STAF owns the approved project) sends the price quote.
    "POST /v1/projects/{number}/proposal/quotes": R("staff", body={"amount": "100", "valid_until": "2099-01-01"}),
    "GET /v1/proposals/approval-queue": R(HEAD_OF_DIVISION),
    # Project database
    "POST /v1/project-databases": R(STAFF, body={"institution_id": "{institution_id}", "manager_idents": ["PDBM"]}),
    "GET /v1/project-databases/{pdb_id}": R(STAFF, RESPONSIBLE, ADMINISTRATORS, "signatory"),
    "PUT /v1/project-databases/{pdb_id}/managers": R(STAFF, body={"manager_idents": ["PDBM", "ADMN"]}),
    "POST /v1/project-databases/{pdb_id}/sub-projects": R("pdb_manager", body={"title": "Sub", "datasets": ["BEF"]}),
    "GET /v1/project-databases/{pdb_id}/minimisation-report": R(STAFF, RESPONSIBLE, ADMINISTRATORS, "signatory"),
    "POST /v1/project-databases/{pdb_id}/extend": R(STAFF, body={"end_date": "2040-01-01"}),
    "POST /v1/project-databases/{pdb_id}/close": R(STAFF, body={"reason": "matrix"}),
    "PUT /v1/project-databases/{pdb_id}/responsible": R(STAFF, body={"ident": "STAF"}),
    "PUT /v1/project-databases/{pdb_id}/assessment": R(STAFF, body={"overlap": "large", "growth": "steady"}),
    "GET /v1/project-databases/{pdb_id}/datasets": R(STAFF, RESPONSIBLE, ADMINISTRATORS, "signatory"),
    "POST /v1/project-databases/{pdb_id}/datasets": R(STAFF, body={"datasets": ["AKM"], "agreement": "matrix"}),
    "POST /v1/project-databases/{pdb_id}/narrow": R(STAFF, body={"datasets": ["LPR"], "reason": "matrix"}),
    "POST /v1/project-databases/{pdb_id}/datasets/{code}/move-to-sub-project": R(
        STAFF, params={"code": "IDAP"}, body={"reason": "matrix"}),
    "GET /v1/project-databases/{pdb_id}/preview": R(STAFF, RESPONSIBLE, ADMINISTRATORS, "signatory",
                                                    query={"action": "narrow", "datasets": "LPR"}),
    # Authority scheme
    "POST /v1/authority-schemes": R(STAFF, body={"institution_id": "{institution_201}",
                                                 "purpose": {"topics": ["housing"], "registers": ["BEF"]}}),
    "GET /v1/authority-schemes/{scheme_id}": R(STAFF, "authority_admin"),
    "POST /v1/authority-schemes/{scheme_id}/purposes": R(STAFF, body={"topics": ["housing"], "registers": ["BOL"]}),
    "POST /v1/authority-schemes/{scheme_id}/agreement": R(STAFF, body={"state": "terminated", "reason": "matrix"}),
    "POST /v1/authority-schemes/{scheme_id}/needs": R(STAFF, "authority_admin", body={"description": "matrix"}),
    "POST /v1/authority-schemes/{scheme_id}/deliveries": R(STAFF, body={"description": "matrix", "registers": ["BEF"]}),
    "POST /v1/authority-schemes/{scheme_id}/members": R(STAFF, "authority_admin", body={"ident": "AUSB"}),
    "POST /v1/authority-schemes/{scheme_id}/members/{ident}/approve": R(STAFF, params={"ident": "AUAN"}),
    "DELETE /v1/authority-schemes/{scheme_id}/members/{ident}": R(STAFF, "authority_admin", params={"ident": "AUAN"}),
    # Law model
    "GET /v1/law-model": R(STAFF),
    "POST /v1/law-model": R(STAFF, body={"institution_id": "{institution_301}"}),
    "POST /v1/law-model/members": R(STAFF, body={"ident": "LAWS"}),
    "DELETE /v1/law-model/members/{ident}": R(STAFF, params={"ident": "LAWM"}),
    # The register catalogue: read by anyone (public), maintained by Research Services
    "GET /v1/registers": R(EVERYONE, query={"q": "indkomst"}),
    "GET /v1/registers/{code}": R(EVERYONE, params={"code": "BEF"}),
    # Commissioned statistics: a customer (the contact person RESA) and Research Services; the
    # world has one delivered commission of RESA's (tests/commission_helpers.py).
    "GET /v1/commissions": R(USERS),
    "POST /v1/commissions": R(USERS, body={"title": "T", "description": "D", "population": "total",
                                           "registers": [{"code": "BEF", "variables": ["KOEN"]}]}),
    "GET /v1/commissions/{commission_id}": R(STAFF, "contact_person"),
    "POST /v1/commissions/{commission_id}/withdraw": R(STAFF, "contact_person"),
    "POST /v1/commissions/{commission_id}/clarification": R(STAFF, body={"clarification_hours": 1,
                                                                         "consultant": "STAF"}),
    "POST /v1/commissions/{commission_id}/quotations": R(STAFF, body={"kind": "fixed_price", "hours": 1,
                                                                      "tables": ["A"]}),
    "POST /v1/commissions/{commission_id}/quotations/{version}/accept": R("contact_person", body={"statement": "Yes"},
                                                                          params={"version": "1"}),
    "POST /v1/commissions/{commission_id}/contract": R(STAFF, body={"reference": "K-1"}),
    "POST /v1/commissions/{commission_id}/production": R(STAFF),
    "POST /v1/commissions/{commission_id}/time": R(STAFF, body={"task": "tests", "minutes": 5}),
    "POST /v1/commissions/{commission_id}/deliveries": R(STAFF, body={"documentation": "D", "tables": [
        {"name": "t", "content": "a;n\nx;5\ny;6\n", "count": "n"}]}),
    "GET /v1/commissions/{commission_id}/deliveries/{delivery}/files/{name}": R(STAFF, "contact_person", params={
        "delivery": "1", "name": "t"}),
    "POST /v1/commissions/{commission_id}/advice": R(STAFF, body={"minutes": 5}),
    "POST /v1/commissions/{commission_id}/errors": R(STAFF, "contact_person", body={"description": "Wrong"}),
    "POST /v1/commissions/{commission_id}/customer-data": R("contact_person", body={"name": "p", "content": "x"}),
    "GET /v1/commissions/{commission_id}/deliveries/{delivery}/documentation": R(STAFF, "contact_person",
                                                                                 params={"delivery": "1"}),
    "POST /v1/commissions/{commission_id}/sub-invoices": R(STAFF),  # 409: the world's commission is delivered
    # A customer without a BOA user: anyone may send a request (limited); the commission is reached
    # only with its link's secret, which no role of the world holds (RESA's commission has a user): 404.
    "POST /v1/commission-requests": R(EVERYONE, body={"name": "Guest", "contact_email": "guest@example.org",
                                                      "title": "T", "description": "D",
                                                      "registers": [{"code": "BEF", "variables": ["KOEN"]}]}),
    "GET /v1/commission-links/{commission_id}": R(headers=LINK),
    "POST /v1/commission-links/{commission_id}/confirm": R(headers=LINK),
    "POST /v1/commission-links/{commission_id}/quotations/{version}/accept": R(
        body={"statement": "Yes"}, params={"version": "1"}, headers=LINK),
    "POST /v1/commission-links/{commission_id}/errors": R(body={"description": "Wrong"}, headers=LINK),
    "GET /v1/commission-links/{commission_id}/deliveries/{delivery}/files/{name}": R(
        params={"delivery": "1", "name": "t"}, headers=LINK),
    "GET /v1/commission-links/{commission_id}/deliveries/{delivery}/documentation": R(
        params={"delivery": "1"}, headers=LINK),
    "POST /v1/registers": R(STAFF, body={"code": "MATRIX", "name_da": "Matrix", "name_en": "Matrix", "first_year": 2020,
                                         "frequency": "yearly"}),
    "PATCH /v1/registers/{code}": R(STAFF, body={"name_en": "Population (matrix)"}, params={"code": "BEF"}),
    "POST /v1/registers/{code}/close": R(STAFF, body={"last_year": 2024}, params={"code": "BEF"}),
    "POST /v1/registers/{code}/release": R(STAFF, params={"code": "ELFORBRUG"}),
    "POST /v1/registers/{code}/variables": R(STAFF, body={"name": "MATRIX", "label_da": "Matrix", "label_en": "Matrix"},
                                             params={"code": "BEF"}),
    "PATCH /v1/registers/{code}/variables/{name}": R(STAFF, body={"label_en": "Sex (matrix)"},
                                                     params={"code": "BEF", "name": "KOEN"}),
    # The OpenAPI document
    "GET /schema": R(EVERYONE),
    "GET /schema/openapi.json": R(EVERYONE),
    "GET /schema/{path}": R(),  # Litestar's answer for unknown schema paths: 404 to all
    "GET /schema/reference": R(EVERYONE),
    # Transfer gate: the researcher (RESB) uploaded and transferred a flagged table to the approved project
    "POST /v1/transfers": R("contact_person", "researcher", form={"project": "{number}"}, files=[("a.txt", "x;y\n1;2\n")]),
    "GET /v1/transfers": R(STAFF, "contact_person", "researcher", query={"project": "{number}"}),
    "GET /v1/transfers/{transfer_id}": R(STAFF, "contact_person", "researcher"),
    "PUT /v1/transfers/{transfer_id}/files/{file_id}/note": R("researcher", body={"text": "matrix"}),
    "POST /v1/transfers/{transfer_id}/submit": R("researcher", body={"approve": True}),
    "POST /v1/transfers/{transfer_id}/files/{file_id}/protect": R("researcher", body={"method": "suppress"}),
    "GET /v1/transfers/{transfer_id}/files/{file_id}/preview": R("researcher"),
    "GET /v1/transfers/{transfer_id}/files/{file_id}/content": R(STAFF, "contact_person", "researcher"),
    "DELETE /v1/transfers/{transfer_id}/files/{file_id}": R(STAFF, "contact_person", "researcher"),
    # Changing an open transfer: the owner only (the sample transfer is submitted: 409 for RESB)
    "POST /v1/transfers/{transfer_id}/files": R("researcher", form={}, files=[("c.txt", "x;y\n1;2\n")]),
    "DELETE /v1/transfers/{transfer_id}": R("researcher"),
    "GET /v1/review/queue": R(SANCTIONS),
    "GET /v1/review/files/{file_id}": R(SANCTIONS),
    "POST /v1/review/files/{file_id}": R(SANCTIONS, body={"outcome": "ok", "comment": "matrix"}),
    # Sanctions: an open case about MTRX (a user of institution 101) with its suspension lock
    "POST /v1/breaches": R(SANCTIONS, body={"ident": "MTRX", "kind": "other", "description": "matrix",
                                            "occurred_at": "2026-01-01T00:00:00Z", "scheme": "researcher",
                                            "institution_id": "{institution_id}"}),
    "GET /v1/breaches": R(USERS),
    "GET /v1/breaches/{case_id}": R(STAFF, RESPONSIBLE),
    "POST /v1/breaches/{case_id}/report": R(RESPONSIBLE, body={
        "report": "matrix", "plan": "matrix", "scope": "matrix", "current_rules": "matrix", "actions_taken": "matrix",
        "user_consequences": "matrix", "measures": [{"what": "m", "who": "m", "when": "m", "target_group": "m"}]}),
    "POST /v1/breaches/{case_id}/report-assessment": R(SANCTIONS, body={"adequate": True}),
    "POST /v1/breaches/{case_id}/attachments": R(RESPONSIBLE, files=[("minutes.pdf", "not a pdf")]),
    "GET /v1/breaches/{case_id}/attachments/{attachment_id}/content": R(params={"attachment_id": "424242"}),
    "GET /v1/breaches/{case_id}/sanction-preview": R(SANCTIONS, DECIDER, query={"severity": "minor"}),
    "POST /v1/breaches/{case_id}/preparation": R(SANCTIONS, body={"severity": "minor", "conscious": False,
                                                                  "self_detected": False, "note": "matrix"}),
    "POST /v1/breaches/{case_id}/decision": R(DECIDER, body={"severity": "minor"}),
    "POST /v1/breaches/{case_id}/dismiss": R(SANCTIONS, body={"comment": "matrix"}),
    "GET /v1/locks": R(STAFF),
    "POST /v1/locks/{lock_id}/lift": R(SANCTIONS, body={"comment": "matrix"}),
    # Reports and lists for the office
    "GET /v1/reports/active-projects": R(STAFF),
    "GET /v1/user-requests": R(STAFF),
    # Admin pages (the same services decide; a denied page is 403/404 or a redirect to /login).
    # Form posts without a CSRF token are refused for a cookie session; these calls use Bearer.
    "GET /login": R(EVERYONE),
    "GET /activate": R(EVERYONE),
    "POST /activate": R(),  # public, but needs the form's CSRF token (double submit): a bare post is refused
    "GET /activate/second-factor": R(EVERYONE),
    "POST /activate/app": R(),  # public, but needs the form's CSRF token (double submit): a bare post is refused
    "POST /activate/sms": R(),  # public, but needs the form's CSRF token (double submit): a bare post is refused
    "POST /activate/confirm": R(),  # public, but needs the form's CSRF token (double submit): a bare post is refused
    "GET /confirm-email": R(EVERYONE),
    "POST /confirm-email": R(),  # public, but needs the form's CSRF token (double submit): a bare post is refused
    "POST /login": R(),  # needs the login form's CSRF token: a bare post is refused for everybody
    "GET /login/code": R(),  # only inside a started login (challenge cookie)
    "POST /login/code": R(),
    "POST /language": R(),  # CSRF token of the page required
    "POST /logout": R(),  # CSRF token of the page required
    "GET /static/{file_path}": R(EVERYONE),
    "GET /": R(USERS),
    "GET /me": R(USERS),
    "POST /me": R(USERS, form={"email": "changed@demo.boa.example"}),
    "GET /me/projects": R(USERS),
    "GET /me/token": R(USERS),
    "POST /me/token/sms": R(USERS, form={"mobile": "+4512345678"}),
    "POST /me/token/app": R(USERS, form={}),
    "GET /me/verify": R(USERS),
    "POST /me/token/physical": R(USERS, form={}),
    "POST /me/token/{token_id}/activate": R(STAFF, "researcher", form={"code": "123456"}),
    # Onboarding pages: the same certification attempt as above (RESB's, open)
    "GET /me/user-agreement": R(USERS),
    "POST /me/user-agreement": R(USERS, form={"version": "1"}),
    "GET /me/certification": R(USERS),
    "POST /me/certification": R(USERS),
    "GET /me/certification/{attempt_id}": R("researcher"),
    "POST /me/certification/{attempt_id}": R("researcher", form={}),
    # Transfer pages: the same transfer as above (RESB's, transferred)
    "GET /me/transfers": R(USERS),
    "POST /me/transfers": R("contact_person", "researcher", form={"project": "{number}"}, files=[("b.txt", "x;y\n1;2\n")]),
    "GET /me/transfers/{transfer_id}": R("researcher"),
    "POST /me/transfers/{transfer_id}/notes": R("researcher", form={}),
    "POST /me/transfers/{transfer_id}/submit": R("researcher", form={"approve": "yes"}),
    "POST /me/transfers/{transfer_id}/files/{file_id}/protect": R("researcher", form={"method": "suppress"}),
    "POST /me/transfers/{transfer_id}/files": R("researcher", form={}, files=[("d.txt", "x;y\n1;2\n")]),
    "POST /me/transfers/{transfer_id}/files/{file_id}/remove": R("researcher", form={}),
    "GET /me/transfers/{transfer_id}/discard": R("researcher"),
    "POST /me/transfers/{transfer_id}/discard": R("researcher", form={}),
    "GET /projects/{number}/results": R(STAFF, "contact_person", "researcher"),
    "GET /transfers/{transfer_id}/files/{file_id}/content": R(STAFF, "contact_person", "researcher"),
    "GET /transfers/{transfer_id}/files/{file_id}/delete": R(STAFF, "contact_person", "researcher"),
    "POST /transfers/{transfer_id}/files/{file_id}/delete": R(STAFF, "contact_person", "researcher", form={}),
    "GET /institutions/{institution_id}": R(STAFF, AT_101),
    "GET /institutions/{institution_id}/users": R(STAFF, RESPONSIBLE, ADMINISTRATORS, "signatory"),
    "GET /institutions/{institution_id}/associations": R(STAFF, RESPONSIBLE, ADMINISTRATORS, "signatory"),
    "POST /institutions/{institution_id}/associations": R(ADMINISTRATORS, form={"ident": "LAWM"}),
    "GET /institutions/{institution_id}/roles": R(STAFF, AT_101),
    "POST /institutions/{institution_id}/roles": R(RESPONSIBLE, STAFF, form={"ident": "RESB", "role": "signatory"}),
    "POST /institutions/{institution_id}/roles/remove": R(RESPONSIBLE, STAFF, form={"ident": "SIGN", "role": "signatory"}),
    "GET /institutions/{institution_id}/user-requests": R(STAFF, ADMINISTRATORS),
    "POST /institutions/{institution_id}/user-requests": R(ADMINISTRATORS, form={
        "name": "Another Person", "email": "another@demo.boa.example"}),
    "GET /institutions/{institution_id}/projects": R(STAFF, AT_101),
    "POST /associations/{association_id}/approve": R(RESPONSIBLE),
    "POST /associations/{association_id}/refuse": R(RESPONSIBLE, form={"comment": "matrix"}),
    "GET /associations/{association_id}/end": R(RESPONSIBLE, ADMINISTRATORS),
    "POST /associations/{association_id}/end": R(RESPONSIBLE, ADMINISTRATORS),
    "GET /projects/{number}": R(STAFF, AT_101),
    "POST /projects/{number}/transitions": R(STAFF, form={"to": "data_delivered"}),
    # The proposal's pages: its editors (the approved project's proposal: 409 proposal_closed), the
    # signatory (409: not sent for signature), the project owner (STAF), the Head of Division's queue.
    "GET /projects/{number}/proposal": R(ADMINISTRATORS, "contact_person"),
    "POST /projects/{number}/proposal": R(ADMINISTRATORS, "contact_person", form={"title": "Changed"}),
    "POST /projects/{number}/proposal/registers": R(ADMINISTRATORS, "contact_person", form={"code": "BEF"}),
    "POST /projects/{number}/proposal/registers/{code}": R(ADMINISTRATORS, "contact_person", params={"code": "BEF"},
                                                           form={"action": "remove"}),
    "POST /projects/{number}/proposal/variable-description": R(ADMINISTRATORS, "contact_person", form={}),
    "POST /projects/{number}/proposal/external-data/remove": R(ADMINISTRATORS, "contact_person", form={}),
    "POST /projects/{number}/proposal/signature": R("signatory", form={}),
    "POST /projects/{number}/proposal/quotes": R("staff", form={"amount": "100", "valid_until": "2099-01-01"}),
    "GET /me/projects/new": R(USERS),
    "POST /me/projects/new": R(STAFF, AT_101, form={"institution_id": "{institution_id}", "title": "New"}),
    "GET /staff/approvals": R(HEAD_OF_DIVISION),
    "POST /projects/{number}/deletion-date": R(ADMINISTRATORS, form={"deletion_date": "2040-01-01"}),
    "GET /projects/{number}/deletion-approval": R(ADMINISTRATORS),
    "POST /projects/{number}/deletion-approval": R(ADMINISTRATORS),
    "GET /project-databases/{pdb_id}": R(STAFF, RESPONSIBLE, ADMINISTRATORS, "signatory"),
    "POST /project-databases/{pdb_id}/sub-projects": R("pdb_manager", form={"title": "Sub", "datasets": "BEF"}),
    "GET /project-databases/{pdb_id}/extend": R(STAFF, query={"end_date": "2040-01-01"}),
    "POST /project-databases/{pdb_id}/extend": R(STAFF, form={"end_date": "2040-01-01"}),
    "POST /project-databases/{pdb_id}/datasets": R(STAFF, form={"datasets": "AKM", "agreement": "matrix"}),
    "GET /project-databases/{pdb_id}/narrow": R(STAFF, RESPONSIBLE, ADMINISTRATORS, "signatory",
                                                query={"datasets": "LPR", "reason": "matrix"}),
    "POST /project-databases/{pdb_id}/narrow": R(STAFF, form={"datasets": "LPR", "reason": "matrix"}),
    "POST /project-databases/{pdb_id}/datasets/{code}/move": R(STAFF, params={"code": "IDAP"},
                                                                form={"reason": "matrix"}),
    "POST /project-databases/{pdb_id}/responsible": R(STAFF, form={"ident": "STAF"}),
    "POST /project-databases/{pdb_id}/assessment": R(STAFF, form={"overlap": "large", "growth": "steady"}),
    "GET /authority-schemes/{scheme_id}": R(STAFF, "authority_admin"),
    "POST /authority-schemes/{scheme_id}/agreement": R(STAFF, form={"state": "terminated", "reason": "matrix"}),
    "POST /authority-schemes/{scheme_id}/purposes": R(STAFF, form={"topics": "housing", "registers": "BOL"}),
    "POST /authority-schemes/{scheme_id}/needs": R(STAFF, "authority_admin", form={"description": "matrix"}),
    "POST /authority-schemes/{scheme_id}/deliveries": R(STAFF, form={"description": "matrix", "registers": "BEF"}),
    "GET /staff/institutions": R(STAFF),
    "POST /staff/institutions": R(STAFF, form={"name": "New U", "authorisation_number": "999", "kind": "university"}),
    "POST /staff/institutions/{institution_id}/agreements": R(STAFF, form={}),
    "GET /staff/agreements/{agreement_id}/terminate": R(STAFF),
    "POST /staff/agreements/{agreement_id}/terminate": R(STAFF, form={"reason": "matrix"}),
    "GET /staff/users": R(STAFF),
    "POST /staff/users": R(STAFF, form={"name": "New Person", "email": "new@demo.boa.example"}),
    "GET /staff/user-requests": R(STAFF),
    "POST /staff/user-requests/{request_id}/{decision}": R(STAFF),
    "GET /staff/proposals": R(STAFF),
    "GET /staff/audit": R(STAFF),
    "GET /staff/audit/export.csv": R(STAFF),
    "GET /staff/reports/active-projects": R(STAFF),
    "GET /staff/access-history": R(STAFF, query={"project": "{number}"}),
    "GET /access-history": R(STAFF, "responsible", query={"project": "{number}"}),
    # Sanctions pages (the open MTRX case above; a decision or an assessment waits for the report: 409)
    # Register catalogue pages: public to read, Research Services maintain
    "GET /commissions": R(USERS),
    "POST /commissions": R(USERS, form={"title": "T", "description": "D", "population": "total", "register": "BEF",
                                        "variables": "KOEN"}),
    "GET /commissions/{commission_id}": R(STAFF, "contact_person"),
    "GET /commissions/{commission_id}/deliveries/{delivery}/files/{name}": R(STAFF, "contact_person", params={
        "delivery": "1", "name": "t"}),
    "GET /commissions/{commission_id}/deliveries/{delivery}/documentation": R(STAFF, "contact_person",
                                                                              params={"delivery": "1"}),
    "GET /commission-request": R(EVERYONE),
    "POST /commission-request": R(),  # public, but needs the form's CSRF token (double submit)
    "GET /follow/{commission_id}/{secret}": R(params={"secret": "not-the-secret"}),
    "POST /follow/{commission_id}/{secret}/{step}": R(params={"secret": "not-the-secret", "step": "confirm"}),
    "GET /follow/{commission_id}/{secret}/deliveries/{delivery}/files/{name}": R(params={
        "secret": "not-the-secret", "delivery": "1", "name": "t"}),
    "GET /follow/{commission_id}/{secret}/deliveries/{delivery}/documentation": R(params={
        "secret": "not-the-secret", "delivery": "1"}),
    "POST /commissions/{commission_id}/{step}": R(STAFF, form={"task": "tests", "minutes": "5"},
                                                  params={"step": "time"}),
    "GET /registers": R(EVERYONE, query={"q": "bef"}),
    "GET /accessibility": R(EVERYONE),
    "GET /registers/{code}": R(EVERYONE, params={"code": "BEF"}),
    "GET /staff/registers": R(STAFF),
    "POST /staff/registers": R(STAFF, form={"code": "MATRIX", "name_da": "Matrix", "name_en": "Matrix",
                                            "first_year": "2020", "frequency": "yearly"}),
    "GET /staff/registers/{code}": R(STAFF, params={"code": "BEF"}),
    "POST /staff/registers/{code}": R(STAFF, form={"name_da": "Befolkningen", "name_en": "Population",
                                                   "first_year": "1986", "frequency": "quarterly"}, params={"code": "BEF"}),
    "POST /staff/registers/{code}/release": R(STAFF, form={}, params={"code": "ELFORBRUG"}),
    "GET /staff/registers/{code}/close": R(STAFF, query={"last_year": "2024"}, params={"code": "BEF"}),
    "POST /staff/registers/{code}/close": R(STAFF, form={"last_year": "2024"}, params={"code": "BEF"}),
    "POST /staff/registers/{code}/variables": R(STAFF, form={"name": "MATRIX", "label_da": "Matrix", "label_en": "Matrix"},
                                                params={"code": "BEF"}),
    "POST /staff/registers/{code}/variables/{name}": R(STAFF, form={"label_da": "Køn", "label_en": "Sex"},
                                                       params={"code": "BEF", "name": "KOEN"}),
    "GET /staff/breaches": R(STAFF),
    "POST /staff/breaches": R(SANCTIONS, form={"ident": "MTRX", "kind": "other", "description": "matrix",
                                               "occurred_at": "2026-01-01T00:00", "scheme": "researcher",
                                               "institution_id": "{institution_id}"}),
    "GET /staff/breaches/{case_id}": R(STAFF),
    "POST /staff/breaches/{case_id}/assessment": R(SANCTIONS, form={"adequate": "yes"}),
    "POST /staff/breaches/{case_id}/preparation": R(SANCTIONS, form={"severity": "minor", "note": "matrix"}),
    "POST /staff/breaches/{case_id}/decision": R(DECIDER, form={"severity": "minor"}),
    "POST /staff/breaches/{case_id}/dismiss": R(SANCTIONS, form={"comment": "matrix"}),
    "GET /staff/locks": R(STAFF),
    "GET /staff/locks/{lock_id}/lift": R(SANCTIONS),
    "POST /staff/locks/{lock_id}/lift": R(SANCTIONS, form={"comment": "matrix"}),
    "GET /breaches": R(USERS),
    "GET /breaches/{case_id}": R(STAFF, RESPONSIBLE),
    "POST /breaches/{case_id}/report": R(RESPONSIBLE, form={
        "report": "matrix", "plan": "matrix", "scope": "matrix", "current_rules": "matrix", "actions_taken": "matrix",
        "user_consequences": "matrix", "measure_what_1": "m", "measure_who_1": "m", "measure_when_1": "m",
        "measure_target_group_1": "m"}),
    "POST /breaches/{case_id}/attachments": R(RESPONSIBLE, files=[("minutes.pdf", "not a pdf")]),
    "GET /breaches/{case_id}/attachments/{attachment_id}": R(params={"attachment_id": "424242"}),
    "GET /staff/review": R(SANCTIONS),
    "GET /staff/review/{file_id}": R(SANCTIONS),
    "POST /staff/review/{file_id}": R(SANCTIONS, form={"outcome": "ok"}),
}
