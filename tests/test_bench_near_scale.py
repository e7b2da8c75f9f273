"""The scale benchmark's generator and counting (not its speed): planted copies of
generated stories are merged, distinct stories are not, and the harness counts both.

The text is the repository's benchmark sample: bench/data/samples/news-articles.jsonl
(articles of Goud.ma from the MArSum corpus, CC BY 4.0) and headline-pairs.jsonl
(ANS corpus, Apache-2.0).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bench.near_corpus import COPY_DAYS, MIN_WORDS, Material, stream
from bench.near_scale import merges, pairwise, run
from feeds import near

STORIES = 2000


@pytest.fixture(scope="module")
def material() -> Material:
    return Material()


def test_stream_plants_copies_of_recent_earlier_stories(material: Material) -> None:
    batches = list(stream(STORIES, batch=50, near_fraction=0.2, seed=7, material=material))
    stories = [s for b in batches for s in b.stories]
    assert [s.index for s in stories] == list(range(STORIES))
    by_index = {s.index: s for s in stories}
    copies = [s for s in stories if s.copy_of is not None]
    assert 0.15 * STORIES < len(copies) < 0.25 * STORIES
    for b in batches:
        first = b.stories[0].index
        for s in b.stories:
            if s.copy_of is not None:
                original = by_index[s.copy_of]
                assert original.copy_of is None
                assert original.index < first  # from an earlier poll, already stored
                assert s.at - original.at <= timedelta(days=COPY_DAYS)
                assert s.text != original.text or s.title != original.title
    assert all(len(s.text.split()) >= MIN_WORDS for s in stories if s.copy_of is None)
    assert len({b.source for b in batches}) > 20


def test_stream_is_the_same_for_a_seed(material: Material) -> None:
    one = [s for b in stream(300, seed=3, material=material) for s in b.stories]
    two = [s for b in stream(300, seed=3, material=material) for s in b.stories]
    other = [s for b in stream(300, seed=4, material=material) for s in b.stories]
    assert one == two
    assert [s.text for s in one] != [s.text for s in other]


def test_distinct_stories_are_not_near_duplicates_of_each_other(material: Material) -> None:
    stories = [s for b in stream(1200, seed=11, material=material) for s in b.stories]
    measured = pairwise(stories, compared=600)
    assert measured.compared == 600
    assert measured.distinct_pairs > 170_000
    assert measured.distinct_over == 0
    assert measured.distinct_max < near.THRESHOLD / 2
    assert measured.planted_pairs > 0
    assert measured.planted_over == measured.planted_pairs


def test_harness_counts_planted_copies_as_merged(tmp_path: Path) -> None:
    outcome = run(
        STORIES, tmp_path, batch=50, near_fraction=0.1, seed=5, slice_size=1000,
        singles=10, sample=0, echo=False,
    )  # fmt: skip
    assert outcome.stories == STORIES
    assert outcome.planted == sum(outcome.copies) > 100
    assert [(r.stored, r.mode) for r in outcome.rows] == [
        (1050, "near"), (1050, "exact"), (2000, "near"), (2000, "exact"),
    ]  # fmt: skip
    near_found = merges(outcome.paths["near"], outcome.copies, outcome.originals)
    exact_found = merges(outcome.paths["exact"], outcome.copies, outcome.originals)
    # the near store merges (nearly) every planted copy into its original's cluster,
    # and no distinct story
    assert near_found.planted == outcome.planted
    assert near_found.recall >= 0.95
    assert near_found.wrong == 0
    assert near_found.false == 0
    # what the store counted is what it stored
    totals = outcome.totals
    assert totals["near"].merged == near_found.merged + near_found.wrong + near_found.false
    assert totals["near"].duplicate == near_found.exact
    # the exact store merges nothing: only copies equal once normalised are duplicates
    assert totals["exact"].merged == 0
    assert exact_found.merged == 0
    assert exact_found.exact == totals["exact"].duplicate == near_found.exact
    assert exact_found.exact < outcome.planted / 5
    assert all(r.peak > 0 and r.db > 0 and r.rate > 0 for r in outcome.rows)
    # the writer's own measures: CPU time and bytes written to the store's files
    assert all(r.cpu_ms > 0 and r.kb_written > 0 for r in outcome.rows)
