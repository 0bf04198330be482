"""The register catalogue's rules and the shipped seed file (pure: no database)."""

from __future__ import annotations

import pytest

from boa.kernel.errors import ValidationFailed
from boa.registers import rules
from boa.registers.catalogue import read_seed
from boa.registers.rules import VariableSpec
from boa.registers.states import RegisterState

DOCS = "https://www.dst.dk/da/TilSalg/Forskningsservice/Dokumentation/hoejkvalitetsvariable/"


def test_the_shipped_catalogue_is_realistic():
    seed = read_seed()
    codes = {r.code for r in seed}
    assert len(seed) >= 25
    assert {"BEF", "IND", "IDAP", "UDDA", "AKM", "RAS", "LPR", "DODSAARS", "BBR", "FIRM"} <= codes
    assert sum(r.state == RegisterState.UNRELEASED for r in seed) >= 2
    closed = [r for r in seed if r.state == RegisterState.CLOSED]
    assert closed and all(r.last_year is not None and r.last_year >= r.first_year for r in closed)
    assert all(r.last_year is None for r in seed if r.state != RegisterState.CLOSED)
    assert all(r.variables for r in seed)
    variables = {(r.code, v.name): v for r in seed for v in r.variables}
    assert variables[("BEF", "PNR")].key and not variables[("BEF", "KOEN")].key
    assert variables[("UDDA", "HFAUDD")].label_en == "Highest completed education"
    assert variables[("AKM", "SOCIO13")] and variables[("IND", "PERINDKIALT_13")]
    assert variables[("FIRM", "CVRNR")].key and variables[("IDAP", "ARBGNR")].key and variables[("RAS", "LBNR")].key
    assert variables[("BBR", "ADRESSE_ID")].key
    # Every identifier of a person, firm, workplace or address is a key, wherever it appears.
    for (_, name), v in variables.items():
        if name in {"PNR", "CVRNR", "ARBGNR", "ARBNR", "LBNR", "ADRESSE_ID", "FAMILIE_ID"}:
            assert v.key, name
    released = [v for r in seed if r.state != RegisterState.UNRELEASED for v in r.variables]
    assert all(v.documentation_url and v.documentation_url.startswith(DOCS) for v in released)


@pytest.mark.parametrize("code", ["BEF", "bef ", "LPR3_KONTAKTER", "DODSAARS"])
def test_register_codes(code):
    assert rules.register_code(code) == code.strip().upper()


@pytest.mark.parametrize("code", ["", "B", "3BEF", "BE F", "BEF-2", "Ø", "A" * 21, "BEF\x00"])
def test_bad_register_codes(code):
    with pytest.raises(ValidationFailed) as refused:
        rules.register_code(code)
    assert refused.value.code == "invalid_register_code"


def test_years_are_plausible_and_in_order():
    assert rules.year(1900, "first_year", 2026) == 1900
    assert rules.year(2031, "first_year", 2026) == 2031
    for bad in (1899, 2032, True, -5):
        with pytest.raises(ValidationFailed) as refused:
            rules.year(bad, "first_year", 2026)
        assert refused.value.code == "invalid_year"
    assert rules.last_year(1986, 1986, 2026) == 1986
    with pytest.raises(ValidationFailed) as refused:
        rules.last_year(1986, 1985, 2026)
    assert refused.value.code == "last_year_before_first_year"


def test_names_links_and_variables():
    assert rules.text("  Befolkningen ", "name_da", 200) == "Befolkningen"
    for bad in ("", "   ", "x" * 201, "a\tb", "a\x00b"):
        with pytest.raises(ValidationFailed):
            rules.text(bad, "name_da", 200)
    assert rules.documentation_url("") is None and rules.documentation_url(None) is None
    assert rules.documentation_url(f" {DOCS}befolkningen/koen ") == f"{DOCS}befolkningen/koen"
    for bad in ("http://www.dst.dk/x", "javascript:alert(1)", "https://", "https://dst.dk/a b",
                "https://dst.dk/" + "x" * 500, "//dst.dk/x"):
        with pytest.raises(ValidationFailed):
            rules.documentation_url(bad)
    spec = rules.variable_spec(VariableSpec(name="pnr", label_da="Personnummer", label_en="Person", key=True))
    assert spec.name == "PNR" and spec.key
    with pytest.raises(ValidationFailed) as refused:
        rules.variable_specs([spec, spec])
    assert refused.value.code == "variable_named_twice"


def test_search_words_are_folded_bounded_and_clean():
    assert rules.search_words(None) == [] and rules.search_words("  ") == []
    assert rules.search_words("Dødsårsag  BEF") == ["doedsaarsag", "bef"]
    assert rules.fold("ÆBLE") == "aeble"
    for bad in ("a\x00", "a\x1fb", "x" * 101, "a b c d e f g h i"):
        with pytest.raises(ValidationFailed):
            rules.search_words(bad)
    assert rules.search_text("BEF", "Befolkningen", "Population", ["PNR", "KOEN"]) == \
        "bef befolkningen population pnr koen"


def test_languages():
    assert rules.language(None) == "da" and rules.language("en") == "en"
    with pytest.raises(ValidationFailed):
        rules.language("de")
