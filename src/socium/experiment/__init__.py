"""Experiments: config loading and validation, runs, resume."""

from socium.experiment.config import load_config
from socium.experiment.runner import Run, load, resume, run

__all__ = ["Run", "load", "load_config", "resume", "run"]
