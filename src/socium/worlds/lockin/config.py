"""The ``[world]`` config of the lock-in world (``name = "lockin"``)."""

from __future__ import annotations

from pydantic import Field, ValidationInfo, field_validator

from socium.core.protocol import WorldConfig

__all__ = ["LockinConfig"]


class LockinConfig(WorldConfig):
    r"""Config of the human-AI belief feedback loop.

    Agents ``0..ais-1`` are AI nodes, the others humans. Every human trusts every AI with
    weight :math:`\lambda_1` (``lambda1``) and, with a ``[network]``, its in-neighbours with
    total weight ``peer_trust``; every AI trusts every human with weight :math:`\lambda_2`
    (``lambda2``). With one AI and :math:`N - 1` humans the loop locks in when
    :math:`(N-1)\lambda_1\lambda_2 > 1`.
    """

    options: list[str] = Field(
        default_factory=lambda: ["option A", "option B", "option C"],
        min_length=2,
        description="the K options beliefs are distributions over",
    )
    ais: int = Field(1, ge=1, description="number of AI nodes (ids 0..ais-1)")
    lambda1: float = Field(0.5, ge=0.0, description="lambda_1: trust of a human in each AI")
    lambda2: float = Field(0.05, ge=0.0, description="lambda_2: trust of an AI in each human")
    peer_trust: float = Field(
        0.0, ge=0.0, description="total trust of a human in its network in-neighbours"
    )
    truth: int = Field(0, ge=0, description="index of the true option")
    evidence: float = Field(
        1.0, ge=0.0, description="s: strength of a human's private evidence for the truth"
    )
    evidence_noise: float = Field(
        1.0, ge=0.0, description="sigma: s.d. of the noise of the private evidence"
    )
    lockin_entropy: float = Field(
        0.05,
        gt=0.0,
        lt=1.0,
        description="normalised entropy below which the collective counts as locked in",
    )
    lockin_growth: float = Field(
        1e-3,
        gt=0.0,
        description="lock-in needs the log-belief scale to grow by more than this factor - 1 "
        "per step",
    )
    tol: float = Field(
        1e-9, gt=0.0, description="converged when no log-belief moves more than this"
    )

    @field_validator("truth")
    @classmethod
    def _truth(cls, value: int, info: ValidationInfo) -> int:
        k = len(info.data.get("options", ()))
        if k and value >= k:
            raise ValueError(f"must be an option index below {k}")
        return value

    @field_validator("options")
    @classmethod
    def _labels(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value) or any(not v.strip() for v in value):
            raise ValueError("options must be distinct, non-empty labels")
        return value
