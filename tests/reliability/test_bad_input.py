"""Bad-input suite: malformed input of every kind fails cleanly.

Every generated bad input (see ``bad_inputs.py``: at least 200, covering TOML and YAML syntax
errors, unknown keys in every section, wrong types and out-of-range values of every key of
every world, missing and corrupt graph, per-agent and persona files, empty populations, NaN
opinions, console markup in values, malformed ``--set`` and ``--grid`` options) goes through
the command line, in process with ``typer.testing.CliRunner`` and a handful through a real
subprocess, and must give:

- exit code 2;
- exactly one line on stderr, naming the dotted field;
- no traceback;
- no partial run directory (the ``--out`` folder does not exist, or is empty).

Hypothesis adds corrupted TOML texts and random values at random keys (these may be valid:
then the run must succeed; if not, the failure must be clean).

The second half checks the Python API (``socium.run``) and degenerate but valid inputs.
"""

import copy
import re
import subprocess
import sys
import tomllib
import traceback
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import tomli_w
from bad_inputs import PERSONA_FILES, BadInput, all_cases, grid_cases
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from reliability_counts import session_tally
from typer.testing import CliRunner

import socium
from socium.cli import app
from socium.errors import ConfigError


@pytest.fixture
def tally(request):
    """Counts reported at the end of the session (see ``reliability_counts.py``)."""
    return session_tally(request.config)


CASES = all_cases()
RUNNER = CliRunner()


def _write_case(case: BadInput, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in case.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    cfg = folder / f"config{case.suffix}"
    if case.config_is_dir:
        cfg.mkdir()
    elif case.text is not None:
        cfg.write_bytes(case.text.encode("utf-8", "surrogateescape"))
    elif case.config is not None:
        cfg.write_bytes(tomli_w.dumps(dict(case.config)).encode())
    return cfg


def _args(case: BadInput, cfg: Path, out: Path) -> list[str]:
    if case.grid_args:
        args = ["sweep", str(cfg), "--out", str(out)]
        for grid in case.grid_args:
            args += ["--grid", grid]
    else:
        args = ["run", str(cfg), "--out", str(out)]
    for override in case.set_args:
        args += ["--set", override]
    return [*args, *case.extra_args]


def _field_named(field: str, line: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(field)}(?![\w])", line) is not None


def check_clean_failure(case, code, stderr, output, out, exc=None):
    """The contract of a bad input: exit 2, one line naming the field, nothing written."""
    detail = ""
    if exc is not None and code != 2:
        detail = "".join(traceback.format_exception(exc))[-3000:]
    assert code == 2, f"exit code {code}: {stderr or output}\n{detail}"
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line, got:\n{stderr}"
    assert "Traceback" not in stderr and "Traceback" not in output
    assert _field_named(case.field, lines[0]), f"{case.field!r} not named in: {lines[0]}"
    if case.must_contain is not None:
        assert case.must_contain in lines[0], f"{case.must_contain!r} not shown in: {lines[0]}"
    assert not out.exists() or not any(out.iterdir()), f"partial output left in {out}"


def run_in_process(case: BadInput, folder: Path, app_=None) -> None:
    """Write ``case`` into ``folder``, run it through the CLI in this process, and check it."""
    cfg = _write_case(case, folder)
    out = folder / "out"
    res = RUNNER.invoke(app_ or app, _args(case, cfg, out))
    check_clean_failure(case, res.exit_code, res.stderr, res.output, out, res.exception)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_fails_cleanly(case, tmp_path, tally):
    passed = False
    try:
        run_in_process(case, tmp_path / "case")
        passed = True
    finally:
        tally.add("bad_inputs", passed)


def test_at_least_200_bad_inputs_of_every_kind():
    assert len(CASES) >= 200
    assert len({c.id for c in CASES}) == len(CASES)
    kinds = {c.category.split(":")[0] for c in CASES}
    expected = {"syntax", "unknown_key", "world", "network", "run", "empty", "nan_and_init"}
    expected |= {"graph_file", "agent_file", "override", "markup"}
    assert expected <= kinds, expected - kinds
    from socium.core.registry import WORLDS

    covered = {c.category.split(":")[1] for c in CASES if c.category.startswith("world:")}
    assert covered == {w for w in WORLDS.names() if not w.startswith("test_")}


SUBPROCESS = [
    "toml:unclosed_table",
    "yaml:unclosed_flow",
    "unknown:opinion:world",
    "world:opinion:world.epsilon=string",
    "population:init:constant_nan",
    "graph_file:garbage",
    "agent_file:nan_value",
    "override:inside_a_value",
    "markup:config:0",
]


@pytest.mark.parametrize("case_id", SUBPROCESS)
def test_bad_input_through_a_real_process(case_id, tmp_path, tally):
    case = next(c for c in CASES if c.id == case_id)
    cfg = _write_case(case, tmp_path / "case")
    out = tmp_path / "case" / "out"
    res = subprocess.run(
        [sys.executable, "-m", "socium.cli", *_args(case, cfg, out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    passed = False
    try:
        check_clean_failure(case, res.returncode, res.stderr, res.stdout, out)
        passed = True
    finally:
        tally.add("bad_inputs_subprocess", passed)


@pytest.mark.parametrize("name", sorted(PERSONA_FILES))
def test_bad_persona_file_fails_cleanly(name, tmp_path, tally):
    """Persona files straight through the loader (the CLI cases above cover them once the
    ``[population.personas]`` section is part of the config)."""
    personas = pytest.importorskip("socium.personas", reason="personas not built yet")
    content, path = PERSONA_FILES[name]
    if content is not None:
        (tmp_path / path).write_bytes(content)
    passed = False
    try:
        with pytest.raises(ConfigError) as info:
            personas.load_persona_file(path, 30, base_dir=tmp_path)
        message = str(info.value)
        assert "\n" not in message and message.startswith("population.personas")
        passed = True
    finally:
        tally.add("bad_inputs", passed)


# ------------------------------------------------------------------------------ --grid


def _sweep_app():
    """The app's ``sweep`` command, or ``sweep_command`` mounted on a test app."""
    sweep = pytest.importorskip("socium.experiment.sweep", reason="sweeps not built yet")
    names = {c.name or c.callback.__name__ for c in app.registered_commands}
    if "sweep" in names:
        return app
    import typer

    test_app = typer.Typer(add_completion=False)

    @test_app.callback()
    def _root() -> None:
        pass

    test_app.command("sweep")(sweep.sweep_command)
    return test_app


GRID_CASES = list(grid_cases())


@pytest.mark.parametrize("case", GRID_CASES, ids=[c.id for c in GRID_CASES])
def test_bad_grid_fails_cleanly(case, tmp_path, tally):
    sweep_app = _sweep_app()
    passed = False
    try:
        run_in_process(case, tmp_path / "case", sweep_app)
        passed = True
    finally:
        tally.add("bad_inputs", passed)


# ------------------------------------------------------------------------------ hypothesis

BASE_TOML = tomli_w.dumps(
    {
        "run": {"seed": 1, "steps": 2},
        "network": {"kind": "erdos_renyi", "n": 30, "p": 0.2},
        "world": {"name": "opinion", "model": "deffuant", "epsilon": 0.3},
        "record": {"plots": False},
    }
)
EDITS = ["delete", "[", "]", "=", '"', "{", "\n=", "\\", "'''", "#[", "[[", "\x00"]


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
@given(position=st.integers(0, len(BASE_TOML) - 1), edit=st.sampled_from(EDITS))
def test_corrupted_toml_fails_cleanly(position, edit, tmp_path_factory, tally):
    if edit == "delete":
        text = BASE_TOML[:position] + BASE_TOML[position + 1 :]
    else:
        text = BASE_TOML[:position] + edit + BASE_TOML[position:]
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        pass
    else:
        assume(False)  # still valid TOML: not a syntax error
    case = BadInput(id="hypothesis:toml", category="syntax", field="config", text=text)
    passed = False
    try:
        run_in_process(case, tmp_path_factory.mktemp("toml"))
        passed = True
    finally:
        tally.add("bad_inputs", passed)


_KEYS = [
    "run.steps",
    "run.seed",
    "run.checkpoint_every",
    "run.stop_on_convergence",
    "network.n",
    "network.p",
    "network.kind",
    "population.size",
    "population.init.opinion",
    "world.epsilon",
    "world.mu",
    "world.model",
    "world.name",
    "record.events",
    "schedule",
    "policy.kind",
]
_VALUES = st.one_of(
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["[/x]", "[bold]", "deffuant", "voter", "", " ", "nan", "1e400"]),
    st.booleans(),
    st.lists(st.integers(-3, 3), max_size=3),
    st.dictionaries(st.sampled_from(["dist", "kind", "low", "x"]), st.integers(0, 2), max_size=2),
)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(key=st.sampled_from(_KEYS), value=_VALUES)
def test_random_values_run_or_fail_cleanly(key, value, tmp_path_factory, tally):
    """Any value at any key: the run succeeds, or fails with exit 2 and one clean line."""
    data = tomllib.loads(BASE_TOML)
    node = data
    *parents, last = key.split(".")
    for p in parents:
        node = node.setdefault(p, {})
    node[last] = value
    try:
        text = tomli_w.dumps(data)
    except (TypeError, ValueError, OverflowError):
        assume(False)  # not representable in TOML (e.g. integers beyond 64 bits)
    folder = tmp_path_factory.mktemp("fuzz")
    cfg = folder / "config.toml"
    cfg.write_text(text)
    out = folder / "out"
    res = RUNNER.invoke(app, ["--quiet", "run", str(cfg), "--out", str(out)])
    passed = False
    try:
        if res.exit_code == 0:
            assert (out / "summary.json").exists()
        else:
            case = BadInput(id="hypothesis:value", category="fuzz", field=key.split(".")[0])
            check_clean_failure(case, res.exit_code, res.stderr, res.output, out, res.exception)
        passed = True
    finally:
        tally.add("fuzzed_inputs", passed)


# ------------------------------------------------------------------------------ Python API

OPINION = {
    "run": {"seed": 1, "steps": 3},
    "network": {"kind": "erdos_renyi", "n": 40, "p": 0.2},
    "world": {"name": "opinion", "model": "deffuant", "epsilon": 0.2, "mu": 0.5},
}
DIFFUSION = {
    "run": {"seed": 1, "steps": 3},
    "network": {"kind": "barabasi_albert", "n": 40, "m": 2},
    "world": {"name": "diffusion", "model": "sir", "beta": 0.2, "gamma": 0.1},
}


def _set(cfg, dotted, value):
    cfg = copy.deepcopy(cfg)
    node = cfg
    *parents, last = dotted.split(".")
    for p in parents:
        node = node.setdefault(p, {})
    if value is _DELETE:
        node.pop(last)
    else:
        node[last] = value
    return cfg


_DELETE = object()

API_CASES = [
    # unknown keys
    (OPINION, "run.stepz", 3, "run.stepz"),
    (OPINION, "world.epsilom", 0.1, "world.epsilom"),
    (OPINION, "network.q", 0.1, "network.q"),
    (
        OPINION,
        "population.init.opinion",
        {"dist": "uniform", "lo": 0},
        "population.init.opinion.lo",
    ),
    (OPINION, "extra_section", {}, "extra_section"),
    # wrong types
    (OPINION, "run.steps", "ten", "run.steps"),
    (OPINION, "run.seed", 1.5, "run.seed"),
    (OPINION, "world.epsilon", "wide", "world.epsilon"),
    (OPINION, "network.n", [40], "network.n"),
    (DIFFUSION, "world.seeds", "top", "world.seeds"),
    # out of range
    (OPINION, "run.steps", -1, "run.steps"),
    (OPINION, "run.checkpoint_every", 0, "run.checkpoint_every"),
    (OPINION, "world.epsilon", 0.0, "world.epsilon"),
    (OPINION, "world.mu", 0.7, "world.mu"),
    (OPINION, "network.p", -0.1, "network.p"),
    (OPINION, "network.n", 0, "network.n"),
    (DIFFUSION, "world.beta", 1.5, "world.beta"),
    (DIFFUSION, "world.gamma", -0.5, "world.gamma"),
    (DIFFUSION, "world.seeds", [0, 99], "world.seeds"),
    (DIFFUSION, "network.m", 40, "network.m"),
    # unknown names
    (OPINION, "world.model", "deffuant2", "world.model"),
    (OPINION, "world.name", "opinions", "world.name"),
    (OPINION, "network.kind", "small_world", "network.kind"),
    # missing pieces
    (OPINION, "network", _DELETE, "population.size"),  # no network: a fully mixed population
    (DIFFUSION, "network", _DELETE, "network"),
    (OPINION, "world.name", _DELETE, "world.name"),
    # a key that belongs to another model
    (OPINION, "world.q", 3, "world.q"),
]


@pytest.mark.parametrize(
    ("base", "key", "value", "field"), API_CASES, ids=[c[1] for c in API_CASES]
)
def test_bad_config_names_field_and_writes_nothing(base, key, value, field, tmp_path):
    out = tmp_path / "run"
    with pytest.raises(ConfigError) as info:
        socium.run(_set(base, key, value), out=out)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(field), message
    assert not out.exists()


def test_unknown_key_lists_the_allowed_ones():
    with pytest.raises(ConfigError, match=r"allowed keys: seed, steps, stop_on_convergence"):
        socium.run(_set(OPINION, "run.stepz", 3))


def test_enumeration_error_lists_allowed_values():
    with pytest.raises(ConfigError, match=r"'degroot'.*'sznajd'"):
        socium.run(_set(OPINION, "world.model", "nope"))


def test_missing_edgelist_file(tmp_path):
    cfg = _set(OPINION, "network", {"kind": "edgelist", "path": str(tmp_path / "none.csv")})
    with pytest.raises(ConfigError, match=r"^network: .*none\.csv"):
        socium.run(cfg, out=tmp_path / "run")
    assert not (tmp_path / "run").exists()


def test_empty_edgelist_file(tmp_path):
    path = tmp_path / "edges.csv"
    path.write_text("source,target\n")
    cfg = _set(OPINION, "network", {"kind": "edgelist", "path": str(path)})
    with pytest.raises(ConfigError, match=r"^network: "):
        socium.run(cfg, out=tmp_path / "run")
    assert not (tmp_path / "run").exists()


def test_edgelist_with_text_ids(tmp_path):
    path = tmp_path / "edges.csv"
    path.write_text("source,target\nalice,bob\n")
    cfg = _set(OPINION, "network", {"kind": "edgelist", "path": str(path)})
    with pytest.raises(ConfigError, match=r"^network: .*source"):
        socium.run(cfg)


def test_per_agent_values_out_of_range(tmp_path):
    path = tmp_path / "lam.csv"
    pd.DataFrame({"value": np.full(40, 1.5)}).to_csv(path, index=False)
    cfg = _set(OPINION, "world", {"name": "opinion", "model": "friedkin_johnsen"})
    cfg = _set(cfg, "population.init.stubbornness", {"from": "file", "path": str(path)})
    with pytest.raises(ConfigError, match=r"^population\.init\.stubbornness"):
        socium.run(cfg, out=tmp_path / "run")
    assert not (tmp_path / "run").exists()


def test_per_agent_file_of_wrong_length(tmp_path):
    path = tmp_path / "x.csv"
    pd.DataFrame({"value": np.zeros(5)}).to_csv(path, index=False)
    cfg = _set(OPINION, "population.init.opinion", {"from": "file", "path": str(path)})
    with pytest.raises(ConfigError, match=r"^population\.init\.opinion: .*5 values.*40 agents"):
        socium.run(cfg)


def test_malformed_yaml(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("world: {name: opinion\n")
    with pytest.raises(ConfigError, match="invalid YAML"):
        socium.run(path)


# --- degenerate but valid graphs: they run, and the results say what happened -------------


def _two_cliques(tmp_path, directed=False):
    edges = [(u, v) for u in range(4) for v in range(u + 1, 4)]
    edges += [(u + 4, v + 4) for u, v in edges]
    path = tmp_path / "edges.csv"
    pd.DataFrame(edges, columns=["source", "target"]).to_csv(path, index=False)
    return {"kind": "edgelist", "path": str(path), "directed": directed}


def test_degroot_on_disconnected_graph_gives_one_average_per_component(tmp_path):
    x0 = np.array([0.0, 0.1, 0.2, 0.3, 0.8, 0.9, 1.0, 0.7])
    path = tmp_path / "x0.csv"
    pd.DataFrame({"value": x0}).to_csv(path, index=False)
    cfg = {
        "run": {"steps": 200, "stop_on_convergence": True},
        "network": _two_cliques(tmp_path),
        "population": {"init": {"opinion": {"from": "file", "path": str(path)}}},
        "world": {"name": "opinion", "model": "degroot"},
    }
    run = socium.run(cfg, seed=1)
    # a 4-clique with self weight 1 is regular, so the limit is the plain component mean
    assert run.final["clusters"] == 2
    np.testing.assert_allclose(run.final["cluster_centers"], [0.15, 0.85], atol=1e-6)
    assert run.final["consensus"] is False
    assert run.final["converged_step"] is not None


def test_voter_on_disconnected_graph_freezes_without_consensus(tmp_path):
    cfg = {
        "run": {"steps": 2000, "stop_on_convergence": True},
        "network": _two_cliques(tmp_path),
        "population": {"init": {"opinion": {"dist": "choice", "values": [0, 1]}}},
        "world": {"name": "opinion", "model": "voter"},
    }
    run = socium.run(cfg, seed=4)
    states = run.agents["opinion"].to_numpy()
    assert len(set(states[:4])) == 1 and len(set(states[4:])) == 1  # each clique agrees
    assert run.final["converged_step"] is not None
    assert run.summary["run"]["steps"] == run.final["converged_step"]


def test_epidemic_stays_in_its_component(tmp_path):
    cfg = {
        "run": {"steps": 20},
        "network": _two_cliques(tmp_path),
        "world": {"name": "diffusion", "model": "si", "beta": 1.0, "seeds": [0]},
    }
    run = socium.run(cfg, seed=1)
    assert run.final["spread"] == 0.5
    assert (run.agents["activated_at"].to_numpy()[4:] == -1).all()


def test_graph_with_isolated_nodes_runs(tmp_path):
    path = tmp_path / "edges.csv"
    path.write_text("source,target\n0,1\n")
    cfg = {
        "run": {"steps": 10},
        "network": {"kind": "edgelist", "path": str(path), "n": 5},
        "world": {"name": "opinion", "model": "deffuant", "epsilon": 0.5},
    }
    run = socium.run(cfg, seed=2)
    x0 = run.agents["initial_opinion"].to_numpy()
    x = run.agents["opinion"].to_numpy()
    np.testing.assert_array_equal(x[2:], x0[2:])  # isolates never change


def test_unknown_network_kind_lists_kinds():
    with pytest.raises(
        ConfigError, match=r"^network\.kind: unknown kind 'ring'; allowed: .*watts_strogatz"
    ):
        socium.run(_set(OPINION, "network", {"kind": "ring", "n": 5}))


def test_event_recording_default_follows_the_world(tmp_path):
    import sqlite3

    base = {"run": {"seed": 1, "steps": 3}, "network": {"kind": "cycle", "n": 50}}
    sync = {**base, "world": {"name": "opinion", "model": "degroot"}}
    seq = {**base, "world": {"name": "opinion", "model": "deffuant", "epsilon": 0.5}}
    counts = {}
    for name, cfg in [
        ("sync", sync),
        ("seq", seq),
        ("sync_forced", {**sync, "record": {"events": True}}),
    ]:
        socium.run(cfg, out=tmp_path / name)
        con = sqlite3.connect(tmp_path / name / "run.sqlite")
        counts[name] = con.execute("SELECT count(*) FROM events").fetchone()[0]
    assert counts["sync"] == 0
    assert counts["seq"] > 0
    assert counts["sync_forced"] == 3 * 50  # every agent moves every step
