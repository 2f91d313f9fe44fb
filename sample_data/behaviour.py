"""How a fictional council handles its complaints: the dials of the drawing, and councils that differ on them.

`Behaviour()` is the bundled sample's council. Each dial moves a figure the checks measure, so a
set of councils generated with different behaviours ranks in a known order when compared:

- `on_time`: the share of corporate, housing (outside the Housing team's own Stage 2 target) and
  adult social care responses drawn inside their timescale (TS002, TS003); a few of the rest are
  validly extended, the others late;
- `childrens_on_time`: the same for children's Stage 1 (CSC001);
- `member_fast_tracked`: the share of MPs' and councillors' corporate and housing complaints
  answered ahead of the queue (FT001's gap between the public's median and theirs);
- `upheld_without_learning`: the share of upheld complaints with no learning recorded (LN001);
- `childrens_adjudication_late`: the share of children's Stage 2 complaints whose adjudication
  letter came after 25 working days although the investigating officer's report did not (CSC002).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import NamedTuple

# Children's Stage 2 cases that are validly extended (childrens_cases.py): the late ones come from the rest.
CHILDRENS_STAGE2_EXTENDED = 0.18


@dataclass(frozen=True)
class Behaviour:
    """One council's dials; the defaults are the bundled sample's council."""

    on_time: float = 0.80
    childrens_on_time: float = 0.75
    member_fast_tracked: float = 0.85
    upheld_without_learning: float = 0.05
    childrens_adjudication_late: float = 0.40

    def __post_init__(self):
        for field in fields(self):
            value = getattr(self, field.name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"behaviour {field.name} must be a share between 0 and 1 (got {value})")
        if self.childrens_adjudication_late > 1.0 - CHILDRENS_STAGE2_EXTENDED:
            raise ValueError(
                f"behaviour childrens_adjudication_late must be at most {1.0 - CHILDRENS_STAGE2_EXTENDED:g}: "
                f"{CHILDRENS_STAGE2_EXTENDED:g} of children's Stage 2 cases are extended "
                f"(got {self.childrens_adjudication_late})"
            )

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def band_end(start: float, width: float) -> float:
    """The end of a band of uniform draws `width` wide from `start`, rounded so that 0.80 + 0.07 is exactly 0.87."""
    return round(start + width, 9)


class Council(NamedTuple):
    """A fictional council for a multi-council sample: its name, folder, behaviour and what it is like."""

    name: str
    folder: str
    behaviour: Behaviour
    summary: str


# fmt: off
COUNCILS = (
    Council("Northshire County Council", "northshire", Behaviour(),
            "The bundled sample's council: mostly on time, MPs' and councillors' complaints fast-tracked, "
            "children's adjudications often late."),
    Council("Southshire District Council", "southshire",
            Behaviour(on_time=0.95, childrens_on_time=0.92, member_fast_tracked=0.0, upheld_without_learning=0.01,
                      childrens_adjudication_late=0.05),
            "A well-run council: nearly everything on time, members' complaints in the same queue as the public's, "
            "learning recorded."),
    Council("Eastmoor Borough Council", "eastmoor",
            Behaviour(on_time=0.60, childrens_on_time=0.55, member_fast_tracked=0.45, upheld_without_learning=0.50,
                      childrens_adjudication_late=0.70),
            "A struggling council: many responses late, half its upheld complaints without learning, most "
            "children's adjudications late; some members' complaints fast-tracked."),
    Council("Westvale City Council", "westvale",
            Behaviour(on_time=0.90, childrens_on_time=0.85, member_fast_tracked=1.0, upheld_without_learning=0.10,
                      childrens_adjudication_late=0.20),
            "Prompt, but every MP's and councillor's complaint jumps the queue."),
    Council("Ridgeford Metropolitan Borough Council", "ridgeford",
            Behaviour(on_time=0.70, childrens_on_time=0.65, member_fast_tracked=0.25, upheld_without_learning=0.20,
                      childrens_adjudication_late=0.55),
            "Middling on every count."),
)
# fmt: on
