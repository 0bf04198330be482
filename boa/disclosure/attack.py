"""What an attacker can compute from a published table: for each suppressed cell, the smallest and
the largest value it can take in any table with the published cells, the margins' additivity and
non-negative counts (two linear programmes per cell, HiGHS through ``scipy.optimize.linprog``).

This is the proof of protection: a suppressed cell is protected when its interval is wider than
zero, and a sensitive one when, in addition, its upper bound reaches the threshold (the attacker
cannot tell that the cell is below it). See docs/decisions.md, "Table disclosure control".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

from boa.disclosure.table import constraint_rows


@dataclass(frozen=True)
class Interval:
    cell: int
    value: int
    low: float
    high: float  # math.inf when unbounded

    @property
    def width(self) -> float:
        return self.high - self.low


def intervals(values: np.ndarray, suppressed: set[int] | np.ndarray) -> list[Interval]:
    """The attacker's interval for every suppressed cell of the dense table ``values``."""
    hidden = np.array(sorted(int(i) for i in suppressed), dtype=np.int64)
    if hidden.size == 0:
        return []
    flat = values.reshape(-1).astype(float)
    rows, cols, coefs, n_rows = constraint_rows(values.shape)
    matrix = csr_matrix((coefs, (rows, cols)), shape=(n_rows, flat.size))
    published = np.ones(flat.size, dtype=bool)
    published[hidden] = False
    rhs = -(matrix[:, published] @ flat[published])
    a_hidden = matrix[:, hidden]
    touched = np.unique(a_hidden.nonzero()[0])
    a_eq, b_eq = a_hidden[touched], rhs[touched]
    out = []
    for k, cell in enumerate(hidden):
        c = np.zeros(hidden.size)
        c[k] = 1.0
        low = _solve(c, a_eq, b_eq)
        high = -_solve(-c, a_eq, b_eq)
        out.append(Interval(int(cell), int(flat[cell]), low, high))
    return out


def _solve(c: np.ndarray, a_eq: csr_matrix, b_eq: np.ndarray) -> float:
    result = linprog(c, A_eq=a_eq if a_eq.shape[0] else None, b_eq=b_eq if a_eq.shape[0] else None,
                     bounds=(0, None), method="highs")
    if result.status == 3:  # unbounded
        return -math.inf
    if result.status != 0:
        raise RuntimeError(f"the attacker's LP failed: {result.message}")
    return float(result.fun)


def unprotected(values: np.ndarray, suppressed: set[int], sensitive: set[int], min_count: int) -> list[Interval]:
    """The suppressed cells the attacker pins down: width 0, or a sensitive cell whose upper
    bound stays below ``min_count``. Empty when the table is protected."""
    bad = []
    for iv in intervals(values, suppressed):
        if iv.width <= 1e-6 or (iv.cell in sensitive and iv.high < min_count - 1e-6):
            bad.append(iv)
    return bad
