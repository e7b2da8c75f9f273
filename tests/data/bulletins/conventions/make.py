"""Build the convention bulletins and their expected stories (run from the repository root).

Each bulletin puts real stories (MArSum, Goud.ma, CC BY 4.0: see ../README.md)
in one newsroom convention; ``NAME.json`` holds the stories the bulletin was
built from: title, paragraphs, date and author as they must come out.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sources.build import headline

HERE = Path(__file__).parent
ARTICLES = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "articles.jsonl"


def articles() -> list[dict[str, str]]:
    return [json.loads(line) for line in ARTICLES.read_text("utf-8").splitlines()]


def story(
    art: dict[str, str], *, title: str | None = None, first: str = "", date=None, author=None
) -> dict[str, object]:
    paragraphs = [p.strip() for p in art["body"].split("\n") if p.strip()]
    paragraphs[0] = first + paragraphs[0]
    return {
        "title": title if title is not None else art["title"].strip(),
        "paragraphs": paragraphs,
        "date": date,
        "author": author,
    }


def write(name: str, text: str, stories: list[dict[str, object]], newline: str = "\n") -> None:
    (HERE / f"{name}.txt").write_bytes(text.replace("\n", newline).encode("utf-8"))
    (HERE / f"{name}.json").write_text(
        json.dumps(stories, ensure_ascii=False, indent=1) + "\n", "utf-8"
    )


def main() -> None:
    a = articles()
    # header: the bulletin's name and a date line, then headlines.
    picked = [story(a[i], date="2020-11-12") for i in (45, 117, 141)]
    text = "موجز الأنباء\nالخميس 12 نوفمبر 2020\nــــــــــــــــ\n"
    text += "\n".join(f"{s['title']}\n" + "\n".join(s["paragraphs"]) for s in picked) + "\n"
    write("header", text, picked)

    # separators: headline-less stories between separator lines of every kind.
    seps = [
        "ـــــــــــ",
        "* * *",
        "●●●",
        "=====",
        "———",
        "ـ ـ ـ",
        "~~~",
        "#####",
        ". . .",
        "_____",
    ]
    picked = []
    text = ""
    for i, sep in zip((1, 11, 62, 99, 141, 145, 187, 197, 232, 252), seps, strict=True):
        s = story(a[i])
        s["title"] = headline(s["paragraphs"][0])
        picked.append(s)
        text += "\n".join(s["paragraphs"]) + f"\n{sep}\n"
    write("separators", text, picked)

    # numbered: every numbering and bullet style, no separators.
    marks = [
        "1.",
        "٢-",
        "(3)",
        "۴)",
        "5/",
        "أولاً:",
        "ثانيا -",
        "■",
        "•",
        "●",
        "-",
        "*",
        "◆",
        "▪",
        "–",
    ]
    ids = (45, 117, 314, 31, 1, 11, 62, 99, 141, 145, 187, 197, 232, 252, 135)
    picked = [story(a[i]) for i in ids]
    text = "".join(
        f"{mark} {s['title']}\n" + "\n".join(s["paragraphs"]) + "\n"
        for mark, s in zip(marks, picked, strict=True)
    )
    write("numbered", text, picked)

    # datelines: with and without headlines, agencies and dates.
    lines = [
        (45, True, "مدريد - (وكالات) - ", None, "وكالات"),
        (117, True, "الرباط - و م ع - ", None, "و م ع"),
        (141, True, "باريس، 12 نوفمبر 2020 (أ ف ب) - ", "2020-11-12", "أ ف ب"),
        (1, False, "سبتة (رويترز) – ", None, "رويترز"),
        (99, False, "قادس، 5 نوفمبر 2020 (الأناضول) - ", "2020-11-05", "الأناضول"),
        (252, False, "الدار البيضاء-ومع: ", None, "و م ع"),
    ]
    picked = []
    text = ""
    for i, titled, dateline, date, author in lines:
        s = story(a[i], first=dateline, date=date, author=author)
        if not titled:
            s["title"] = headline(a[i]["body"].split("\n")[0])
        picked.append(s)
        text += (f"{s['title']}\n" if titled else "") + "\n".join(s["paragraphs"]) + "\n"
    write("datelines", text, picked)

    # closing: the last story is followed by closing lines.
    picked = [story(a[i]) for i in (31, 135, 215)]
    text = "\n".join(f"{s['title']}\n" + "\n".join(s["paragraphs"]) for s in picked)
    text += "\nوإلى هنا تنتهي نشرتنا لهذا اليوم\nتابعونا على صفحتنا في فيسبوك\nإلى اللقاء في النشرة القادمة\n"
    write("closing", text, picked)

    # crlf: BOM, CRLF, blank lines between paragraphs, trailing spaces.
    picked = [story(a[i]) for i in (54, 169, 351)]
    text = (
        "\ufeff"
        + "\n\n\n".join(
            f"{s['title']}  \n\n" + "\n\n".join(p + " \t" for p in s["paragraphs"]) for s in picked
        )
        + "\n\n"
    )
    write("crlf-blank", text, picked, newline="\r\n")

    # topic shifts and continuations in one run of text (no headlines, no separators).
    shifts = ["", "على صعيد منفصل، ", "وفي شأن آخر، ", "من ناحية أخرى، ", "في شأن منفصل، "]
    continuations = [
        "وفي سياق متصل، ",
        "إلى ذلك، ",
        "في غضون ذلك، ",
        "وفي السياق ذاته، ",
        "من جانبه، ",
    ]
    picked = []
    text = ""
    for i, shift, more in zip((1, 62, 99, 187, 232), shifts, continuations, strict=True):
        s = story(a[i])
        s["paragraphs"].append(more + a[i]["body"].split("\n")[0].split("،")[-1].strip())
        s["title"] = headline(s["paragraphs"][0])
        picked.append(s)
        text += shift + "\n".join(s["paragraphs"]) + "\n"
    write("shifts", text, picked)


if __name__ == "__main__":
    main()
