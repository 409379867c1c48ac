"""The stratified tests against what a statistician would compute another way."""

import random

import numpy as np
import pytest
from scipy.stats import binomtest, chi2

from screening_app.analysis.stratified import joint_p_value

# Three compounds; in each, the group's counts of three outcomes and the others'.
STRATA = [([5, 0, 10], [20, 15, 15]), ([4, 0, 11], [20, 15, 15]), ([3, 2, 1], [10, 10, 10])]


def multinomial_logit_p_value(strata) -> float:
    """The same question asked of statsmodels' multinomial logit on one row per interview
    (outcome on the group, with a fixed effect per stratum): the likelihood-ratio test of
    the group's term."""
    import statsmodels.api as sm

    rows = [(s, in_group, k) for s, (group, others) in enumerate(strata)
            for in_group, counts in ((1, group), (0, others))
            for k, count in enumerate(counts) for _ in range(count)]
    s, in_group, outcome = (np.array(column) for column in zip(*rows, strict=True))
    strata_terms = np.array([[1.0 if s_ == n else 0.0 for n in range(1, len(strata))]
                             for s_ in s])
    with_group = np.column_stack([np.ones(len(rows)), strata_terms, in_group])
    full = sm.MNLogit(outcome, with_group).fit(disp=0)
    without = sm.MNLogit(outcome, with_group[:, :-1]).fit(disp=0)
    return float(chi2.sf(2 * (full.llf - without.llf), len(strata[0][0]) - 1))


def test_the_joint_test_is_the_multinomial_logit_with_a_fixed_effect_per_stratum():
    assert joint_p_value(STRATA) == pytest.approx(multinomial_logit_p_value(STRATA),
                                                  rel=1e-6)
    assert joint_p_value(STRATA) < 0.001


def test_nothing_to_compare_gives_one():
    assert joint_p_value([]) == 1.0
    assert joint_p_value([([3, 0, 0], [0, 0, 0])]) == 1.0  # no others in the stratum
    assert joint_p_value([([3, 0, 0], [9, 0, 0])]) == 1.0  # one outcome only
    assert joint_p_value([([5, 5, 5], [10, 10, 10])]) == pytest.approx(1.0)


def test_where_the_group_is_like_the_others_it_flags_about_one_time_in_twenty():
    """Under no difference, p < 0.05 about 5 % of the time (not markedly more): a
    supervisor's q-values mean what they say. 300 groups of 40 interviews in four
    compounds whose outcome rates differ, the others 200 interviews in each."""
    rng = random.Random(1953)
    rates = [(0.5, 0.3, 0.2), (0.2, 0.5, 0.3), (0.4, 0.4, 0.2), (0.6, 0.2, 0.2)]

    def counts(n, rate):
        chosen = rng.choices(range(3), weights=rate, k=n)
        return [chosen.count(k) for k in range(3)]
    below = sum(joint_p_value([(counts(10, rate), counts(200, rate)) for rate in rates]) < 0.05
                for _ in range(300))
    assert binomtest(below, 300, 0.05, alternative="greater").pvalue > 0.01, below
