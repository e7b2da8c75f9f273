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

``header_words``
    Phrases that open the name of a bulletin in its header, at the top of the
    file: «نشرة أخبار الساعة الثامنة»، «موجز الأنباء». A header line is not a
    story (a date line there is recognised without words: ``sources.dates``).

``closings``
    Phrases that open a closing line: «انتهت النشرة»، «تابعونا على…»، «إلى
    اللقاء». A closing line is not a story and is never part of one.

``agencies``
    News agencies as datelines name them, a story's first words: «بنغازي (وال)
    –»، «الرباط - و م ع -». Each entry is ``name`` or ``name=variant|variant``;
    the name is the story's author when it has none. Dots and spaces do not
    count when comparing («أ.ف.ب» = «أ ف ب» = «افب»).

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

Beyond the table, ``sources.bulletin`` also reads some of these by shape: topic
shifts such as «على الصعيد X،» or «أما في …، فـ», closing lines at the end of
a bulletin («انتهى موجز…», «مع تحيات…»), and agencies the table does not know
(«(سونا)», «- واما -»). The table is still where a newsroom's own words go.

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
    header_words: tuple[str, ...] = ()
    closings: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()

    def extended(
        self,
        topic_markers: Iterable[str] = (),
        continuations: Iterable[str] = (),
        stems: Iterable[str] = (),
        *,
        header_words: Iterable[str] = (),
        closings: Iterable[str] = (),
        agencies: Iterable[str] = (),
    ) -> BulletinWords:
        """A copy with more entries appended; duplicates are dropped, order is kept."""
        return BulletinWords(
            topic_markers=_merge(self.topic_markers, topic_markers),
            continuations=_merge(self.continuations, continuations),
            stems=_merge(self.stems, stems),
            suffixes=self.suffixes,
            header_words=_merge(self.header_words, header_words),
            closings=_merge(self.closings, closings),
            agencies=_merge(self.agencies, agencies),
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
        "في شأن منفصل",
        "في شأن مختلف",
        "في خبر منفصل",
        "في موضوع منفصل",
        "على صعيد مختلف",
        "من ناحية ثانية",
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
        "يأتي ذلك",
        "في الأثناء",
        "في هذه الأثناء",
        "في الوقت نفسه",
        "في الوقت ذاته",
        "في سياق ذي صلة",
        "في المقابل",
        "علاوة على ذلك",
        "فضلا عن ذلك",
        "بالإضافة إلى ذلك",
        "من ناحيته",
        "من ناحيتها",
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
    header_words=(
        "نشرة",
        "النشرة",
        "موجز",
        "ملخص",
        "حصاد",
        "أبرز الأخبار",
        "أهم الأخبار",
        "أبرز العناوين",
        "أهم العناوين",
        "عناوين الأخبار",
        "أخبار الساعة",
        "أخبار اليوم",
    ),
    closings=(
        "انتهت النشرة",
        "انتهى الموجز",
        "نهاية النشرة",
        "نهاية الموجز",
        "إلى هنا تنتهي",
        "هنا تنتهي",
        "بهذا تنتهي",
        "بهذا نصل إلى نهاية",
        "كانت هذه نشرة",
        "كانت هذه النشرة",
        "هذه كانت نشرة",
        "هذه كانت النشرة",
        "كان هذا موجز",
        "تابعونا على",
        "تابعونا عبر",
        "تابعونا في",
        "تابعوا",
        "إلى اللقاء",
        "الى اللقاء",
        "نلقاكم",
        "نلتقيكم",
        "نلتقي في",
        "شكرا لمتابعتكم",
        "شكرا على المتابعة",
        "دمتم",
        "في أمان الله",
    ),
    agencies=(
        "رويترز",
        "أ ف ب=فرانس برس|وكالة فرانس برس|فرانس بريس",
        "أ ب=أسوشيتد برس|اسوشيتدبرس",
        "د ب أ",
        "وكالات=الوكالات",
        "وال=وكالة الأنباء الليبية",
        "لانا",
        "سانا",
        "واس",
        "وام",
        "قنا",
        "كونا",
        "بترا",
        "واف",
        "وفا",
        "بنا",
        "سبأ",
        "واع",
        "أ ش أ",
        "و م ع=ومع|لاماب",
        "الأناضول=وكالة الأناضول",
        "شينخوا=شينخوا",
        "سبوتنيك",
        "تاس",
        "إرنا",
        "العمانية",
    ),
)
