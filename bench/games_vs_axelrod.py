"""socium vs the axelrod library: one round-robin tournament of the iterated Prisoner's Dilemma.

Field: ten classic strategies both libraries have (cooperator, defector, tit-for-tat,
tit-for-two-tats, grudger, alternator, win-stay-lose-shift, suspicious tit-for-tat, random,
generous tit-for-tat), every pair and every strategy against itself, 200 turns, 10 repetitions
(550 matches, 110 000 rounds), classic payoffs, no noise, one process.

socium plays all 550 matches in lock step (one numpy call per strategy per round); axelrod plays
them one by one, move by move, in Python (``Tournament.play(build_results=False)``: the time of
playing the matches, without axelrod's result analysis). Before timing, the deterministic part of
the field is checked: the mean payoff per turn of every deterministic pair must be identical.

Run::

    pip install torch==2.13.0 axelrod   # optional; axelrod pulls torch
    python bench/games_vs_axelrod.py            # about a minute
    python bench/games_vs_axelrod.py --quick    # one repeat of each

Results: a markdown table and the ratio on stdout, and ``bench/results/games_vs_axelrod.json``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import socium.games as games
from _common import fmt_seconds, markdown_table, time_best, write_results

FIELD = {
    "cooperator": "Cooperator",
    "defector": "Defector",
    "tit_for_tat": "TitForTat",
    "tit_for_two_tats": "TitFor2Tats",
    "grudger": "Grudger",
    "alternator": "Alternator",
    "win_stay_lose_shift": "WinStayLoseShift",
    "suspicious_tit_for_tat": "SuspiciousTitForTat",
    "random": "Random",
    "generous_tit_for_tat": "GTFT",
}
STOCHASTIC = {"random", "generous_tit_for_tat"}


def socium_tournament(turns: int, repetitions: int, seed: int = 0) -> games.TournamentResult:
    """The socium round robin (self-play included, as axelrod does)."""
    return games.round_robin(
        list(FIELD), turns=turns, repetitions=repetitions, self_play=True, seed=seed
    )


def axelrod_tournament(axl, turns: int, repetitions: int, build_results: bool, seed: int = 0):
    """The axelrod round robin of the same field, in one process."""
    players = [getattr(axl, cls)() for cls in FIELD.values()]
    t = axl.Tournament(players, turns=turns, repetitions=repetitions, seed=seed)
    with tempfile.TemporaryDirectory() as tmp:
        return t.play(
            build_results=build_results,
            filename=str(Path(tmp) / "interactions.csv"),
            processes=1,
            progress_bar=False,
        )


def check_agreement(axl, turns: int) -> float:
    """Largest difference of the deterministic pairs' mean payoff per turn (must be 0)."""
    ours = socium_tournament(turns, 1).payoff_matrix
    theirs = np.array(axelrod_tournament(axl, turns, 1, build_results=True).payoff_matrix)
    det = np.array([name not in STOCHASTIC for name in FIELD])
    mask = det[:, None] & det[None, :]
    return float(np.max(np.abs(ours[mask] - theirs[mask])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--repetitions", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="one timed repeat each")
    args = parser.parse_args()
    try:
        import axelrod as axl
    except ImportError:
        sys.exit("axelrod is not installed: pip install torch==2.13.0 axelrod")

    k_ours, k_theirs = (1, 1) if args.quick else (5, 3)
    diff = check_agreement(axl, 50)
    matches = len(FIELD) * (len(FIELD) + 1) // 2 * args.repetitions
    ours = time_best(
        lambda: socium_tournament(args.turns, args.repetitions), k=k_ours, units=matches
    )
    t0 = time.perf_counter()
    theirs = time_best(
        lambda: axelrod_tournament(axl, args.turns, args.repetitions, build_results=False),
        k=k_theirs,
        warmup=0,
        units=matches,
    )
    wall_axl = time.perf_counter() - t0
    ratio = theirs.best / ours.best
    rows = [
        ["socium", fmt_seconds(ours.best), fmt_seconds(ours.per_unit), "1.0x"],
        ["axelrod", fmt_seconds(theirs.best), fmt_seconds(theirs.per_unit), f"{ratio:.0f}x"],
    ]
    print(
        f"Round robin, {len(FIELD)} strategies + self-play, turns={args.turns}, "
        f"repetitions={args.repetitions}: {matches} matches"
    )
    print(markdown_table(rows, ["library", "tournament (best)", "per match", "time ratio"]))
    print(f"deterministic pairs, max |payoff difference|: {diff:.3g}")
    print(f"speed ratio axelrod / socium: {ratio:.1f}")
    path = write_results(
        "games_vs_axelrod",
        {
            "turns": args.turns,
            "repetitions": args.repetitions,
            "matches": matches,
            "field": list(FIELD),
            "socium": ours.as_dict(),
            "axelrod": theirs.as_dict(),
            "axelrod_wall_s": wall_axl,
            "ratio": ratio,
            "max_abs_difference_deterministic": diff,
            "axelrod_version": axl.__version__,
        },
    )
    print(f"written: {path}")


if __name__ == "__main__":
    main()
