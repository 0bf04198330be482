"""Registers → the shapes both faces show (pure; :mod:`boa.registers.views` loads the rows).

A listing shows each register with its name in the reader's language and its variables' names,
labels and whether each is a key; one register adds both names, both labels and each variable's
documentation link. ``last_year`` is only there for a closed register (``UNSET``: left out)."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
from msgspec import UNSET, UnsetType

from boa.registers.models import Register, RegisterVariable
from boa.registers.states import is_released


class Names(msgspec.Struct):
    da: str
    en: str


class VariableSummary(msgspec.Struct):
    name: str
    label: str
    key: bool


class VariableView(msgspec.Struct):
    name: str
    label: str
    labels: Names
    key: bool
    documentation_url: str | None


class RegisterSummary(msgspec.Struct, kw_only=True):
    code: str
    name: str
    state: str
    released: bool
    frequency: str
    first_year: int
    last_year: int | UnsetType = UNSET
    variables: list[VariableSummary]


class RegisterView(msgspec.Struct, kw_only=True):
    code: str
    name: str
    names: Names
    state: str
    released: bool
    frequency: str
    first_year: int
    last_year: int | UnsetType = UNSET
    variables: list[VariableView]


def _in(lang: str, da: str, en: str) -> str:
    return en if lang == "en" else da


def _last_year(row: Register) -> int | UnsetType:
    return row.last_year if row.last_year is not None else UNSET


def summary(row: Register, variables: Sequence[RegisterVariable], lang: str) -> RegisterSummary:
    return RegisterSummary(
        code=row.code, name=_in(lang, row.name_da, row.name_en), state=row.state, released=is_released(row.state),
        frequency=row.frequency, first_year=row.first_year, last_year=_last_year(row),
        variables=[VariableSummary(name=v.name, label=_in(lang, v.label_da, v.label_en), key=v.key) for v in variables])


def variable(row: RegisterVariable, lang: str) -> VariableView:
    return VariableView(name=row.name, label=_in(lang, row.label_da, row.label_en),
                        labels=Names(da=row.label_da, en=row.label_en), key=row.key,
                        documentation_url=row.documentation_url)


def register(row: Register, variables: Sequence[RegisterVariable], lang: str) -> RegisterView:
    return RegisterView(
        code=row.code, name=_in(lang, row.name_da, row.name_en), names=Names(da=row.name_da, en=row.name_en),
        state=row.state, released=is_released(row.state), frequency=row.frequency, first_year=row.first_year,
        last_year=_last_year(row), variables=[variable(v, lang) for v in variables])
