"""A proposal's content (SPEC 3.1, seed 001 "How do you make a project proposal"), typed and pure.

- the **purpose** (free text);
- the **population**: one or more segments, each a name and its delimitation; a segment of the
  valid proposal keeps its delimitation in a re-proposal (a significant change is a new segment),
  an extension is an appendix to it;
- the **registers** picked from the catalogue, each with variables and years;
- **external data**: a description and the uploaded variable description (one row per variable,
  marking the variables to pseudonymise).

The content is stored as JSON in ``proposals.content`` and read back through :func:`decode`, so
what is stored always has this shape. The checks against the catalogue take a snapshot of the
registers named (:class:`CatalogueEntry`), loaded by the service; nothing here queries.

Which projects may order not-yet-released data is the table :data:`UNRELEASED_DATA_ALLOWED`,
keyed by the project's (scheme, kind)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

from boa.kernel.errors import ValidationFailed
from boa.registers import rules as register_rules
from boa.registers.states import is_released

MAX_TEXT = 20_000
MAX_NAME = 200
MAX_SEGMENTS = 20
MAX_APPENDICES = 20
MAX_REGISTERS = 100
MAX_VARIABLES = 500
MAX_YEARS = 150

# Not-yet-released data can be ordered only for project databases and the main and sub-projects of
# authority schemes (seed 001, "Can I order not yet released data"). A project database's
# sub-projects draw their data from the database, so they may name what it holds. Keyed by the
# project's (scheme, kind); a kind not listed may not.
UNRELEASED_DATA_ALLOWED: Mapping[tuple[str, str | None], bool] = {
    ("researcher", None): False,
    ("project_database", "main"): True,
    ("project_database", "sub"): True,
    ("authority", None): True,
    ("authority", "main"): True,
    ("authority", "sub"): True,
    ("law_model", None): False,
}


def may_order_unreleased(scheme: str, kind: str | None) -> bool:
    return UNRELEASED_DATA_ALLOWED.get((scheme, kind), False)


class Segment(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    delimitation: str
    appendices: list[str] = []


class RegisterOrder(msgspec.Struct, forbid_unknown_fields=True):
    code: str
    variables: list[str] = []
    years: list[int] = []


class ExternalVariable(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    label: str
    pseudonymise: bool


class VariableDescription(msgspec.Struct, forbid_unknown_fields=True):
    file_name: str
    sha256: str
    columns: list[str]
    variables: list[ExternalVariable]


class ExternalData(msgspec.Struct, forbid_unknown_fields=True):
    description: str
    variable_description: VariableDescription | None = None


class Content(msgspec.Struct, forbid_unknown_fields=True):
    purpose: str = ""
    population: list[Segment] = []
    registers: list[RegisterOrder] = []
    external_data: ExternalData | None = None

    @property
    def register_codes(self) -> list[str]:
        return [r.code for r in self.registers]


EMPTY = Content()


def decode(stored: Any) -> Content:
    """The content as stored (JSON), or the empty content for a proposal made before it existed."""
    if not stored:
        return Content()
    return msgspec.convert(stored, Content)


def encode(content: Content) -> dict[str, Any]:
    out: dict[str, Any] = msgspec.to_builtins(content)
    return out


def _text(value: str, field: str, limit: int = MAX_TEXT, *, required: bool = False) -> str:
    cleaned = value.strip()
    if required and not cleaned:
        raise ValidationFailed(f"{field} must not be empty.", field=field)
    if len(cleaned) > limit:
        raise ValidationFailed(f"{field} is longer than {limit} characters.", field=field)
    if any(ord(c) < 32 and c not in "\n\r\t" for c in cleaned):
        raise ValidationFailed(f"{field} contains control characters.", field=field)
    return cleaned


def purpose(value: str) -> str:
    return _text(value, "purpose")


def population(segments: Sequence[Segment]) -> list[Segment]:
    if len(segments) > MAX_SEGMENTS:
        raise ValidationFailed(f"A population has at most {MAX_SEGMENTS} segments.", field="population")
    out: list[Segment] = []
    for i, s in enumerate(segments):
        where = f"population[{i}]"
        if len(s.appendices) > MAX_APPENDICES:
            raise ValidationFailed(f"A segment has at most {MAX_APPENDICES} appendices.", field=f"{where}.appendices")
        out.append(Segment(name=_text(s.name, f"{where}.name", MAX_NAME, required=True),
                           delimitation=_text(s.delimitation, f"{where}.delimitation", required=True),
                           appendices=[_text(a, f"{where}.appendices[{j}]", required=True)
                                       for j, a in enumerate(s.appendices)]))
    names = [s.name.casefold() for s in out]
    if len(set(names)) != len(names):
        raise ValidationFailed("Two population segments have the same name.", field="population",
                               code="segment_named_twice")
    return out


def keep_segments(segments: Sequence[Segment], valid: Content | None) -> None:
    """A re-proposal keeps a segment of the valid proposal as it was delimited (seed 001: a new
    segment only when the population changes significantly; an extension is an appendix)."""
    if valid is None:
        return
    before = {s.name.casefold(): s for s in valid.population}
    for i, s in enumerate(segments):
        old = before.get(s.name.casefold())
        if old is not None and old.delimitation.strip() != s.delimitation.strip():
            raise ValidationFailed(
                f"The segment {s.name!r} is delimited differently from the valid proposal: a changed "
                "population is a new segment (with a new name); an extension is an appendix.",
                code="population_segment_changed", field=f"population[{i}].delimitation")


@dataclass(frozen=True)
class CatalogueEntry:
    """What the checks need of one register of the catalogue."""

    code: str
    state: str
    first_year: int
    last_year: int | None
    variables: frozenset[str]

    def span(self, this_year: int) -> tuple[int, int]:
        return self.first_year, self.last_year if self.last_year is not None else this_year


def wanted_codes(orders: Sequence[RegisterOrder]) -> list[str]:
    """The codes named, upper-case (malformed ones as given: they are unknown to the catalogue)."""
    return [o.code.strip().upper() for o in orders]


def registers(orders: Sequence[RegisterOrder], catalogue: Mapping[str, CatalogueEntry], *, scheme: str,
              kind: str | None, this_year: int) -> list[RegisterOrder]:
    """Each order checked against the catalogue: a known register (422 ``validation_failed``),
    released unless the project may order unreleased data (422 ``unreleased_data``), its
    variables (422 ``validation_failed``) and its years within the register's span (422
    ``years_outside_span``). Answers the orders cleaned: codes and variables upper-case, years
    sorted, nothing named twice."""
    if len(orders) > MAX_REGISTERS:
        raise ValidationFailed(f"A proposal names at most {MAX_REGISTERS} registers.", field="registers")
    out: list[RegisterOrder] = []
    seen: set[str] = set()
    for i, order in enumerate(orders):
        where = f"registers[{i}]"
        code = order.code.strip().upper()
        entry = catalogue.get(code)
        if entry is None:
            raise ValidationFailed(f"{order.code!r} is not a register of the catalogue.", field=f"{where}.code",
                                   register=order.code)
        if code in seen:
            raise ValidationFailed(f"{code} is named twice.", field=f"{where}.code", code="register_named_twice")
        seen.add(code)
        if not is_released(entry.state) and not may_order_unreleased(scheme, kind):
            raise ValidationFailed(
                f"{code} is not yet released: it can be ordered only for project databases and the projects of "
                "authority schemes.", code="unreleased_data", field=f"{where}.code", register=code)
        out.append(RegisterOrder(code=code, variables=_variables(order.variables, entry, where),
                                 years=_years(order.years, entry, where, this_year)))
    return out


def _variables(given: Sequence[str], entry: CatalogueEntry, where: str) -> list[str]:
    if len(given) > MAX_VARIABLES:
        raise ValidationFailed(f"At most {MAX_VARIABLES} variables a register.", field=f"{where}.variables")
    names = [v.strip().upper() for v in given]
    unknown = [v for v in names if v not in entry.variables]
    if unknown:
        raise ValidationFailed(f"{entry.code} has no variable {', '.join(unknown)}.", field=f"{where}.variables",
                               register=entry.code, variables=unknown)
    if len(set(names)) != len(names):
        raise ValidationFailed("A variable is named twice.", field=f"{where}.variables",
                               code="variable_named_twice")
    return names


def _years(given: Sequence[int], entry: CatalogueEntry, where: str, this_year: int) -> list[int]:
    if len(given) > MAX_YEARS:
        raise ValidationFailed(f"At most {MAX_YEARS} years a register.", field=f"{where}.years")
    first, last = entry.span(this_year)
    outside = sorted({y for y in given if not first <= y <= last})
    if outside:
        raise ValidationFailed(
            f"{entry.code} covers {first}-{last}; {', '.join(map(str, outside))} is outside it.",
            code="years_outside_span", field=f"{where}.years", register=entry.code, first_year=first,
            last_year=last, years=outside)
    if len(set(given)) != len(given):
        raise ValidationFailed("A year is named twice.", field=f"{where}.years", code="year_named_twice")
    return sorted(given)


def amount_ore(value: str, field: str = "amount") -> int:
    """An amount in DKK as typed ("12500", "12500.50", Danish "12.500,50") in øre."""
    text = value.strip().replace(" ", "")
    if "," in text:  # Danish: dots group thousands, the comma marks the decimals
        text = text.replace(".", "").replace(",", ".")
    kroner, _, decimals = text.partition(".")
    if not kroner.isdigit() or len(kroner) > 11 or not (decimals == "" or decimals.isdigit()) or len(decimals) > 2:
        raise ValidationFailed("The amount is in kroner with up to two decimals, e.g. 12500.50.", field=field)
    return int(kroner) * 100 + int((decimals + "00")[:2])


def external_description(value: str) -> str:
    return _text(value, "external_data.description", required=True)


def variable_name(value: str, field: str) -> str:
    return register_rules.variable_name(value, field)


# The diff of a re-proposal against the valid proposal ------------------------------------------

class RegisterChange(msgspec.Struct, kw_only=True):
    code: str
    change: str  # added | removed | changed
    variables_added: list[str] = []
    variables_removed: list[str] = []
    years_added: list[int] = []
    years_removed: list[int] = []


class SegmentChange(msgspec.Struct, kw_only=True):
    name: str
    change: str  # added | removed | appendices_added
    appendices_added: list[str] = []


class ExternalChange(msgspec.Struct, kw_only=True):
    change: str  # added | removed | changed
    description_changed: bool = False
    variables_added: list[str] = []
    variables_removed: list[str] = []
    pseudonymise_added: list[str] = []
    pseudonymise_removed: list[str] = []


class Changes(msgspec.Struct, kw_only=True):
    """What a proposal changes against the valid one (``against`` its version; none: a first
    proposal, everything is new)."""

    version: int
    against: int | None
    title_changed: bool
    purpose_changed: bool
    population: list[SegmentChange]
    registers: list[RegisterChange]
    external_data: ExternalChange | None
    unchanged: bool


def _register_changes(new: Content, old: Content) -> list[RegisterChange]:
    before = {r.code: r for r in old.registers}
    after = {r.code: r for r in new.registers}
    out: list[RegisterChange] = []
    for code in sorted(before.keys() | after.keys()):
        b, a = before.get(code), after.get(code)
        if b is None and a is not None:
            out.append(RegisterChange(code=code, change="added", variables_added=list(a.variables),
                                      years_added=list(a.years)))
        elif a is None and b is not None:
            out.append(RegisterChange(code=code, change="removed", variables_removed=list(b.variables),
                                      years_removed=list(b.years)))
        elif a is not None and b is not None:
            change = RegisterChange(
                code=code, change="changed",
                variables_added=[v for v in a.variables if v not in b.variables],
                variables_removed=[v for v in b.variables if v not in a.variables],
                years_added=sorted(set(a.years) - set(b.years)), years_removed=sorted(set(b.years) - set(a.years)))
            if change.variables_added or change.variables_removed or change.years_added or change.years_removed:
                out.append(change)
    return out


def _segment_changes(new: Content, old: Content) -> list[SegmentChange]:
    before = {s.name.casefold(): s for s in old.population}
    after = {s.name.casefold(): s for s in new.population}
    out: list[SegmentChange] = []
    for s in new.population:
        b = before.get(s.name.casefold())
        if b is None:
            out.append(SegmentChange(name=s.name, change="added", appendices_added=list(s.appendices)))
        else:
            added = [a for a in s.appendices if a not in b.appendices]
            if added:
                out.append(SegmentChange(name=s.name, change="appendices_added", appendices_added=added))
    out += [SegmentChange(name=s.name, change="removed") for s in old.population if s.name.casefold() not in after]
    return out


def _external_vars(x: ExternalData | None) -> dict[str, bool]:
    if x is None or x.variable_description is None:
        return {}
    return {v.name: v.pseudonymise for v in x.variable_description.variables}


def _external_change(new: Content, old: Content) -> ExternalChange | None:
    a, b = new.external_data, old.external_data
    if a is None and b is None:
        return None
    if b is None:
        change = "added"
    elif a is None:
        change = "removed"
    else:
        change = "changed"
    va, vb = _external_vars(a), _external_vars(b)
    out = ExternalChange(
        change=change,
        description_changed=(a.description if a else None) != (b.description if b else None),
        variables_added=[v for v in va if v not in vb], variables_removed=[v for v in vb if v not in va],
        pseudonymise_added=[v for v, p in va.items() if p and not vb.get(v)],
        pseudonymise_removed=[v for v, p in vb.items() if p and not va.get(v)])
    if change == "changed" and not (out.description_changed or out.variables_added or out.variables_removed
                                    or out.pseudonymise_added or out.pseudonymise_removed):
        return None
    return out


def changes(version: int, title: str, new: Content, against: tuple[int, str, Content] | None) -> Changes:
    """The diff of a proposal (``version``, ``title``, ``new``) against the valid one."""
    old_version, old_title, old = against if against is not None else (None, "", EMPTY)
    regs, segs, ext = _register_changes(new, old), _segment_changes(new, old), _external_change(new, old)
    title_changed = against is not None and old_title != title
    purpose_changed = new.purpose != old.purpose
    return Changes(version=version, against=old_version, title_changed=title_changed,
                   purpose_changed=purpose_changed, population=segs, registers=regs, external_data=ext,
                   unchanged=not (title_changed or purpose_changed or segs or regs or ext))
