"""Push physics of the swarm world on hand-built boards."""

import numpy as np

from socium.worlds.swarm.grid import DOWN, LEFT, RIGHT, STAY, UP
from socium.worlds.swarm.physics import apply_shifts, resolve_pushes


def board(rows, box_mass=5.0):
    """'#' wall, digits agents (ids), 'B' one box body (id = number of agents), '.' floor."""
    n = sum(ch.isdigit() for row in rows for ch in row)
    occ = np.full((len(rows), len(rows[0])), -1, np.int64)
    blocked = np.zeros(occ.shape, bool)
    for r, row in enumerate(rows):
        for c, ch in enumerate(row):
            if ch.isdigit():
                occ[r, c] = int(ch)
            elif ch == "B":
                occ[r, c] = n
            elif ch == "#":
                blocked[r, c] = True
    has_box = (occ == n).any()
    mass = np.ones(n + has_box)
    if has_box:
        mass[n] = box_mass
    force = np.where(np.arange(len(mass)) < n, 2.0, 0.0)
    return occ, blocked, mass, np.zeros(len(mass), bool), force


def resolve(rows, moves, box_mass=5.0):
    occ, blocked, mass, static, force = board(rows, box_mass)
    choice = np.full(len(mass), STAY)
    for i, m in moves.items():
        choice[i] = m
    return resolve_pushes(occ, blocked, mass, static, choice, force), occ


def test_box_needs_three_agents_pushing_one_way():
    two = ["0BB.", "1BB.", "...."]
    shift, _ = resolve(two, {0: RIGHT, 1: RIGHT})
    assert shift.tolist() == [STAY, STAY, STAY]  # 2 * 2 = 4 < 5
    three = [".0BB.", "21BB.", "....."]  # agent 2 pushes agent 1 which pushes the box
    shift, occ = resolve(three, {0: RIGHT, 1: RIGHT, 2: RIGHT})
    assert shift.tolist() == [RIGHT] * 4  # 3 * 2 = 6 >= 5
    new, left = apply_shifts(occ, shift)
    assert (np.argwhere(new == 3)[:, 1] >= 3).all() and left.sum() == 0


def test_chain_of_pushing_agents_transfers_force_but_idle_chain_is_carried():
    # three agents in a row behind a box, all pushing: force reaches the box through the chain
    shift, _ = resolve(["012B..", "...B.."], {0: RIGHT, 1: RIGHT, 2: RIGHT})
    assert shift.tolist() == [RIGHT] * 4
    # one agent pushing two idle agents: 2 >= 1 + 1 moves; three idle agents: 2 < 3 does not
    shift, _ = resolve(["012..."], {0: RIGHT})
    assert shift.tolist() == [RIGHT, RIGHT, RIGHT]
    shift, _ = resolve(["0123.."], {0: RIGHT})
    assert shift.tolist() == [STAY] * 4


def test_wall_blocks_the_whole_chain():
    shift, _ = resolve(["01#"], {0: RIGHT, 1: RIGHT})
    assert shift.tolist() == [STAY, STAY]
    shift, _ = resolve(["#0."], {0: LEFT})
    assert shift.tolist() == [STAY]


def test_no_pulling():
    # agent 0 walks away from the box: the box stays; agent 1 behind 0 moving left pulls nothing
    shift, _ = resolve([".0BB", ".1BB"], {0: LEFT, 1: LEFT})
    assert shift.tolist() == [LEFT, LEFT, STAY]


def test_opposing_pushes_cancel():
    # three push right, three push left on the box (with helpers behind): nothing moves
    rows = ["0BB3", "1BB4", "2BB5"]
    rows = ["." + r + "." for r in rows]
    moves = {0: RIGHT, 1: RIGHT, 2: RIGHT, 3: LEFT, 4: LEFT, 5: LEFT}
    shift, _ = resolve(rows, moves)
    assert (shift == STAY).all()
    # two agents facing each other: both stay
    shift, _ = resolve([".01."], {0: RIGHT, 1: LEFT})
    assert shift.tolist() == [STAY, STAY]


def test_sideways_conflicts_for_a_cell_are_all_rejected():
    # distinct target cells: both move
    shift, _ = resolve(["0..", "..1"], {0: RIGHT, 1: LEFT})
    assert shift.tolist() == [RIGHT, LEFT]
    # 1 moves left into the cell 0 vacates downwards: 1 would shove 0, so both are rejected
    shift, _ = resolve(["01", ".."], {0: DOWN, 1: LEFT})
    assert shift.tolist() == [STAY, STAY]
    shift, _ = resolve([".1", "0."], {0: RIGHT, 1: DOWN})
    assert shift.tolist() == [STAY, STAY]  # both target (1, 1): both rejected
    # a train moving one way follows into vacated cells; a sideways mover does not
    shift, _ = resolve(["01.", "..."], {0: RIGHT, 1: RIGHT})
    assert shift.tolist() == [RIGHT, RIGHT]
    shift, _ = resolve(["01.", "..."], {0: RIGHT, 1: DOWN})
    assert shift.tolist() == [STAY, STAY]  # 0 would shove 1 right while 1 goes down


def test_result_does_not_depend_on_agent_ids():
    rows = ["..0..", ".1B2.", "..3.."]
    moves = {0: DOWN, 1: RIGHT, 2: LEFT, 3: UP}
    a, _ = resolve(rows, moves, box_mass=1.0)
    rows2 = ["..3..", ".2B1.", "..0.."]
    b, _ = resolve(rows2, {3: DOWN, 2: RIGHT, 1: LEFT, 0: UP}, box_mass=1.0)
    assert a[[0, 1, 2, 3]].tolist() == b[[3, 2, 1, 0]].tolist()


def test_bodies_leave_the_board_through_open_edges():
    occ, blocked, mass, static, force = board(["..0"])
    shift = resolve_pushes(occ, blocked, mass, static, np.array([RIGHT]), force)
    new, left = apply_shifts(occ, shift)
    assert shift.tolist() == [RIGHT] and left.tolist() == [1] and (new < 0).all()
