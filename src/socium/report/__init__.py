"""Plots and the self-contained HTML report of a run or a sweep directory."""

from socium.report.html import ReportError, render_run_report, render_sweep_report, write_report
from socium.report.redact import redact_secrets

__all__ = [
    "ReportError",
    "redact_secrets",
    "render_run_report",
    "render_sweep_report",
    "write_report",
]
