"""One group's outcomes against everyone else's in the same strata.

A group (an interviewer, an interpreter, a compound-day) is compared only with others who
worked in the same circumstances: the same compound, say, so that an interviewer sent to
compounds where most people choose one way is not taken for one who pushes people that
way. Each stratum is a 2x2 table (this group / the others, chose / did not); the tables are
combined with the Cochran-Mantel-Haenszel test (statsmodels' ``StratifiedTable``), or, where
there is one table only, tested with Fisher's exact test (scipy); the shift is said in
percentage points: the group's share against the share the others' rates
in the same strata would give the group's interviews.
"""

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Comparison:
    """What the test found for one group, over the strata where others worked too."""

    interviews: int  # the group's interviews in strata where others also worked
    chose: int  # of them, how many recorded the choice counted
    expected_share: float  # the others' rates, weighted by the group's interviews
    others: int  # the others' interviews in those strata
    p_value: float

    @property
    def share(self) -> float:
        return self.chose / self.interviews

    @property
    def shift_points(self) -> float:
        return 100 * (self.share - self.expected_share)


def compare(outcomes: Iterable[tuple[Hashable, bool, bool]]) -> Comparison | None:
    """``outcomes``: (stratum, in the group, chose) for every interview. None when no
    stratum holds both the group's interviews and others' (nothing to compare with)."""
    cells: dict[Hashable, list[int]] = {}
    for stratum, in_group, chose in outcomes:
        cell = cells.setdefault(stratum, [0, 0, 0, 0])
        cell[(0 if in_group else 2) + (0 if chose else 1)] += 1
    return compare_tables(cells.values())


def compare_tables(tables: Iterable[Sequence[int]]) -> Comparison | None:
    """The same from the strata's tables, each (group chose, group did not, others chose,
    others did not)."""
    tables = [list(t) for t in tables if t[0] + t[1] > 0 and t[2] + t[3] > 0]
    if not tables:
        return None
    interviews = sum(a + b for a, b, _, _ in tables)
    chose = sum(a for a, _, _, _ in tables)
    others = sum(c + d for _, _, c, d in tables)
    expected = sum((a + b) * c / (c + d) for a, b, c, d in tables) / interviews
    return Comparison(interviews, chose, expected, others, _cmh_p_value(tables))


def _cmh_p_value(tables: list[list[int]]) -> float:
    """Two-sided Cochran-Mantel-Haenszel test of no association, with continuity
    correction (Fisher's exact test for a single table); 1.0 where no stratum varies
    (every interview in it chose alike)."""
    import numpy as np
    from scipy.stats import fisher_exact
    from statsmodels.stats.contingency_tables import StratifiedTable

    varying = [t for t in tables if (t[0] + t[2]) > 0 and (t[1] + t[3]) > 0]
    if not varying:
        return 1.0
    if len(varying) == 1:
        a, b, c, d = varying[0]
        return float(fisher_exact([[a, b], [c, d]]).pvalue)
    stacked = np.array([[[a, b], [c, d]] for a, b, c, d in varying], dtype=float)
    result = StratifiedTable(np.moveaxis(stacked, 0, -1)).test_null_odds(correction=True)
    p_value = float(result.pvalue)
    return 1.0 if p_value != p_value else min(1.0, p_value)  # NaN: no information


def q_values(p_values: list[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (q): flagging every test with q below a level
    keeps the expected share of false flags among them at that level."""
    if not p_values:
        return []
    from statsmodels.stats.multitest import multipletests

    return [float(q) for q in multipletests(p_values, method="fdr_bh")[1]]
