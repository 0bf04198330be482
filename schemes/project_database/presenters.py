"""Project database shapes beyond the overview (schemes.presenters): the datasets and their
versions, and the preview of a change. Pure: built from rows already loaded."""

from __future__ import annotations

import msgspec

from boa.kernel.clock import iso as ts
from schemes.project_database.models import DatasetVersion


class DatasetVersionView(msgspec.Struct, kw_only=True):
    version: int
    change: str
    datasets: list[str]
    added: list[str]
    removed: list[str]
    reason: str
    sub_project: str | None
    changed_by: str
    changed_at: str | None


class DatasetUse(msgspec.Struct):
    dataset: str
    sub_projects: list[str]


class DatasetsView(msgspec.Struct, kw_only=True):
    """The current datasets, which live sub-projects use each, the datasets moved to a
    sub-project's own order and every version, oldest first."""

    project_database_id: str
    version: int
    datasets: list[DatasetUse]
    own_orders: dict[str, list[str]]
    versions: list[DatasetVersionView]


class AffectedSubProject(msgspec.Struct):
    number: str
    title: str
    datasets: list[str]
    members: list[str]


class ChangePreview(msgspec.Struct, kw_only=True):
    """What an end date, a closing or a narrowing would affect; ``refused`` names the code the
    change itself would be refused with (e.g. ``dataset_in_use``), else null."""

    action: str
    datasets: list[str]
    sub_projects: list[AffectedSubProject]
    users: list[str]
    end_date: str | None
    refused: str | None


def dataset_version(v: DatasetVersion, numbers: dict[int, str]) -> DatasetVersionView:
    return DatasetVersionView(version=v.version, change=v.change, datasets=list(v.datasets), added=list(v.added),
                              removed=list(v.removed), reason=v.reason,
                              sub_project=numbers.get(v.sub_project_id or 0), changed_by=v.changed_by,
                              changed_at=ts(v.created_at))
