"""Adapters that expose socium worlds through other libraries' interfaces.

:mod:`socium.adapters.pettingzoo`
    A PettingZoo ``ParallelEnv`` over a socium simulation, for multi-agent reinforcement
    learning (needs the optional ``pettingzoo`` package; imported on first use).
"""

__all__: list[str] = []
