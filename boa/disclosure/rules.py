"""The rules of table disclosure control as data: thresholds, labels, caps.

The minimum count per cell is 3 by default (the transfer gate's threshold); a table broken down
by a variable that delimited the population typically needs 30 or 50 (SPEC 9): the caller says
so with ``min_count``. A cell is *sensitive* when ``0 < count < min_count``: an empty cell
discloses no one, so 0 is published.
"""

from __future__ import annotations

DEFAULT_MIN_COUNT = 3
MAX_MIN_COUNT = 10_000
METHODS = ("suppress", "aggregate")

# Labels, English and Danish. Totals read from an input file may use any of TOTAL_WORDS.
TOTAL_LABEL = {"en": "Total", "da": "I alt"}
SDC_LABEL = {"en": "statistical disclosure control", "da": "statistisk diskretionering"}
TOTAL_WORDS = frozenset({"total", "totals", "i alt", "ialt", "alle", "all", "sum"})
PROTECTED = ".."  # a suppressed cell in the published table

# Count columns found without --count: a header token among these (the scanner's count words).
COUNT_WORDS = frozenset({"n", "count", "antal", "freq", "frequency", "obs", "observations", "frekvens"})

# Caps (docs/decisions.md, "Table disclosure control"). The input is read as a stream, one row
# at a time; at most MAX_CELLS distinct cells (plus the input's total rows) are kept, and the
# dense table with its margins has at most MAX_TABLE_CELLS entries. Secondary suppression solves
# one mixed-integer programme per sensitive cell over at most MAX_SUPPRESS_CELLS cells.
MAX_CELLS = 200_000
MAX_TABLE_CELLS = 2_000_000
MAX_DIMENSIONS = 6
MAX_SUPPRESS_CELLS = 10_000
MILP_TIME_LIMIT = 5.0  # seconds per sensitive cell; the best feasible pattern found is kept
MILP_MAX_CELLS = 400  # a larger neighbourhood is solved as the LP relaxation (docs/decisions.md)


def is_total(label: str) -> bool:
    return label.strip().casefold() in TOTAL_WORDS


def language(lang: str | None) -> str:
    return "da" if (lang or "").lower().startswith("da") else "en"
