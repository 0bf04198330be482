"""The proposal content's pure rules: the catalogue checks, the unreleased-data table, amounts,
and the re-proposal's diff."""

from __future__ import annotations

import pytest

from boa.kernel.errors import ValidationFailed
from schemes.researcher import content
from schemes.researcher.content import CatalogueEntry, Content, RegisterOrder, Segment

CATALOGUE = {
    "BEF": CatalogueEntry("BEF", "released", 1986, None, frozenset({"PNR", "KOEN"})),
    "LPR": CatalogueEntry("LPR", "closed", 1977, 2018, frozenset({"PNR"})),
    "DAGTILBUD": CatalogueEntry("DAGTILBUD", "unreleased", 2019, None, frozenset({"PNR"})),
}


def _check(orders, scheme="researcher", kind=None):  # type: ignore[no-untyped-def]
    return content.registers(orders, CATALOGUE, scheme=scheme, kind=kind, this_year=2026)


def test_orders_are_cleaned_and_checked_against_the_catalogue():
    out = _check([RegisterOrder("bef", ["pnr", "Koen"], [2020, 2019])])
    assert out == [RegisterOrder("BEF", ["PNR", "KOEN"], [2019, 2020])]
    with pytest.raises(ValidationFailed) as e:
        _check([RegisterOrder("LPR", ["PNR"], [2018, 2019])])  # closed with 2018
    assert e.value.code == "years_outside_span" and e.value.extra["years"] == [2019]
    with pytest.raises(ValidationFailed) as e:
        _check([RegisterOrder("BEF", [], [2027])])  # no data from the future
    assert e.value.code == "years_outside_span"


@pytest.mark.parametrize(("scheme", "kind", "allowed"), [
    ("researcher", None, False), ("law_model", None, False), ("project_database", "main", True),
    ("project_database", "sub", True), ("authority", None, True), ("authority", "sub", True),
    ("unknown", None, False),
])
def test_unreleased_data_by_project_kind(scheme, kind, allowed):
    order = [RegisterOrder("DAGTILBUD", ["PNR"], [2020])]
    if allowed:
        assert _check(order, scheme, kind)[0].code == "DAGTILBUD"
    else:
        with pytest.raises(ValidationFailed) as e:
            _check(order, scheme, kind)
        assert e.value.code == "unreleased_data"


@pytest.mark.parametrize(("typed", "ore"), [("12500", 1250000), ("12500.5", 1250050), ("12.500,50", 1250050),
                                            ("0,05", 5)])
def test_amounts(typed, ore):
    assert content.amount_ore(typed) == ore


@pytest.mark.parametrize("typed", ["", "12,500.50", "1.2.3", "-5", "12500.505", "abc"])
def test_bad_amounts(typed):
    with pytest.raises(ValidationFailed):
        content.amount_ore(typed)


def test_the_diff_against_the_valid_proposal():
    old = Content(purpose="A", population=[Segment("S", "all", [])],
                  registers=[RegisterOrder("BEF", ["PNR"], [2019]), RegisterOrder("LPR", ["PNR"], [2010])])
    new = Content(purpose="A", population=[Segment("S", "all", ["2020 too"])],
                  registers=[RegisterOrder("BEF", ["PNR", "KOEN"], [2019, 2020])])
    d = content.changes(2, "T", new, (1, "T", old))
    assert not d.title_changed and not d.purpose_changed and not d.unchanged
    assert [(c.code, c.change, c.variables_added, c.years_added) for c in d.registers] == [
        ("BEF", "changed", ["KOEN"], [2020]), ("LPR", "removed", [], [])]
    assert [(s.name, s.change, s.appendices_added) for s in d.population] == [("S", "appendices_added", ["2020 too"])]
    assert content.changes(2, "T", old, (1, "T", old)).unchanged
    with pytest.raises(ValidationFailed) as e:
        content.keep_segments([Segment("s", "only women")], old)
    assert e.value.code == "population_segment_changed"
