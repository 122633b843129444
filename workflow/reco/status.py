"""Record status model: the screening stages, their outcomes and the allowed transitions, as data.

A *work* (a dedup cluster, keyed by ``work_id``) starts as ``unique`` and moves through the review's
stages. Each stage names the status a work must have to enter it and the statuses its include and
exclude decisions lead to. :func:`transition` is the one function that changes a status; anything
not listed in :data:`TRANSITIONS` raises :class:`reco.errors.TransitionError`.

The RECO review's reading (see resources/reco/PROVENANCE.md):

    unique --title_abstract--> ta_included | ta_excluded           (two reviewers, third resolves)
    ta_included --mapping_fulltext--> map_included | map_excluded   (one reviewer, 20% double-screened)
    ta_included --synthesis_selection--> synth_selected | synth_excluded
                                                     (one reviewer; two others screen 10% each)
    synth_selected --synthesis_extraction--> synth_included | synth_no_insight
                                                     (mapped to a PT: provides causal insight)

Literature mapping and synthesis selection branch from the same title/abstract includes, so a work
has one status *per branch*; the stage table below is what makes that explicit.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from reco.errors import TransitionError


class Status(StrEnum):
    UNIQUE = "unique"
    TA_INCLUDED = "ta_included"
    TA_EXCLUDED = "ta_excluded"
    MAP_INCLUDED = "map_included"
    MAP_EXCLUDED = "map_excluded"
    SYNTH_SELECTED = "synth_selected"
    SYNTH_EXCLUDED = "synth_excluded"
    SYNTH_INCLUDED = "synth_included"
    SYNTH_NO_INSIGHT = "synth_no_insight"


@dataclass(frozen=True)
class Stage:
    """One screening stage: who may enter it and where its decisions lead."""

    name: str
    label: str  # as printed in reports and PRISMA
    requires: Status  # status a work must have to be screened at this stage
    include: Status
    exclude: Status
    design: str  # "dual" (every work by two reviewers, conflicts resolved) or "single" (+ a sample)


#: The stages in order. A stage's ``requires`` is an earlier stage's ``include`` (or ``unique``).
STAGES: tuple[Stage, ...] = (
    Stage(
        "title_abstract",
        "Title/abstract screening (stage 1)",
        Status.UNIQUE,
        Status.TA_INCLUDED,
        Status.TA_EXCLUDED,
        "dual",
    ),
    Stage(
        "mapping_fulltext",
        "Screening for the literature mapping (stage 2)",
        Status.TA_INCLUDED,
        Status.MAP_INCLUDED,
        Status.MAP_EXCLUDED,
        "single",
    ),
    Stage(
        "synthesis_selection",
        "Screening against the programme theories",
        Status.TA_INCLUDED,
        Status.SYNTH_SELECTED,
        Status.SYNTH_EXCLUDED,
        "single",
    ),
    Stage(
        "synthesis_extraction",
        "Data extraction: causal insight into a PT",
        Status.SYNTH_SELECTED,
        Status.SYNTH_INCLUDED,
        Status.SYNTH_NO_INSIGHT,
        "single",
    ),
)

STAGE_BY_NAME: dict[str, Stage] = {s.name: s for s in STAGES}

#: Allowed transitions (from status, stage) -> possible new statuses.
TRANSITIONS: dict[tuple[Status, str], tuple[Status, Status]] = {
    (s.requires, s.name): (s.include, s.exclude) for s in STAGES
}


def stage(name: str) -> Stage:
    try:
        return STAGE_BY_NAME[name]
    except KeyError:
        raise TransitionError(
            f"unknown screening stage {name!r}; stages are {', '.join(STAGE_BY_NAME)}",
            fix="use one of the stage names in the decision log's file name or stage column.",
        ) from None


def transition(
    current: Status, stage_name: str, include: bool, *, where: dict | None = None
) -> Status:
    """Return the status a work reaches when ``stage_name`` decides ``include`` on it.

    Raises :class:`TransitionError` (with ``where`` = file/row of the decision) when the work is not
    eligible for that stage, e.g. a full-text decision on a work excluded at title/abstract.
    """
    st = stage(stage_name)
    allowed = TRANSITIONS.get((current, st.name))
    if allowed is None:
        raise TransitionError(
            f"a {st.name} decision on a work whose status is {current.value!r}; "
            f"only works with status {st.requires.value!r} can be screened at this stage",
            fix="remove the decision, or correct the earlier stage's decision for this record.",
            **(where or {}),
        )
    return allowed[0] if include else allowed[1]
