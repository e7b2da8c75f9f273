"""Generate the encoding fixtures of tests/test_decode.py.

    python tests/data/encodings/make.py [OUTDIR]

writes one file per (text, encoding) into OUTDIR (default: this folder) and
``manifest.json``, which maps each file to its encoding and to the exact text
``decode_bytes`` must give back (``\\n`` line ends, no BOM). No file declares
its charset: decoding relies on the BOM, strict UTF-8, or detection.
The texts are real news text; see README.md here for where they come from.
"""

from __future__ import annotations

import codecs
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _lines(*lines: str) -> str:
    return "\n".join(lines) + "\n"


# The user's own sample bulletin (Libyan news): the first story, Modern Standard Arabic.
BULLETIN_STORY = _lines(
    "الاتحاد الأوروبي يجدد التزامه بدعم إدارة الهجرة في ليبيا",
    "أكد رئيس بعثة الاتحاد الأوروبي لدى ليبيا، نيكولا أورلاندو، أن الاتحاد الأوروبي يُعد أكبر شريك للمنظمة الدولية للهجرة، وأكثر الجهات دعمًا لها واستمرارية في ليبيا.",
    "جاء ذلك في تغريدة نشرها أورلاندو عقب لقائه المديرة العامة للمنظمة الدولية للهجرة، إيمي بوب، وذلك في ختام زيارتها الأولى والمهمة إلى العاصمة طرابلس.",
    "وأوضح أورلاندو أن اللقاء شهد حوارًا بنّاءً ومفتوحًا تناول سبل تعزيز التعاون المشترك لدعم المؤسسات الليبية في مختلف أنحاء البلاد، بهدف إدارة قضايا الهجرة والحدود بصورة فعّالة وإنسانية.",
    "وأشار إلى أن النقاش ركّز على عدد من الأولويات، من بينها دعم برامج العودة الطوعية، وإنقاذ الأرواح في البحر والصحراء، وتفكيك شبكات التهريب، إلى جانب توسيع نطاق الممرات الآمنة.",
)

# The second story: « » (not in ISO-8859-6) and an empty line.
BULLETIN_STORY_2 = _lines(
    "ليبيا توجه تهنئة رسمية لدولة قطر بمناسبة «اليوم الوطني»",
    "وجّهت وزارة الخارجية والتعاون الدولي بحكومة الوحدة الوطنية تهنئة رسمية إلى حكومة وشعب دولة قطر بمناسبة اليوم الوطني، مؤكدة عمق العلاقات الأخوية التي تجمع البلدين، وحرص ليبيا على تعزيز مسارات التعاون الثنائي في مختلف المجالات.",
    "",
    "وأعربت الوزارة في بيانها عن أصدق التمنيات لدولة قطر بدوام التقدم والازدهار، مشيدة بما حققته من إنجازات تنموية واقتصادية، ومؤكدة أن هذه المناسبة تمثل محطة وطنية تعكس وحدة الشعب القطري وتماسكه خلف قيادته.",
)

# MArSum corpus (Goud.ma, CC BY 4.0): title and body, Moroccan Darija.
GOUD_ARTICLE_DARIJA = _lines(
    "اللي داخلين لكازا ها ودني منكم. تزيار جديد وشوفو هاد القرار",
    "بيان جديد لولاية جهة الدار البيضاء هاد النهار فيه انو فاطار التدابير الاحترازية باش توقف السلطات انتشار كورونا فيروس وتفعيل للمقتضيات التنظيمية اللي فيها اغلاق منافذ المدينة سيتم اخضاع التنقل من والى المدينة لرخصة استثنائية للتنقل مسلمة من السلطات المختصة",
    "ونصح البيان مستعملي لوطوروت باش ما يدخلوش للمدينة الى ما كانش عندهم رخصة استثنائية وباللي اللي حصل راه غادي يخلص",
)

GOUD_ARTICLE_KOREA = _lines(
    "كوريا داعمة المغرب على الصحرا ديالو",
    "أكدت جمهورية كوريا دعمها لجهود هيأة الأمم المتحدة للتوصل إلى حل سياسي لقضية الصحراء. وقد اعترفت كوريا بجهود المغرب لإيجاد حل للنزاع حول الصحراء المغربية. كما رحبت جمهورية كوريا بعودة المغرب إلى منظمة الاتحاد الإفريقي، وبإمكانية انضمامه للمجموعة الاقتصادية لغرب إفريقيا (إيكواس). واعتبر الوزير الأول الكوري بالنموذج المغربي، في لقاء جمعه بنظيره سعد الدين العثماني، أن عودة المغرب هاته، خاصة بالنظر إلى السياسة الإفريقية التي يعتمدها المغرب في ظل التوجيهات الملكية للملك محمد السادس، تشكل خطوة أساسية لضمان الاندماج والاستقرار والتنمية في إفريقيا.",
)

# Short titles (5-8 words): hard for unrestricted charset detection.
GOUD_TITLES = (
    "كوريا داعمة المغرب على الصحرا ديالو",
    "تسجيل أول إصابة بفيروس كورونا فطاطا",
    "أخنوش: ما عمرنا كنا ضد الدعم المباشر للفقراء",
    "صرف الملايير على استراتيجية السياحية بدون فوائد",
    "تفكيك شبكة للاتجار في الرضع",
    "برلمانية وجهات سؤال لوزير الداخلية باللغة الأمازيغية",
)

UNICODE = ("utf-8", "utf-8-bom", "utf-16-le", "utf-16-be")
LEGACY = ("cp1256", "iso-8859-6")


def fixtures() -> list[tuple[str, str, str, bool]]:
    """(file name, expected text, encoding, CRLF line ends) for every fixture."""
    out: list[tuple[str, str, str, bool]] = []
    for encoding in (*UNICODE, *LEGACY):
        out.append((f"bulletin-story.{encoding}.txt", BULLETIN_STORY, encoding, False))
    out.append(("bulletin-story.crlf.utf-8.txt", BULLETIN_STORY, "utf-8", True))
    out.append(("bulletin-story-2.cp1256.txt", BULLETIN_STORY_2, "cp1256", False))
    out.append(("bulletin-story-2.crlf.cp1256.txt", BULLETIN_STORY_2, "cp1256", True))
    for encoding in LEGACY:
        out.append((f"goud-darija.{encoding}.txt", GOUD_ARTICLE_DARIJA, encoding, False))
        out.append((f"goud-korea.{encoding}.txt", GOUD_ARTICLE_KOREA, encoding, False))
    for number, title in enumerate(GOUD_TITLES, start=1):
        for encoding in (*UNICODE, *LEGACY) if number == 1 else LEGACY:
            out.append((f"goud-title-{number}.{encoding}.txt", title, encoding, False))
    return out


def encode(text: str, encoding: str, crlf: bool) -> bytes:
    if crlf:
        text = text.replace("\n", "\r\n")
    if encoding == "utf-8-bom":
        return codecs.BOM_UTF8 + text.encode("utf-8")
    if encoding == "utf-16-le":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    if encoding == "utf-16-be":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return text.encode(encoding)  # strict: fails if the text does not fit the code page


def build(outdir: Path) -> None:
    outdir.mkdir(parents=True, exist_ok=True)
    manifest = []
    for name, text, encoding, crlf in fixtures():
        (outdir / name).write_bytes(encode(text, encoding, crlf))
        manifest.append({"file": name, "encoding": encoding, "crlf": crlf, "text": text})
    (outdir / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    build(target)
    print(f"wrote {len(fixtures())} fixtures and manifest.json to {target}")
