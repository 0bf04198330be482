"""Schemes → JSON (ids and project numbers are strings)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel.clock import iso as ts
from boa.people.models import User
from schemes.authority.models import AuthorityScheme, PurposeDescription
from schemes.project_database.models import ProjectDatabase
from schemes.projects.models import Project, ProjectMember
from schemes.researcher.models import Proposal


async def idents(session: AsyncSession, ids: list[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return dict((await session.execute(select(User.id, User.ident).where(User.id.in_(wanted)))).all())


def _date(value) -> str | None:  # type: ignore[no-untyped-def]
    return value.isoformat() if value is not None else None


async def project(session: AsyncSession, p: Project, *, full: bool = False) -> dict[str, Any]:
    who = await idents(session, [p.contact_person_id, p.owner_id])
    out: dict[str, Any] = {
        "number": str(p.number), "id": str(p.id), "institution_id": str(p.institution_id), "scheme": p.scheme,
        "kind": p.kind, "billed_as": p.billed_as, "title": p.title, "state": p.state,
        "approved": p.approved_at is not None, "contact_person": who.get(p.contact_person_id or 0),
        "project_owner": who.get(p.owner_id or 0), "datasets": list(p.datasets or []),
        "end_date": _date(p.end_date), "deletion_date": _date(p.deletion_date), "deleted": p.deleted,
        "deletion_approved_at": ts(p.deletion_approved_at), "closed_at": ts(p.closed_at),
        "created_at": ts(p.created_at)}
    if full:
        rows = (await session.execute(select(ProjectMember, User.ident).join(User, User.id == ProjectMember.user_id)
                                      .where(ProjectMember.project_id == p.id).order_by(User.ident))).all()
        out["members"] = [member(m, ident) for m, ident in rows]
        proposals = await session.scalars(select(Proposal).where(Proposal.project_id == p.id).order_by(Proposal.version))
        out["proposals"] = [await proposal(session, x) for x in proposals]
    return out


def member(m: ProjectMember, ident: str) -> dict[str, Any]:
    return {"ident": ident, "state": m.state, "activated_at": ts(m.activated_at), "ended_at": ts(m.ended_at),
            "ended_reason": m.ended_reason}


async def proposal(session: AsyncSession, x: Proposal) -> dict[str, Any]:
    who = await idents(session, [x.office_signed_by_id, x.signatory_id])
    return {"version": x.version, "state": x.state, "valid": x.valid, "title": x.title,
            "description": x.description, "datasets": list(x.datasets or []), "details": x.details or {},
            "office_signed_by": who.get(x.office_signed_by_id or 0), "office_signed_at": ts(x.office_signed_at),
            "signatory": who.get(x.signatory_id or 0), "signed_at": ts(x.signed_at), "comment": x.last_comment}


async def project_database(session: AsyncSession, pdb: ProjectDatabase, managers: list[int],
                           main: Project | None, subs: list[Project]) -> dict[str, Any]:
    who = await idents(session, list(managers))
    return {"id": str(pdb.id), "institution_id": str(pdb.institution_id), "state": pdb.state,
            "datasets": list(pdb.datasets or []), "end_date": _date(pdb.end_date), "closed_at": ts(pdb.closed_at),
            "managers": [who[m] for m in managers], "main_project": str(main.number) if main else None,
            "sub_projects": [{"number": str(s.number), "title": s.title, "state": s.state,
                              "datasets": list(s.datasets or [])} for s in subs]}


def purpose(x: PurposeDescription) -> dict[str, Any]:
    return {"version": x.version, "topics": list(x.topics), "registers": list(x.registers),
            "link_own_data": x.link_own_data, "valid_from": _date(x.valid_from), "valid_until": _date(x.valid_until)}


def authority_scheme(s: AuthorityScheme, project_row: Project, purposes: list[PurposeDescription],
                     current: PurposeDescription | None, members: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": str(s.id), "institution_id": str(s.institution_id), "project": str(project_row.number),
            "purpose": purpose(current) if current else None, "purposes": [purpose(p) for p in purposes],
            "members": members}


async def members_of(session: AsyncSession, project_id: int) -> list[dict[str, Any]]:
    rows = (await session.execute(select(ProjectMember, User.ident).join(User, User.id == ProjectMember.user_id)
                                  .where(ProjectMember.project_id == project_id).order_by(User.ident))).all()
    return [member(m, ident) for m, ident in rows]
