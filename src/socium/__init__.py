"""socium: simulate group dynamics with vectorized rules or LLM agents.

The public API mirrors the CLI: :func:`run`, :func:`resume`, :func:`load` and the :class:`Run`
result, :func:`sweep` and its :class:`Sweep`; pure metric functions live in
:mod:`socium.metrics`.
"""

from socium import errors, metrics
from socium.experiment.runner import Run, load, resume, run
from socium.experiment.sweep import Sweep, sweep

__version__ = "0.1.0"

__all__ = ["Run", "Sweep", "__version__", "errors", "load", "metrics", "resume", "run", "sweep"]
