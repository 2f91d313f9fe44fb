"""Compare several organisations' audit runs: headline figures side by side, ranks, outliers and charts."""

from complaint_audit.compare.render import Comparison, compare_runs

__all__ = ["Comparison", "compare_runs"]
