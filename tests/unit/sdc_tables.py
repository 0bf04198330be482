"""Textbook tables for table disclosure control, with the figures as their documentation prints
them (the peers' code is not used), and the peer's published result where there is one.
docs/benchmarks.md compares the number of suppressed cells."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Textbook:
    name: str
    source: str
    dimensions: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # category labels ... count (as text)
    min_count: int
    zeros: bool  # the peer's "protect zeros"
    peer_suppressed: int | None  # cells the peer suppresses (primary + secondary), None if unpublished

    def csv(self) -> str:
        lines = [";".join((*self.dimensions, "freq"))]
        lines += [";".join(r) for r in self.rows]
        return "\n".join(lines) + "\n"


# GaussSuppression (Statistics Norway), vignette "Small count frequency table suppression",
# dataset_a and Table 1: SuppressSmallCounts(dimVar = c("age", "geo"), maxN = 1) suppresses
# young/Portugal (0, primary) and young/Iceland, old/Iceland, old/Portugal (secondary).
GAUSS_TABLE_1 = Textbook(
    "GaussSuppression vignette, Table 1 (age x geo, maxN = 1)",
    "https://cran.r-project.org/package=GaussSuppression, vignette Small_count_frequency_table_suppression",
    ("age", "geo"),
    (("young", "Spain", "5"), ("young", "Iceland", "2"), ("young", "Portugal", "0"),
     ("old", "Spain", "6"), ("old", "Iceland", "3"), ("old", "Portugal", "4")),
    min_count=2, zeros=True, peer_suppressed=4)

# The same figures under this office's rule (minimum 3, empty cells published).
GAUSS_TABLE_1_MIN3 = Textbook(
    "GaussSuppression dataset_a under the office's rule (min 3)", GAUSS_TABLE_1.source,
    GAUSS_TABLE_1.dimensions, GAUSS_TABLE_1.rows, min_count=3, zeros=False, peer_suppressed=None)

# sdcTable, tests/testthat/test-simpleheuristic.R: a 4 x 4 table whose naive pattern lets w|b be
# recomputed from the margins. The inner cells as printed; its printed totals for columns a and c
# (1021 and 770) do not add up (the cells give 1012 and 779), so the margins are computed.
SDCTABLE_4X4 = Textbook(
    "sdcTable simpleheuristic test table (4 x 4), x|c = 5 sensitive at min 6",
    "https://cran.r-project.org/package=sdcTable, tests/testthat/test-simpleheuristic.R",
    ("v1", "v2"),
    (("w", "a", "30"), ("w", "b", "47"), ("w", "c", "64"), ("w", "d", "89"),
     ("x", "a", "90"), ("x", "b", "124"), ("x", "c", "5"), ("x", "d", "31"),
     ("y", "a", "92"), ("y", "b", "100"), ("y", "c", "59"), ("y", "d", "85"),
     ("z", "a", "800"), ("z", "b", "991"), ("z", "c", "651"), ("z", "d", "685")),
    min_count=6, zeros=False, peer_suppressed=None)

TEXTBOOK = (GAUSS_TABLE_1, GAUSS_TABLE_1_MIN3, SDCTABLE_4X4)
