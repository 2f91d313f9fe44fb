"""Members' complaints against the public's, one process and stage group at a time: the shared statistics and words.

FT001 (speed) and FT004 (outcome) test each group separately. They share which groups are
large enough to test and how a finding words p-values, days and the groups compared; Holm's
adjustment across the groups is the engine's (engine/significance.py), shared with grading by segment.
"""

from __future__ import annotations

import pandas as pd

from complaint_audit.engine.contract import CheckResult, Status
from complaint_audit.engine.significance import p_text
from complaint_audit.schema import PROCESS_WORDS

# The tests a finding rests on, named and explained in a sentence for a reader who is not a statistician.
MANN_WHITNEY = ("Each group's response times were compared with a Mann-Whitney U test, which asks how likely "
                "it is that members' cases would rank this much faster than the public's by chance alone (p).")
FISHER = ("Each group's uphold rates were compared with Fisher's exact test, which gives the chance (p) of a "
          "difference at least this large between groups of these sizes if the two were really upheld alike.")
HOLM = ("Because several groups were tested, each p was adjusted with Holm's correction, so that the chance of "
        "any group being flagged by luck alone stays at {alpha:.0%} or less.")  # format with the check's alpha


def group_metrics(table: pd.DataFrame, names: tuple[str, ...]) -> dict:
    """Each compared group's figures as flat metrics: corporate_stage_1_member_median, ..."""
    return {f"{group.process}_stage_{group.stage}_{name}": getattr(group, name) for group in table.itertuples() for name in names}


def group_sizes(rows: pd.DataFrame, minimum: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Member and public counts per (process, stage) with any member cases; those with `minimum` of each."""
    sizes = rows.groupby(["process", "stage", "member"]).size().unstack("member", fill_value=0)
    sizes = sizes.reindex(columns=[True, False], fill_value=0).set_axis(["members", "public"], axis=1)
    sizes = sizes[sizes["members"].gt(0)]
    return sizes, sizes[sizes["members"].ge(minimum) & sizes["public"].ge(minimum)]


def not_enough(sizes: pd.DataFrame, minimum: int, what: str) -> CheckResult:
    largest = sizes.sort_values(["members", "public"], ascending=False).head(1)
    (process, stage), (members, public) = largest.index[0], largest.iloc[0].tolist()
    metrics = {"min_group_size": minimum, "largest_member_group": int(members), "groups_compared": 0}
    finding = (
        f"Not applicable: not enough cases to judge: no process and stage has {minimum} {what} from MPs and "
        f"councillors and {minimum} from the public (the most is {members:,} and {public:,}, in "
        f"{PROCESS_WORDS.get(process, process)} Stage {stage})."
    )
    return CheckResult(Status.NOT_APPLICABLE, metrics, finding)


def p_texts(group, compared: int) -> str:
    """The p-value and, where more than one group was compared and it reads differently, the adjusted one."""
    raw, adjusted = p_text(group.p_value), p_text(group.p_value_adjusted)
    return raw if compared == 1 or raw == adjusted else f"{raw}, adjusted {adjusted}"


def days(n: float) -> str:
    return f"{n:g} day" + ("" if n == 1 else "s")


def in_groups(count: int, compared: int) -> str:
    if compared == 1:
        return "in the one process and stage group compared"
    return f"in {'any of the' if count == 0 else f'{count} of the'} {compared} process and stage groups compared"


def beyond_chance(compared: int) -> str:
    return "beyond chance" + (" even allowing for the number of groups" if compared > 1 else "")
