"""Archetype fidelity: how far do archetype actions drift from per-agent LLM actions?

Same population, same world, same "language model", two policies:

* **per agent** (``kind = "llm"``): one call per agent and round;
* **archetype** (``kind = "archetype"``): one call per group of agents sharing a key (persona
  attributes + discretised observation); members sample from the group's distribution.

World: the repeated Prisoner's Dilemma (games world, random pairing, 5-round matches), so every
agent decides every step. Population: ``--agents`` personas generated with
:mod:`socium.personas` — ``temperament`` (cooperative / cautious / competitive) and ``age``
(18-80).

The default "model" is a deterministic mock **oracle**: from the persona and observation in a
prompt it computes ``p(C) = base[temperament] + 0.004 (age - 50) - 0.35 [they defected last
round] + 0.10 [they cooperated last round]``, clipped to [0.02, 0.98]. Asked for one agent's
move it samples C with that probability (seeded by the request); asked for a group's
distribution it answers ``{"C": p, "D": 1 - p}`` for the group's typical member (the prompt's
persona and observation). The oracle is what a perfectly consistent LLM would do, so every
difference between the modes is due to the archetype approximation itself: members that
differ in what the key leaves out (age, unbinned details) get their typical member's
distribution. ``--local`` asks the offline SmolLM2 model instead (slow; small population).

Fidelity is measured per **analysis cell** (temperament x the other's last move; with
``--local``, whose population is small, temperament only): total
variation distance between the per-agent and archetype distributions of moves,
``TVD = 1/2 sum_a |p(a) - q(a)|`` (for two moves ``|p(C) - q(C)|``), averaged with the cells'
decision counts as weights, and its maximum. The **noise floor** is the TVD between two
per-agent runs whose oracles sample with different seeds: below it, a difference is
indistinguishable from sampling noise.

Run::

    python bench/archetype_fidelity.py            # about 20 s
    python bench/archetype_fidelity.py --quick    # fewer agents and steps
    python bench/archetype_fidelity.py --local    # also with the local SmolLM2 model

Results: a markdown table on stdout and ``bench/results/archetype_fidelity.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import markdown_table, write_results
from socium.experiment.config import load_config
from socium.experiment.runner import build_simulation
from socium.llm import AccountingModel, MockLanguageModel
from socium.personas import PersonaSpec, apply_personas
from socium.policies.archetype import ArchetypePolicy
from socium.policies.config import ArchetypePolicyConfig, LLMPolicyConfig
from socium.policies.llm import LLMPolicy

BASE = {"cooperative": 0.85, "cautious": 0.55, "competitive": 0.2}
TEMPERAMENTS = list(BASE)
PERSONAS = {
    "generate": {
        "temperament": {"dist": "categorical", "values": TEMPERAMENTS, "p": [0.4, 0.35, 0.25]},
        "age": {"dist": "uniform", "low": 18, "high": 80, "integer": True},
    }
}

#: The archetype variants compared: name -> archetype policy config.
VARIANTS: dict[str, dict[str, Any]] = {
    "archetype: temperament + observation": {"key": ["temperament"]},
    "archetype: temperament + age + observation": {
        "key": ["temperament", "age"],
        "observation_bins": 3,
    },
    "archetype: observation only": {"key": []},
    "archetype: temperament + observation, max_groups = 4": {
        "key": ["temperament"],
        "max_groups": 4,
    },
}


def oracle_p(text: str) -> float:
    """The oracle's probability of C for the persona and observation in a prompt.

    The persona is read after "Who you are:" (per agent) or "A typical member:" (archetype),
    the last round from the current observation (after "sees now" / "see now"), never from
    the memory or the group's trait list.
    """
    persona = re.search(r"(?:Who you are|A typical member): ([^\n]*)", text)
    persona_text = persona.group(1) if persona else ""
    temperament = re.search(r"temperament: (\w+)", persona_text)
    age = re.search(r"age: (\d+)", persona_text)
    p = BASE[temperament.group(1)] if temperament else 0.5
    p += 0.004 * ((int(age.group(1)) if age else 50) - 50)
    now = re.split(r"sees? now", text)[-1]
    last = re.search(r"Last round: you played [CD], they played ([CD]);", now)
    if last is not None:
        p += -0.35 if last.group(1) == "D" else 0.10
    return float(np.clip(p, 0.02, 0.98))


def make_oracle(salt: int):
    """The mock model: a move sampled from ``oracle_p`` (per agent) or the distribution."""

    def answer(request) -> str:
        text = "\n".join(m.content for m in request.messages)
        p = oracle_p(text)
        props = (request.schema or {}).get("properties", {})
        if "C" in props and "action" not in props:  # an archetype group
            return json.dumps({"C": round(p, 4), "D": round(1 - p, 4)})
        digest = hashlib.sha256(f"{salt}|{request.seed}|{text}".encode()).digest()
        u = int.from_bytes(digest[:8], "little") / 2**64
        return json.dumps({"action": "play", "move": "C" if u < p else "D"})

    return answer


def simulate(
    policy_cfg: dict[str, Any], agents: int, steps: int, seed: int, model: Any | None
) -> dict[str, Any]:
    """One run; every decision recorded as (temperament, other's last move, move)."""
    cfg = {
        "population": {"size": agents},
        "world": {"name": "games", "pairing": "random", "turns": 5},
        "run": {"seed": seed, "steps": steps},
    }
    if model is None:
        cfg["llm"] = {"backend": "local", "max_tokens": 48}
    sim = build_simulation(load_config(cfg))
    ctx = sim.policy.context
    apply_personas(
        PersonaSpec.model_validate(PERSONAS), sim.population, np.random.default_rng(seed)
    )
    if model is not None:
        ctx._model = model  # the bench's oracle, with accounting
    kind = policy_cfg.pop("kind")
    if kind == "llm":
        policy = LLMPolicy(sim.world, LLMPolicyConfig(**policy_cfg), ctx.stream("policy"), ctx)
    else:
        policy = ArchetypePolicy(
            sim.world, ArchetypePolicyConfig(**policy_cfg), ctx.stream("policy"), ctx
        )
    sim.policy = policy
    temper = np.array([TEMPERAMENTS.index(t) for t in sim.population.personas["temperament"]])
    cells, moves = [], []
    decide = policy.decide

    def spy(obs):
        acts = decide(obs)
        cells.append(temper[obs.ids] * 3 + (np.asarray(obs["other_last"]) + 1))
        moves.append(np.asarray(acts["move"]))
        return acts

    policy.decide = spy
    start = time.perf_counter()
    sim.initial_record()
    for _ in range(steps):
        sim.advance()
    wall = time.perf_counter() - start
    final = policy.final_metrics()
    policy.close()
    return {
        "cells": np.concatenate(cells),
        "moves": np.concatenate(moves),
        "calls": int(final["llm_calls"]),
        "decisions": int(final["llm_decisions"]),
        "fallbacks": int(final["llm_fallbacks"]),
        "wall_s": wall,
    }


def tvd(a: dict[str, Any], b: dict[str, Any], coarse: bool = False) -> dict[str, Any]:
    """Per-cell TVD of the move distributions (cells with enough decisions in both runs).

    ``coarse``: cells by temperament only (for small populations), at least 5 decisions each;
    otherwise temperament x the other's last move, at least 20 decisions each.
    """
    per_cell = {}
    weights, values = [], []
    cells_a = a["cells"] // 3 if coarse else a["cells"]
    cells_b = b["cells"] // 3 if coarse else b["cells"]
    for cell in range(3 if coarse else 9):
        ma = a["moves"][cells_a == cell]
        mb = b["moves"][cells_b == cell]
        if min(ma.size, mb.size) < (5 if coarse else 20):
            continue
        d = abs(float(np.mean(ma == 0)) - float(np.mean(mb == 0)))
        name = (
            TEMPERAMENTS[cell]
            if coarse
            else (f"{TEMPERAMENTS[cell // 3]}/{['none', 'C', 'D'][cell % 3]}")
        )
        per_cell[name] = {"tvd": round(d, 4), "n_per_agent": int(ma.size), "n_other": int(mb.size)}
        weights.append(ma.size)
        values.append(d)
    overall = abs(float(np.mean(a["moves"] == 0)) - float(np.mean(b["moves"] == 0)))
    return {
        "weighted_tvd": round(float(np.average(values, weights=weights)), 4) if values else None,
        "max_tvd": round(float(np.max(values)), 4) if values else None,
        "marginal_tvd": round(overall, 4),
        "cells": per_cell,
    }


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def run_suite(agents: int, steps: int, seed: int, local: bool) -> dict[str, Any]:
    def model(salt):
        return None if local else AccountingModel(MockLanguageModel(fn=make_oracle(salt)))

    reference = simulate({"kind": "llm"}, agents, steps, seed, model(1))
    rows = []
    results: dict[str, Any] = {}

    def add(name: str, res: dict[str, Any]) -> None:
        fid = tvd(reference, res, coarse=local)
        saved = 1.0 - res["calls"] / res["decisions"]
        results[name] = {
            **{k: v for k, v in res.items() if k not in ("cells", "moves")},
            "calls_saved": round(saved, 4),
            "cooperation": round(float(np.mean(res["moves"] == 0)), 4),
            **fid,
        }
        rows.append(
            [
                name,
                res["decisions"],
                res["calls"],
                f"{100 * saved:.1f}%",
                _fmt(fid["weighted_tvd"]),
                _fmt(fid["max_tvd"]),
                _fmt(fid["marginal_tvd"]),
                res["fallbacks"],
                f"{res['wall_s']:.1f}",
            ]
        )

    results["per agent (reference)"] = {
        **{k: v for k, v in reference.items() if k not in ("cells", "moves")},
        "calls_saved": 0.0,
        "cooperation": round(float(np.mean(reference["moves"] == 0)), 4),
    }
    rows.append(
        [
            "per agent (reference)",
            reference["decisions"],
            reference["calls"],
            "0.0%",
            "-",
            "-",
            "-",
            reference["fallbacks"],
            f"{reference['wall_s']:.1f}",
        ]
    )
    if not local:
        add(
            "per agent, other sampling seed (noise floor)",
            simulate({"kind": "llm"}, agents, steps, seed, model(2)),
        )
    for name, variant in VARIANTS.items():
        add(name, simulate({"kind": "archetype", **variant}, agents, steps, seed, model(1)))
    header = [
        "mode",
        "decisions",
        "LLM calls",
        "calls saved",
        "weighted TVD",
        "max TVD",
        "marginal TVD",
        "fallbacks",
        "wall s",
    ]
    print(markdown_table(rows, header))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=900)
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="300 agents, 3 steps")
    parser.add_argument("--local", action="store_true", help="also run the local SmolLM2 model")
    parser.add_argument("--local-agents", type=int, default=24)
    parser.add_argument("--local-steps", type=int, default=2)
    args = parser.parse_args()
    agents, steps = (300, 3) if args.quick else (args.agents, args.steps)
    print(f"mock oracle: {agents} agents, {steps} steps (games, random pairing)\n")
    payload: dict[str, Any] = {
        "setup": {
            "agents": agents,
            "steps": steps,
            "seed": args.seed,
            "world": "games",
            "oracle": "p(C) = base[temperament] + 0.004 (age - 50) -0.35 [D] +0.10 [C]",
            "base": BASE,
        },
        "mock": run_suite(agents, steps, args.seed, local=False),
    }
    if args.local:
        from socium.llm.backends import local_backend_available

        problem = local_backend_available()
        if problem:
            print(f"\nlocal model unavailable: {problem}")
        else:
            print(f"\nlocal SmolLM2: {args.local_agents} agents, {args.local_steps} steps\n")
            payload["local"] = run_suite(args.local_agents, args.local_steps, args.seed, local=True)
    path = write_results("archetype_fidelity", payload)
    print(f"\nwritten {path}")


if __name__ == "__main__":
    main()
