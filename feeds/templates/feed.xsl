<?xml version="1.0" encoding="UTF-8"?>
<!--
  nashra: how a browser shows a feed (RSS 2.0 or Atom 1.0, a subscription feed or
  an archive document): an Arabic, right-to-left page with the feed's title and
  description, how to subscribe (the feed's own address to copy into a feed
  reader), and its stories with their dates, written as the site's pages write
  them («29 نوفمبر 2026، 08:00»). XSLT 1.0, no script, no other file.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:fh="http://purl.org/syndication/history/1.0"
    exclude-result-prefixes="atom dc fh">

  <xsl:output method="html" encoding="UTF-8" indent="no" doctype-system="about:legacy-compat"/>

  <xsl:template match="/">
    <xsl:choose>
      <xsl:when test="rss/channel">
        <xsl:variable name="channel" select="rss/channel"/>
        <xsl:call-template name="page">
          <xsl:with-param name="kind" select="'RSS'"/>
          <xsl:with-param name="title" select="$channel/title"/>
          <xsl:with-param name="description" select="$channel/description"/>
          <xsl:with-param name="language" select="$channel/language"/>
          <xsl:with-param name="home" select="$channel/link"/>
          <xsl:with-param name="self" select="$channel/atom:link[@rel='self']/@href"/>
          <xsl:with-param name="current" select="$channel/atom:link[@rel='current']/@href"/>
          <xsl:with-param name="previous" select="$channel/atom:link[@rel='prev-archive']/@href"/>
          <xsl:with-param name="next" select="$channel/atom:link[@rel='next-archive']/@href"/>
          <xsl:with-param name="archive" select="boolean($channel/fh:archive)"/>
          <xsl:with-param name="count" select="count($channel/item)"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="atom:feed">
        <xsl:variable name="feed" select="atom:feed"/>
        <xsl:call-template name="page">
          <xsl:with-param name="kind" select="'Atom'"/>
          <xsl:with-param name="title" select="$feed/atom:title"/>
          <xsl:with-param name="description" select="$feed/atom:subtitle"/>
          <xsl:with-param name="language" select="$feed/@xml:lang"/>
          <xsl:with-param name="home" select="$feed/atom:link[@rel='alternate' or not(@rel)][1]/@href"/>
          <xsl:with-param name="self" select="$feed/atom:link[@rel='self']/@href"/>
          <xsl:with-param name="current" select="$feed/atom:link[@rel='current']/@href"/>
          <xsl:with-param name="previous" select="$feed/atom:link[@rel='prev-archive']/@href"/>
          <xsl:with-param name="next" select="$feed/atom:link[@rel='next-archive']/@href"/>
          <xsl:with-param name="archive" select="boolean($feed/fh:archive)"/>
          <xsl:with-param name="count" select="count($feed/atom:entry)"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <html lang="ar" dir="rtl"><body><p>هذا الملف ليس خلاصة RSS ولا Atom.</p></body></html>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="page">
    <xsl:param name="kind"/>
    <xsl:param name="title"/>
    <xsl:param name="description"/>
    <xsl:param name="language"/>
    <xsl:param name="home"/>
    <xsl:param name="self"/>
    <xsl:param name="current"/>
    <xsl:param name="previous"/>
    <xsl:param name="next"/>
    <xsl:param name="archive"/>
    <xsl:param name="count"/>
    <xsl:variable name="lang">
      <xsl:choose>
        <xsl:when test="normalize-space($language)"><xsl:value-of select="normalize-space($language)"/></xsl:when>
        <xsl:otherwise>ar</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="primary" select="translate(substring-before(concat($lang, '-'), '-'), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"/>
    <xsl:variable name="dir">
      <xsl:choose>
        <xsl:when test="contains(' ar fa ur he ps ckb ug yi dv sd ', concat(' ', $primary, ' '))">rtl</xsl:when>
        <xsl:otherwise>auto</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <!-- the address to subscribe to: an archive document sends readers to the current feed -->
    <xsl:variable name="subscribe">
      <xsl:choose>
        <xsl:when test="$archive and $current"><xsl:value-of select="$current"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$self"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <html lang="{$lang}" dir="{$dir}">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="robots" content="noindex"/>
        <title><xsl:value-of select="normalize-space($title)"/> — خلاصة <xsl:value-of select="$kind"/></title>
        <style><xsl:call-template name="css"/></style>
      </head>
      <body>
        <header class="masthead">
          <div class="wrap">
            <p class="badge">خلاصة <xsl:value-of select="$kind"/><xsl:if test="$archive"> · أرشيف</xsl:if></p>
            <h1><xsl:value-of select="normalize-space($title)"/></h1>
            <xsl:if test="normalize-space($description) and normalize-space($description) != normalize-space($title)">
              <p class="tagline"><xsl:value-of select="normalize-space($description)"/></p>
            </xsl:if>
          </div>
        </header>
        <main class="wrap">
          <section class="howto" aria-labelledby="howto-title">
            <h2 id="howto-title">
              <xsl:choose>
                <xsl:when test="$archive">هذه صفحة من أرشيف خلاصة أخبار</xsl:when>
                <xsl:otherwise>هذه خلاصة أخبار: اشترك فيها لتصلك الأخبار الجديدة</xsl:otherwise>
              </xsl:choose>
            </h2>
            <p>انسخ هذا العنوان وألصقه في قارئ الخلاصات الذي تستعمله:</p>
            <p class="feed-url"><code dir="ltr"><xsl:value-of select="$subscribe"/></code></p>
            <p class="hint">من قارئات الخلاصات المعروفة <bdi>Feedly</bdi> و<bdi>Inoreader</bdi> و<bdi>NetNewsWire</bdi> و<bdi>Thunderbird</bdi>، وكلها تقبل هذا العنوان. هذه الصفحة معدّة لتلك البرامج، ويعرضها المتصفح بهذا الشكل للاطلاع فقط.</p>
            <xsl:if test="starts-with($home, 'http://') or starts-with($home, 'https://')">
              <p class="home"><a href="{$home}">زيارة الموقع</a></p>
            </xsl:if>
          </section>
          <xsl:if test="$previous or $next">
            <nav class="archive" aria-label="الأرشيف">
              <xsl:if test="starts-with($next, 'http://') or starts-with($next, 'https://')">
                <a href="{$next}">الأحدث</a>
              </xsl:if>
              <xsl:if test="starts-with($previous, 'http://') or starts-with($previous, 'https://')">
                <a href="{$previous}">الأقدم</a>
              </xsl:if>
            </nav>
          </xsl:if>
          <h2 class="list-title">آخر الأخبار <span class="count">(<xsl:value-of select="$count"/>)</span></h2>
          <ol class="items">
            <xsl:apply-templates select="rss/channel/item | atom:feed/atom:entry"/>
          </ol>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="item">
    <xsl:call-template name="entry">
      <xsl:with-param name="title" select="title"/>
      <xsl:with-param name="link" select="link"/>
      <xsl:with-param name="date" select="pubDate"/>
      <xsl:with-param name="summary" select="description"/>
      <xsl:with-param name="content" select="*[local-name() = 'encoded']"/>
      <xsl:with-param name="author" select="dc:creator | author"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="atom:entry">
    <xsl:call-template name="entry">
      <xsl:with-param name="title" select="atom:title"/>
      <xsl:with-param name="link" select="atom:link[@rel='alternate' or not(@rel)][1]/@href"/>
      <xsl:with-param name="date" select="atom:published | atom:updated[not(../atom:published)]"/>
      <xsl:with-param name="summary" select="atom:summary"/>
      <xsl:with-param name="content" select="atom:content[@type = 'html' or @type = 'text' or not(@type)]"/>
      <xsl:with-param name="author" select="atom:author/atom:name"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="entry">
    <xsl:param name="title"/>
    <xsl:param name="link"/>
    <xsl:param name="date"/>
    <xsl:param name="summary"/>
    <xsl:param name="content"/>
    <xsl:param name="author"/>
    <li class="item">
      <h3>
        <xsl:choose>
          <xsl:when test="starts-with(normalize-space($link), 'http://') or starts-with(normalize-space($link), 'https://')">
            <a href="{normalize-space($link)}"><xsl:value-of select="normalize-space($title)"/></a>
          </xsl:when>
          <xsl:otherwise><xsl:value-of select="normalize-space($title)"/></xsl:otherwise>
        </xsl:choose>
      </h3>
      <p class="meta">
        <xsl:if test="normalize-space($author)">
          <span class="author"><xsl:value-of select="normalize-space($author[1])"/></span>
          <xsl:text> </xsl:text>
        </xsl:if>
        <xsl:if test="normalize-space($date)">
          <xsl:call-template name="date">
            <xsl:with-param name="value" select="normalize-space($date)"/>
          </xsl:call-template>
        </xsl:if>
      </p>
      <!-- the summary, else the start of the content; markup (escaped in the
           feed, or copied from the content into an RSS description) as text -->
      <xsl:variable name="raw">
        <xsl:choose>
          <xsl:when test="normalize-space($summary)"><xsl:value-of select="$summary"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="$content"/></xsl:otherwise>
        </xsl:choose>
      </xsl:variable>
      <xsl:variable name="text">
        <xsl:choose>
          <xsl:when test="contains($raw, '&lt;') and contains($raw, '&gt;')">
            <xsl:call-template name="text">
              <xsl:with-param name="markup" select="string($raw)"/>
            </xsl:call-template>
          </xsl:when>
          <xsl:otherwise><xsl:value-of select="$raw"/></xsl:otherwise>
        </xsl:choose>
      </xsl:variable>
      <xsl:variable name="words" select="normalize-space($text)"/>
      <xsl:if test="$words">
        <p class="summary">
          <xsl:choose>
            <xsl:when test="string-length($words) &gt; 280">
              <xsl:value-of select="concat(substring($words, 1, 279), '…')"/>
            </xsl:when>
            <xsl:otherwise><xsl:value-of select="$words"/></xsl:otherwise>
          </xsl:choose>
        </p>
      </xsl:if>
    </li>
  </xsl:template>

  <!-- the text of escaped HTML: what lies outside its tags, a space for each tag,
       up to about 600 characters -->
  <xsl:template name="text">
    <xsl:param name="markup"/>
    <xsl:param name="room" select="600"/>
    <xsl:choose>
      <xsl:when test="$room &lt;= 0"/>
      <xsl:when test="contains($markup, '&lt;')">
        <xsl:variable name="before" select="substring-before($markup, '&lt;')"/>
        <xsl:value-of select="$before"/>
        <xsl:text> </xsl:text>
        <xsl:call-template name="text">
          <xsl:with-param name="markup" select="substring-after(substring-after($markup, '&lt;'), '&gt;')"/>
          <xsl:with-param name="room" select="$room - string-length($before)"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$markup"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- «29 نوفمبر 2026، 08:00» from RFC 3339 (Atom) or RFC 822 (RSS), in the
       feed's own offset, named after the time when it is not UTC's. -->
  <xsl:template name="date">
    <xsl:param name="value"/>
    <xsl:choose>
      <xsl:when test="substring($value, 5, 1) = '-' and substring($value, 8, 1) = '-'">
        <xsl:variable name="rest" select="substring($value, 20)"/>
        <xsl:call-template name="written">
          <xsl:with-param name="day" select="substring($value, 9, 2)"/>
          <xsl:with-param name="month" select="number(substring($value, 6, 2))"/>
          <xsl:with-param name="year" select="substring($value, 1, 4)"/>
          <xsl:with-param name="time" select="substring($value, 12, 8)"/>
          <xsl:with-param name="zone">
            <xsl:choose>
              <xsl:when test="contains($rest, 'Z') or contains($rest, 'z')">Z</xsl:when>
              <xsl:when test="contains($rest, '+')"><xsl:value-of select="concat('+', substring-after($rest, '+'))"/></xsl:when>
              <xsl:when test="contains($rest, '-')"><xsl:value-of select="concat('-', substring-after($rest, '-'))"/></xsl:when>
            </xsl:choose>
          </xsl:with-param>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="s">
          <xsl:choose>
            <xsl:when test="contains($value, ',')"><xsl:value-of select="normalize-space(substring-after($value, ','))"/></xsl:when>
            <xsl:otherwise><xsl:value-of select="$value"/></xsl:otherwise>
          </xsl:choose>
        </xsl:variable>
        <xsl:variable name="r1" select="substring-after($s, ' ')"/>
        <xsl:variable name="r2" select="substring-after($r1, ' ')"/>
        <xsl:variable name="r3" select="substring-after($r2, ' ')"/>
        <xsl:variable name="mon" select="substring(substring-before($r1, ' '), 1, 3)"/>
        <xsl:variable name="index" select="string-length(substring-before('JanFebMarAprMayJunJulAugSepOctNovDec', $mon)) div 3 + 1"/>
        <xsl:choose>
          <xsl:when test="string-length($mon) = 3 and contains('JanFebMarAprMayJunJulAugSepOctNovDec', $mon)">
            <xsl:call-template name="written">
              <xsl:with-param name="day" select="substring-before($s, ' ')"/>
              <xsl:with-param name="month" select="$index"/>
              <xsl:with-param name="year" select="substring-before($r2, ' ')"/>
              <xsl:with-param name="time" select="substring-before(concat($r3, ' '), ' ')"/>
              <xsl:with-param name="zone" select="substring-after($r3, ' ')"/>
            </xsl:call-template>
          </xsl:when>
          <xsl:otherwise><xsl:value-of select="$value"/></xsl:otherwise>
        </xsl:choose>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- a <time> element: its datetime in RFC 3339, its text in Arabic -->
  <xsl:template name="written">
    <xsl:param name="day"/>
    <xsl:param name="month"/>
    <xsl:param name="year"/>
    <xsl:param name="time"/>
    <xsl:param name="zone"/>
    <xsl:variable name="utc" select="$zone = 'Z' or $zone = '+00:00' or $zone = '-00:00' or $zone = '+0000' or $zone = '-0000' or $zone = 'GMT' or $zone = 'UT' or $zone = 'UTC'"/>
    <xsl:variable name="offset">
      <xsl:choose>
        <xsl:when test="$utc">Z</xsl:when>
        <xsl:when test="string-length($zone) = 5 and not(contains($zone, ':'))"><xsl:value-of select="concat(substring($zone, 1, 3), ':', substring($zone, 4, 2))"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$zone"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="clock" select="substring(concat($time, ':00'), 1, 8)"/>
    <time datetime="{concat($year, '-', format-number($month, '00'), '-', format-number($day, '00'), 'T', $clock, $offset)}">
      <xsl:value-of select="concat(number($day), ' ')"/>
      <xsl:choose>
        <xsl:when test="$month = 1">يناير</xsl:when>
        <xsl:when test="$month = 2">فبراير</xsl:when>
        <xsl:when test="$month = 3">مارس</xsl:when>
        <xsl:when test="$month = 4">أبريل</xsl:when>
        <xsl:when test="$month = 5">مايو</xsl:when>
        <xsl:when test="$month = 6">يونيو</xsl:when>
        <xsl:when test="$month = 7">يوليو</xsl:when>
        <xsl:when test="$month = 8">أغسطس</xsl:when>
        <xsl:when test="$month = 9">سبتمبر</xsl:when>
        <xsl:when test="$month = 10">أكتوبر</xsl:when>
        <xsl:when test="$month = 11">نوفمبر</xsl:when>
        <xsl:when test="$month = 12">ديسمبر</xsl:when>
      </xsl:choose>
      <xsl:value-of select="concat(' ', $year, '، ', substring($time, 1, 5))"/>
      <xsl:choose>
        <xsl:when test="$utc"><xsl:text> بتوقيت غرينتش</xsl:text></xsl:when>
        <xsl:when test="normalize-space($zone)">
          <xsl:text> (</xsl:text><bdi dir="ltr">UTC<xsl:value-of select="$offset"/></bdi><xsl:text>)</xsl:text>
        </xsl:when>
      </xsl:choose>
    </time>
  </xsl:template>

  <xsl:template name="css">
:root { --ink: #17191c; --muted: #5f6670; --rule: #e2ddd3; --paper: #f7f5f0; --card: #fff; --accent: #a51d24; --link: #0f3d6e;
  --sans: "Noto Sans Arabic", "Segoe UI", Tahoma, "Geeza Pro", "DejaVu Sans", sans-serif;
  --naskh: "Noto Naskh Arabic", "Noto Sans Arabic", "Segoe UI", Tahoma, "Geeza Pro", serif;
  --kufi: "Noto Kufi Arabic", "Noto Sans Arabic", "Segoe UI", Tahoma, "Geeza Pro", sans-serif; color-scheme: light dark; }
@media (prefers-color-scheme: dark) { :root { --ink: #ebe8e2; --muted: #a7adb5; --rule: #32363c; --paper: #111316; --card: #1a1d21; --accent: #ff6b6b; --link: #8cc0ff; } }
*, *::before, *::after { box-sizing: border-box; }
body { margin: 0; background: var(--paper); color: var(--ink); font-family: var(--sans); line-height: 1.75; overflow-wrap: break-word; }
.wrap { max-width: 46rem; margin: 0 auto; padding-inline: 1rem; }
.masthead { background: var(--card); border-top: 6px solid var(--accent); border-bottom: 1px solid var(--rule); }
.masthead .wrap { padding-block: 1rem .9rem; }
.badge { margin: 0; color: var(--accent); font-weight: 700; font-size: .85rem; }
h1 { margin: 0; font-family: var(--kufi); font-size: clamp(1.6rem, 6vw, 2.4rem); line-height: 1.45; }
.tagline { margin: .3rem 0 0; color: var(--muted); }
main { display: block; padding-block: 1.25rem 2.5rem; }
.howto { background: var(--card); border: 1px solid var(--rule); border-inline-start: 5px solid var(--accent); border-radius: 4px; padding: .9rem 1.1rem; margin-bottom: 1.75rem; }
.howto h2 { margin: 0 0 .4rem; font-family: var(--kufi); font-size: 1.1rem; line-height: 1.6; }
.howto p { margin: 0 0 .5rem; }
.feed-url code { display: block; direction: ltr; text-align: left; padding: .5rem .7rem; background: var(--paper); border: 1px dashed var(--muted); border-radius: 4px; font-size: clamp(.8rem, 3.4vw, .95rem); overflow-wrap: anywhere; user-select: all; -webkit-user-select: all; }
.hint { color: var(--muted); font-size: .88rem; }
.home a, .archive a { color: var(--link); font-weight: 700; }
.archive { display: flex; gap: 1.5rem; margin-bottom: 1rem; }
.list-title { font-family: var(--kufi); font-size: 1.3rem; border-bottom: 2px solid var(--ink); padding-bottom: .3rem; margin: 0 0 .5rem; }
.count { color: var(--muted); font-size: .9rem; font-weight: 400; }
.items { list-style: none; margin: 0; padding: 0; }
.item { padding: .9rem 0; border-bottom: 1px solid var(--rule); }
.item h3 { margin: 0 0 .2rem; font-family: var(--kufi); font-size: 1.08rem; line-height: 1.7; }
.item h3 a { text-decoration: none; color: inherit; }
.item h3 a:hover { color: var(--accent); text-decoration: underline; }
.meta { margin: 0 0 .25rem; color: var(--muted); font-size: .85rem; display: flex; flex-wrap: wrap; gap: .1rem .8rem; }
.author { font-weight: 700; color: var(--accent); }
time { white-space: nowrap; unicode-bidi: isolate; }
.summary { margin: 0; font-family: var(--naskh); font-size: 1.02rem; line-height: 1.85; }
  </xsl:template>
</xsl:stylesheet>
