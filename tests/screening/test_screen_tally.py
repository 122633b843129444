"""The screening tally on a small hand-made review: counts, agreement, and every illegal transition."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from reco.errors import SchemaError, TransitionError
from reco.screening.agreement import agreement
from reco.screening.logs import LogSpec
from reco.screening.tally import tally

# Six works; w1 and w3 have a duplicate record in a second export.
DEDUP = pl.DataFrame(
    {
        "record_id": ["a:1", "b:9", "a:2", "a:3", "b:7", "a:4", "a:5", "a:6"],
        "cluster_id": ["a:1", "a:1", "a:2", "a:3", "a:3", "a:4", "a:5", "a:6"],
    }
)
HEADER = "record_id,reviewer,decision,reason,timestamp,note\n"


def write(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture()
def review(tmp_path: Path) -> dict[str, Path]:
    """Stage 1 by JH and TA (two conflicts, resolved by LJ); stage 2 by JH with LJ on two works."""
    files = {
        "ta_jh": write(
            tmp_path / "ta_JH.csv",
            [
                "a:1,JH,include,,2020-04-01,",
                "a:2,JH,include,,2020-04-01,",
                "a:3,JH,exclude,wrong population,2020-04-01,",
                "a:4,JH,include,,2020-04-01,",
                "a:5,JH,exclude,not a service model,2020-04-01,",
                "a:6,JH,maybe,,2020-04-01,",
            ],
        ),
        # TA cites the duplicate records b:9 and b:7: the tally resolves them to works a:1 and a:3.
        "ta_ta": write(
            tmp_path / "ta_TA.csv",
            [
                "b:9,TA,include,,2020-04-02,",
                "a:2,TA,exclude,wrong population,2020-04-02,",
                "b:7,TA,exclude,wrong population,2020-04-02,",
                "a:4,TA,include,,2020-04-02,",
                "a:5,TA,include,,2020-04-02,",
                "a:6,TA,include,,2020-04-02,",
            ],
        ),
        "ta_res": write(
            tmp_path / "ta_resolutions.csv",
            ["a:2,LJ,include,,2020-04-10,", "a:5,LJ,exclude,not a service model,2020-04-10,"],
        ),
        "map_jh": write(
            tmp_path / "map_JH.csv",
            [
                "a:1,JH,include,,2020-05-01,",
                "a:2,JH,exclude,not UK,2020-05-01,",
                "a:4,JH,include,,2020-05-01,",
                "a:6,JH,exclude,not UK,2020-05-01,",
            ],
        ),
        "map_lj": write(
            tmp_path / "map_LJ.csv",
            ["a:1,LJ,include,,2020-05-02,", "a:2,LJ,exclude,not UK,2020-05-02,"],
        ),
    }
    return files


def specs(f: dict[str, Path], extra: list[LogSpec] | None = None) -> list[LogSpec]:
    return [
        LogSpec(f["ta_jh"], "title_abstract"),
        LogSpec(f["ta_ta"], "title_abstract"),
        LogSpec(f["ta_res"], "title_abstract", kind="resolutions"),
        LogSpec(f["map_jh"], "mapping_fulltext"),
        LogSpec(f["map_lj"], "mapping_fulltext"),
        *(extra or []),
    ]


def test_counts_from_hand_made_logs(review: dict[str, Path]) -> None:
    result = tally(DEDUP, specs(review))
    ta = result.counts["stages"]["title_abstract"]
    # a:1 agree include; a:2 conflict -> LJ include; a:3 agree exclude; a:4 include; a:5 conflict ->
    # LJ exclude; a:6 maybe + include = include.
    assert (ta["screened"], ta["included"], ta["excluded"]) == (6, 4, 2)
    assert (ta["conflicts"], ta["resolved"]) == (2, 2)
    assert ta["excluded_by_reason"] == {"not a service model": 1, "wrong population": 1}
    mp = result.counts["stages"]["mapping_fulltext"]
    assert (mp["screened"], mp["included"], mp["excluded"], mp["double_screened"]) == (4, 2, 2, 2)
    status = dict(zip(result.status["work_id"], result.status["status"], strict=True))
    assert status == {
        "a:1": "map_included",
        "a:2": "map_excluded",
        "a:3": "ta_excluded",
        "a:4": "map_included",
        "a:5": "ta_excluded",
        "a:6": "map_excluded",
    }
    a1 = result.status.filter(pl.col("work_id") == "a:1").row(0, named=True)
    assert a1["path"] == ["unique", "ta_included", "map_included"]
    assert {d["record_id"] for d in a1["decisions"]} == {
        "a:1",
        "b:9",
    }  # provenance of every decision


def test_flipping_one_resolution_moves_counts_by_exactly_one(review: dict[str, Path]) -> None:
    before = tally(DEDUP, specs(review)).counts["stages"]["title_abstract"]
    text = (
        review["ta_res"]
        .read_text(encoding="utf-8")
        .replace("a:5,LJ,exclude,not a service model", "a:5,LJ,include,")
    )
    review["ta_res"].write_text(text, encoding="utf-8")
    # a:5 now enters stage 2, so it needs a stage-2 decision
    extra = write(review["ta_res"].parent / "map_extra.csv", ["a:5,JH,exclude,not UK,2020-05-03,"])
    after = tally(DEDUP, specs(review, [LogSpec(extra, "mapping_fulltext")])).counts["stages"][
        "title_abstract"
    ]
    assert after["included"] == before["included"] + 1
    assert after["excluded"] == before["excluded"] - 1


def test_agreement_statistics_on_the_double_screened_works(review: dict[str, Path]) -> None:
    result = tally(DEDUP, specs(review))
    pair = result.agreement["title_abstract"]["JH-TA"]
    # JH include on a:1 a:2 a:4 a:6(maybe); TA include on a:1 a:4 a:5 a:6 -> 4 agreements of 6
    assert pair["n"] == 6 and pair["percent_agreement"] == pytest.approx(100 * 4 / 6)


def test_kappa_against_a_hand_computed_table() -> None:
    # 20 both-include, 5 only-first, 10 only-second, 15 both-exclude: po = .70,
    # pe = .5*.6 + .5*.4 = .50, kappa = (.70-.50)/(1-.50) = .40, PABAK = 2*.70-1 = .40
    a = [True] * 25 + [False] * 25
    b = [True] * 20 + [False] * 5 + [True] * 10 + [False] * 15
    stats = agreement(a, b)
    assert stats["kappa"] == pytest.approx(0.40)
    assert stats["pabak"] == pytest.approx(0.40)
    # Fleiss-Cohen-Everitt SE, rows = first reviewer (.5, .5), columns = second (.6, .4):
    # var = (.4*(1-1.1*.6)^2 + .3*(1-.9*.6)^2 + .6^2*(.1*(.6+.5)^2 + .2*(.4+.5)^2) - (.4-.5*.6)^2)
    #       / (50 * .5^2) = (.04624 + .06348 + .10188 - .01) / 12.5 = .016128
    assert stats["kappa_ci_low"] == pytest.approx(0.40 - 1.959964 * 0.016128**0.5, abs=1e-9)
    assert stats["kappa_ci_high"] == pytest.approx(0.40 + 1.959964 * 0.016128**0.5, abs=1e-9)


@pytest.mark.parametrize(
    ("log", "row", "kind", "message"),
    [
        (
            "map_jh",
            "a:3,JH,include,,2020-05-09,",
            "decisions",
            "status is 'ta_excluded'",
        ),  # excluded at stage 1
        ("ta_jh", "zz:1,JH,include,,2020-04-01,", "decisions", "unknown record_id 'zz:1'"),
        (
            "ta_jh",
            "b:9,JH,exclude,,2020-04-03,",
            "decisions",
            "two decisions",
        ),  # same work via a duplicate
        ("ta_res", "a:2,LJ,exclude,,2020-04-11,", "resolutions", "second resolution"),
        ("ta_res", "a:4,LJ,exclude,,2020-04-11,", "resolutions", "no conflict to resolve"),
    ],
)
def test_illegal_transitions_name_file_and_row(
    review, log: str, row: str, kind: str, message: str
) -> None:
    path = review[log]
    path.write_text(path.read_text(encoding="utf-8") + row + "\n", encoding="utf-8")
    with pytest.raises(TransitionError) as info:
        tally(DEDUP, specs(review))
    assert message in info.value.message()
    assert info.value.file == str(path)
    assert info.value.row == len(path.read_text(encoding="utf-8").splitlines()) - 1


def test_unresolved_conflict_is_an_error(review: dict[str, Path]) -> None:
    write(review["ta_res"], ["a:2,LJ,include,,2020-04-10,"])
    with pytest.raises(TransitionError, match="unresolved conflict on work a:5"):
        tally(DEDUP, specs(review))


def test_work_screened_by_one_reviewer_at_a_dual_stage_is_an_error(review: dict[str, Path]) -> None:
    text = review["ta_ta"].read_text(encoding="utf-8").replace("a:4,TA,include,,2020-04-02,\n", "")
    review["ta_ta"].write_text(text, encoding="utf-8")
    with pytest.raises(TransitionError, match="fewer than 2 reviewer"):
        tally(DEDUP, specs(review))


def test_stage_without_its_parent_stage_is_an_error(review: dict[str, Path]) -> None:
    with pytest.raises(TransitionError, match="none for 'title_abstract'"):
        tally(DEDUP, [LogSpec(review["map_jh"], "mapping_fulltext")])


def test_unknown_decision_word_names_row_and_column(review: dict[str, Path]) -> None:
    path = review["ta_jh"]
    path.write_text(
        path.read_text(encoding="utf-8") + "a:1,JH,perhaps,,2020-04-01,\n", encoding="utf-8"
    )
    with pytest.raises(SchemaError) as info:
        tally(DEDUP, specs(review))
    assert info.value.row == 7 and info.value.column == "decision"


def test_covidence_style_log(tmp_path: Path, review: dict[str, Path]) -> None:
    cov = tmp_path / "ta_TA_covidence.csv"
    cov.write_text(
        "Covidence #,Study ID,Title,Reviewer,Vote,Exclusion reason,Date,Notes\n"
        + "\n".join(
            f"#{i},{rid},T,TA,{vote},{why},2020-04-02,"
            for i, (rid, vote, why) in enumerate(
                [
                    ("b:9", "Yes", ""),
                    ("a:2", "No", "wrong population"),
                    ("b:7", "No", "wrong population"),
                    ("a:4", "Yes", ""),
                    ("a:5", "Yes", ""),
                    ("a:6", "Yes", ""),
                ]
            )
        )
        + "\n",
        encoding="utf-8",
    )
    logs = specs(review)
    logs[1] = LogSpec(cov, "title_abstract", format="covidence")
    assert tally(DEDUP, logs).counts == tally(DEDUP, specs(review)).counts
