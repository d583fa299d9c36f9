import pytest

from socium.core.registry import WORLDS, Registry
from socium.errors import RegistryError


def test_entry_point_worlds_registered():
    names = WORLDS.names()
    assert "opinion" in names and "diffusion" in names


def test_duplicate_name_is_an_error():
    reg = Registry("socium.nonexistent_group", "thing")
    reg.register("a", object)
    with pytest.raises(RegistryError, match="already registered"):
        reg.register("a", int)


def test_registering_over_an_entry_point_is_an_error():
    with pytest.raises(RegistryError, match="already registered"):
        WORLDS.register("opinion", object)


def test_unknown_name_lists_allowed():
    with pytest.raises(RegistryError, match=r"allowed: .*opinion"):
        WORLDS.get("nope")


def test_lazy_import_of_entry_point():
    from socium.worlds.opinion import OpinionWorld

    assert WORLDS.get("opinion") is OpinionWorld
