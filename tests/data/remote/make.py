"""Generate the remote feed and page fixtures of tests/test_remote.py, test_webpage.py
and test_http.py.

    python tests/data/remote/make.py [OUTDIR]

The text is real Moroccan news from Goud.ma (MArSum corpus, CC BY 4.0): see
README.md here. The links, dates, ids and markup around it are ours.
"""

from __future__ import annotations

import json
import sys
from html import escape
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLES = Path("/work/shared/samples/news-articles.jsonl")

# Articles 0, 1, 2, 5 and 6 of the shared sample (their first two sentences), kept here so
# that the fixtures can be regenerated without the sample file.
ARTICLES = [
    (
        "كوريا داعمة المغرب على الصحرا ديالو",
        [
            "أكدت جمهورية كوريا دعمها لجهود هيأة الأمم المتحدة للتوصل إلى حل سياسي لقضية الصحراء.",
            "وقد اعترفت كوريا بجهود المغرب لإيجاد حل للنزاع حول الصحراء المغربية.",
        ],
    ),
    (
        "لحريگ لسبتة: السلطات تدخلات هاد المرة",
        [
            "ذكرت تقارير إخبارية، أن القوات المغربية المكلفة بحماية المنفذ الحدودي المجاور لشاطىء تراخال منعات زوال اليوم الاثنين عشرات المهاجرين من العبور إلى سبتة.",
        ],
    ),
    (
        "ها المشاكل بداو. العميد بنعطية طار من التشكيلة الرسمية ضد اسبانيا",
        [
            "ابعد ايرفي رونار مدرب المنتخب المغربي لكرة القدم عميد المنتخب بنعطية عن التشكيلة الرسمية.",
        ],
    ),
    (
        "السويد كتقلب على 20 واحد متخصص فزراعة الحشيش باش يخدمو فاليونان",
        [
            "لأول مرة في السويد، شركة حطات على موقعها الرسمي إعلان كتقلب فيه على 20 فلاح متخصص فزراعة الحشيش.",
        ],
    ),
    (
        "الجامعة المغربية لحماية المستهلك كتستنكر المصادقة على مشروع القانون",
        [
            "عبرات الجامعة المغربية لحقوق المستهلك على الرفض ديالها لمشروع قانون 22.20.",
        ],
    ),
]
SITE = "https://www.goud.ma"


def _paragraphs(sentences: list[str], attrs: str = ' dir="rtl"') -> str:
    return "".join(f"<p{attrs}>{escape(s, quote=False)}</p>" for s in sentences)


def rss2() -> str:
    (t0, b0), (t1, b1), (t2, b2), (_t3, b3) = ARTICLES[:4]
    body0 = (
        _paragraphs(b0, ' dir="rtl" lang="ar" onclick="steal()" style="color:red"')
        + '<script>alert("x")</script><img src="/img/korea.jpg" alt="">'
        + '<p><a href="/related/?fbclid=abc&amp;id=7">مقال ذو صلة</a></p>'
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
<channel>
<title>كود</title>
<link>{SITE}/</link>
<description>أخبار كود</description>
<language>ar</language>
<ttl>30</ttl>
<item>
<title>{escape(t0)}</title>
<link>/koria-sahara/?utm_source=rss&amp;utm_medium=feed</link>
<guid isPermaLink="false">goud-101</guid>
<pubDate>Sun, 29 Nov 2026 09:30:00 +0100</pubDate>
<dc:creator>هيئة التحرير</dc:creator>
<category>سياسة</category>
<category>الصحراء</category>
<description>{escape(escape(b0[0]))}</description>
<content:encoded><![CDATA[{body0}]]></content:encoded>
<media:thumbnail url="{SITE}/img/korea-small.jpg"/>
</item>
<item>
<title>{escape(t1)}</title>
<link>{SITE}/hrig-sebta/</link>
<guid>{SITE}/hrig-sebta/</guid>
<description>{escape(_paragraphs(b1))}</description>
</item>
<item>
<title>{escape(t2)}</title>
<link>{SITE}/benatia/</link>
<pubDate>Fri, 29 Nov 2030 10:00:00 +0000</pubDate>
<description>{escape(_paragraphs(b2))}</description>
</item>
<item>
<link>{SITE}/suede/</link>
<pubDate>Sat, 28 Nov 2026 18:00:00 +0100</pubDate>
<description>{escape(_paragraphs(b3))}</description>
</item>
</channel>
</rss>
"""


def atom10() -> str:
    (t0, b0), (t1, b1) = ARTICLES[:2]
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ar">
<title>كود</title>
<id>tag:goud.ma,2026:feed</id>
<updated>2026-11-29T09:30:00+01:00</updated>
<link rel="alternate" href="{SITE}/"/>
<entry>
<title>{escape(t0)}</title>
<id>tag:goud.ma,2026:101</id>
<link rel="alternate" type="text/html" href="{SITE}/koria-sahara/"/>
<published>2026-11-29T09:30:00+01:00</published>
<updated>2026-11-29T10:00:00+01:00</updated>
<author><name>هيئة التحرير</name></author>
<category term="سياسة"/>
<content type="html">{escape(_paragraphs(b0))}</content>
</entry>
<entry>
<title type="html">{escape(t1)}</title>
<id>tag:goud.ma,2026:102</id>
<link href="{SITE}/hrig-sebta/"/>
<updated>2026-11-29T08:00:00Z</updated>
<summary>{escape(b1[0])}</summary>
</entry>
</feed>
"""


def atom03() -> str:
    (t0, b0), (t1, b1) = ARTICLES[:2]
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed version="0.3" xmlns="http://purl.org/atom/ns#" xml:lang="ar">
<title>كود</title>
<link rel="alternate" type="text/html" href="{SITE}/"/>
<modified>2026-11-29T09:30:00Z</modified>
<entry>
<title>{escape(t0)}</title>
<link rel="alternate" type="text/html" href="{SITE}/koria-sahara/"/>
<id>tag:goud.ma,2026:101</id>
<issued>2026-11-29T09:30:00+01:00</issued>
<modified>2026-11-29T09:30:00+01:00</modified>
<content type="text/html" mode="escaped">{escape(_paragraphs(b0))}</content>
</entry>
<entry>
<title>{escape(t1)}</title>
<link rel="alternate" type="text/html" href="{SITE}/hrig-sebta/"/>
<id>tag:goud.ma,2026:102</id>
<issued>2026-11-29T08:00:00Z</issued>
<modified>2026-11-29T08:00:00Z</modified>
<summary>{escape(b1[0])}</summary>
</entry>
</feed>
"""


def rss10() -> str:
    (t0, b0), (t1, b1) = ARTICLES[:2]
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="{SITE}/">
<title>كود</title>
<link>{SITE}/</link>
<description>أخبار كود</description>
<dc:language>ar</dc:language>
</channel>
<item rdf:about="{SITE}/koria-sahara/">
<title>{escape(t0)}</title>
<link>{SITE}/koria-sahara/</link>
<description>{escape(b0[0])}</description>
<dc:date>2026-11-29T09:30:00+01:00</dc:date>
</item>
<item rdf:about="{SITE}/hrig-sebta/">
<title>{escape(t1)}</title>
<link>{SITE}/hrig-sebta/</link>
<description>{escape(b1[0])}</description>
<dc:date>2026-11-29T08:00:00Z</dc:date>
</item>
</rdf:RDF>
"""


def rss091() -> str:
    (t0, b0), (t1, b1) = ARTICLES[:2]
    return f"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91">
<channel>
<title>كود</title>
<link>{SITE}/</link>
<description>أخبار كود</description>
<language>ar</language>
<item>
<title>{escape(t0)}</title>
<link>{SITE}/koria-sahara/</link>
<description>{escape(b0[0])}</description>
</item>
<item>
<title>{escape(t1)}</title>
<link>{SITE}/hrig-sebta/</link>
<description>{escape(b1[0])}</description>
</item>
</channel>
</rss>
"""


def json_feed(version: str) -> str:
    (t0, b0), (t1, b1) = ARTICLES[:2]
    first: dict[str, object] = {
        "id": "goud-101",
        "url": f"{SITE}/koria-sahara/",
        "title": t0,
        "content_html": _paragraphs(b0) + '<script>alert("x")</script>',
        "date_published": "2026-11-29T09:30:00+01:00",
        "tags": ["سياسة"],
        "image": f"{SITE}/img/korea.jpg",
    }
    second: dict[str, object] = {
        "id": "goud-102",
        "url": f"{SITE}/hrig-sebta/",
        "title": t1,
        "content_text": "\n\n".join(b1),
        "date_published": "2026-11-29T08:00:00Z",
    }
    feed: dict[str, object] = {
        "version": f"https://jsonfeed.org/version/{version}",
        "title": "كود",
        "home_page_url": f"{SITE}/",
        "items": [first, second],
    }
    if version == "1":
        first["author"] = {"name": "هيئة التحرير"}
    else:
        first["authors"] = [{"name": "هيئة التحرير"}]
        feed["language"] = "ar"
    return json.dumps(feed, ensure_ascii=False, indent=1) + "\n"


def legacy(declared: str | None) -> str:
    """A short RSS feed whose text fits windows-1256 and ISO-8859-6."""
    decl = f'<?xml version="1.0" encoding="{declared}"?>\n' if declared else ""
    (t0, b0), (_t1, _b1), (t2, b2) = ARTICLES[0], ARTICLES[1], ARTICLES[4]
    return f"""{decl}<rss version="2.0">
<channel>
<title>كود</title>
<link>{SITE}/</link>
<description>أخبار</description>
<item>
<title>{escape(t0)}</title>
<link>{SITE}/koria-sahara/</link>
<description>{escape(b0[0])}</description>
</item>
<item>
<title>{escape(t2)}</title>
<link>{SITE}/mostahlik/</link>
<description>{escape(b2[0])}</description>
</item>
</channel>
</rss>
"""


def list_page() -> str:
    posts = []
    for number, (title, body) in enumerate(ARTICLES[:3], start=1):
        posts.append(
            f"""<article class="post">
<h2><a href="/article-{number}.html?utm_campaign=home">{escape(title)}</a></h2>
<time datetime="2026-11-2{number}T08:00:00+01:00">2{number} نونبر 2026</time>
<p class="lead">{escape(body[0])}</p>
<img data-src="/img/{number}.jpg" alt="">
</article>"""
        )
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>كود</title>
<link rel="alternate" type="application/rss+xml" title="كود" href="/feed.xml"></head>
<body><nav><a href="/">الرئيسية</a> <a href="/sport/">رياضة</a></nav>
<main>
{chr(10).join(posts)}
</main>
<footer><p>جميع الحقوق محفوظة</p></footer></body></html>
"""


def article_page(number: int) -> str:
    title, _ = ARTICLES[number - 1]
    with SAMPLES.open(encoding="utf-8") as handle:
        bodies = {json.loads(line)["title"]: json.loads(line)["body"] for line in handle}
    paragraphs = [p for p in bodies[title].replace(". ", ".\n").split("\n") if p.strip()]
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{escape(title)} - كود</title></head>
<body>
<header><nav><a href="/">الرئيسية</a> | <a href="/sport/">رياضة</a> | <a href="/politique/">سياسة</a></nav></header>
<main><article>
<h1>{escape(title)}</h1>
{_paragraphs(paragraphs)}
</article></main>
<aside><h3>الأكثر قراءة</h3><ul><li><a href="/x/">خبر آخر</a></li></ul></aside>
<footer><p>جميع الحقوق محفوظة لكود 2026</p></footer>
</body></html>
"""


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    files: dict[str, bytes] = {
        "goud-rss2.xml": rss2().encode(),
        "goud-atom10.xml": atom10().encode(),
        "goud-atom03.xml": atom03().encode(),
        "goud-rss10.rdf": rss10().encode(),
        "goud-rss091.xml": rss091().encode(),
        "goud-feed10.json": json_feed("1").encode(),
        "goud-feed11.json": json_feed("1.1").encode(),
        "goud-cp1256-declared.xml": legacy("windows-1256").encode("cp1256"),
        "goud-cp1256.xml": legacy(None).encode("cp1256"),
        "goud-iso-8859-6-declared.xml": legacy("ISO-8859-6").encode("iso8859_6"),
        "goud-iso-8859-6.xml": legacy(None).encode("iso8859_6"),
        "goud-list.html": list_page().encode(),
        "goud-article-1.html": article_page(1).encode(),
        "goud-article-2.html": article_page(2).encode(),
        "goud-article-3.html": article_page(3).encode(),
    }
    for name, data in files.items():
        (out / name).write_bytes(data)


if __name__ == "__main__":
    main()
