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


def joint_p_value(strata: Iterable[tuple[Sequence[int], Sequence[int]]]) -> float:
    """Whether a group's outcomes differ from the others' in the same strata, every outcome
    at once: the multinomial analogue of the Cochran-Mantel-Haenszel test, for more than
    two outcomes. ``strata``: (the group's count of each outcome, the others'), the
    outcomes in the same order in every stratum.

    The likelihood-ratio test of the group-by-outcome terms in a Poisson log-linear model
    of the counts that fixes each stratum's outcome totals and the group's size in it
    (statsmodels' GLM): the same test as a multinomial logit of the outcome on the group
    with a fixed effect per stratum, chi-squared with one degree of freedom fewer than
    the outcomes seen. 1.0 where nothing varies."""
    import warnings

    import numpy as np
    import statsmodels.api as sm
    from scipy.stats import chi2

    strata = [(list(g), list(o)) for g, o in strata if sum(g) > 0 and sum(o) > 0]
    if not strata:
        return 1.0
    outcomes = [k for k in range(len(strata[0][0]))
                if any(g[k] + o[k] for g, o in strata)]
    if len(outcomes) < 2:
        return 1.0
    # One row per stratum, group or others, and outcome chosen there by anyone (an outcome
    # no one in a stratum chose says nothing about the group there).
    rows = [(s, in_group, k) for s, (g, o) in enumerate(strata) for k in outcomes
            if g[k] + o[k] > 0 for in_group in (1, 0)]
    counts = np.array([strata[s][0 if in_group else 1][k] for s, in_group, k in rows],
                      dtype=float)
    margins = sorted({(s, k) for s, _, k in rows})
    columns = {name: n for n, name in enumerate(
        [("margin", s, k) for s, k in margins]
        + [("size", s) for s in range(len(strata))]
        + [("shift", k) for k in outcomes[1:]])}
    design = np.zeros((len(rows), len(columns)))
    for n, (s, in_group, k) in enumerate(rows):
        design[n, columns[("margin", s, k)]] = 1
        if in_group:
            design[n, columns[("size", s)]] = 1
            if k != outcomes[0]:
                design[n, columns[("shift", k)]] = 1
    shifts = len(outcomes) - 1
    with warnings.catch_warnings():
        # A group that never chose an outcome sends a term to minus infinity: the fit
        # says so, and the deviance it reaches is still the one the test needs.
        warnings.simplefilter("ignore")
        full = sm.GLM(counts, design, family=sm.families.Poisson()).fit()
        without = sm.GLM(counts, design[:, :-shifts], family=sm.families.Poisson()).fit()
    statistic = max(0.0, float(without.deviance - full.deviance))
    p_value = float(chi2.sf(statistic, shifts))
    return 1.0 if p_value != p_value else min(1.0, p_value)


def q_values(p_values: list[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (q): flagging every test with q below a level
    keeps the expected share of false flags among them at that level."""
    if not p_values:
        return []
    from statsmodels.stats.multitest import multipletests

    return [float(q) for q in multipletests(p_values, method="fdr_bh")[1]]
