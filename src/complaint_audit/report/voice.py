"""Whose rules the report speaks of: the UK's complaint codes and regulations, or the audit's own standard.

A process outside the UK's statutory schemes (`other`) is never measured against UK rules
(engine/runner.py). When no record audited is under a UK scheme, the report says so, leaves out
the checks of UK rules (they measured nothing), cites each remaining rule's general source, and
carries no UK statute, no pound amounts and no ombudsman: its judgements are those of a reviewer
applying audit.toml's `[standard]`, or of the body it names to escalate to.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from complaint_audit.config import RecordedConfig
from complaint_audit.schema import UK_PROCESSES

_OWN_PROCEDURE = "the organisation's own complaint procedure"


@dataclass(frozen=True)
class Voice:
    uk: bool  # some record is under a UK statutory scheme: the report speaks of the codes and regulations
    standard: str = _OWN_PROCEDURE  # what the other records are held to
    response_working_days: int | None = None
    escalation: str | None = None  # the body a complainant may escalate to, where the audit names one
    holidays: str = "the bank holidays of the council's nation"

    @classmethod
    def of_run(cls, records: pd.DataFrame, config: RecordedConfig) -> Voice:
        """The voice of a run: UK unless every record is of a process outside the UK's schemes."""
        standard, calendar = config.standard, config.calendar
        holidays = ("the bank holidays of the council's nation" if calendar.country == "GB" else
                    f"the public holidays of {calendar.country}" + (f" ({calendar.subdivision})" if calendar.subdivision else ""))
        return cls(
            uk=records.empty or bool(records["process"].isin(UK_PROCESSES).any()),
            standard=standard.name or _OWN_PROCEDURE,
            response_working_days=standard.response_working_days,
            escalation=standard.escalation,
            holidays=holidays,
        )

    def applies(self, check: dict) -> bool:
        """Whether the report shows a check: one of UK rules only when some record is under a UK scheme."""
        return self.uk or not check.get("uk_rules", False)

    def source(self, check: dict) -> str:
        return check["source"] if self.uk else check.get("general_source") or check["source"]

    @property
    def body(self) -> str:
        """Whose handling is assessed: 'the council' under the UK's schemes, else 'the organisation'."""
        return "the council" if self.uk else "the organisation"

    @property
    def reviewer(self) -> str:
        """Who would find fault: 'Had {reviewer} investigated, it would be likely to find fault ...'."""
        if self.uk:
            return "the Ombudsman"
        return self.escalation or f"an independent reviewer applying {self.standard}"

    def judged(self, likelihood: str, what: str = "") -> str:
        """'Had the Ombudsman investigated[ what], it would be likely to find fault'."""
        return f"Had {self.reviewer} investigated{what}, it {likelihood} find fault"

    def scope(self) -> str:
        """Section 2's sentence on what the handling is tested against."""
        if self.uk:
            return ("It tests the council's handling against the Ombudsmen's Complaint Handling Codes and the statutory "
                    "complaints regulations for adult and children's social care, in the way the Ombudsman would.")
        target = (f" (a response within {self.response_working_days} working days where the case system records no "
                  "due date)" if self.response_working_days else "")
        body = f", with {self.escalation} as the body complainants may escalate to" if self.escalation else ""
        return (f"It tests the handling against {self.standard}{target}{body}, and against good practice in complaint "
                "handling. The records are of a process outside the UK's statutory complaint schemes, so no UK "
                "complaints law is applied to them.")

    def not_applied(self, checks: list[dict]) -> str:
        """The sentence on the checks of UK rules left out, when the report leaves any out."""
        left_out = sum(not self.applies(check) for check in checks)
        if not left_out:
            return ""
        return (f" {left_out} checks of UK rules were not applied: no record is under a UK statutory scheme, and "
                "process other is never measured against them.")
