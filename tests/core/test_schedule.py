import numpy as np

from socium.core.population import Population
from socium.core.schedule import (
    ActivitySpec,
    RandomSequentialSpec,
    SynchronousSpec,
    build_schedule,
)


def test_synchronous_is_everyone_in_order():
    s = build_schedule(SynchronousSpec(), Population(5))
    assert s.active(1, np.random.default_rng(0)).tolist() == [0, 1, 2, 3, 4]


def test_random_sequential_permutation_visits_each_once():
    s = build_schedule(RandomSequentialSpec(), Population(100))
    ids = s.active(1, np.random.default_rng(0))
    assert sorted(ids.tolist()) == list(range(100))


def test_random_sequential_with_replacement_draws_n():
    s = build_schedule(RandomSequentialSpec(replace=True), Population(1000))
    ids = s.active(1, np.random.default_rng(0))
    assert len(ids) == 1000 and len(np.unique(ids)) < 1000  # duplicates: ~1-1/e unique


def test_activity_probabilities_per_agent():
    pop = Population(2, {"activity": np.array([0.0, 1.0])})
    s = build_schedule(ActivitySpec(), pop)
    rng = np.random.default_rng(0)
    for t in range(20):
        assert s.active(t, rng).tolist() == [1]


def test_activity_rate_matches_probability():
    pop = Population(20000)
    s = build_schedule(ActivitySpec(p=0.3), pop)
    k = len(s.active(0, np.random.default_rng(1)))
    sd = (20000 * 0.3 * 0.7) ** 0.5
    assert abs(k - 6000) < 5 * sd
