"""The word table of the plain-text bulletin segmenter (``sources.bulletin``).

A bulletin paragraph's first words decide where stories begin and end, and all
of those words live here, in one ``BulletinWords`` value:

``topic_markers``
    Phrases that open a paragraph starting a *new* story inside a run of text:
    «وفي سياق آخر، …», «من جهة أخرى، …». The marker (and the punctuation after
    it) is removed, and the new story's title is taken from the rest.

``continuations``
    Whole first words or first phrases (up to any length, usually one to three
    words) that open a paragraph *continuing* the story before it: «كما»،
    «من جهته»، «في سياق متصل»، «يذكر أن». A short line followed by such a
    paragraph is a subheading, not a new headline.

``stems``
    Reporting verbs and particles that continue a story when the conjunction
    و or ف is attached to them: «وأضاف»، «فقال»، «وأكدت»، «وأشاروا». A first
    word matches when it is و or ف, then a stem, then nothing or one of
    ``suffixes`` (ت، وا، ا، ن: feminine, plural and dual forms).

How entries are compared: every entry and every paragraph's first words go
through ``sources.arabic.normalize_key`` first, so spelling variants match
without being listed: أ/إ/آ/ا, ى/ي, ة/ه, tashkeel (shadda included), tatweel
and punctuation («آخر،» = «اخر»). Each topic marker and continuation also
matches with و attached to its first word («من جهته» covers «ومن جهته»), so
entries are written without it. Topic markers are checked before continuations:
«وفي سياق آخر» is a marker although «وفي» alone continues.

Why there is no "starts with و" rule: و is also the first root letter of many
words (وجّهت، وقّع، وصل، وافق، وضع، وزير، وزارة), so a paragraph opening with
one of those is the lede of a new story. Only the listed words, phrases and
stems count.

To extend the table, add entries here (for everyone) or in the ``[bulletin]``
table of ``nashra.toml`` (``topic_markers = [...]``, ``continuations = [...]``),
which the configuration applies with ``DEFAULT_WORDS.extended(...)``. Write
phrases as they are read, in plain Arabic: normalisation is applied for you.
Entries that normalise to nothing (blank, punctuation only) are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class BulletinWords:
    """The words that split a bulletin into stories (see the module docstring)."""

    topic_markers: tuple[str, ...]
    continuations: tuple[str, ...]
    stems: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ("ت", "وا", "ا", "ن")

    def extended(
        self,
        topic_markers: Iterable[str] = (),
        continuations: Iterable[str] = (),
        stems: Iterable[str] = (),
    ) -> BulletinWords:
        """A copy with more entries appended; duplicates are dropped, order is kept."""
        return BulletinWords(
            topic_markers=_merge(self.topic_markers, topic_markers),
            continuations=_merge(self.continuations, continuations),
            stems=_merge(self.stems, stems),
            suffixes=self.suffixes,
        )


def _merge(current: tuple[str, ...], more: Iterable[str]) -> tuple[str, ...]:
    cleaned = (" ".join(entry.split()) for entry in more)
    return tuple(dict.fromkeys((*current, *(entry for entry in cleaned if entry))))


DEFAULT_WORDS = BulletinWords(
    topic_markers=(
        "في سياق آخر",
        "في سياق منفصل",
        "في سياق مختلف",
        "من جهة أخرى",
        "من جهة ثانية",
        "من ناحية أخرى",
        "على صعيد آخر",
        "على صعيد منفصل",
        "في شأن آخر",
        "في خبر آخر",
        "في موضوع آخر",
        "في ملف آخر",
        "في قضية أخرى",
    ),
    continuations=(
        # Conjunctions and particles, as whole first words.
        "كما",
        "ثم",
        "فيما",
        "وفي",
        "وقد",
        "فقد",
        "ولم",
        "وبحسب",
        "وحسب",
        "ووفقا",
        "وذلك",
        "بدوره",
        "بدورها",
        "بدورهم",
        # Phrases.
        "في التفاصيل",
        "في سياق متصل",
        "في السياق ذاته",
        "في السياق نفسه",
        "في هذا السياق",
        "في هذا الصدد",
        "في غضون ذلك",
        "على صعيد متصل",
        "من جهته",
        "من جهتها",
        "من جهتهم",
        "من جانبه",
        "من جانبها",
        "من جانبهم",
        "يذكر أن",
        "يشار إلى",
        "تجدر الإشارة",
        "إلى ذلك",
        "إلى جانب ذلك",
        "جاء ذلك",
    ),
    stems=(
        "أضاف",
        "أكد",
        "أشار",
        "أوضح",
        "قال",
        "تابع",
        "ذكر",
        "أعرب",
        "لفت",
        "شدد",
        "أعلن",
        "بين",
        "أفاد",
        "أردف",
        "أبرز",
        "اعتبر",
        "كشف",
        "نقل",
        "دعا",
        "نوه",
        "ختم",
        "زاد",
        "جاء",
        "كان",
        "تأتي",
        "يأتي",
    ),
)
