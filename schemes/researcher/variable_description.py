"""The variable description of a proposal's external data (seed 001: "a variable description is
uploaded with an indication of the variables that must be pseudonymised").

The file is a table, CSV (``.csv``/``.txt``, separated by semicolons, tabs or commas) or the first
sheet of an ``.xlsx``, with a header row and one row per variable of the external data. Its
columns are checked against the layout (:data:`COLUMNS`, Danish or English headings): a
``variable`` column and a ``pseudonymise`` column are required, ``label`` is optional. A mark is
``ja``/``yes``/``x``/``1``/``true`` or ``nej``/``no``/``0``/``false``/empty. At least one
variable is marked: linking external data needs a key to pseudonymise.

Read with the transfer gate's checks and the disclosure control's streaming readers: the type is
checked against the content (an ``.xlsx`` passes the scanner's ZIP and OOXML checks: no bombs,
no macros), the file is bounded (:data:`MAX_BYTES`, :data:`MAX_ROWS`) and never read whole."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from boa.disclosure import files as table_files
from boa.disclosure.table import TableError
from boa.kernel.errors import ValidationFailed
from boa.registers import rules as register_rules
from boa.scanner import containers
from boa.scanner.rules import load_rules
from boa.scanner.textsniff import looks_like_text
from schemes.researcher.content import ExternalVariable, VariableDescription

ALLOWED = ("csv", "txt", "xlsx")
MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000
MAX_CELL = 300
FIELD = "variable_description"

# Each column of the layout with the headings it is recognised by (folded: case, spaces, æøå).
COLUMNS: dict[str, tuple[str, ...]] = {
    "variable": ("variable", "variabel", "variabelnavn", "variable_name", "name", "navn"),
    "label": ("label", "beskrivelse", "description", "tekst", "text"),
    "pseudonymise": ("pseudonymise", "pseudonymize", "pseudonymiseres", "pseudonymiser", "pseudonymisering",
                     "key", "noegle"),
}
REQUIRED = ("variable", "pseudonymise")
YES = frozenset({"ja", "yes", "x", "1", "true", "j", "y"})
NO = frozenset({"", "nej", "no", "0", "false", "n"})


@dataclass(frozen=True)
class Parsed:
    columns: list[str]
    variables: list[ExternalVariable]


def _fold(value: Any) -> str:
    return register_rules.fold(str(value if value is not None else "")).strip().replace(" ", "_").replace("-", "_")


def _refuse(detail: str, code: str, **extra: Any) -> ValidationFailed:
    return ValidationFailed(detail, code=code, field=FIELD, **extra)


def checked_name(name: str | None) -> str:
    clean = Path((name or "").replace("\\", "/")).name.strip()
    if not clean or len(clean) > 255:
        raise _refuse("The variable description needs a file name (at most 255 characters).", "file_required")
    if table_files.extension_of(clean) not in ALLOWED:
        raise _refuse("A variable description is a .csv, .txt or .xlsx file.", "file_type_not_allowed")
    return clean


def _check_type(path: Path, ext: str) -> None:
    size = path.stat().st_size
    if size == 0:
        raise _refuse("The file is empty.", "empty_file")
    if size > MAX_BYTES:
        raise _refuse(f"A variable description has at most {MAX_BYTES // 1024} KB.", "file_too_large")
    with path.open("rb") as fh:
        head = fh.read(4096)
    rules = load_rules()
    if ext == "xlsx":
        problem = containers.check_ooxml(path, ext, head, rules)
        if problem is not None:
            raise _refuse("The workbook cannot be read as a plain .xlsx file.", problem[0])
    elif looks_like_text(path, rules.limits["text_sample_bytes"]) is None:
        raise _refuse("The file is not text (UTF-8 or Latin-1).", "content_mismatch")


def _header(cells: Any) -> tuple[list[str], dict[str, int]]:
    shown = [str(c).strip() if c is not None else "" for c in cells]
    where: dict[str, int] = {}
    for i, heading in enumerate(shown):
        folded = _fold(heading)
        for column, names in COLUMNS.items():
            if folded in names and column not in where:
                where[column] = i
    missing = [c for c in REQUIRED if c not in where]
    if missing:
        raise _refuse(
            f"The variable description's columns do not match: it needs the columns {', '.join(REQUIRED)} "
            f"(and may have label); the file has {', '.join(h for h in shown if h) or 'none'}.",
            "variable_description_columns", expected=list(REQUIRED), found=[h for h in shown if h])
    return shown, where


def _cell(row: Any, index: int) -> str:
    value = row[index] if index < len(row) else None
    text = "" if value is None else str(value).strip()
    if len(text) > MAX_CELL:
        raise _refuse(f"A cell is longer than {MAX_CELL} characters.", "variable_description_invalid")
    return text


def parse(path: Path, name: str) -> Parsed:
    """The variables of the file at ``path`` (uploaded as ``name``), or a 422 naming what is wrong."""
    ext = table_files.extension_of(name)
    _check_type(path, ext)
    try:
        fmt = table_files.Format(ext) if ext == "xlsx" else table_files.sniff(path, name)
        rows = table_files.read_rows(path, fmt)
        columns: list[str] | None = None
        where: dict[str, int] = {}
        variables: list[ExternalVariable] = []
        for line, row in rows:
            if not any(c not in (None, "") and str(c).strip() for c in row):
                continue
            if columns is None:
                columns, where = _header(row)
                continue
            if len(variables) >= MAX_ROWS:
                raise _refuse(f"A variable description has at most {MAX_ROWS} variables.", "too_many_variables")
            raw = _cell(row, where["variable"])
            try:
                variable = register_rules.variable_name(raw, FIELD)
            except ValidationFailed:
                raise _refuse(f"Line {line}: {raw!r} is not a variable name (letters A-Z, digits, underscores).",
                              "variable_description_invalid", line=line) from None
            mark = _fold(_cell(row, where["pseudonymise"]))
            if mark not in YES and mark not in NO:
                raise _refuse(f"Line {line}: mark {variable} to pseudonymise with ja/yes or nej/no.",
                              "variable_description_invalid", line=line)
            label = _cell(row, where["label"]) if "label" in where else ""
            variables.append(ExternalVariable(name=variable, label=label, pseudonymise=mark in YES))
    except TableError as err:
        raise _refuse(str(err), "variable_description_invalid") from None
    if columns is None or not variables:
        raise _refuse("The variable description lists no variables.", "variable_description_invalid")
    names = [v.name for v in variables]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise _refuse(f"A variable is listed twice: {', '.join(twice)}.", "variable_description_invalid")
    if not any(v.pseudonymise for v in variables):
        raise _refuse("Mark the variables to pseudonymise (at least the key that links the data).",
                      "no_variable_to_pseudonymise")
    return Parsed(columns=[c for c in columns if c], variables=variables)


def describe(path: Path, name: str) -> VariableDescription:
    parsed = parse(path, name)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return VariableDescription(file_name=name, sha256=sha, columns=parsed.columns, variables=parsed.variables)
