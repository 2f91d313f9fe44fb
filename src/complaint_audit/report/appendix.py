"""The appendices' words: data lineage from the manifest, the method, the glossary.

Kept apart from the judgements so a reader of the method appendix reads the rules the code
applies: the RAG rule and the top-findings rule come from findings.py, not a copy.
"""

from __future__ import annotations

import datetime as dt

from complaint_audit.audit.run_folder import Manifest
from complaint_audit.report.findings import EXAMPLES_PER_FINDING, RAG_RULE, THIN_EVIDENCE_RULE, UK_VOICE
from complaint_audit.report.issues import SCORE_RULE, SUMMARY_ISSUES
from complaint_audit.report.standing import KINDS_OF_FAULT
from complaint_audit.report.text import number
from complaint_audit.report.voice import Voice

_REASONS = {
    "bad_case_id": "a case reference over 200 characters long, or holding a line break or control character",
    "bad_date": "a date that could not be read in the profile's date order",
    "bad_number": "a number that could not be read",
    "bad_stage_list": "a list of stages that could not be read",
    "date_order": "dates in an impossible order",
    "date_out_of_range": "a placeholder date before 1990 or more than a year ahead, such as 01/01/1900",
    "duplicate_record": "the same case and stage twice: in one file whose profile does not combine rows, or in two files",
    "missing_required": "a required field (such as the case reference or date received) is empty",
    "no_stage_data": "a stage named with no data for it",
    "personal_data_in_case_id": "a case reference holding an email address, phone number, postcode, NI number or name",
    "responded_before_received": "a response dated before the complaint was received",
    "unmapped_value": "a code the profile does not map to a canonical value",
}


def quarantine_reasons(inputs: list[dict], count=number) -> list[dict]:
    """Rows quarantined per reason over every input, with what the reason means; `count` formats the counts."""
    totals: dict[str, int] = {}
    for item in inputs:
        for reason, rows in (item.get("reasons") or {}).items():
            totals[reason] = totals.get(reason, 0) + int(rows)
    return [{"reason": reason, "count": count(total), "meaning": _REASONS.get(reason, reason.replace("_", " "))}
            for reason, total in sorted(totals.items(), key=lambda pair: (-pair[1], pair[0]))]


def lineage(manifest: Manifest, results: dict, count=number) -> dict:
    """Where every figure came from: the run, the tool, the config and each input file with its hash."""
    config = manifest.config_file
    return {
        "run_id": manifest.run_id or "–",
        "started_at": _to_the_second(manifest.started_at),
        "finished_at": _to_the_second(manifest.finished_at),
        "tool_version": manifest.tool_version or results.get("tool_version"),
        "results_schema": results.get("schema_version"),
        "command_line": " ".join(manifest.command_line) or "–",
        "config_path": config.path or "–",
        "config_sha256": config.sha256 or "–",
        "inputs": [{"path": item["path"], "sha256": item.get("sha256", "–"), "profile": item.get("profile", "–"),
                    "source_rows": count(item.get("source_rows"))} for item in manifest.inputs],
        "timings": [{"step": step, "seconds": f"{seconds:.1f}"} for step, seconds in manifest.timings.items()],
    }


def method(voice: Voice = UK_VOICE, combined: bool = False) -> list[dict]:
    """Appendix C; COMBINED when a source's rows were combined into records (section 2 says how).
    Where no record is under a UK scheme, the rules are the audit's standard and good practice."""
    if not voice.uk:
        return _general_method(voice, combined)
    return [
        {"heading": "Data", "text": (
            "Each team's export was loaded into one canonical table, one row per complaint stage, using a profile "
            "for each case system. Rows that could not be loaded were quarantined with a reason and counted: for "
            "every file, rows read equal rows loaded plus rows quarantined. Names, addresses, emails and phone "
            "numbers were never loaded; complainants are known only by a keyed pseudonym."
            + (" Where an export has several rows for one case and stage (one per allegation, finding or action), "
               "they were combined into one record by the rules of its profile, so that each case is counted once; "
               "section 2 says for each such export how many rows were combined and how." if combined else ""))},
        {"heading": "Working days", "text": (
            f"Timescales are counted in working days: Monday to Friday, less {voice.holidays} and any closure "
            "days in the audit configuration. The day a complaint is received is day 0.")},
        {"heading": "Checks", "text": (
            "Each check tests one rule from the codes or regulations (section 2 lists the rule and its source) "
            "over every record it applies to. A graded check is green, amber or red by the share of cases failing "
            "against its amber and red thresholds; a check that compares groups (such as MPs' and councillors' "
            "complaints against the public's) is red where the difference is large and unlikely to be chance.")},
        {"heading": "On time", "text": (
            "A stage is on time unless a timeliness check for its process and stage listed it: corporate and "
            "housing complaints by the Complaint Handling Code, acknowledged in time (TS001) and answered in time "
            "(TS002), adult social care acknowledged in time (TS001) and answered by the agreed date (TS003), "
            "children's statutory complaints answered by the regulations (CSC001 to CSC004), with children's "
            "Stage 2 measured to the adjudication letter. Where no acknowledgement was checked, the heading says "
            "that the figure counts the response alone.")},
        {"heading": "Overall assessment", "text": RAG_RULE},
        {"heading": "No overall grade", "text": THIN_EVIDENCE_RULE},
        {"heading": "The issues in the summary", "text": (
            f"{SCORE_RULE} The summary shows the {SUMMARY_ISSUES} highest-scoring issues, and the highest red issue of "
            "any theme with statutory or equal-treatment duties (timeliness, children's statutory complaints, MP and "
            "councillor complaints) that they leave out.")},
        {"heading": "Evidence", "text": (
            f"Each finding gives up to {EXAMPLES_PER_FINDING} example case references (the first by reference); the "
            "full list of cases behind every finding is in the exceptions workbook. Example cases show the case "
            "reference and stage only.")},
        {"heading": "Recommendations", "text": (
            "Checks that share an action are combined into one recommendation. A recommendation is high priority "
            "when a red check supports it, medium when only amber ones do. Timescales follow each check's own "
            "priority: a quick win within one month, otherwise within three or twelve months. Against the previous "
            "run, a recommendation is new, repeated (made last time too) or resolved (made last time, not needed "
            "now).")},
    ]


def _general_method(voice: Voice, combined: bool) -> list[dict]:
    """The method for records outside the UK's schemes: the same steps, measured against the audit's standard."""
    uk = {item["heading"]: item for item in method(UK_VOICE, combined)}
    return [
        uk["Data"],
        {"heading": "Working days", "text": (
            f"Timescales are counted in working days: Monday to Friday, less {voice.holidays} and any closure days "
            "in the audit configuration. The day a complaint is received is day 0.")},
        {"heading": "Checks", "text": (
            f"Each check tests one rule of {voice.standard} or of good practice in complaint handling (section 2 "
            "lists the rule and its source) over every record it applies to. The records are of a process outside "
            "the UK's statutory schemes, so the checks of UK rules were not applied. A graded check is green, amber "
            "or red by the share of cases failing against its amber and red thresholds.")},
        {"heading": "Open cases", "text": (
            "A case is open while it waits for its answer (its status says so, or it has no response and no outcome "
            "yet); an open stage past its due date, the case system's or the standard's response target, is "
            "overdue (TS005).")},
        *(item for heading, item in uk.items() if heading not in ("Data", "Working days", "Checks", "On time")),
    ]


def glossary(voice: Voice = UK_VOICE) -> list[dict]:
    """Appendix D; where no record is under a UK scheme, without the UK's ombudsmen, codes and officers."""
    if not voice.uk:
        return [
            {"term": "Fault", "meaning": f"A failure to do what {voice.standard} or good practice asks of the "
                                         "organisation."},
            {"term": "Injustice", "meaning": "The harm a fault caused the person complaining, such as delay, distress, "
                                             "or time and trouble."},
            {"term": "Working day", "meaning": "Monday to Friday, except public holidays and the organisation's "
                                               "closure days."},
            *(item for item in glossary(UK_VOICE) if item["term"] in _GENERAL_TERMS),
        ]
    return [
        {"term": "Fault", "meaning": "The Ombudsman's word for maladministration or service failure: the council did "
                                     "something wrong, or failed to do what it should."},
        {"term": "Injustice", "meaning": "The harm a fault caused the person complaining, such as delay, distress, "
                                         "or time and trouble; where fault caused injustice the Ombudsman recommends "
                                         "a remedy."},
        {"term": "Remedy", "meaning": "What puts right the injustice a fault caused: an apology, a decision or "
                                      "service that should have been given, and for avoidable delay, time and trouble "
                                      "a symbolic payment, typically £100 to £500 (the LGSCO's Guidance on remedies)."},
        *({"term": term.capitalize(), "meaning": meaning} for term, meaning in KINDS_OF_FAULT.items()),
        {"term": "LGSCO", "meaning": "The Local Government and Social Care Ombudsman, which investigates complaints "
                                     "about councils and adult social care."},
        {"term": "Complaint Handling Code", "meaning": "The LGSCO's and the Housing Ombudsman's codes setting a "
                                                       "two-stage complaints procedure and its timescales."},
        {"term": "Working day", "meaning": "Monday to Friday, except bank holidays and the council's closure days."},
        {"term": "Stage 1, Stage 2, Stage 3", "meaning": "The steps of a complaints procedure: local resolution, "
                                                         "investigation and, for children's statutory complaints, "
                                                         "a review panel."},
        {"term": "Adjudication", "meaning": "In a children's Stage 2 complaint, the council's decision on the "
                                            "investigating officer's report, sent to the complainant; the Stage 2 "
                                            "timescale runs until it is sent."},
        {"term": "Upheld, partly upheld", "meaning": "The council agreed with all, or part, of the complaint."},
        {"term": "Fast-tracking", "meaning": "Handling complaints from MPs and councillors faster or by a different "
                                             "route than the public's."},
        {"term": "Red, amber, green", "meaning": "Red: fault likely; amber: a weakness to address; green: no fault "
                                                 "found by the check."},
        {"term": "Exceptions", "meaning": "The cases a check found failing its rule, listed with the reason."},
        {"term": "Quarantine", "meaning": "Rows of an export that could not be loaded, kept with the reason."},
        {"term": "Monitoring Officer", "meaning": "The council's statutory officer for lawful and proper conduct, "
                                                  "including members' conduct."},
    ]


# The terms of the UK glossary that mean the same outside the UK's schemes.
_GENERAL_TERMS = ("Upheld, partly upheld", "Red, amber, green", "Exceptions", "Quarantine")


def _to_the_second(moment: dt.datetime | None) -> str:
    """A manifest's time as the report shows it: the manifest keeps microseconds to order runs."""
    return moment.replace(microsecond=0).isoformat() if moment else "–"
