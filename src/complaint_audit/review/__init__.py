"""Quality review of a sample of responses: draw a reproducible sample, write the review workbook, import the scores."""

from complaint_audit.review.importer import ImportSummary, import_review, import_reviews
from complaint_audit.review.sample import draw_from_store, draw_sample, parse_oversample, parse_stratify
from complaint_audit.review.workbook import CRITERIA, write_review, write_review_workbook

__all__ = [
    "CRITERIA",
    "ImportSummary",
    "draw_from_store",
    "draw_sample",
    "import_review",
    "import_reviews",
    "parse_oversample",
    "parse_stratify",
    "write_review",
    "write_review_workbook",
]
