"""The API's answers about schemes and projects beyond the shapes :mod:`schemes.presenters`
defines (which both faces show): the API's additions to them and its own answers."""

from __future__ import annotations

import msgspec

from schemes.presenters import MemberView, ProjectView


class ProjectDetail(ProjectView, kw_only=True):
    """One project in full, with the caller's roles and the states the caller may move it to."""

    my_roles: list[str]
    next_states: list[str]


class ProjectMemberView(MemberView, kw_only=True):
    project: str


class TransitionView(msgspec.Struct):
    number: str
    state: str
    version: int
    project_owner: str | None
    approved: bool


class DatasetUse(msgspec.Struct, kw_only=True):
    dataset: str
    sub_projects: list[str]
    count: int
    ok: bool


class Violation(DatasetUse, kw_only=True):
    advice: str


class MinimisationReport(msgspec.Struct):
    """Every dataset of a project database must be used by at least ``minimum_sub_projects``."""

    project_database_id: str
    datasets: list[DatasetUse]
    violations: list[Violation]
    ok: bool
    minimum_sub_projects: int
