"""The archetype policy (``[policy] kind = "archetype"``): one LLM call per group of agents.

After AgentTorch's archetypes and GA-S3's group agents: agents that share a **key** — some
persona attributes plus a discretised observation — are assumed to behave alike, so the
language model is asked once per group for a *probability distribution* over the group's
options, and every member samples its own option from it, vectorized. A step of a million
agents then costs at most ``max_groups`` LLM calls.

Per batch:

1. **Key.** Persona attributes named in ``key`` (categorical: one code per value; numeric:
   ``observation_bins`` quantile bins over the population), plus one code per observation
   feature: the world's ``archetype_features(obs)`` (default: every numeric 1-D observation
   column), each cut into ``observation_bins`` quantile bins of the batch (a feature with at
   most that many distinct values keeps them). Groups are the distinct key rows
   (``np.unique(..., return_inverse=True)``).
2. **Budget of calls.** With more than ``max_groups`` groups, the rarest keys are coarsened:
   the largest groups keep their full key, the members of the others are regrouped by their
   persona attributes alone (observation "mixed"), choosing the most full keys that fit
   (:func:`form_groups`); if the persona keys alone are still too many, the rarest of them
   are merged into one ``other`` group.
3. **Ask.** One request per group, all in one batched call: the group's traits, its size, a
   typical member's persona and rendered observation (a member drawn at random, so what the
   key leaves out is unbiased on average), and the options. The answer must be a
   JSON object with one probability per option (schema: :func:`distribution_schema`); it is
   validated and normalised (:func:`parse_distribution`), re-asked once when invalid, and
   otherwise the group falls back (the world's ``fallback_action`` or its rules), recorded.
4. **Sample.** Each member draws its option from its group's distribution (one uniform number
   per member from the policy stream).
5. **Act.** The world turns the sampled options into its action columns:
   ``world.archetype_actions(obs, choices)`` where the world has it (options are then
   ``world.archetype_choices()``, and parameters come from the world's rule model); otherwise
   the options are the world's actions without required parameters, decoded with
   :meth:`World.decode_actions`.

The fidelity cost of this approximation is measured by ``bench/archetype_fidelity.py`` and
discussed in ``docs/policies.md``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np

from socium.core.actions import ActionParseError, extract_json
from socium.core.batches import ActionBatch, ObsBatch
from socium.core.population import Population
from socium.core.protocol import PolicyContext, Table, World
from socium.errors import ConfigError
from socium.policies.base import (
    BUDGET_EXHAUSTED,
    PARSE_ERROR,
    SEED_SALT,
    LLMDrivenPolicy,
    request_seeds,
    with_source,
)
from socium.policies.config import ArchetypePolicyConfig
from socium.policies.counters import with_rates
from socium.policies.memory import truncate_tokens

__all__ = [
    "GROUP_COLUMNS",
    "ArchetypePolicy",
    "Groups",
    "discretise",
    "distribution_schema",
    "form_groups",
    "parse_distribution",
    "persona_codes",
]

#: Columns of the ``archetype_groups`` table (the engine adds ``step``).
GROUP_COLUMNS = (
    "batch",
    "group",
    "level",
    "key",
    "size",
    "representative",
    "ok",
    "attempts",
    "fallback_reason",
    "probabilities",
)

#: Integer values with at most this many distinct values are kept as categories.
_MAX_CATEGORIES = 16
_LEVELS = ("full", "persona", "other")


def distribution_schema(choices: list[str]) -> dict[str, Any]:
    """JSON schema of an archetype answer: one number in [0, 1] per option, all required.

    Examples
    --------
    >>> distribution_schema(["C", "D"])["required"]
    ['C', 'D']
    """
    return {
        "type": "object",
        "properties": {c: {"type": "number", "minimum": 0, "maximum": 1} for c in choices},
        "required": list(choices),
        "additionalProperties": False,
    }


def parse_distribution(text: str | dict[str, Any], choices: list[str]) -> np.ndarray:
    """Validate and normalise an answer mapping options to probabilities.

    Missing options count as 0; unknown options, non-numbers, negative or non-finite values
    and an all-zero answer are errors. Values are normalised to sum to 1 (so percentages
    work too).

    Raises
    ------
    ActionParseError
        With a one-line reason.

    Examples
    --------
    >>> parse_distribution('{"C": 3, "D": 1}', ["C", "D"]).tolist()
    [0.75, 0.25]
    >>> parse_distribution('{"C": 1, "hack": 1}', ["C", "D"])
    Traceback (most recent call last):
    ...
    socium.core.actions.ActionParseError: hack: not an option; allowed: C, D
    """
    data = text if isinstance(text, dict) else extract_json(text)
    index = {c: i for i, c in enumerate(choices)}
    p = np.zeros(len(choices))
    for key, value in data.items():
        if key not in index:
            raise ActionParseError(f"{key}: not an option; allowed: {', '.join(choices)}")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ActionParseError(f"{key}: expected a number, got {type(value).__name__}")
        if not np.isfinite(value) or value < 0:
            raise ActionParseError(f"{key}: expected a finite number >= 0, got {value}")
        p[index[key]] = float(value)
    total = p.sum()
    if not total > 0:
        raise ActionParseError("answer: the probabilities sum to 0")
    return p / total


def _codes(values: np.ndarray, bins: int) -> tuple[np.ndarray, list[str]]:
    """Integer codes and their labels.

    Text and integer values with at most 16 distinct values are categories; other numbers are
    cut into ``bins`` quantile bins (labels ``"lo to hi"``).
    """
    arr = np.asarray(values)
    if arr.dtype.kind not in "biuf":
        uniq, inverse = np.unique(arr.astype(str), return_inverse=True)
        return inverse.astype(np.int64), [str(v) for v in uniq]
    arr = arr.astype(np.float64)
    uniq, inverse = np.unique(arr, return_inverse=True)
    integral = bool(np.all(uniq == np.round(uniq))) if uniq.size else True
    if uniq.size <= 2 or (integral and uniq.size <= _MAX_CATEGORIES) or uniq.size <= bins:
        return inverse.astype(np.int64), [f"{v:g}" for v in uniq]
    qs = np.quantile(arr, np.linspace(0.0, 1.0, bins + 1))
    inner = np.unique(qs[1:-1])
    codes = np.searchsorted(inner, arr, side="right").astype(np.int64)
    lows = [float(arr.min()), *inner.tolist()]
    highs = [*inner.tolist(), float(arr.max())]
    return codes, [f"{lo:.3g} to {hi:.3g}" for lo, hi in zip(lows, highs, strict=True)]


def persona_codes(
    population: Population | None, names: list[str], bins: int
) -> tuple[np.ndarray, list[list[str]]]:
    """Codes of the key's persona attributes for the whole population, shape ``(N, K)``.

    A name may be a persona column or a numeric population field. Categorical values (and
    numeric ones with few distinct values) are kept; other numbers are cut into ``bins``
    quantile bins.

    Raises
    ------
    ConfigError
        For a name that is neither (``policy.key``).
    """
    n = 0 if population is None else population.size
    if not names:
        return np.zeros((n, 0), np.int64), []
    if population is None:
        raise ConfigError("policy.key", "an archetype key needs the population")
    columns, labels = [], []
    for name in names:
        if name in population.personas:
            codes, lab = _codes(population.personas[name], bins)
        elif name in population.fields:
            codes, lab = _codes(population.fields[name], bins)
        else:
            known = sorted(set(population.personas) | set(population.fields))
            raise ConfigError(
                "policy.key",
                f"unknown persona attribute {name!r}; available: {', '.join(known) or 'none'}",
            )
        columns.append(codes)
        labels.append(lab)
    return np.stack(columns, axis=1), labels


def discretise(features: Mapping[str, np.ndarray], bins: int) -> tuple[np.ndarray, list[list[str]]]:
    """Bin each observation feature of a batch: codes ``(n, F)`` and labels per feature."""
    items = list(features.items())
    if not items:
        return np.zeros((0, 0), np.int64), []
    columns, labels = [], []
    for _, values in items:
        codes, lab = _codes(np.asarray(values), bins)
        columns.append(codes)
        labels.append(lab)
    return np.stack(columns, axis=1), labels


class Groups:
    """The groups of one batch.

    Attributes
    ----------
    inverse : numpy.ndarray
        Group index of every row.
    keys : numpy.ndarray
        One key row per group (``-1`` where the key was coarsened away).
    level : numpy.ndarray
        Per group: 0 = full key, 1 = persona attributes only, 2 = the ``other`` bucket.
    sizes : numpy.ndarray
        Members per group.
    """

    def __init__(self, inverse: np.ndarray, keys: np.ndarray, level: np.ndarray):
        self.inverse = inverse.astype(np.int64)
        self.keys = keys
        self.level = level.astype(np.int64)
        self.sizes = np.bincount(self.inverse, minlength=keys.shape[0])

    def __len__(self) -> int:
        return int(self.keys.shape[0])


def _unique_rows(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows and the inverse, through one int64 code when the radices allow it."""
    n, k = keys.shape
    if k == 0:
        return np.zeros((1 if n else 0, 0), np.int64), np.zeros(n, np.int64)
    radix = keys.max(axis=0).astype(np.int64) + 2  # + 2: room for -1
    if float(np.prod(radix.astype(np.float64))) < 2**62:
        code = np.zeros(n, np.int64)
        for j in range(k):
            code = code * radix[j] + (keys[:, j] + 1)
        _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
        return keys[first], inverse.astype(np.int64)
    uniq_rows, inverse = np.unique(keys, axis=0, return_inverse=True)
    return uniq_rows, inverse.reshape(-1).astype(np.int64)


def form_groups(keys: np.ndarray, persona_cols: int, max_groups: int) -> Groups:
    """Group rows by key, coarsening the rarest keys so that at most ``max_groups`` remain.

    Parameters
    ----------
    keys : numpy.ndarray
        ``(n, K)`` integer codes; the first ``persona_cols`` columns are persona attributes,
        the rest discretised observation features.
    persona_cols : int
    max_groups : int

    Notes
    -----
    With ``G`` full keys over budget, the full keys are ranked by size; keeping the ``t``
    largest and regrouping the members of the others by persona attributes gives
    ``t + C(t)`` groups, where ``C(t)`` counts the persona keys among the dropped full keys.
    ``t + C(t)`` never decreases with ``t``, so the largest ``t`` within budget is exact. If
    even ``C(0)`` (all persona keys) exceeds the budget, the ``max_groups - 1`` largest
    persona keys are kept and the rest form one ``other`` group.

    Examples
    --------
    >>> keys = np.array([[0, 0], [0, 1], [0, 1], [1, 0], [1, 1], [1, 1], [1, 1]])
    >>> g = form_groups(keys, persona_cols=1, max_groups=3)
    >>> len(g), g.sizes.tolist(), g.level.tolist()
    (3, [3, 3, 1], [0, 1, 1])
    """
    n = keys.shape[0]
    fine, inverse = _unique_rows(keys)
    nf = fine.shape[0]
    if nf <= max_groups:
        return Groups(inverse, fine, np.zeros(nf, np.int64))
    sizes = np.bincount(inverse, minlength=nf)
    order = np.lexsort((np.arange(nf), -sizes))  # largest first, ties by key order
    coarse, coarse_of_fine = _unique_rows(fine[:, :persona_cols])
    nc = coarse.shape[0]
    # C(t): persona keys whose last full key (in size order) sits at position >= t
    position = np.empty(nf, np.int64)
    position[order] = np.arange(nf)
    last = np.full(nc, -1, np.int64)
    np.maximum.at(last, coarse_of_fine, position)
    suffix = np.cumsum(np.bincount(last, minlength=nf + 1)[::-1])[::-1]
    t = np.arange(nf + 1)
    fits = np.flatnonzero(t + suffix[t] <= max_groups)
    if fits.size:
        keep = int(fits[-1])
        kept = order[:keep]
        new_of_fine = np.full(nf, -1, np.int64)
        new_of_fine[kept] = np.arange(keep)
        dropped = order[keep:]
        used, coarse_rank = np.unique(coarse_of_fine[dropped], return_inverse=True)
        new_of_fine[dropped] = keep + coarse_rank
        pad = -np.ones((used.size, fine.shape[1] - persona_cols), np.int64)
        group_keys = np.concatenate(
            [fine[kept], np.concatenate([coarse[used], pad], axis=1)], axis=0
        )
        level = np.concatenate([np.zeros(keep, np.int64), np.ones(used.size, np.int64)])
        return Groups(new_of_fine[inverse], group_keys, level)
    # even the persona keys alone are too many: keep the largest, the rest is "other"
    member_coarse = coarse_of_fine[inverse]
    csizes = np.bincount(member_coarse, minlength=nc)
    corder = np.lexsort((np.arange(nc), -csizes))
    keep = max(max_groups - 1, 0)
    new_of_coarse = np.full(nc, keep, np.int64)
    new_of_coarse[corder[:keep]] = np.arange(keep)
    pad = -np.ones((keep, fine.shape[1] - persona_cols), np.int64)
    group_keys = np.concatenate(
        [
            np.concatenate([coarse[corder[:keep]], pad], axis=1),
            -np.ones((1, fine.shape[1]), np.int64),
        ],
        axis=0,
    )
    level = np.concatenate([np.ones(keep, np.int64), [2]])
    inverse_new = new_of_coarse[member_coarse]
    if n and not (inverse_new == keep).any():  # nothing fell into "other"
        group_keys, level = group_keys[:keep], level[:keep]
    return Groups(inverse_new, group_keys, level)


class ArchetypePolicy(LLMDrivenPolicy):
    """Ask the language model once per group of similar agents; members sample from it.

    Parameters
    ----------
    world : World
        A world with an LLM interface; ideally with ``archetype_choices``,
        ``archetype_features`` and ``archetype_actions`` (see the module docstring).
    config : ArchetypePolicyConfig
        ``key``, ``observation_bins``, ``max_groups``, ``features``, ``template``,
        ``observation_tokens``, ``reask``, ``fallback``, ``interview_tokens``.
    rng : numpy.random.Generator
        The policy's stream: request seeds, the members' draws and rule fallbacks.
    context : PolicyContext
        The population (key attributes, personas) and the shared language model.

    Raises
    ------
    ConfigError
        For an unknown key attribute, or a world whose options need parameters it cannot
        fill (no ``archetype_actions``).

    Examples
    --------
    >>> import socium
    >>> cfg = {"population": {"size": 40}, "run": {"steps": 2, "seed": 1},
    ...        "world": {"name": "games", "pairing": "random"},
    ...        "policy": {"kind": "archetype", "max_groups": 5}, "llm": {"backend": "mock"}}
    >>> run = socium.run(cfg)
    >>> run.final["archetype_members"], run.final["archetype_groups"] <= 10
    (80, True)
    """

    name = "archetype"
    config: ArchetypePolicyConfig

    def __init__(
        self,
        world: World,
        config: ArchetypePolicyConfig,
        rng: np.random.Generator,
        context: PolicyContext | None = None,
    ):
        super().__init__(world, config, rng, context)
        hook = getattr(world, "archetype_actions", None)
        if hook is not None:
            choices = getattr(world, "archetype_choices", None)
            self.choices = list(choices()) if choices is not None else list(self.menu.names)
            self._instances: dict[str, Any] = {}
        else:
            self._instances = {}
            for spec in self.menu.specs:
                required = [
                    f
                    for f, info in spec.model_fields.items()
                    if f != "action" and info.is_required()
                ]
                if required:
                    raise ConfigError(
                        "policy.kind",
                        f"world {world.name!r}: action {spec.action_name()!r} needs parameters "
                        f"({', '.join(required)}) that an archetype cannot choose; the world "
                        "must implement archetype_actions(obs, choices)",
                    )
                self._instances[spec.action_name()] = spec()
            self.choices = list(self._instances)
        if len(set(self.choices)) != len(self.choices) or not self.choices:
            raise ValueError(f"world {world.name!r}: archetype options must be distinct")
        self._hook = hook
        self.dist_schema = distribution_schema(self.choices)
        self.key_names = list(config.key)
        self.key_codes, self.key_labels = persona_codes(
            self.context.population, self.key_names, config.observation_bins
        )
        self._rows: dict[str, list[Any]] = {c: [] for c in GROUP_COLUMNS}
        self._totals = {"groups": 0, "members": 0, "calls_saved": 0}
        self._last = dict(self._totals)

    # -- grouping -------------------------------------------------------------------------------
    def features(self, obs: ObsBatch) -> dict[str, np.ndarray]:
        """The observation features of the key (``features`` config, world hook or default)."""
        hook = getattr(self.world, "archetype_features", None)
        feats = (
            dict(hook(obs))
            if hook is not None
            else {
                k: v
                for k, v in obs.columns.items()
                if np.asarray(v).ndim == 1 and np.asarray(v).dtype.kind in "biuf"
            }
        )
        wanted = self.config.features
        if wanted is None:
            return feats
        pool = {**{k: v for k, v in obs.columns.items() if np.asarray(v).ndim == 1}, **feats}
        missing = [f for f in wanted if f not in pool]
        if missing:
            raise ConfigError(
                "policy.features",
                f"unknown observation features {missing}; available: {', '.join(sorted(pool))}",
            )
        return {f: pool[f] for f in wanted}

    def group(self, obs: ObsBatch) -> tuple[Groups, list[str], list[list[str]]]:
        """Groups of the batch, the feature names and their bin labels."""
        feats = self.features(obs)
        codes, feat_labels = discretise(feats, self.config.observation_bins)
        ids = np.asarray(obs.ids, dtype=np.int64)
        persona = self.key_codes[ids] if self.key_names else np.zeros((len(obs), 0), np.int64)
        if codes.shape[0] != len(obs):
            codes = np.zeros((len(obs), 0), np.int64)
        keys = np.concatenate([persona, codes], axis=1)
        return form_groups(keys, persona.shape[1], self.config.max_groups), list(feats), feat_labels

    def describe_group(
        self, groups: Groups, g: int, feat_names: list[str], feat_labels: list[list[str]]
    ) -> dict[str, str]:
        """``{attribute: value}`` of group ``g`` for its prompt."""
        level = int(groups.level[g])
        if level == 2:
            return {"traits": "various (the agents not covered by other groups)"}
        key = groups.keys[g].tolist()
        out = {name: self.key_labels[j][key[j]] for j, name in enumerate(self.key_names)}
        p = len(self.key_names)
        for j, name in enumerate(feat_names):
            code = key[p + j]
            out[name] = "mixed" if code < 0 else feat_labels[j][code]
        return out

    def representatives(self, groups: Groups) -> np.ndarray:
        """One random member (row) per group, drawn from the policy stream.

        Its persona and observation are the "typical member" of the group's prompt. A random
        member, rather than the first, keeps what the key leaves out (other persona attributes,
        the position inside an observation bin) unbiased on average.
        """
        order = np.argsort(groups.inverse, kind="stable")
        starts = np.concatenate(([0], np.cumsum(groups.sizes)[:-1]))
        offset = np.floor(self.rng.random(len(groups)) * groups.sizes).astype(np.int64)
        return order[starts + np.minimum(offset, groups.sizes - 1)]

    # -- the decision ----------------------------------------------------------------------------
    def decide(self, obs: ObsBatch) -> ActionBatch:
        """Group, ask once per group (one batched call), sample members, act."""
        n = len(obs)
        if n == 0:
            return with_source(self.world.decode_actions(obs, []), "llm")
        self.batch_index += 1
        groups, feat_names, feat_labels = self.group(obs)
        k = len(groups)
        reps = self.representatives(groups)
        ids = np.asarray(obs.ids, dtype=np.int64)
        described = [self.describe_group(groups, g, feat_names, feat_labels) for g in range(k)]
        seen = [
            truncate_tokens(str(t), self.config.observation_tokens)
            for t in self.world.render_observations(obs.take(reps))
        ]
        seeds = request_seeds(
            self.seed, np.arange(k), SEED_SALT["archetype"], self.step, self.batch_index
        )
        convos = []
        for g in range(k):
            rep = int(ids[reps[g]])
            user = self.prompts.render(
                "archetype",
                self.variables(
                    persona=self.persona_text(rep),
                    observation=seen[g],
                    group=described[g],
                    size=int(groups.sizes[g]),
                    choices=self.choices,
                    agent=rep,
                ),
            )
            system = self.prompts.render("system", self.variables())
            convos.append([("system", system), ("user", user)])
        probs = np.zeros((k, len(self.choices)))
        reasons: list[str | None] = [None] * k
        attempts = np.zeros(k, np.int64)
        calls_before = self.counters.totals["calls"]
        if self.budget_exhausted():
            reasons = [BUDGET_EXHAUSTED] * k
        else:
            requests = [
                self.request(c, schema=self.dist_schema, seed=s, tag=f"archetype:{g}")
                for g, (c, s) in enumerate(zip(convos, seeds.tolist(), strict=True))
            ]
            bad = self._book(self.generate(requests), range(k), probs, reasons, attempts)
            if bad:
                self._reask(bad, convos, seeds, probs, reasons, attempts)
        failed_groups = np.array([r is not None for r in reasons], dtype=bool)
        failed = failed_groups[groups.inverse]
        u = self.rng.random(n)
        cdf = np.cumsum(probs, axis=1)
        cdf[:, -1] = 1.0
        pick = np.minimum((u[:, None] >= cdf[groups.inverse]).sum(axis=1), len(self.choices) - 1)
        chosen = np.asarray(self.choices)[pick]
        actions = self.with_fallbacks(
            obs, failed, lambda sub, rows: self.realise(sub, chosen[rows])
        )
        calls = self.counters.totals["calls"] - calls_before
        self.counters.add(decisions=n, fallbacks=int(failed.sum()))
        for g in np.flatnonzero(failed_groups).tolist():
            self.counters.fallback(str(reasons[g]), int(groups.sizes[g]))
        self._totals["groups"] += k
        self._totals["members"] += n
        self._totals["calls_saved"] += n - calls
        self._record(groups, described, ids[reps], probs, reasons, attempts)
        return actions

    def _book(
        self,
        responses: list[Any],
        rows: Any,
        probs: np.ndarray,
        reasons: list[str | None],
        attempts: np.ndarray,
    ) -> list[tuple[int, str, str]]:
        bad = []
        for g, r in zip(rows, responses, strict=True):
            attempts[g] += 1
            if r.error is not None:
                reasons[g] = str(r.error)
                continue
            try:
                probs[g] = parse_distribution(r.text, self.choices)
                reasons[g] = None
            except ActionParseError as exc:
                self.counters.add(parse_errors=1)
                reasons[g] = PARSE_ERROR
                bad.append((g, r.text, str(exc)))
        return bad

    def _reask(
        self,
        bad: list[tuple[int, str, str]],
        convos: list[list[tuple[str, str]]],
        seeds: np.ndarray,
        probs: np.ndarray,
        reasons: list[str | None],
        attempts: np.ndarray,
    ) -> None:
        if not self.config.reask or self.budget_exhausted():
            return
        requests = []
        for g, answer, error in bad:
            text = self.prompts.render(
                "reask",
                self.variables(error=error, answer=answer[:2000], action_names=self.choices),
            )
            convo = [*convos[g], ("assistant", answer[:2000]), ("user", text)]
            seed = int(request_seeds(int(seeds[g]), np.array([g]), SEED_SALT["archetype_reask"])[0])
            requests.append(
                self.request(convo, schema=self.dist_schema, seed=seed, tag=f"archetype_reask:{g}")
            )
        self.counters.add(reasks=len(requests))
        self._book(self.generate(requests), [g for g, _, _ in bad], probs, reasons, attempts)

    def realise(self, obs: ObsBatch, choices: np.ndarray) -> ActionBatch:
        """The action columns of sampled options: the world's ``archetype_actions``, or the
        world's decoding of parameter-free actions."""
        if self._hook is not None:
            return self._hook(obs, choices)
        instances = self._instances
        return self.world.decode_actions(obs, [instances[c] for c in choices.tolist()])

    def _record(
        self,
        groups: Groups,
        described: list[dict[str, str]],
        reps: np.ndarray,
        probs: np.ndarray,
        reasons: list[str | None],
        attempts: np.ndarray,
    ) -> None:
        rows = self._rows
        for g in range(len(groups)):
            ok = reasons[g] is None
            rows["batch"].append(self.batch_index)
            rows["group"].append(g)
            rows["level"].append(_LEVELS[int(groups.level[g])])
            rows["key"].append(json.dumps(described[g], ensure_ascii=False, sort_keys=True))
            rows["size"].append(int(groups.sizes[g]))
            rows["representative"].append(int(reps[g]))
            rows["ok"].append(ok)
            rows["attempts"].append(int(attempts[g]))
            rows["fallback_reason"].append(reasons[g])
            rows["probabilities"].append(
                json.dumps(dict(zip(self.choices, np.round(probs[g], 6).tolist(), strict=True)))
                if ok
                else None
            )

    # -- metrics, tables, state ------------------------------------------------------------------
    def step_metrics(self) -> dict[str, float]:
        """The ``llm_*`` step metrics plus ``archetype_groups`` and ``archetype_calls_saved``."""
        out = super().step_metrics()
        out["archetype_groups"] = float(self._totals["groups"] - self._last["groups"])
        out["archetype_calls_saved"] = float(
            self._totals["calls_saved"] - self._last["calls_saved"]
        )
        self._last = dict(self._totals)
        return out

    def final_metrics(self) -> dict[str, Any]:
        """``llm_*`` totals plus ``archetype_groups`` (LLM group prompts), ``archetype_members``
        (decisions), ``archetype_calls_saved`` (decisions minus calls) and its rate."""
        out = super().final_metrics()
        out.update({f"archetype_{k}": int(v) for k, v in self._totals.items()})
        return with_rates(out)

    def own_tables(self) -> dict[str, Table]:
        """``archetype_groups``: per batch and group, its key, size, representative, answer."""
        rows, self._rows = self._rows, {c: [] for c in GROUP_COLUMNS}
        if not rows["group"]:
            return {}
        return {
            "archetype_groups": {
                "batch": np.array(rows["batch"], dtype=np.int64),
                "group": np.array(rows["group"], dtype=np.int64),
                "level": np.array(rows["level"], dtype=object),
                "key": np.array(rows["key"], dtype=object),
                "size": np.array(rows["size"], dtype=np.int64),
                "representative": np.array(rows["representative"], dtype=np.int64),
                "ok": np.array(rows["ok"], dtype=bool),
                "attempts": np.array(rows["attempts"], dtype=np.int64),
                "fallback_reason": np.array(rows["fallback_reason"], dtype=object),
                "probabilities": np.array(rows["probabilities"], dtype=object),
            }
        }

    def get_state(self) -> dict[str, Any]:
        """Counters, budget spend and the archetype totals (JSON scalars)."""
        return {
            **super().get_state(),
            "archetype": {"totals": dict(self._totals), "last": dict(self._last)},
        }

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`get_state`."""
        super().set_state(state)
        arch = state["archetype"]
        self._totals = {k: int(arch["totals"][k]) for k in self._totals}
        self._last = {k: int(arch["last"][k]) for k in self._totals}
