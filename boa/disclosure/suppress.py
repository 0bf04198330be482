"""Primary and secondary cell suppression.

Primary: every cell (margins included) with ``0 < count < min_count``. Secondary: for each
primary cell ``p`` in turn (the smallest first), HiGHS (``scipy.optimize.milp``) finds the
cheapest set of further cells to suppress such that some table with the same published cells,
the same additivity and non-negative whole counts has ``p`` at ``min_count`` (the protection
level ``min_count - count``). Its variables are the deviation ``d = d⁺ - d⁻`` of every cell (whole
numbers, ``d⁻ ≤ count`` so the other table stays non-negative) and a binary "suppressed" per cell
that must be 1 wherever ``d ≠ 0``; the cost of a cell not yet suppressed is 1 plus a small share
of its count (fewest cells, then the least information lost), of one already suppressed 0.

That table is the attacker's witness: it agrees with everything published, so the attacker's
upper bound for ``p`` is at least ``min_count``; cells suppressed later only widen the interval,
so the guarantee survives the later rounds; a secondary cell ``i`` has ``count_i + d_i ≠ count_i``
in the witness, so its interval is wider than zero. :mod:`boa.disclosure.attack` checks both
after the fact.

The deviation of a cell is first sought among the cells that agree with ``p`` (or are a total)
in all but two dimensions, a much smaller programme that is enough in most tables; only when it
has no solution is the whole table used.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_matrix, eye, hstack, vstack

from boa.disclosure import rules
from boa.disclosure.table import Table, TableError, TableTooLarge, constraint_rows

log = logging.getLogger("boa.disclosure")


@dataclass
class Suppression:
    primary: list[int] = field(default_factory=list)
    secondary: list[int] = field(default_factory=list)
    solves: int = 0

    @property
    def suppressed(self) -> set[int]:
        return set(self.primary) | set(self.secondary)


def sensitive_cells(values: np.ndarray, min_count: int, *, zeros: bool = False) -> list[int]:
    """Cells below the minimum; empty cells only with ``zeros`` (some peers' "protect zeros")."""
    flat = values.reshape(-1)
    return [int(i) for i in np.flatnonzero(((flat > 0) | zeros) & (flat < min_count))]


def neighbourhood(shape: tuple[int, ...], cell: int) -> np.ndarray:
    """Cells equal to ``cell`` or a total in every dimension but at most two."""
    coord = np.unravel_index(cell, shape)
    grids = np.indices(shape).reshape(len(shape), -1)
    free = np.zeros(grids.shape[1], dtype=np.int64)
    for d, n in enumerate(shape):
        free += (grids[d] != coord[d]) & (grids[d] != n - 1)
    return np.flatnonzero(free <= 2)


class _Solver:
    def __init__(self, table: Table, min_count: int, time_limit: float, exact: bool | None):
        self.values = table.values.reshape(-1).astype(float)
        self.shape = table.shape
        rows, cols, coefs, n_rows = constraint_rows(self.shape)
        self.matrix = csr_matrix((coefs, (rows, cols)), shape=(n_rows, self.values.size))
        self.min_count = min_count
        self.time_limit = time_limit
        self.exact = exact
        total = max(float(self.values.max()), 1.0)
        self.cost = 1.0 + 0.01 * self.values / total

    def protect(self, cell: int, suppressed: np.ndarray) -> list[int] | None:
        """The further cells to suppress for ``cell``; None when no pattern exists."""
        cells = neighbourhood(self.shape, cell) if len(self.shape) > 2 else np.arange(self.values.size)
        found = self._pattern(cell, cells, suppressed)
        if found is None and cells.size < self.values.size:
            found = self._pattern(cell, np.arange(self.values.size), suppressed)
        return found

    def _pattern(self, cell: int, cells: np.ndarray, suppressed: np.ndarray) -> list[int] | None:
        exact = self.exact if self.exact is not None else cells.size <= rules.MILP_MAX_CELLS
        return self._milp(cell, cells, suppressed) if exact else self._lp(cell, cells, suppressed)

    def _parts(self, cell: int, cells: np.ndarray) -> tuple[csr_matrix, float, np.ndarray, int]:
        sub = self.matrix[:, cells]
        sub = sub[np.unique(sub.nonzero()[0])]
        return sub, float(self.min_count - self.values[cell]), self.values[cells], int(np.flatnonzero(cells == cell)[0])

    def _lp(self, cell: int, cells: np.ndarray, suppressed: np.ndarray) -> list[int] | None:
        """The LP relaxation: the cheapest deviation by weighted size; its support is suppressed."""
        sub, level, counts, at = self._parts(cell, cells)
        n = cells.size
        hidden = suppressed[cells]
        weight = np.where(hidden, 1e-4, self.cost[cells])
        upper = np.r_[np.full(n, level), np.minimum(counts, level)]
        lower = np.zeros(2 * n)
        lower[at] = upper[at] = level
        upper[n + at] = 0
        result = linprog(np.r_[weight, weight], A_eq=hstack([sub, -sub]), b_eq=np.zeros(sub.shape[0]),
                         bounds=np.c_[lower, upper], method="highs")
        if result.status != 0:
            return None
        deviation = result.x[:n] - result.x[n:]
        moved = cells[np.abs(deviation) > 1e-7]
        return [int(i) for i in moved if not suppressed[i]]

    def _milp(self, cell: int, cells: np.ndarray, suppressed: np.ndarray) -> list[int] | None:
        """The fewest further cells (then the smallest), whole-number deviations."""
        sub, level, counts, at = self._parts(cell, cells)
        n = cells.size
        big = level  # a minimal pattern moves no cell by more than the protection level
        # variables: d+ (n), d- (n), z (n)
        additivity = hstack([sub, -sub, csr_matrix((sub.shape[0], n))])
        ident = eye(n, format="csr")
        up = hstack([ident, csr_matrix((n, n)), -big * ident])
        cap = csr_matrix((np.minimum(counts, big), (np.arange(n), np.arange(n))), shape=(n, n))
        down = hstack([csr_matrix((n, n)), ident, -cap])
        constraints = [LinearConstraint(additivity, 0, 0), LinearConstraint(vstack([up, down]), -np.inf, 0)]
        lower, upper = np.zeros(3 * n), np.r_[np.full(n, big), np.minimum(counts, big), np.ones(n)]
        lower[at] = upper[at] = level  # the push that reaches the threshold
        upper[n + at] = 0
        hidden = suppressed[cells]
        lower[2 * n:][hidden] = 1
        cost = np.r_[np.zeros(2 * n), np.where(hidden, 0.0, self.cost[cells])]
        result = milp(cost, constraints=constraints, bounds=Bounds(lower, upper), integrality=np.ones(3 * n),
                      options={"time_limit": self.time_limit, "mip_rel_gap": 1e-6})
        if result.x is None:
            return self._lp(cell, cells, suppressed) if result.status == 1 else None
        if result.status != 0:
            log.info("suppression of cell %s stopped at the time limit: %s", cell, result.message)
        deviation = result.x[:n] - result.x[n:2 * n]
        moved = cells[np.abs(deviation) > 0.5]
        return [int(i) for i in moved if not suppressed[i]]


def suppress(table: Table, min_count: int, *, zeros: bool = False, exact: bool | None = None,
             time_limit: float = rules.MILP_TIME_LIMIT) -> Suppression:
    """Primary and secondary suppression. ``exact``: True the MILP, False the LP relaxation,
    None (default) the MILP for neighbourhoods of at most ``rules.MILP_MAX_CELLS`` cells."""
    if table.size > rules.MAX_SUPPRESS_CELLS:
        raise TableTooLarge(f"Cell suppression handles tables of at most {rules.MAX_SUPPRESS_CELLS} cells with their "
                            "margins; aggregate the table or split it.", code="table_too_large",
                            limit=rules.MAX_SUPPRESS_CELLS)
    result = Suppression(primary=sensitive_cells(table.values, min_count, zeros=zeros))
    if not result.primary:
        return result
    solver = _Solver(table, min_count, time_limit, exact)
    suppressed = np.zeros(table.size, dtype=bool)
    suppressed[result.primary] = True
    flat = table.values.reshape(-1)
    for cell in sorted(result.primary, key=lambda i: (int(flat[i]), i)):
        more = solver.protect(cell, suppressed)
        result.solves += 1
        if more is None:
            shown = ", ".join(table.labels(table.coord(cell)))
            raise TableError(f"The cell ({shown}) cannot be protected by suppression: the table is too small for "
                             "the threshold. Aggregate its categories instead.", code="cannot_protect")
        suppressed[more] = True
        result.secondary.extend(more)
    result.secondary.sort()
    return result
