"""A project database's datasets change (SPEC 3.2, seed 003): register codes from the catalogue,
added by agreement and narrowed (removed), each change a new version (``DatasetVersion``) and an
audit row; a dataset one sub-project alone uses is moved to that sub-project's own order. Before
an end date, a closing or a narrowing, :func:`preview` shows the sub-projects, datasets and users
it affects; a narrowing away a dataset a live sub-project uses is refused naming them."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.errors import BoaError, PermissionDenied, ValidationFailed
from boa.people.models import User
from schemes.project_database import rules
from schemes.project_database.models import DatasetVersion, ProjectDatabase
from schemes.project_database.presenters import (
    AffectedSubProject,
    ChangePreview,
    DatasetsView,
    DatasetUse,
    dataset_version,
)
from schemes.project_database.service import (
    clean,
    manager_ids,
    open_for_change,
    record_version,
    sub_projects,
    visible,
)
from schemes.projects.models import Project, ProjectMember
from schemes.projects.states import OPEN_STATES

ACTIONS = ("narrow", "close", "end_date")


async def own_orders(session: AsyncSession, pdb: ProjectDatabase) -> dict[int, set[str]]:
    """The datasets each sub-project (by id) orders itself, moved out of the project database."""
    moved: dict[int, set[str]] = defaultdict(set)
    for sub_id, removed in (await session.execute(select(DatasetVersion.sub_project_id, DatasetVersion.removed).where(
            DatasetVersion.project_database_id == pdb.id, DatasetVersion.change == "moved"))).all():
        if sub_id is not None:
            moved[sub_id].update(removed)
    return moved


def _live(p: Project) -> bool:
    return not p.deleted and p.closed_at is None


async def _usage(session: AsyncSession, pdb: ProjectDatabase) -> tuple[list[Project], dict[str, list[str]]]:
    """The live sub-projects and, per dataset of the project database, the numbers of those using it
    from the project database (not their own orders)."""
    subs = [p for p in await sub_projects(session, pdb) if _live(p)]
    moved = await own_orders(session, pdb)
    used = {str(p.number): [d for d in p.datasets or [] if d not in moved.get(p.id, set())] for p in subs}
    return subs, rules.usage(pdb.datasets, used)


async def _set_datasets(session: AsyncSession, pdb: ProjectDatabase, datasets: list[str]) -> None:
    pdb.datasets = datasets
    if pdb.main_project_id:  # the main project holds the project database's data
        main = await session.get_one(Project, pdb.main_project_id)
        main.datasets = list(datasets)


def _staff(actor: Actor, what: str) -> None:
    if not actor.is_staff:
        raise PermissionDenied(f"Research Services {what}.")


async def add(session: AsyncSession, *, actor: Actor, pdb_id: str, datasets: list[str],
              agreement: str) -> DatasetVersion:
    """Datasets added by agreement with Research Services."""
    _staff(actor, "adds datasets to a project database (by agreement)")
    pdb = await visible(session, actor, pdb_id, lock=True)
    open_for_change(pdb)
    wanted = await clean(session, datasets)
    rules.check_addition(pdb.datasets, wanted)
    await _set_datasets(session, pdb, [*pdb.datasets, *wanted])
    version = await record_version(session, actor=actor, pdb=pdb, change="added", added=wanted, reason=agreement)
    await audit.record(session, actor=actor.label, action=AuditAction.PROJECT_DATABASE_DATASETS_ADD,
                       subject=f"project_database:{pdb.id}", reason=agreement,
                       after={"version": version.version, "added": wanted, "datasets": pdb.datasets})
    return version


async def narrow(session: AsyncSession, *, actor: Actor, pdb_id: str, datasets: list[str],
                 reason: str) -> DatasetVersion:
    """Datasets removed; one a live sub-project uses is refused (409 ``dataset_in_use``, naming them)."""
    _staff(actor, "narrows a project database")
    pdb = await visible(session, actor, pdb_id, lock=True)
    open_for_change(pdb)
    wanted = await clean(session, datasets)
    _, used_by = await _usage(session, pdb)
    rules.check_narrowing(pdb.datasets, wanted, used_by)
    await _set_datasets(session, pdb, [d for d in pdb.datasets if d not in wanted])
    version = await record_version(session, actor=actor, pdb=pdb, change="narrowed", removed=wanted, reason=reason)
    await audit.record(session, actor=actor.label, action=AuditAction.PROJECT_DATABASE_NARROW,
                       subject=f"project_database:{pdb.id}", reason=reason,
                       after={"version": version.version, "removed": wanted, "datasets": pdb.datasets})
    return version


async def move_to_sub_project(session: AsyncSession, *, actor: Actor, pdb_id: str, dataset: str,
                              reason: str) -> DatasetVersion:
    """A dataset one live sub-project alone uses leaves the project database and becomes that
    sub-project's own order (data minimisation, seed 003)."""
    _staff(actor, "moves a dataset to a sub-project's own order")
    pdb = await visible(session, actor, pdb_id, lock=True)
    open_for_change(pdb)
    (code,) = await clean(session, [dataset])
    subs, used_by = await _usage(session, pdb)
    number = rules.check_move(pdb.datasets, code, used_by)
    sub = next(p for p in subs if str(p.number) == number)
    await _set_datasets(session, pdb, [d for d in pdb.datasets if d != code])
    version = await record_version(session, actor=actor, pdb=pdb, change="moved", removed=[code], reason=reason,
                                   sub_project_id=sub.id)
    await audit.record(session, actor=actor.label, action=AuditAction.PROJECT_DATABASE_MOVE,
                       subject=f"project_database:{pdb.id}", reason=reason,
                       after={"version": version.version, "dataset": code, "sub_project": number,
                              "datasets": pdb.datasets})
    return version


async def history(session: AsyncSession, *, actor: Actor, pdb_id: str) -> DatasetsView:
    pdb = await visible(session, actor, pdb_id)
    versions = list(await session.scalars(select(DatasetVersion).where(
        DatasetVersion.project_database_id == pdb.id).order_by(DatasetVersion.version)))
    subs = await sub_projects(session, pdb)
    numbers = {p.id: str(p.number) for p in subs}
    _, used_by = await _usage(session, pdb)
    moved = await own_orders(session, pdb)
    return DatasetsView(project_database_id=str(pdb.id), version=versions[-1].version if versions else 0,
                        datasets=[DatasetUse(d, used_by.get(d, [])) for d in pdb.datasets],
                        own_orders={numbers[i]: sorted(c) for i, c in moved.items() if i in numbers},
                        versions=[dataset_version(v, numbers) for v in versions])


async def _members(session: AsyncSession, project_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    if project_ids:
        for pid, ident in (await session.execute(select(ProjectMember.project_id, User.ident).join(
                User, User.id == ProjectMember.user_id).where(
                ProjectMember.project_id.in_(project_ids), ProjectMember.state.in_(OPEN_STATES))
                .order_by(User.ident))).all():
            found[pid].append(ident)
    return found


async def preview(session: AsyncSession, *, actor: Actor, pdb_id: str, action: str, datasets: list[str] | None = None,
                  end_date: date | None = None) -> ChangePreview:
    """What an end date (``end_date``), a closing (``close``) or a narrowing (``narrow`` with
    ``datasets``) would affect: the sub-projects, the datasets and the users (the managers and the
    sub-projects' members). Nothing changes; the refusal the change would meet is named."""
    pdb = await visible(session, actor, pdb_id)
    if action not in ACTIONS:
        raise ValidationFailed(f"Preview one of: {', '.join(ACTIONS)}.", field="action", code="unknown_action")
    subs, used_by = await _usage(session, pdb)
    refused: str | None = None
    try:
        open_for_change(pdb)
    except BoaError as exc:
        refused = exc.code
    if action == "narrow":
        wanted = await clean(session, datasets or [])
        try:
            rules.check_removal(pdb.datasets, wanted)
        except BoaError as exc:
            refused = refused or exc.code
        blocked = rules.blocking(wanted, used_by)
        if blocked and refused is None:
            refused = "dataset_in_use"
        hit = {n for numbers in blocked.values() for n in numbers}
        affected = [p for p in subs if str(p.number) in hit]
        shown = wanted
    else:
        if action == "end_date":
            if end_date is None:
                raise ValidationFailed("Give the end date to preview.", field="end_date", code="end_date_required")
            try:
                rules.check_extension(pdb.end_date, end_date)
            except BoaError as exc:
                refused = refused or exc.code
        affected, shown = subs, list(pdb.datasets)
    members = await _members(session, [p.id for p in affected])
    who = await session.execute(select(User.id, User.ident).where(User.id.in_(await manager_ids(session, pdb))))
    users = sorted({*(ident for _, ident in who.all()), *(i for p in affected for i in members[p.id])})
    return ChangePreview(action=action, datasets=shown, users=users, refused=refused,
                         end_date=end_date.isoformat() if end_date else None,
                         sub_projects=[AffectedSubProject(str(p.number), p.title,
                                                          [d for d in p.datasets or [] if d in shown],
                                                          members[p.id]) for p in affected])
