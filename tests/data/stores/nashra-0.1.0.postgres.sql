--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: dedup_keys; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.dedup_keys (
    key character varying(80) NOT NULL,
    item_id text NOT NULL,
    created_at timestamp without time zone NOT NULL
);


--
-- Name: files; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.files (
    path text NOT NULL,
    source character varying(64) NOT NULL,
    fingerprint character varying(64) NOT NULL,
    seen_at timestamp without time zone NOT NULL
);


--
-- Name: items; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.items (
    id text NOT NULL,
    source character varying(64) NOT NULL,
    origin text NOT NULL,
    title text NOT NULL,
    summary text NOT NULL,
    body text NOT NULL,
    url text,
    author text,
    tags text NOT NULL,
    language character varying(35) NOT NULL,
    image text,
    published timestamp without time zone,
    updated timestamp without time zone,
    first_seen timestamp without time zone NOT NULL,
    sort_date timestamp without time zone NOT NULL,
    rev character varying(64) NOT NULL,
    "position" integer NOT NULL,
    content_key character varying(64) NOT NULL,
    slug character varying(64) NOT NULL,
    page_rev character varying(64)
);


--
-- Name: meta; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.meta (
    key character varying(64) NOT NULL,
    value text NOT NULL
);


--
-- Name: sources; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sources (
    name character varying(64) NOT NULL,
    kind character varying(16) NOT NULL,
    location text NOT NULL,
    every double precision NOT NULL,
    next_poll_at timestamp without time zone,
    leased_until timestamp without time zone,
    etag text,
    last_modified text,
    moved_to text,
    gone boolean NOT NULL,
    active boolean NOT NULL,
    failures integer NOT NULL,
    last_poll_at timestamp without time zone,
    last_outcome character varying(32),
    last_status integer,
    last_error text,
    last_new integer NOT NULL,
    last_duration double precision
);


--
-- Data for Name: dedup_keys; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.dedup_keys VALUES ('id:6dde43a1ad0fa23d49fbc315ad6fbc30', 'urn:nashra:libya-bulletin:710af96631b0d14a0aeb9539', '2026-12-01 22:36:28.20754');
INSERT INTO public.dedup_keys VALUES ('text:d502d1586be8682e2edf78a1674eb7fd', 'urn:nashra:libya-bulletin:710af96631b0d14a0aeb9539', '2026-12-01 22:36:28.20754');
INSERT INTO public.dedup_keys VALUES ('id:fa652d1bdd0a59be52bce4e1395c85eb', 'urn:nashra:libya-bulletin:4ba522fa12154e5ad768379d', '2026-12-01 22:36:28.20754');
INSERT INTO public.dedup_keys VALUES ('text:921300e0a1b9f87923a9f49d8a22cdc0', 'urn:nashra:libya-bulletin:4ba522fa12154e5ad768379d', '2026-12-01 22:36:28.20754');
INSERT INTO public.dedup_keys VALUES ('id:f76182f085c6221ff47e801a707a691f', 'urn:nashra:libya-bulletin:450e9115d7d2252986201e9b', '2026-12-01 22:36:28.20754');
INSERT INTO public.dedup_keys VALUES ('text:e4da834147be09d10fa136584411cb2b', 'urn:nashra:libya-bulletin:450e9115d7d2252986201e9b', '2026-12-01 22:36:28.20754');
INSERT INTO public.dedup_keys VALUES ('id:82dee9948c1fb759586dd6e53770ccc8', 'urn:nashra:stories:cd0bd1e0d0c56decb21cc2db', '2026-12-01 22:36:28.20754');
INSERT INTO public.dedup_keys VALUES ('text:a863e8116a800186b6ff40f2a8aa44b3', 'urn:nashra:stories:cd0bd1e0d0c56decb21cc2db', '2026-12-01 22:36:28.20754');
INSERT INTO public.dedup_keys VALUES ('id:b049b9ec09568948609d90ecbad3319d', 'urn:nashra:goud:goud-1', '2026-12-01 22:36:28.20754');
INSERT INTO public.dedup_keys VALUES ('text:8a5eb174da8e44561ccf242f9fc30076', 'urn:nashra:goud:goud-1', '2026-12-01 22:36:28.20754');
INSERT INTO public.dedup_keys VALUES ('id:a64f75850dffcc7119efdee1a65d989e', 'urn:nashra:goud:goud-2', '2026-12-01 22:36:28.20754');
INSERT INTO public.dedup_keys VALUES ('text:d9c083f7271adc2bacb5d5580b3bda3d', 'urn:nashra:goud:goud-2', '2026-12-01 22:36:28.20754');
INSERT INTO public.dedup_keys VALUES ('id:f6ea8a1301d04d2f22655a91f1c8ac94', 'urn:nashra:goud:goud-3', '2026-12-01 22:36:28.20754');
INSERT INTO public.dedup_keys VALUES ('text:ff55d7ccbbb3e2ac3d96a478551dd8a5', 'urn:nashra:goud:goud-3', '2026-12-01 22:36:28.20754');
INSERT INTO public.dedup_keys VALUES ('id:24156add3de33bbe7b0f33fbbf2661ea', 'urn:nashra:goud:goud-4', '2026-12-01 22:36:28.20754');
INSERT INTO public.dedup_keys VALUES ('text:d6e739e71f92e74f2131b98a61515ed6', 'urn:nashra:goud:goud-4', '2026-12-01 22:36:28.20754');
INSERT INTO public.dedup_keys VALUES ('id:fff332c9f20d37be8a9ad4f6f9870146', 'urn:nashra:goud:goud-5', '2026-12-01 22:36:28.20754');
INSERT INTO public.dedup_keys VALUES ('text:f27ce2ef87e519eab94df57d01fcc70f', 'urn:nashra:goud:goud-5', '2026-12-01 22:36:28.20754');
INSERT INTO public.dedup_keys VALUES ('id:52f19803a028ec288e5e2dc64b095a88', 'urn:nashra:wire:wire-1', '2026-12-01 22:36:28.20754');
INSERT INTO public.dedup_keys VALUES ('url:83be550c323003e6a271a807d6f8dd12', 'urn:nashra:wire:wire-1', '2026-12-01 22:36:28.20754');
INSERT INTO public.dedup_keys VALUES ('text:2425bfcad04d0d789b9198a470e2d8b5', 'urn:nashra:wire:wire-1', '2026-12-01 22:36:28.20754');
INSERT INTO public.dedup_keys VALUES ('id:9d8d13b062ebd7605b0b81335b4acb68', 'urn:nashra:wire:wire-2', '2026-12-01 22:36:28.20754');
INSERT INTO public.dedup_keys VALUES ('url:c0c75a6ae60bace356b3ffd27708c710', 'urn:nashra:wire:wire-2', '2026-12-01 22:36:28.20754');
INSERT INTO public.dedup_keys VALUES ('text:569eda0096807d542a75470a78016558', 'urn:nashra:wire:wire-2', '2026-12-01 22:36:28.20754');
INSERT INTO public.dedup_keys VALUES ('id:4e3edf13d94bf62563d4ec25a76a41fc', 'urn:nashra:wire:wire-3', '2026-12-01 22:36:28.20754');
INSERT INTO public.dedup_keys VALUES ('url:e8dd2b0d521f0d407d8d96e8dd045552', 'urn:nashra:wire:wire-3', '2026-12-01 22:36:28.20754');
INSERT INTO public.dedup_keys VALUES ('text:bf2699b21188de7aa99e7de4ffca376f', 'urn:nashra:wire:wire-3', '2026-12-01 22:36:28.20754');


--
-- Data for Name: files; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.files VALUES ('examples/bulletin-libya.txt', 'libya-bulletin', '040da9c264f5b8f70f5431dee6b0f5f4a065616aaa59ae5d54b7355b87693ecd', '2026-12-01 22:36:28.20754');
INSERT INTO public.files VALUES ('examples/stories/2026-11-28-tripoli-book-fair.md', 'stories', '17785fd41cee820a119aaf686d70723fabb1321ba8b9901ef29fff6fd4c47e89', '2026-12-01 22:36:28.20754');
INSERT INTO public.files VALUES ('examples/goud.jsonl', 'goud', 'b84c23dd9e2c0e853d0a4c210de79b2efaf7f9adb2f2f56c7a4656700d220039', '2026-12-01 22:36:28.20754');


--
-- Data for Name: items; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.items VALUES ('urn:nashra:wire:wire-1', 'wire', 'http://127.0.0.1:34787/feed.xml', 'فعز أزمة كورونا.. العربية للطيران زادت جوج خطوط جديدة من كازا', 'العربية للطيران زادت جوج خطوط جوية من كازا، اليوم الجمعة، بحيث بالإضافة للخط اللي كانت دارتو بين كازا ومالاكَا الاسبانية، اليوم نضاف خط كازا/رين (ففرانسا)، ثم كازا/كَلميم غايتزاد نهار الاثنين، وغيكونو فيه جوج رحلات فالسيمانة. وقالت شركة الطياران، فبيان ليها، أنه، أن المسافرين…', 'العربية للطيران زادت جوج خطوط جوية من كازا، اليوم الجمعة، بحيث بالإضافة للخط اللي كانت دارتو بين كازا ومالاكَا الاسبانية، اليوم نضاف خط كازا/رين (ففرانسا)، ثم كازا/كَلميم غايتزاد نهار الاثنين، وغيكونو فيه جوج رحلات فالسيمانة. وقالت شركة الطياران، فبيان ليها، أنه، أن المسافرين غيمكن يتنقلو لكل هذ المدن بسهولة. وسفر غيكون مضمون بشرط احترام جميع الشروط الاحترازية للحد من انتقال عدوى كورونا، من تباعد وارتداء كمامات، وحتى التيست غيكون إجباري.', 'https://wire.example.org/ar/1', NULL, '[]', 'ar', NULL, '2026-11-28 08:15:00', NULL, '2026-12-01 22:36:28.20754', '2026-11-28 08:15:00', '747efc2d89166e1799ecba53e7a8f120', 0, '2425bfcad04d0d789b9198a470e2d8b5', '52f19803a028ec28', NULL);
INSERT INTO public.items VALUES ('urn:nashra:wire:wire-2', 'wire', 'http://127.0.0.1:34787/feed.xml', 'المكتبة الوطنية كتواصل خدمتها مع الناشرين والمؤلفين عن بعد', 'علنات المكتبة الوطنية بللي غاتبقى خدامة مع الناشرين والطابعين والمؤلفين حتى فهذ الفترة ديال حالة الطوارئ، وغاتقدم خدماتها ليهم، وخصوصا المتعلقة برقم الإيداع القانوني والترقيم الدولي (ردمك، ردمد)، وماغايتوقفوش هذ الخدمات واخا كاينة حالة الطوارئ الصحية اللي فرضها تفشي فيروس…', 'علنات المكتبة الوطنية بللي غاتبقى خدامة مع الناشرين والطابعين والمؤلفين حتى فهذ الفترة ديال حالة الطوارئ، وغاتقدم خدماتها ليهم، وخصوصا المتعلقة برقم الإيداع القانوني والترقيم الدولي (ردمك، ردمد)، وماغايتوقفوش هذ الخدمات واخا كاينة حالة الطوارئ الصحية اللي فرضها تفشي فيروس “كورونا” المستجد. وأكدات إدارة المكتبة الوطنية، فبلاغىليها حصلات “كود” على نسخة منو، بللي غايبقى فريق العمل فخدمة هذ الناس ورهن الإشارة ديالهم بفضل تقنية العمل عن بعد، وخصصات عنوان إلكتروني باش تجاوب على استفساراتهم وتساؤلاتهم.', 'https://wire.example.org/ar/2', NULL, '[]', 'ar', NULL, '2026-11-28 10:40:00', NULL, '2026-12-01 22:36:28.20754', '2026-11-28 10:40:00', '02d9744329710afaf8bd4a9d4a7b3863', 1, '569eda0096807d542a75470a78016558', '9d8d13b062ebd760', NULL);
INSERT INTO public.items VALUES ('urn:nashra:wire:wire-3', 'wire', 'http://127.0.0.1:34787/feed.xml', 'احتجاج التلاميذ على “الساعة” يشل الحركة ديال الترامواي الرباط – سلا', 'أكدت مصادر من داخل الشركة المكلفة باستغلال طرامواي الرباط وسلا، لـ”كود”، أن الاحتجاجات التي قام بها عشرات التلاميذ منذ صباح اليوم الإثنين، ضد القرار الحكومي المتعلق بإبقاء الساعة الصيفية طيلة السنة، خلفت توقف حركة الترامواي. وحسب المصادر نفسها، لـ”كود”، فإن هاد التوقف الاضطراري…', 'أكدت مصادر من داخل الشركة المكلفة باستغلال طرامواي الرباط وسلا، لـ”كود”، أن الاحتجاجات التي قام بها عشرات التلاميذ منذ صباح اليوم الإثنين، ضد القرار الحكومي المتعلق بإبقاء الساعة الصيفية طيلة السنة، خلفت توقف حركة الترامواي. وحسب المصادر نفسها، لـ”كود”، فإن هاد التوقف الاضطراري كان خارج على الإرادة ديال الشركة، مشيرة إلى أن الحركة رجعات بشكل عادي على الخط الأول الرابط بين حي كريمة بسلا ومدينة العرفان، وكذا الخط الثاني الرابط بين حي بطانة بسلا وحي المحيط بالرباط عبر المدينة.', 'https://wire.example.org/ar/3', NULL, '[]', 'ar', NULL, '2026-11-29 07:05:00', NULL, '2026-12-01 22:36:28.20754', '2026-11-29 07:05:00', '50eb2172333bccde5c47db56f9212a68', 2, 'bf2699b21188de7aa99e7de4ffca376f', '4e3edf13d94bf625', NULL);
INSERT INTO public.items VALUES ('urn:nashra:libya-bulletin:710af96631b0d14a0aeb9539', 'libya-bulletin', 'examples/bulletin-libya.txt', 'الاتحاد الأوروبي يجدد التزامه بدعم إدارة الهجرة في ليبيا', 'أكد رئيس بعثة الاتحاد الأوروبي لدى ليبيا، نيكولا أورلاندو، أن الاتحاد الأوروبي يُعد أكبر شريك للمنظمة الدولية للهجرة، وأكثر الجهات دعمًا لها واستمرارية في ليبيا.', '<p>أكد رئيس بعثة الاتحاد الأوروبي لدى ليبيا، نيكولا أورلاندو، أن الاتحاد الأوروبي يُعد أكبر شريك للمنظمة الدولية للهجرة، وأكثر الجهات دعمًا لها واستمرارية في ليبيا.</p>
<p>جاء ذلك في تغريدة نشرها أورلاندو عقب لقائه المديرة العامة للمنظمة الدولية للهجرة، إيمي بوب، وذلك في ختام زيارتها الأولى والمهمة إلى العاصمة طرابلس.</p>
<p>وأوضح أورلاندو أن اللقاء شهد حوارًا بنّاءً ومفتوحًا تناول سبل تعزيز التعاون المشترك لدعم المؤسسات الليبية في مختلف أنحاء البلاد، بهدف إدارة قضايا الهجرة والحدود بصورة فعّالة وإنسانية.</p>
<p>وأشار إلى أن النقاش ركّز على عدد من الأولويات، من بينها دعم برامج العودة الطوعية، وإنقاذ الأرواح في البحر والصحراء، وتفكيك شبكات التهريب، إلى جانب توسيع نطاق الممرات الآمنة.</p>', NULL, NULL, '[]', 'ar', NULL, NULL, NULL, '2026-12-01 22:36:28.20754', '2026-12-01 22:36:28.20754', 'bdf572da6d02d75232adfd23699b56d1', 0, 'd502d1586be8682e2edf78a1674eb7fd', '6dde43a1ad0fa23d', 'bdf572da6d02d75232adfd23699b56d1-759156a081079a91');
INSERT INTO public.items VALUES ('urn:nashra:libya-bulletin:4ba522fa12154e5ad768379d', 'libya-bulletin', 'examples/bulletin-libya.txt', 'ليبيا توجه تهنئة رسمية لدولة قطر بمناسبة «اليوم الوطني»', 'وجّهت وزارة الخارجية والتعاون الدولي بحكومة الوحدة الوطنية تهنئة رسمية إلى حكومة وشعب دولة قطر بمناسبة اليوم الوطني، مؤكدة عمق العلاقات الأخوية التي تجمع البلدين، وحرص ليبيا على تعزيز مسارات التعاون الثنائي في مختلف المجالات.', '<p>وجّهت وزارة الخارجية والتعاون الدولي بحكومة الوحدة الوطنية تهنئة رسمية إلى حكومة وشعب دولة قطر بمناسبة اليوم الوطني، مؤكدة عمق العلاقات الأخوية التي تجمع البلدين، وحرص ليبيا على تعزيز مسارات التعاون الثنائي في مختلف المجالات.</p>
<p>وأعربت الوزارة في بيانها عن أصدق التمنيات لدولة قطر بدوام التقدم والازدهار، مشيدة بما حققته من إنجازات تنموية واقتصادية، ومؤكدة أن هذه المناسبة تمثل محطة وطنية تعكس وحدة الشعب القطري وتماسكه خلف قيادته.</p>
<p>وأشارت الوزارة إلى أن العلاقات الليبية القطرية تشهد تطورًا مستمرًا قائمًا على الاحترام المتبادل والتنسيق المشترك، بما يخدم مصالح الشعبين ويدعم الاستقرار والتعاون الإقليمي.</p>', NULL, NULL, '[]', 'ar', NULL, NULL, NULL, '2026-12-01 22:36:28.20754', '2026-12-01 22:36:28.20754', 'b842a2f85bb46dca1a6ca112e71bdbe1', 1, '921300e0a1b9f87923a9f49d8a22cdc0', 'fa652d1bdd0a59be', 'b842a2f85bb46dca1a6ca112e71bdbe1-759156a081079a91');
INSERT INTO public.items VALUES ('urn:nashra:libya-bulletin:450e9115d7d2252986201e9b', 'libya-bulletin', 'examples/bulletin-libya.txt', 'بينما تتشابك التحديات الأمنية في المنطقة، اختارت «ليبيا وباكستان» فتح صفحة جديدة من «التعاون العسكري»…', 'بينما تتشابك التحديات الأمنية في المنطقة، اختارت «ليبيا وباكستان» فتح صفحة جديدة من «التعاون العسكري»، عبر اتفاقية تهدف إلى تطوير العمل المشترك ورفع مستوى التنسيق.', '<p>بينما تتشابك التحديات الأمنية في المنطقة، اختارت «ليبيا وباكستان» فتح صفحة جديدة من «التعاون العسكري»، عبر اتفاقية تهدف إلى تطوير العمل المشترك ورفع مستوى التنسيق.</p>
<h3>توقيع عسكري رسمي</h3>
<p>وفي التفاصيل، وقّعت القيادة العامة للجيش الليبي بقيادة المشير «خليفة حفتر»، اتفاقية تعاون مع «الجيش الباكستاني»، بحسب مكتب الإعلام التابع للقيادة العامة للجيش الليبي.</p>
<p>وذكر «الجيش الليبي»، في بيان نشره في صفحته الرسمية على «فيسبوك»، أن توقيع هذه الاتفاقية تم، مساء يوم الخميس، وذلك في أعقاب اجتماع مُوسّع جمع نائب قائد القيادة العامة للجيش الليبي، «الفريق أول ركن صدام خليفة حفتر»، وقائد الجيش الباكستاني «المشير عاصم منير»، الذي يزور حاليًا مدينة بنغازي شرقي ليبيا، مُوضحًا أن هذه الاتفاقية «تأتي في إطار تعزيز التعاون في المجالات الأمنية والعسكرية، وفتح آفاق أوسع للتنسيق المشترك، بما يُعزز جهود دعم الاستقرار الإقليمي».</p>', NULL, NULL, '[]', 'ar', NULL, NULL, NULL, '2026-12-01 22:36:28.20754', '2026-12-01 22:36:28.20754', 'c081552668f9a15333818e523b72db05', 2, 'e4da834147be09d10fa136584411cb2b', 'f76182f085c6221f', 'c081552668f9a15333818e523b72db05-759156a081079a91');
INSERT INTO public.items VALUES ('urn:nashra:stories:cd0bd1e0d0c56decb21cc2db', 'stories', 'examples/stories/2026-11-28-tripoli-book-fair.md', 'افتتاح معرض طرابلس الدولي للكتاب بمشاركة عربية واسعة', 'انطلقت فعاليات معرض طرابلس الدولي للكتاب بمشاركة دور نشر من عدة دول عربية.', '<p>انطلقت صباح اليوم فعاليات <strong>معرض طرابلس الدولي للكتاب</strong> بمشاركة دور نشر من عدة دول عربية،
وسط إقبال لافت من الزوار في يومه الأول.</p>
<h2>برنامج ثقافي مصاحب</h2>
<p>ويتضمن البرنامج المصاحب ندوات فكرية وأمسيات شعرية وورش عمل للأطفال، تستمر حتى نهاية الأسبوع.</p>', NULL, 'قسم الثقافة', '["ثقافة", "ليبيا"]', 'ar', NULL, '2026-11-28 08:00:00', NULL, '2026-12-01 22:36:28.20754', '2026-11-28 08:00:00', 'd8fda000a4c5c840912f8fdb6c523bc9', 0, 'a863e8116a800186b6ff40f2a8aa44b3', '82dee9948c1fb759', 'd8fda000a4c5c840912f8fdb6c523bc9-759156a081079a91');
INSERT INTO public.items VALUES ('urn:nashra:goud:goud-1', 'goud', 'examples/goud.jsonl', 'كوريا داعمة المغرب على الصحرا ديالو', 'أكدت جمهورية كوريا دعمها لجهود هيأة الأمم المتحدة للتوصل إلى حل سياسي لقضية الصحراء. وقد اعترفت كوريا بجهود المغرب لإيجاد حل للنزاع حول الصحراء المغربية. كما رحبت جمهورية كوريا بعودة المغرب إلى منظمة الاتحاد الإفريقي، وبإمكانية انضمامه للمجموعة الاقتصادية لغرب إفريقيا (إيكواس).…', '<p>أكدت جمهورية كوريا دعمها لجهود هيأة الأمم المتحدة للتوصل إلى حل سياسي لقضية الصحراء. وقد اعترفت كوريا بجهود المغرب لإيجاد حل للنزاع حول الصحراء المغربية. كما رحبت جمهورية كوريا بعودة المغرب إلى منظمة الاتحاد الإفريقي، وبإمكانية انضمامه للمجموعة الاقتصادية لغرب إفريقيا (إيكواس). واعتبر الوزير الأول الكوري بالنموذج المغربي، في لقاء جمعه بنظيره سعد الدين العثماني، أن عودة المغرب هاته، خاصة بالنظر إلى السياسة الإفريقية التي يعتمدها المغرب في ظل التوجيهات الملكية للملك محمد السادس، تشكل خطوة أساسية لضمان الاندماج والاستقرار والتنمية في إفريقيا.</p>', NULL, 'Goud.ma', '["المغرب"]', 'ar', NULL, NULL, NULL, '2026-12-01 22:36:28.20754', '2026-12-01 22:36:28.20754', 'bb537b4114dc5dc4a0b60e34bb928ef5', 0, '8a5eb174da8e44561ccf242f9fc30076', 'b049b9ec09568948', 'bb537b4114dc5dc4a0b60e34bb928ef5-759156a081079a91');
INSERT INTO public.items VALUES ('urn:nashra:goud:goud-2', 'goud', 'examples/goud.jsonl', 'لحريگ لسبتة: السلطات تدخلات هاد المرة', 'ذكرت تقارير إخبارية، أن القوات المغربية المكلفة بحماية المنفذ الحدودي المجاور لشاطىء تراخال منعات زوال اليوم الاثنين عشرات المهاجرين باش يحركو عومان لـ سبتة المحتلة. هاذ الشي خلا “لاگواريا سيبيل” يعلنو حالة استنفار في المنطقة. هاذ المحاولات كانت عند حاجز الأمواج الحدودي تراجال…', '<p>ذكرت تقارير إخبارية، أن القوات المغربية المكلفة بحماية المنفذ الحدودي المجاور لشاطىء تراخال منعات زوال اليوم الاثنين عشرات المهاجرين باش يحركو عومان لـ سبتة المحتلة. هاذ الشي خلا “لاگواريا سيبيل” يعلنو حالة استنفار في المنطقة. هاذ المحاولات كانت عند حاجز الأمواج الحدودي تراجال، بعد تجمع العديد من الأشخاص على الجانب المغربي وحوالي 10 منهم دخلو للبحر، لكن القوات المغربية اعترضتهم قبل ما يوصلو لساحل سبتة المحتلة.</p>', NULL, 'Goud.ma', '["المغرب"]', 'ar', NULL, NULL, NULL, '2026-12-01 22:36:28.20754', '2026-12-01 22:36:28.20754', 'ec622c583bb80fec8a46e8d5641780f2', 1, 'd9c083f7271adc2bacb5d5580b3bda3d', 'a64f75850dffcc71', 'ec622c583bb80fec8a46e8d5641780f2-759156a081079a91');
INSERT INTO public.items VALUES ('urn:nashra:goud:goud-3', 'goud', 'examples/goud.jsonl', 'ها المشاكل بداو. العميد بنعطية طار من التشكيلة الرسمية ضد اسبانيا', 'ابعد ايرفي رونار مدرب المنتخب المغربي لكرة القدم عميد المنتخب بنعطية عن التشكيلة الرسمية للي غادية تواجه الصبليون. هاد الشي للي بان فالتشكيلة اللي وزعوها وهي التشكيلة الرسمية على الصحافيين فملعب كالينينكراد. بنعطية خدا بلاصتو فالدفاع سايس والعميد خداها بوصوفة هاد الابعاد جا بعد…', '<p>ابعد ايرفي رونار مدرب المنتخب المغربي لكرة القدم عميد المنتخب بنعطية عن التشكيلة الرسمية للي غادية تواجه الصبليون. هاد الشي للي بان فالتشكيلة اللي وزعوها وهي التشكيلة الرسمية على الصحافيين فملعب كالينينكراد. بنعطية خدا بلاصتو فالدفاع سايس والعميد خداها بوصوفة هاد الابعاد جا بعد تصريحات بنعطية اللي هاجم فيها مصطفى حجي بلا مناسبة وقال باللي الفرقة بينات على حنة يديها حتى اللي كيضربوها من المحيط القريب التشكيلة الرسمية للمغرب هي</p>
<p>منير الكجوي واشرف حكيمي ومانويل دا كوسطا وغانم سايس وحكيم زياش وكريم الاحمدي ويونس بلهندة وخالد بوطيب ومبارك بوصوفة ونور الدين امرابط ونبيل درار اما اسبانيا فداخلة ب</p>
<p>دي خيا وكارباخال وبيكي وبوسكيت وانييستا وتياگو وراموس والبا وكوسطا وسيلفا وايسكو</p>', NULL, 'Goud.ma', '["المغرب"]', 'ar', NULL, NULL, NULL, '2026-12-01 22:36:28.20754', '2026-12-01 22:36:28.20754', '8c305fd99262dfcbbc496208a3ec1d07', 2, 'ff55d7ccbbb3e2ac3d96a478551dd8a5', 'f6ea8a1301d04d2f', '8c305fd99262dfcbbc496208a3ec1d07-759156a081079a91');
INSERT INTO public.items VALUES ('urn:nashra:goud:goud-4', 'goud', 'examples/goud.jsonl', 'الرئيس الامريكي عين رسميا منصف السلاوي باش يلقى لقاح ضد كورونا.. ترامب: السلاوي عالم متميز ومعترف بيه ومحترم عالميا فمجال اللقاحات غادي يعاونا فمواجهة الفيروس – فيديو', 'الرئيس الأمريكي دونالد ترامب، عين رسميا، اليوم الجمعة، العالم المغربي منصف السلاوي على رأس اللجنة اللي غادي تلقى لقاح ضد فيروس كورونا وغادي يساعدو فهاد المهمة الجنرال اربعة نجوم گوسطاف بيرنا. وقال ترامب، فمؤتمر خلية الأزمة الأمريكية حول تطورات فيروس كورونا المستجد: منصف السلاوي…', '<p>الرئيس الأمريكي دونالد ترامب، عين رسميا، اليوم الجمعة، العالم المغربي منصف السلاوي على رأس اللجنة اللي غادي تلقى لقاح ضد فيروس كورونا وغادي يساعدو فهاد المهمة الجنرال اربعة نجوم گوسطاف بيرنا. وقال ترامب، فمؤتمر خلية الأزمة الأمريكية حول تطورات فيروس كورونا المستجد: منصف السلاوي عالم متميز فمجال اللقاحات، ومعترف بيه عالميا، لقى 14 فاكسان، هذا رقم كبير!، فالعشر سنين اللي دوز فالقطاع الخاص، وهو واحد من اكتر الناس المحتارمين فمجالهم فالعالم، وغادي يعاونا فمواجهة كورونا. وأكد منصف السلاوي انه ثايق بأن لجنة “Operation warp speed” غادي تلقى فاكسان من هنا اواخر2020، واضاف: المعلومات اللي شفت وحللت عطاتني ثقة كبيرة انه ممكن نلقاو لقاح دغيا، وغادي نقدرو نوفرو ملايين من جرعات اللقاح من هنا نهاية 2020، وغانسرعو عملية إنتاج الدوايات فهاد الفترة، والرئيس الأمريكي صفق عليه.</p>', NULL, 'Goud.ma', '["المغرب"]', 'ar', NULL, NULL, NULL, '2026-12-01 22:36:28.20754', '2026-12-01 22:36:28.20754', '345f474f2c13438e23de8f18954c08bd', 3, 'd6e739e71f92e74f2131b98a61515ed6', '24156add3de33bbe', '345f474f2c13438e23de8f18954c08bd-759156a081079a91');
INSERT INTO public.items VALUES ('urn:nashra:goud:goud-5', 'goud', 'examples/goud.jsonl', 'السياحة المغربية: واش بوم-بوم ديال ريدوان غادي ترد المغرب أجمل بلد فالعالم؟', '— المنتج العالمي “ريدوان” خرج اغنية جديدة سميتها “بوم بوم” مع “دادي يانكي” مول داك “ديسباسيتو” دوميغد و الرابور المغربي “فرينش مونطانا” لي بينو وبين الراب غي الخير والإحسان و واحد السيدة مقادة كتشعل عندها كولشي إلا الصوت، سميتها “دينا جان” و فأقل من 24 ساعة كانت هاد الأغنية وصلات…', '<p>— المنتج العالمي “ريدوان” خرج اغنية جديدة سميتها “بوم بوم” مع “دادي يانكي” مول داك “ديسباسيتو” دوميغد و الرابور المغربي “فرينش مونطانا” لي بينو وبين الراب غي الخير والإحسان و واحد السيدة مقادة كتشعل عندها كولشي إلا الصوت، سميتها “دينا جان” و فأقل من 24 ساعة كانت هاد الأغنية وصلات فيوتوب لكثر من 3 ديال المليون مشاهدة. الفيدييو كليب ديالها تصور علاين كامل فالمغرب، فمراكش، شفشاون، تطوان، والصحراء. حيت ريدوان بغا زعما يدير الإشهار للثقافة المغربية وللمؤهلات السياحية ديال البلاد. معلوم بحال هاد المبادرات مايمكلنا الا نرحبو بيهوم ونشجعوهوم حيت كيف ماكان الحال بعدا هادو ناس كايحاولو يديرو شي لعبة و يعاونو بداكش لي كيعرفو ليه، ولكن واش هادشي كافي باش يهز بقطاع السياحة لي كيحتضر مسكين ويرد المغرب فعلا أجمل بلد فالعالم؟ بيانسور لا. نقدرو نسوقو راسنا للبراني على اساس عندنا طبيعة واعرة وديفيرسيفيي، ونوريوه التصاور ديال اقشور و أوزود و البحورة ديال امسوان وسيدي افني و نعطيوه يتذوق الطبخ المغربي بأنواعه و نقولوليه راحنا غنديرو TGV و غنزيدو نبنيو لوطوروطات و نديوه حتى لفين تصور Game of Thrones… اوا؟ ومن بعد فاش يجي هاد البراني ويلقا بلي لا بغا يمشي غي من كازا ل الصويرة بالكار خاصو يتزاحم مع بنادم لي مامدوشش من نهار مات الحسن الثاني وخاصو يجمع رزقو عندو حيت لا رخف دقيقة غيخدموه، و فاش يبغي يمشي يعوم هو وصاحبتو فالبحر خاصو يدي معاه الكارد-كورا حيت لا فلتاتلها بزولة وحدة غيشقموها المكابيت، ولا جاتو البولة خاصو يحبسها ولا يديرها فسروالو حيت عندنا شي خمسة ديال الطواليطات عمومية فالمغرب كامل و هادوك نيت متدخلهومش واخا يكونو تابعينك بسيف من قوت معفونين وكيجيبو التقيا، وهادشي بلا منهدرو على الأثمنة الباهضة لي تخلي الكاوري يمشي لسان-تروبيه ومايدوزش العطلة ديالو هنا، وعلى السعاية لي كل ما غيزيد جوج خلفات غيطلبوليه “صون ديغام مسيو بوغ صوانيي مالاد” وفيديهوم شهادة طبية باش زعما يتيقهوم، وعلى لوطيلات لي فحالة مزرية، كتنعس فيهوم مزاحم مع سراق الزيت (معلوم مكنهدرش على المامونية والكينزي، كنهدر على بلايص غيمشي ليهوم الكاوري العادي لي حازق بحالنا ولي بنفس الثمن ولاقل يمكنلو يتبرع فشي اوبيرج مجهزة مقادة فسبانيا). المغرب فيه السياحة ماشي مافيهش، ولكن النوعين لي فيه ولي يقدر بصح يقول بلي كيدخل منهوم الكرمومة الصحيحة هما السياحة الجنسية والحشيشية، اللولة كتضم القحاب والبز(البيدوفيليا) والتانية فيها الكماية والتبزنيس. اما داك الهدرة ديال الرمال والجبال والبحور والسياحة العائلية غي بلاش! حيت شخصيا عمرني الى يومينا هذا ماشفت سعودي جار مرتو وولادو لأكادير باش يتنزهو ولا إماراتي جاي لطنجة باش يشوف فين كان محمد شكري كيقسي الخبز الحافي.</p>', NULL, 'Goud.ma', '["المغرب"]', 'ar', NULL, NULL, NULL, '2026-12-01 22:36:28.20754', '2026-12-01 22:36:28.20754', 'd37280abef080ff8b2fc3e4a9133828f', 4, 'f27ce2ef87e519eab94df57d01fcc70f', 'fff332c9f20d37be', 'd37280abef080ff8b2fc3e4a9133828f-759156a081079a91');


--
-- Data for Name: meta; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.meta VALUES ('schema_version', '1');
INSERT INTO public.meta VALUES ('created_at', '2026-12-01T22:36:28.206897+00:00');


--
-- Data for Name: sources; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.sources VALUES ('libya-bulletin', 'file', 'examples/bulletin-libya.txt', 300, '2026-12-01 22:41:44.9567', NULL, NULL, NULL, NULL, false, true, 0, '2026-12-01 22:36:28.20754', 'ok', NULL, NULL, 3, 0.0011000460001469037);
INSERT INTO public.sources VALUES ('stories', 'file', 'examples/stories/*.md', 600, '2026-12-01 22:46:36.207412', NULL, NULL, NULL, NULL, false, true, 0, '2026-12-01 22:36:28.20754', 'ok', NULL, NULL, 1, 0.0016910960000586783);
INSERT INTO public.sources VALUES ('goud', 'file', 'examples/goud.jsonl', 900, '2026-12-01 22:52:48.182486', NULL, NULL, NULL, NULL, false, true, 0, '2026-12-01 22:36:28.20754', 'ok', NULL, NULL, 5, 0.000878266999961852);
INSERT INTO public.sources VALUES ('wire', 'url', 'http://127.0.0.1:34787/feed.xml', 600, '2026-12-01 22:46:29.731975', NULL, '"wire-2026-11-29"', 'Sun, 29 Nov 2026 07:05:00 GMT', NULL, false, true, 0, '2026-12-01 22:36:28.20754', 'ok', 200, NULL, 3, 0.007603683000070305);
INSERT INTO public.sources VALUES ('wire-gone', 'url', 'http://127.0.0.1:34787/gone.xml', 600, NULL, NULL, NULL, NULL, NULL, true, true, 1, '2026-12-01 22:36:28.20754', 'gone', 410, 'wire-gone: http://127.0.0.1:34787/gone.xml: HTTP 410 Gone: the source is marked gone and will not be polled again (remove it from the configuration, or give it a new url)', 0, 0.013667983000004824);
INSERT INTO public.sources VALUES ('wire-broken', 'url', 'http://127.0.0.1:34787/broken.xml', 600, '2026-12-01 22:47:14.880763', NULL, NULL, NULL, NULL, false, true, 1, '2026-12-01 22:36:28.20754', 'failed', 500, 'wire-broken: http://127.0.0.1:34787/broken.xml: HTTP 500 Internal Server Error', 0, 0.01657100900001751);
INSERT INTO public.sources VALUES ('wire-old', 'url', 'http://127.0.0.1:34787/old.xml', 600, '2026-12-01 22:46:28.236058', NULL, '"wire-2026-11-29"', 'Sun, 29 Nov 2026 07:05:00 GMT', 'http://127.0.0.1:34787/feed.xml', false, true, 0, '2026-12-01 22:36:28.20754', 'ok', 200, NULL, 0, 0.02227015499988738);


--
-- Name: dedup_keys dedup_keys_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.dedup_keys
    ADD CONSTRAINT dedup_keys_pkey PRIMARY KEY (key);


--
-- Name: files files_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.files
    ADD CONSTRAINT files_pkey PRIMARY KEY (path);


--
-- Name: items items_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.items
    ADD CONSTRAINT items_pkey PRIMARY KEY (id);


--
-- Name: items items_slug_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.items
    ADD CONSTRAINT items_slug_key UNIQUE (slug);


--
-- Name: meta meta_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.meta
    ADD CONSTRAINT meta_pkey PRIMARY KEY (key);


--
-- Name: sources sources_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sources
    ADD CONSTRAINT sources_pkey PRIMARY KEY (name);


--
-- Name: ix_items_sort_date; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_items_sort_date ON public.items USING btree (sort_date);


--
-- Name: ix_items_source_date; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_items_source_date ON public.items USING btree (source, sort_date);


--
-- Name: ix_sources_next_poll; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_sources_next_poll ON public.sources USING btree (next_poll_at);


--
-- PostgreSQL database dump complete
--


