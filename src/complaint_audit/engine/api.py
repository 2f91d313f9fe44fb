"""The one call behind `complaint-audit check`: a store and a config in, check outcomes out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from complaint_audit.audit.headline import headline_figures
from complaint_audit.columnwise import cores_for
from complaint_audit.config import AuditConfig, load_config
from complaint_audit.engine.contract import AuditData
from complaint_audit.engine.registry import discover, select
from complaint_audit.engine.runner import CheckOutcome, start_checks
from complaint_audit.errors import UserError
from complaint_audit.ingest.published.regulator import council_returns
from complaint_audit.progress import Progress
from complaint_audit.schema import DATE_FIELDS
from complaint_audit.store import Store

if TYPE_CHECKING:
    from complaint_audit.helper_process import HelperProcess

_DEADLINES = ("due", "extended_due", "action_due")


@dataclass(frozen=True)
class CheckRun:
    outcomes: list[CheckOutcome]
    as_of: dt.date
    figures: dict | None = None  # results.json's headline figures, where the records came from a store


def check_store(
    store: Path,
    *,
    config: Path | None = None,
    select_codes: Sequence[str] = (),
    ignore_codes: Sequence[str] = (),
    as_of: dt.date | None = None,
    organisations: Sequence[str] = (),
) -> CheckRun:
    """Run the selected checks on a store's records (of some organisations, or all); command-line
    selection overrides the config's. Only the chosen organisations' parts of the store are read.
    Where the records are few enough for the checks to run on one thread, a helper process shares
    them, as in a run (run_checks): started first, it imports the checks while the store is read."""
    from complaint_audit.helper_process import HelperProcess

    audit = load_config(config) if config else AuditConfig(path=Path("audit.toml"))
    opened = Store(Path(store))
    ledger = opened.ledger()
    with HelperProcess() as helper:
        # A ledger from before [combine] has no count of records: each row loaded was one.
        if cores_for(sum(entry.get("records", entry["loaded"]) for entry in ledger)) == 1:
            helper.warm_up(discover)
        regulator = council_returns(audit)  # the config's [regulator] workbooks, as a run reads them (TS007)
        records = _records(Path(store), organisations)
        run = check_records(records, audit, select_codes=select_codes, ignore_codes=ignore_codes, as_of=as_of,
                            reviews=opened.read_reviews(), exported_fields=exported_fields(opened),
                            regulator=regulator, helper=helper)
    # The quarantine does not know every row's organisation (a bad row may have none): the store's whole count.
    quarantined = sum(entry["quarantined"] for entry in ledger)
    return CheckRun(run.outcomes, run.as_of, headline_figures(records, quarantined))


def check_records(records: pd.DataFrame, audit: AuditConfig, **options) -> CheckRun:
    """Run the checks the config selects on canonical records (the audit's own entry point), with the OPTIONS
    start_check_records takes."""
    return start_check_records(records, audit, **options)()


def start_check_records(
    records: pd.DataFrame,
    audit: AuditConfig,
    *,
    select_codes: Sequence[str] = (),
    ignore_codes: Sequence[str] = (),
    as_of: dt.date | None = None,
    progress: Progress | None = None,
    reviews: pd.DataFrame | None = None,
    exported_fields: Mapping[str, frozenset[str]] | None = None,
    regulator: pd.DataFrame | None = None,
    helper: HelperProcess | None = None,
) -> Callable[[], CheckRun]:
    """check_records begun: the checks run while the caller goes on (a run writes its store meanwhile); the call
    returned gives the CheckRun once they are done (runner.start_checks).

    `reviews` are the reviewers' scores imported into the store, if any (AuditData.reviews);
    `exported_fields` the fields each source file's export has (AuditData.exported_fields);
    `regulator` the council's return to the Regulator of Social Housing (AuditData.regulator);
    `helper` a run's helper process, to take a share of the checks (run_checks).
    """
    registry = discover(audit.checks.paths)
    codes = select(registry, select_codes or audit.checks.select, [*audit.checks.ignore, *ignore_codes])
    as_of = as_of or audit.as_of or _latest_event(records)
    data = AuditData(records, audit.calendar, as_of, reviews=reviews, standard=audit.standard,
                     exported_fields=exported_fields, regulator=regulator)
    outcomes = start_checks(data, [registry[code] for code in codes], audit.checks.params, progress, helper=helper)
    return lambda: CheckRun(outcomes(), as_of)


def exported_fields(store: Store | list[dict]) -> dict[str, frozenset[str]] | None:
    """Per loaded file of a store (or of its ledger's entries), the fields its export has a column for; None for a
    store loaded before the ledger kept them (then every field counts as exported, as it did)."""
    files = store.ledger() if isinstance(store, Store) else store
    if any("fields" not in entry for entry in files):
        return None
    return {entry["path"]: frozenset(entry["fields"]) for entry in files}


def available_checks(config: Path | None = None) -> list:
    """Every check the registry finds, with the local folders a config names."""
    paths = load_config(config).checks.paths if config else ()
    return list(discover(paths).values())


def _records(store: Path, organisations: Sequence[str] = ()) -> pd.DataFrame:
    if not (store / "load.json").exists():
        raise UserError(f"{store}: not a store (no load.json); load exports first with `complaint-audit load`")
    held = Store(store).organisations()
    unknown = sorted(set(organisations) - set(held))
    if unknown:
        raise UserError(f"{store}: no records of organisation '{unknown[0]}'; it holds {', '.join(held) or 'none'}")
    return Store(store).read_records(organisations=organisations or None)


def _latest_event(records: pd.DataFrame) -> dt.date:
    """Without a configured date, the audit is as of the last thing that happened in the data.

    Deadlines (due dates) are not events, and the period names the complaints in scope, not
    the date the export was taken; the last event is, and it makes runs reproducible.
    """
    events = [name for name in DATE_FIELDS if name not in _DEADLINES]
    latest = records[events].max().max()
    return latest.date() if pd.notna(latest) else dt.date.today()
