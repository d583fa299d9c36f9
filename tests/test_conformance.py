"""Every registered world passes the shared conformance and determinism checks."""

import pytest

from socium.core.registry import WORLDS
from socium.testing import check_determinism, check_world


def _cases():
    for name in WORLDS.names():
        if name.startswith("test_"):
            continue
        configs = WORLDS.get(name).example_configs()
        if not configs:
            yield pytest.param(name, None, id=f"{name}-none")
        for i, cfg in enumerate(configs):
            model = cfg["world"].get("model", str(i))
            yield pytest.param(name, cfg, id=f"{name}-{model}-{i}")


@pytest.mark.parametrize(("name", "config"), list(_cases()))
def test_world_conformance(name, config):
    assert config is not None, f"world {name!r} provides no example_configs()"
    assert config["world"]["name"] == name
    check_world(config, steps=6, seed=1)


@pytest.mark.parametrize(("name", "config"), list(_cases()))
def test_world_determinism(name, config):
    assert config is not None, f"world {name!r} provides no example_configs()"
    check_determinism(config, steps=6, seed=2)


def test_every_model_has_an_example_config():
    for name in WORLDS.names():
        if name.startswith("test_"):
            continue
        cls = WORLDS.get(name)
        covered = {c["world"].get("model") for c in cls.example_configs()}
        missing = set(cls.models()) - covered
        assert not missing, f"world {name!r}: no example config for models {sorted(missing)}"
