from __future__ import annotations

from feeds.dedup import Outcome, decide
from feeds.identity import identify
from sources.item import Item

BODY = "<p>وقّعت القيادة العامة للجيش الليبي اتفاقية تعاون مع الجيش الباكستاني.</p>"


def _item(title: str = "ليبيا وباكستان توقعان اتفاقية تعاون عسكري", **kw: object) -> Item:
    fields: dict[str, object] = {"title": title, "body": BODY, "source": "a"}
    fields.update(kw)
    return Item(**fields)  # type: ignore[arg-type]


def test_new_unchanged_updated() -> None:
    entry = identify(_item())
    assert decide([entry], {}, {})[0].outcome is Outcome.NEW
    assert decide([entry], {entry.id: entry.rev}, {})[0].outcome is Outcome.UNCHANGED
    assert decide([entry], {entry.id: "old"}, {})[0].outcome is Outcome.UPDATED


def test_same_text_from_another_source_is_a_duplicate() -> None:
    first = identify(_item())
    # tashkeel and alef forms differ: still the same story
    other = identify(_item("ليبيا وباكستان تُوقّعان اتفاقيةَ تعاونٍ عسكري", source="b"))
    assert other.id != first.id
    owners = {k: first.id for k in first.keys}
    decision = decide([other], {}, owners)[0]
    assert decision.outcome is Outcome.DUPLICATE and decision.duplicate_of == first.id


def test_same_canonical_url_is_a_duplicate() -> None:
    a = identify(_item(url="https://Example.com/news/1?utm_source=x#top", id="https://x/1"))
    b = identify(_item("عنوان آخر تماما", url="https://example.com/news/1", body="<p>نص آخر</p>"))
    assert decide([a, b], {}, {})[1].outcome is Outcome.DUPLICATE


def test_repeat_within_one_batch() -> None:
    entry = identify(_item())
    outcomes = [d.outcome for d in decide([entry, entry], {}, {})]
    assert outcomes == [Outcome.NEW, Outcome.DUPLICATE]


def test_different_news_is_not_merged() -> None:
    a = identify(_item("ارتفاع أسعار النفط عالميا"))
    b = identify(_item("انخفاض أسعار النفط عالميا"))
    owners = {k: a.id for k in a.keys}
    # same body, different headline: different normalised title+body, different id
    assert decide([b], {}, owners)[0].outcome is Outcome.NEW


def test_expired_story_reappearing_is_not_new_again() -> None:
    entry = identify(_item())
    owners = {k: entry.id for k in entry.keys}  # keys kept, story row expired
    assert decide([entry], {}, owners)[0].outcome is Outcome.DUPLICATE
