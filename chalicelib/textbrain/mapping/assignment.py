"""Minimum-cost assignment (the Hungarian algorithm with potentials), O(n^2 m)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def solve_assignment(cost: Sequence[Sequence[float]]) -> list[tuple[int, int]]:
    """Pairs (row, column) giving each row at most one column and minimising total cost.

    The matrix may be rectangular: with more columns than rows every row gets a column,
    otherwise every column gets a row. Pairs come sorted by row.
    """
    rows = len(cost)
    if rows == 0 or len(cost[0]) == 0:
        return []
    columns = len(cost[0])
    if any(len(row) != columns for row in cost):
        raise ValueError("cost matrix rows must all have the same length")
    if rows > columns:
        transposed = [[cost[r][c] for r in range(rows)] for c in range(columns)]
        return sorted((r, c) for c, r in _solve(transposed))
    return _solve(cost)


def _solve(cost: Sequence[Sequence[float]]) -> list[tuple[int, int]]:
    """The rows <= columns case; 1-based potentials u (rows) and v (columns)."""
    n, m = len(cost), len(cost[0])
    u = [0.0] * (n + 1)
    v = [0.0] * (m + 1)
    owner = [0] * (m + 1)  # owner[j]: the row assigned to column j (0 = none)
    way = [0] * (m + 1)
    for row in range(1, n + 1):
        owner[0] = row
        j0 = 0
        min_reduced = [math.inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0 = owner[j0]
            delta = math.inf
            j1 = 0
            cost_row = cost[i0 - 1]
            for j in range(1, m + 1):
                if used[j]:
                    continue
                reduced = cost_row[j - 1] - u[i0] - v[j]
                if reduced < min_reduced[j]:
                    min_reduced[j] = reduced
                    way[j] = j0
                if min_reduced[j] < delta:
                    delta = min_reduced[j]
                    j1 = j
            for j in range(m + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    min_reduced[j] -= delta
            j0 = j1
            if owner[j0] == 0:
                break
        # Walk the augmenting path back, shifting assignments along it.
        while j0:
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
    return sorted((owner[j] - 1, j - 1) for j in range(1, m + 1) if owner[j])
