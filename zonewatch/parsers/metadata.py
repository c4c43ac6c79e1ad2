"""Article metadata from text: title, published minute, 来源, author, editor, column.

Every function takes plain strings (lines of visible text, meta values, the URL) so site
parsers and the generic parser share them.  Labels are matched on a simplified copy of the
line, so traditional pages (來源, 責編, 記者) are read the same way; values are returned
as printed.
"""
from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from .normalize import to_simplified

TZ = ZoneInfo("Asia/Shanghai")

Dated = tuple[datetime, str]   # (tz-aware datetime, "minute" | "day")


# --- matching labels on traditional text ------------------------------------------------

# Characters of the labels matched on lines (来源, 责编, 记者, 发布时间, 热门排行, ...); their
# traditional forms are collected at import so simplified_view can skip lines without any.
LABEL_CHARS = ("来源信息本文稿件文章新闻消息作者责任编辑编辑记者通讯员摄影发布发表更新上传时间日期浏览点击阅读字号字体"
               "分享让更多人看到热门热点排行推荐相关链接延伸猜你喜欢返回顶部进入专题打印本页关闭窗口扫一扫微信上下篇页"
               "版权所有您当前的位置现在所在首页正文内容网频道政府报第版审核校对值班撰稿撰文图标签关键词纠错收藏实习生片据料像"
               "声明免责观点立场授转载侵删注")


@cache
def _trigger() -> re.Pattern[str]:
    import opencc

    s2t = opencc.OpenCC("s2t")
    variants = {t for t in s2t.convert(LABEL_CHARS) + opencc.OpenCC("s2tw").convert(LABEL_CHARS)
                if t not in LABEL_CHARS}
    variants |= set("來責編輯記時間發佈讓熱門頂號體擊進專題關閉頁網頻報訊閱讀權現當內審對撰圖標籤鍵詞錯據")
    t2s = opencc.OpenCC("t2s")
    variants = {c for c in variants if t2s.convert(c) != c}    # only characters simplified text lacks
    return re.compile("[" + re.escape("".join(sorted(variants))) + "]")


def simplified_view(line: str) -> str:
    """The line in simplified characters, same length (so spans map back to the raw line).

    Lines without a traditional form of any label character are returned as they are.
    """
    if not line or not _trigger().search(line):
        return line
    simple = to_simplified(line)
    return simple if len(simple) == len(line) else line


def _search(pattern: re.Pattern[str], line: str) -> re.Match[str] | None:
    return pattern.search(simplified_view(line)) if line else None


# English labels on bilingual pages ("Date: 2024-09-06 09:00  Source: 长春新区投资促进局"): a
# capitalised word not glued to a preceding letter.  "Image source:" / "Photo source:" credit a picture.
_EN = r"(?<![A-Za-z])"
_EN_SOURCE = r"(?<![A-Za-z])(?<!Image )(?<!Photo )(?<!Picture )(?<!Data )(?:Source|SOURCE)"


# --- dates ---------------------------------------------------------------------------------

_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})(?!\d)\s*日?"
    r"(?:\s*(?:T|\s)?\s*(\d{1,2})\s*[:：时]\s*(\d{2})(?!\d))?")
_DATE_LABEL = re.compile(r"(?:(?:发布|发表|更新|上传)?(?:时间|日期)|" + _EN + r"(?:Date|Time|Published|Release\s+Date))\s*[:：]")
_URL_DATES = (
    re.compile(r"/((?:19|20)\d{2})/(\d{2})(\d{2})/"),            # /n2/2022/1013/
    re.compile(r"/((?:19|20)\d{2})-(\d{2})/(\d{2})/"),           # /2023-02/23/
    re.compile(r"/((?:19|20)\d{2})(\d{2})/(\d{2})/"),            # /202603/18/
    re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_"),            # t20250701_
    re.compile(r"/((?:19|20)\d{2})-(\d{2})-(\d{2})/"),           # /2023-02-23/
    re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})/"),             # /20230223/
    re.compile(r"[/_-]((?:19|20)\d{2})(\d{2})(\d{2})[_-]\d"),    # content_20230223_123
)
META_DATE_NAMES = (
    "article:published_time", "og:article:published_time", "publishdate", "pubdate", "publish_date",
    "publishtime", "publish-time", "datepublished", "firstpublishedtime", "dc.date.issued", "dc.date",
    "originalpublishdate", "createdate", "weibo:article:create_at", "article:modified_time",
)


def _make(year: int, month: int, day: int, hour: int | None = None, minute: int | None = None) -> Dated | None:
    try:
        if hour is None or minute is None:
            return datetime(year, month, day, tzinfo=TZ), "day"
        return datetime(year, month, day, hour, minute, tzinfo=TZ), "minute"
    except ValueError:
        return None


# 新华网 prints the year, day and time in separate boxes: "2024 01/16 14:27:05".
_SPLIT_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s+(\d{1,2})/(\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?(?!\d)")
# The same with the year glued to the month (``<span class="year"><em>2024</em></span>09/12``: CSS
# sets them apart, the text has none): "202409/12 15:46:20".
_GLUED_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})/(\d{2})(?:\s+(\d{1,2}):(\d{2}))?(?!\d)")


def date_from_text(text: str | None) -> Dated | None:
    """The first date (with time of day when printed) in a visible line."""
    if not text:
        return None
    for pattern in (_DATE, _SPLIT_DATE, _GLUED_DATE):
        for m in pattern.finditer(text):
            y, mo, d, h, mi = m.groups()
            found = _make(int(y), int(mo), int(d), int(h) if h else None, int(mi) if mi else None)
            if found:
                return found
    return None


# 发布日期/发布时间 name the publication; 成文日期/印发日期/更新时间 … name other events (a 信息公开
# table prints 成文日期 before 发布日期; a page may print 更新时间 before 发布时间).
_PUBLISH_LABEL = re.compile(r"(?:(?:发布|发表|发稿|发文|刊发|首发|公开)(?:时间|日期|于)\s*[:：]?"
                            r"|" + _EN + r"(?:Published(?:\s+(?:on|at|date|time))?|Release\s+date|Publish(?:ing)?\s+(?:date|time))\s*[:：])\s*",
                            re.I)
_OTHER_DATE_LABEL = re.compile(
    r"(?:(?:成文|印发|签发|生效|实施|施行|废止|失效|截止|最后更新|更新|修改|修订|编辑|采集|访问|登记)(?:时间|日期)"
    r"|有效期至?|更新于|修改于)\s*[:：]?")


def is_other_date_label(line: str) -> bool:
    """A line labelled with a date that is not the publication's (成文日期, 更新时间, …)."""
    return len(line) <= 120 and bool(_search(_OTHER_DATE_LABEL, line)) and not _search(_PUBLISH_LABEL, line)


def published_label_date(line: str, next_line: str | None = None) -> Dated | None:
    """A date introduced by 发布日期/发布时间/发表于 (on the line, or on the next line when the
    label stands alone in its table cell)."""
    if len(line) > 160:
        return None
    m = _search(_PUBLISH_LABEL, line)
    if not m:
        return None
    found = date_from_text(line[m.end():])
    if found is None and next_line is not None and not line[m.end():].strip():
        found = date_from_text(next_line) if len(next_line) <= 60 else None
    return found


def date_from_line(line: str) -> Dated | None:
    """The publication date of a visible line: the one after a 发布 label when printed, else the
    first date that no other-event label (成文日期, 更新时间 …) introduces."""
    found = published_label_date(line)
    if found:
        return found
    simple = simplified_view(line)
    if not _OTHER_DATE_LABEL.search(simple):
        return date_from_text(line)
    pos = 0
    for m in _OTHER_DATE_LABEL.finditer(simple):            # skip each labelled date
        found = date_from_text(line[pos:m.start()])
        if found:
            return found
        d = _DATE.search(line, m.end())
        pos = d.end() if d and d.start() - m.end() <= 4 else m.end()
    return date_from_text(line[pos:])


def _bare_label(line: str, pattern: re.Pattern[str]) -> bool:
    """A line that is only a label (a table cell ``成文日期：`` whose value is the next cell)."""
    m = _search(pattern, line)
    return bool(m) and len(line) <= 12 and not line[m.end():].strip(" \u3000\u00a0:：")


def is_publish_label_cell(text: str) -> bool:
    """A table cell holding only a publication-date label (``发布日期：``, ``发布时间``)."""
    return _bare_label(text, _PUBLISH_LABEL) and not _search(_OTHER_DATE_LABEL, text)


_PROSE = re.compile(r"[，。！？；]")


def publication_date(lines: list[str], max_len: int = 120) -> Dated | None:
    """Over a run of lines: a 发布日期/发布时间 date wins; else the first date neither labelled
    nor preceded by a label cell of another event (成文日期, 印发日期, 更新时间 …)."""
    for i, line in enumerate(lines):
        found = published_label_date(line, lines[i + 1] if i + 1 < len(lines) else None)
        if found:
            return found
    prev = ""
    for line in lines:
        prose = max_len <= 200 and bool(_PROSE.search(line))   # "截至2024年4月30日，…。" is no date line
        if len(line) <= max_len and not prose and not _bare_label(prev, _OTHER_DATE_LABEL):
            found = date_from_line(line)
            if found:
                return found
        prev = line
    return None


def labelled_date(line: str) -> Dated | None:
    """A date introduced by 时间/日期/发布时间 in a line."""
    m = _search(_DATE_LABEL, line)
    return date_from_text(line[m.end():]) if m else None


def date_from_meta(metas: dict[str, str]) -> Dated | None:
    for name in META_DATE_NAMES:
        value = metas.get(name)
        if value:
            found = parse_meta_date(value)
            if found:
                return found
    return None


def parse_meta_date(value: str) -> Dated | None:
    value = value.strip()
    iso = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})", value)
    if iso:
        try:
            dt = datetime.fromisoformat(value.replace(" ", "T", 1).replace("Z", "+00:00"))
        except ValueError:
            dt = None
        if dt is not None:
            local = dt.astimezone(TZ).replace(second=0, microsecond=0)
            return local, "minute"
    found = date_from_text(value)
    if found and found[1] == "minute" and found[0].hour == 0 and found[0].minute == 0:
        return found[0], "day"     # a midnight stamp in a meta tag is a date, not a time
    return found


def date_from_url(url: str) -> Dated | None:
    path = url.split("?", 1)[0].split("#", 1)[0]
    for pattern in _URL_DATES:
        m = pattern.search(path)
        if m:
            found = _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if found:
                return found
    return None


def pick_date(candidates: list[Dated | None]) -> Dated | None:
    """The first candidate; a later one on the same day with a time of day refines it."""
    found = [c for c in candidates if c]
    if not found:
        return None
    best = found[0]
    if best[1] == "day":
        for other in found[1:]:
            if other[1] == "minute" and other[0].date() == best[0].date():
                return other
    return best


# --- labelled values: 来源, author, editor --------------------------------------------------

# "图片来源：" / "视频来源：" / "数据来源：" / "资料来源：" credit a picture or a figure, not the article.
_NOT_SOURCE = r"(?<![图片频据料像])"
_SOURCE_LABEL = re.compile(r"(?:信息来源|本文来源|稿件来源|文章来源|新闻来源|消息来源|" + _NOT_SOURCE + r"来源|"
                           + _EN_SOURCE + r")\s*[:：]\s*")
# "来自 吉林日报" (凤凰网-style info lines), "出处：新华社": only at the start of a line or after a space
# (prose glues 来自 to the words around it: "来自全国各地的企业"), and only in short lines (see source_from_line).
_FROM_LABEL = re.compile(r"(?:^|(?<=[\s|｜]))(?:来自|出处)(?:\s*[:：]\s*|\s+)(?=[\u4e00-\u9fffA-Za-z])")
_VALUE_STOP = re.compile(
    r"\s*[|｜]|\u3000|\s{2,}|\n|"
    r"\s*(?:作者|责任编辑|责编|编辑|本报记者|记者|通讯员|摄影|发布时间|发布日期|发表时间|发表日期|发稿时间|更新时间|时间|日期|浏览|点击|阅读|"
    r"[大中小]?字号|字体|【|\[|分享|打印|来源|" + _EN + r"(?:Date|Time|Source|Author|Editor|Reporter|Published|Views)\s*[:：])|"
    r"\s*(?<!\d)(?:19|20)\d{2}\s*[-年./]|\s*[·•]\s")
# A newsroom or unit before a role word ("融媒记者", "新区融媒体中心记者", "人民网记者"): not a name.
_UNIT = r"(?:[\u4e00-\u9fff]{0,8}?(?:融媒体中心|融媒中心|融媒体|融媒|全媒体|新闻中心|传媒中心|传媒集团|新闻网|网|社|报|台))"
_ROLE = r"(?:\s*(?:本报|特约|见习|" + _UNIT + r")?(?:记者|通讯员)\s*[:：]?\s*)?"  # "作者：通讯员 某": the role is not the name
_OUTLET = r"(?:" + _UNIT + r")?"                                      # "人民网记者 某"
_AUTHOR_LABEL = re.compile(
    r"(?:^|(?<=[\s|｜(（\[【]))(?:作者|本报记者|本报特约记者|特约记者|" + _OUTLET + r"记者|通讯员|撰稿|撰文|文字|文/图|图/文|文)"
    r"\s*(?:[:：/／|｜]\s*|\s+)" + _ROLE)
_AUTHOR_COLON_LABEL = re.compile(r"(?:作者|撰稿|撰文|(?<!编辑)记者|通讯员|" + _EN + r"(?:Author|Reporter|Writer)s?)\s*[:：]\s*" + _ROLE)
_EDITOR_LABEL = re.compile(r"(?<![主总副])(?:责任编辑|责编|编辑)(?!部)\s*[:：|｜]\s*|" + _EN + r"(?:Editor|Editors|Editor\s+in\s+charge)\s*[:：]\s*")
_EDITOR_STOP = re.compile(r"[)）\]】]|\u3000|\s*(?:审核|审校|校对|监制|终审|初审|二审|三审|主编|出品|制作|值班|图|摄影|排版|美编|设计)\s*[:：|｜/／]|\s+\S{0,10}(?:热线|电话|邮箱|信箱|传真)|\s*\d{3,4}-\d{7,8}|\s*(?:来源|作者|点击|浏览|阅读|访问|发布时间|发布日期|时间|日期|Source|Author|Date|Views)\s*(?:次数|量|数)?\s*[:：]")
_CLEAN_VALUE = " \t\u3000\u00a0:：,，;；。.、|｜-—()（）[]【】·•"
_CLEAN_LEFT = _CLEAN_VALUE
_CLEAN_RIGHT = _CLEAN_VALUE.replace(")", "").replace("）", "")


def strip_value(value: str) -> str:
    """Trim label punctuation around a value; a closing bracket stays if the value opened it
    (``人民網(wǎng)``: the pinyin annotation is removed later, by normalisation)."""
    value = value.lstrip(_CLEAN_LEFT).rstrip(_CLEAN_RIGHT)
    while value and value[-1] in ")）":
        opener = "(" if value[-1] == ")" else "（"
        if value.count(opener) >= value.count(value[-1]):
            break
        value = value[:-1].rstrip(_CLEAN_RIGHT)
    return value
_NAME = re.compile(r"^[\u3400-\u9fffA-Za-z·•．.\s、，,]{2,30}$")


def _value_after(line: str, label: re.Pattern[str], stop: re.Pattern[str] = _VALUE_STOP) -> str | None:
    simple = simplified_view(line)
    m = label.search(simple)
    if not m:
        return None
    rest_simple = simple[m.end():]
    cut = stop.search(rest_simple)
    end = m.end() + (cut.start() if cut else len(rest_simple))
    value = strip_value(line[m.end():end])
    return value or None


# What follows 来自 on social/app pages is the posting client, not an outlet: "来自 微博 weibo.com",
# "来自iPhone客户端", "来自 Android", "来自网页版", or any domain name.
_CLIENT = re.compile(r"(?:^|[\s(（])(?:微博|微信|weibo|iPhone|iPad|iOS|Android|安卓|HarmonyOS|鸿蒙|华为|小米|OPPO|vivo|荣耀|"
                     r"HUAWEI|Xiaomi|Redmi|红米|Honor|iQOO|OnePlus|一加|Samsung|Galaxy|三星|魅族|Meizu|Pixel|"
                     r"Mac|Windows|HTML5|Web|网页|网页版|手机|手机版|移动版|电脑|PC)|客户端|网页版|手机版|版客户端|App$|APP$|"
                     r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|cn|net|org|gov|edu|cc|tv|io|me|top|info)\b", re.I)


def is_from_client(value: str | None) -> bool:
    """The value of a 来自 … line names a client, an app or a domain (the posting tool): no 来源."""
    return bool(value) and bool(_CLIENT.search(simplified_view(value.strip())))


def is_from_line(text: str) -> bool:
    """A short line opening with 来自/出处 (``来自 微博 weibo.com``, ``来自 吉林日报``)."""
    m = _search(_FROM_LABEL, text.strip())
    return bool(m) and m.start() == 0


def source_from_line(line: str) -> str | None:
    value = _value_after(line, _SOURCE_LABEL)
    if value is None and len(line) <= 80 and not _PROSE.search(line):
        value = _value_after(line, _FROM_LABEL)
        if value and (_search(_FROM_LABEL, value) or not re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9·\-－ ]{2,30}", value)
                      or is_from_client(value)):
            value = None
    if value and len(value) <= 40:
        return value
    return None


# Author fields that name nobody: placeholders of CMS templates and the site itself.
_NO_AUTHOR = re.compile(
    r"^(?:佚名|匿名|未知|不详|无|暂无|本站|本网|本台|本刊|本报|网站|网络|网友|小编|管理员|系统管理员|编辑部|"
    r"原创|转载|综合|admin(?:istrator)?|system|root|editor|webmaster|user|guest|unknown|anonymous|null|none|n/?a)$",
    re.I)
# Role words between names of one byline ("吕丹 通讯员 王静", "张三 实习生 李四"): not names.
_ROLE_WORD = re.compile(r"\s*(?:本报|特约|见习)?(?:记者|通讯员|实习生|实习记者)\s*[:：]?\s*")
# A part of a byline that names a unit, not a person ("融媒", "新区融媒体中心", "新闻中心").
_UNIT_PART = re.compile(r"^(?:本报|特约|见习|" + _UNIT + r")$")
_AUTHOR_STOP = re.compile(_VALUE_STOP.pattern.replace("本报记者|记者|通讯员|", ""))


# Common surnames (single and compound): a meta author that does not open with one names no person.
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
             "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
             "文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷"
             "盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷"
             "晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝")
_COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文", "司徒", "夏侯")
_NOT_PERSON = re.compile(r"网|报|社|台|站|局|委|厅|办|院|所|部|中心|会|市|省|县|区|镇|乡|村|公司|集团|新闻|媒体|融媒|编辑|记者|发布|"
                         r"政府|频道|客户端|宣传|工作室|团队|课题组")


def looks_like_person(value: str | None) -> bool:
    """One to three names of 2–4 Han characters (space/、-separated), each opening with a common
    surname and holding no unit word (网, 报, 局, 中心, 编辑 …)."""
    if not value:
        return False
    parts = [p for p in re.split(r"[\s、,，]+", simplified_view(value.strip())) if p]
    if not 1 <= len(parts) <= 3:
        return False
    for part in parts:
        if not re.fullmatch(r"[\u4e00-\u9fff]{2,4}", part) or _NOT_PERSON.search(part) or is_placeholder_author(part):
            return False
        if not (part[0] in _SURNAMES or (len(part) >= 3 and part[:2] in _COMPOUND_SURNAMES)):
            return False
    return True


def is_placeholder_author(value: str | None) -> bool:
    """``佚名``, ``本站``, ``admin`` …: an author field that names nobody."""
    return bool(value) and bool(_NO_AUTHOR.match(simplified_view(value.strip())))


def split_roles(value: str) -> str:
    """Names of a byline with the role words between them removed, one space apart."""
    simple = simplified_view(value)
    parts, pos = [], 0
    for m in _ROLE_WORD.finditer(simple):
        parts.append(value[pos:m.start()])
        pos = m.end()
    parts.append(value[pos:])
    parts = [w for p in parts for w in (p.split() if _UNIT_PART.match(simplified_view(p.split()[0] if p.split() else ""))
                                         else [p.strip()]) if w]
    named = [p for p in parts if not _UNIT_PART.match(simplified_view(p))]
    if len(named) < len(parts) and named:
        parts = named
    return re.sub(r"\s+", " ", " ".join(parts))


def author_from_line(line: str, *, colon_only: bool = False) -> str | None:
    """作者/记者/文/通讯员 bylines; ``colon_only`` insists on 作者：-style labels (for long lines).

    A 作者：-style label is read wherever it stands (also glued to a date, ``09:40作者：某``);
    role words inside the value split names; placeholders (``佚名``, ``admin``) are no author."""
    labels = (_AUTHOR_COLON_LABEL,) if colon_only else (_AUTHOR_LABEL, _AUTHOR_COLON_LABEL)
    for label in labels:
        value = _value_after(line, label, _AUTHOR_STOP)
        if value:
            value = split_roles(value)
        if (value and _NAME.match(value) and not _search(_EDITOR_LABEL, value) and not is_placeholder_author(value)
                and not is_unit_name(value)):
            return value
    return None


# An office, not a person: "开发区处", "综合科", "办公室", "宣传部", "新闻中心".
_UNIT_NAME = re.compile(r"^[\u4e00-\u9fff]{1,12}(?:处|科|室|局|委|办|厅|部|中心|站|所|院|队|组|社|网|报|台|公司|集团|协会|学会|委员会)$")


def is_unit_name(value: str) -> bool:
    """A byline value naming an office or outlet (``作者：开发区处``): no person, so no author."""
    simple = simplified_view(value.strip())
    return bool(_UNIT_NAME.match(simple)) and not looks_like_person(simple)


def editor_from_line(line: str) -> str | None:
    if len(line) > 120:
        return None
    value = _value_after(line, _EDITOR_LABEL, _EDITOR_STOP)
    if value and len(value) <= 40:
        return re.sub(r"\s+", " ", value)
    return None


_NAMES = r"([\u3400-\u9fff·][\u3400-\u9fff·\s、，,]{0,28}[\u3400-\u9fff])"
_BYLINE = re.compile(
    r"^[◎●(（\[【]?\s*(?:本报记者|本报特约记者|本报通讯员|特约记者|" + _OUTLET + r"记者|通讯员|作者|文/图|图/文|文|撰文|撰稿)"
    r"\s*(?:[:：/／|｜]\s*|\s+)?" + _ROLE + _NAMES + r"\s*[)）\]】]?$")
# "（文/张博 图/李航）", "文/张博 摄影/李航": the writer is the author, the photographer is not.
_TEXT_AND_PHOTO = re.compile(
    r"^[(（\[【]?\s*(?:文|文字|撰文|记者)\s*[/／:：|｜]\s*" + _NAMES +
    r"\s*[，,、\s|｜]\s*(?:图|图片|摄影|摄像|视频)\s*[/／:：|｜]\s*[\u3400-\u9fff·\s、]{2,20}?\s*[)）\]】]?$")
_LEAD_REPORTER = re.compile(
    r"^.{0,40}?(?:[(（]\s*(?:本报|特约)?记者\s*[:：]?\s*" + _NAMES + r"\s*[)）]"
    r"|电\s*[(（]\s*(?:(?:本报|特约)?记者\s*[:：]?\s*)?" + _NAMES + r"\s*[)）])")


def _names(text: str) -> str | None:
    value = split_roles(text.strip())
    return None if is_placeholder_author(value) else value


def byline_author(paragraph: str) -> str | None:
    """A paragraph that is only a byline (``本报记者 张三 李四``, ``（文/甲 图/乙）``) gives the author."""
    if len(paragraph) > 40:
        return None
    simple = simplified_view(paragraph)
    if _PHOTO_END.search(simple):              # "通讯员 张德明 摄": who took the picture, not who wrote
        return None
    m = _TEXT_AND_PHOTO.match(simple) or _BYLINE.match(simple)
    if not m:
        signed = _SIGNATURE.match(simple)       # "□ 刘文博" closing a commentary
        return paragraph[signed.start(1):signed.end(1)] if signed and looks_like_person(signed.group(1)) else None
    return _names(paragraph[m.start(1):m.end(1)]) or None


_PHOTO_END = re.compile(r"(?:摄|摄影|供图|图)\s*[)）]?\s*$")
_SIGNATURE = re.compile(r"^[□■◎●]\s*([\u4e00-\u9fff]{2,4})\s*$")


def lead_reporter(paragraph: str) -> str | None:
    """``新华社长春10月12日电（记者 张三）…`` or ``人民网长春4月18日电（张三）…`` at the start."""
    m = _search(_LEAD_REPORTER, paragraph)
    if not m:
        return None
    group = 1 if m.group(1) else 2
    return _names(paragraph[m.start(group):m.end(group)]) or None


# --- credit lines -------------------------------------------------------------------------
# A short line made only of role-labelled names: "记者：孟凡敏　通讯员：邹佳宏", "本报记者 孟凡宇 通讯员
# 韩雪松", "（撰稿：王彬　审核：刘强）", "（作者：吴佳琪 编辑：许婧文）", "界面新闻记者 | 冯思远",
# "21世纪经济报道记者 吴佳琪 长春报道".  Writers become the author, 责任编辑/责编/编辑 the editor;
# photographers, reviewers and proof-readers are named but are neither.
_WRITER_ROLES = ("本报特约记者", "本报通讯员", "本报记者", "特约记者", "见习记者", "实习记者", "通讯员", "实习生",
                 "记者", "作者", "撰稿", "撰文", "文字", "采写", "文")
_EDITOR_ROLES = ("责任编辑", "责编", "编辑")
_OTHER_ROLES = ("值班编辑", "审核", "审校", "校对", "监制", "终审", "初审", "复审", "二审", "三审", "主编", "出品",
                "制作", "摄影", "摄像", "图片", "视频", "美编", "设计", "排版", "统筹", "策划", "海报", "剪辑", "配音", "图",
                "图片来源", "题图来源", "封面图片来源", "封面来源", "题图", "封面图", "配图")
_ALL_ROLES = sorted(_WRITER_ROLES + _EDITOR_ROLES + _OTHER_ROLES, key=len, reverse=True)
_SEP = r"[:：|｜/／]"
# One-character roles (文, 图) need a separator mark after them; longer ones may be followed by a space.
_CREDIT_ROLE = re.compile(
    r"(?P<role>" + "|".join(r for r in _ALL_ROLES if len(r) > 1) + r")(?:\s*" + _SEP + r"\s*|\s+)"
    r"|(?P<role1>文|图)\s*" + _SEP + r"\s*")
_CREDIT_NAME = re.compile(r"[\u3400-\u9fff]{2,4}|[\u3400-\u9fff]{1,6}[·•][\u3400-\u9fff]{1,8}")
_PREFIX = re.compile(r"[\u4e00-\u9fffA-Za-z0-9·]{1,12}$")      # an outlet glued to a role: "界面新闻记者"
_REPORTED_FROM = re.compile(r"\s+[\u4e00-\u9fff]{0,6}报道$")     # "姜德扬、洪雪 长春报道": where it was reported


# A credit line holds one of these (simplified or traditional) characters; other lines are skipped at once.
_CREDIT_TRIGGER = re.compile(r"[记記者作撰稿编編辑輯责責文员員采採通]")


def credit_line(line: str) -> tuple[list[str], list[str]] | None:
    """(authors, editors) when the line is nothing but role-labelled names, else None."""
    if not line or len(line) > 70 or not _CREDIT_TRIGGER.search(line):
        return None
    simple = simplified_view(line).strip()
    if re.search(r"[。！？；!?;]", simple):
        return None
    inner = simple.lstrip("□■◎●○◆◇▲△▼★☆·•")
    for _ in range(2):
        m = re.fullmatch(r"[(（\[【]\s*(.*?)\s*[)）\]】]", inner)
        if m:
            inner = m.group(1)
    found = [(m.start(), m.end(), m.group("role") or m.group("role1")) for m in _CREDIT_ROLE.finditer(inner)]
    if not found:
        return None
    authors: list[str] = []
    editors: list[str] = []
    # What comes before the first role may only be an outlet glued to it ("每经记者").
    head = inner[:found[0][0]]
    if head and (not _PREFIX.fullmatch(head) or head[-1:].isspace()):
        return None
    for i, (start, end, role) in enumerate(found):
        stop = found[i + 1][0] if i + 1 < len(found) else len(inner)
        value = inner[end:stop]
        if i + 1 < len(found):
            glued = _PREFIX.search(value)           # "程宇轩　每经" + "编辑": the outlet belongs to the next role
            if glued and glued.start() > 0 and value[glued.start() - 1].isspace():
                value = value[:glued.start()]
        else:
            value = _REPORTED_FROM.sub("", value)       # "吴佳琪 长春报道": where, not who
        names = [n for n in re.split(r"[\s、，,/／]+", value.strip(" \u3000|｜")) if n]
        if not names and i + 1 < len(found):     # "作者：记者 甲": the label, then the role
            continue
        if role in _OTHER_ROLES:                 # a photo or picture credit may name an organisation
            if not names or len(value.strip()) > 24:
                return None
            continue
        if not names or not all(_credit_name(n) for n in names):
            return None
        if role in _WRITER_ROLES:
            authors += [n for n in names if n not in authors]
        elif role in _EDITOR_ROLES:
            editors += [n for n in names if n not in editors]
    if not authors and not editors:
        return None
    full = simplified_view(line)                # same length as the line: names are cut from the raw text
    raw = lambda names: [line[full.index(n):full.index(n) + len(n)] for n in names]  # noqa: E731
    return raw(authors), raw(editors)


def _credit_name(name: str) -> bool:
    """A person's name: 2–4 Han characters opening with a common surname, or a name with ·."""
    if not _CREDIT_NAME.fullmatch(name) or _NOT_PERSON.search(name) or is_placeholder_author(name):
        return False
    return "·" in name or "•" in name or looks_like_person(name)


def credits_in_line(line: str) -> tuple[list[str], list[str]] | None:
    """A credit line, or a credit segment of an info line (``… | 作者：孙悦　赵一鸣``, ``… / 作者：甲　乙 / …``)."""
    found = credit_line(line)
    if found or len(line) > 160:
        return found
    for segment in re.split(r"\s*[|｜]\s*|\s+/\s+", line):
        if segment and segment != line:
            found = credit_line(segment)
            if found and found[0]:
                return found
    # Spans glued without a space ("…羊城派作者：记者 甲 通讯员 乙发表时间：…"): from a 作者： label to
    # the next label that is not a role.
    simple = simplified_view(line)
    for m in re.finditer(r"作者\s*[:：]", simple):
        rest = simple[m.start():]
        cut = _CREDIT_CUT.search(rest, m.end() - m.start())
        found = credit_line(line[m.start():m.start() + (cut.start() if cut else len(rest))])
        if found and found[0]:
            return found
    return None


_CREDIT_CUT = re.compile(r"(?:来源|发布|发表|更新|时间|日期|浏览|点击|阅读|字号|[|｜])")


_BARE_ROLE = re.compile(r"\s*(?:" + "|".join(_ALL_ROLES) + r"|(?:信息|本文|稿件|文章|新闻|消息)?来源|"
                        + _EN + r"(?:Source|Author|Editor))\s*[:：]?\s*")


def is_bare_role(text: str) -> bool:
    """A label with no value: ``作者：``, ``来源:``, ``记者``: a template field left empty."""
    return bool(_BARE_ROLE.fullmatch(simplified_view(text)))


# An editor's staff code after the name ("王静 PN127", "NN040"): not a name.
_STAFF_CODE = re.compile(r"[A-Za-z]{1,4}\d{2,6}")


def join_names(value: str | None) -> str | None:
    """Several names one space apart, whatever the page put between them (、，/ or spaces);
    staff codes and a trailing "…报道" (where it was reported) are dropped."""
    if not value:
        return value
    place = _REPORTED_FROM.search(simplified_view(value))
    if place:
        value = value[:place.start()]
    parts = [p for p in re.split(r"[\s、，,/／]+", value) if p]
    return " ".join(p for p in parts if not (_STAFF_CODE.fullmatch(p) and len(parts) > 1)) or None


# A trailer may open with page furniture: "【纠错】 责任编辑：…", "[打印] [关闭] 编辑：…".
_FURNITURE = r"(?:[【\[]\s*(?:纠错|打印|关闭|收藏|分享|返回顶部|关闭窗口|打印本页)\s*[】\]]\s*)*"
_EDITOR_LINE = re.compile(r"^" + _FURNITURE + r"[(（\[【]?\s*(?:(?:责任编辑|责编|编辑|值班编辑|审核|校对)\s*[:：|｜]|(?:Editor|Editors|Editor\s+in\s+charge)\s*[:：])")
_SOURCE_LINE = re.compile(r"^[(（\[【]?\s*(?:信息来源|本文来源|稿件来源|文章来源|新闻来源|消息来源|来源|" + _EN_SOURCE + r")\s*[:：]")


def is_editor_line(text: str) -> bool:
    return len(text) <= 120 and bool(_search(_EDITOR_LINE, text))


def is_source_line(text: str) -> bool:
    return len(text) <= 60 and bool(_search(_SOURCE_LINE, text))


# --- title -----------------------------------------------------------------------------

_SITE_WORDS = re.compile(r"网|網|频道|頻道|政府|日报|日報|报|報|新闻|新聞|在线|在線|门户|園區|园区|平台|官网|首页|之窗|资讯|china|\.com|\.cn", re.I)
_SUFFIX = re.compile(r"\s*(?:--|——|_|\s-\s|\s[|｜]\s|｜)\s*([^_|｜]{1,25}?)\s*$")
_WS = re.compile(r"\s+")


def clean_title(text: str | None) -> str | None:
    if not text:
        return None
    text = _WS.sub(" ", text).strip(" \u3000\u00a0")
    return text or None


# Any separator before a suffix the page itself names as its site ("…活动-长春经济技术开发区").
_LEARNED_SEP = re.compile(r"\s*(?:--|——|—|–|-|_|[|｜]|·|:|：)\s*([^-_|｜—–·]{2,30}?)\s*$")


def strip_learned_suffix(title: str, site_names: list[str] | tuple[str, ...]) -> str:
    """Cut trailing ``<sep><name>`` parts where the page names ``name`` as its site elsewhere
    (og:site_name, logo, footer owner): the name itself, or a 4+ character part of it."""
    while site_names:
        m = _LEARNED_SEP.search(title)
        if not m or m.start() < 4:
            break
        part = m.group(1).strip()
        if not any(part == n or (len(part) >= 4 and part in n) for n in site_names):
            break
        title = title[:m.start()].rstrip()
    return title


def strip_site_suffix(title: str | None, patterns: tuple[str, ...] = (),
                      site_names: list[str] | tuple[str, ...] = ()) -> str | None:
    title = clean_title(title)
    if not title:
        return None
    for pattern in patterns:
        title = re.sub(pattern, "", title).strip()
    title = strip_learned_suffix(title, site_names)
    while True:
        m = _SUFFIX.search(title)
        if not m or m.start() < 4 or not _SITE_WORDS.search(m.group(1)):
            break
        title = title[:m.start()].rstrip()
    return title or None


# A <title> that only names the site or the paper ("长春日报数字报刊", "吉林省人民政府门户网站").
_SITE_NAME = re.compile(
    r"^(?:[\u4e00-\u9fffA-Za-z·\s]{0,14}?(?:数字报刊?|电子报刊?|电子版|数字版|报刊|日报|晚报|早报|商报|时报|报社|"
    r"新闻网|信息网|门户网|政务网|政府网|网站|门户网站|人民政府|管委会|管理委员会|频道|官网|首页|客户端|融媒体中心|融媒|之窗|APP|App)"
    r"|[\u4e00-\u9fffA-Za-z·]{1,5}网)$")
# Newspaper page URLs and <title>s: their <title> is the paper's name, the headline is in the page.
_PAPER_URL = re.compile(r"/(?:html/\d{4}-\d{2}/\d{2}/content_|pc/paper/|paper/|epaper/|szb/|dzb/|e?paper\d*/)|[./](?:epaper|szb|dzb|paper|rb)\.", re.I)
_PAPER_TITLE = re.compile(r"数字报|电子报|电子版|数字版|报刊|版面")


def looks_like_site_name(text: str | None) -> bool:
    return bool(text) and len(text) <= 20 and (bool(_SITE_NAME.match(simplified_view(text))) or looks_like_org_name(text))


# An organisation's name standing alone ("吉林省统计局", "长春市发展和改革委员会", "吉林省商务厅"): a place
# (省/市/县/区/州/旗, 国家, 中国) and a short office name ending in 局/委/厅/办/政府/委员会/中心 ….
_ORG_END = r"(?:局|委|厅|办|办公室|政府|委员会|管委会|频道|中心|网|报社|日报|晚报|海关|署|院|所|站|馆)"
_ORG_NAME = re.compile(
    r"^(?:中华人民共和国|国家|中国|[\u4e00-\u9fff]{1,6}?(?:省|市|县|区|州|盟|旗|镇|乡))"
    r"[\u4e00-\u9fff]{0,8}?" + _ORG_END + r"$")
# Verbs of a headline ("长春市成立大数据中心"): a text with one is news, not a name.
_HEADLINE_VERB = re.compile(r"打造|召开|推进|举行|举办|开展|建设|启动|成立|实现|发布|揭牌|挂牌|设立|组建|获批|入选|走进|调研|考察|迎来|再添|新建|筹建|开通|落户|签约")
# Document names that end like an office but are titles: 公报, 通报, 简报, 年报 ….
_ORG_SHAPED = re.compile(r"^[\u4e00-\u9fff]{2,20}?(?:局|委|厅|办|政府|网|报|频道|中心|海关|署)$")
_NOT_ORG = re.compile(r"(?:公报|通报|简报|年报|月报|周报|快报|季报|汇报|举报|申报|预报|喜报|捷报|情报|答网|上网|联网|入网)$")


def looks_like_org_name(text: str | None, site_names: list[str] | tuple[str, ...] = ()) -> bool:
    """A text that only names an organisation or a site: organisation-shaped (ends in 局/委/厅/
    办/政府/网/报/频道/中心, no digits, spaces or punctuation) and either one of the names the page
    gives its own site (footer owner, og:site_name, logo) or, standing alone, a place followed
    by a short office name.  Such a <title> is the site's, never the article's."""
    if not text or len(text) > 20:
        return False
    simple = simplified_view(text.strip())
    if _NOT_ORG.search(simple) or _HEADLINE_VERB.search(simple):
        return False
    if site_names and _ORG_SHAPED.match(simple) and any(simple == simplified_view(n) for n in site_names):
        return True
    return bool(_ORG_NAME.match(simple))


def is_part_of_site_name(text: str | None, site_names: list[str] | tuple[str, ...]) -> bool:
    """A short text (at most 12 characters, no digits or punctuation) that is one of the page's own
    site names or a part of one (``长春海关`` of ``中华人民共和国长春海关``, ``农安融媒`` of the app
    bar): the site or organisation, never a headline."""
    if not text or not 2 <= len(text) <= 12 or re.search(r"[\d，。！？、：:；;]", text):
        return False
    simple = simplified_view(text.strip())
    return any(simple == simplified_view(n) or (len(simple) >= 3 and simple in simplified_view(n))
               for n in site_names if n)


def is_paper_page(url: str, page_title: str | None) -> bool:
    return bool(_PAPER_URL.search(url or "")) or bool(page_title and _PAPER_TITLE.search(simplified_view(page_title)))


def pick_title(headings: list[str], page_title: str | None, metas: dict[str, str],
               suffixes: tuple[str, ...] = (), *, trust_page_title: bool = True, paper: bool = False,
               site_names: list[str] | tuple[str, ...] = ()) -> str | None:
    """Title by agreement: the longest heading that the page/og title contains (or vice versa).

    Without agreement the (suffix-stripped) page title wins, unless it only names the site or
    the page is a newspaper page (``paper``): then the first heading that is not a site name."""
    plain_title = strip_site_suffix(page_title, suffixes, site_names) if page_title else None
    org = bool(plain_title) and (looks_like_org_name(plain_title, site_names)
                                 or (bool(headings) and is_part_of_site_name(plain_title, site_names)
                                     and all(plain_title not in h for h in headings if h)))
    if org:
        trust_page_title = False            # "吉林省统计局": the site's name, never the headline
    if page_title and (paper or org or looks_like_site_name(plain_title)):
        real = [clean_title(h) for h in headings]
        real = [h for h in real if h and 6 <= len(h) <= 200 and not looks_like_site_name(h)]
        meta_titles = [clean_title(r) for r in (metas.get("og:title"), metas.get("articletitle")) if r]
        meta_titles = [r for r in meta_titles if r and len(r) >= 4 and not looks_like_site_name(r)]
        refs = meta_titles + [clean_title(page_title)]
        agreeing = any(r and (h in r or r in h) for h in real for r in refs)
        if real and not agreeing and not meta_titles:     # a real og:title decides by agreement below
            return real[0]
    refs = [metas.get("og:title"), metas.get("articletitle"), metas.get("title")]
    if trust_page_title:
        refs.append(page_title)
    refs = [clean_title(r) for r in refs if r]
    stripped = [strip_site_suffix(r, suffixes, site_names) for r in refs]
    agreeing = []
    for h in (clean_title(h) for h in headings):
        if not h or len(h) < 4 or len(h) > 200 or looks_like_site_name(h):
            continue
        if any(h in r for r in refs) or any(s and len(s) >= 4 and s in h for s in stripped):
            agreeing.append(h)
    if agreeing:
        return max(agreeing, key=len)
    for s in stripped:                  # a <title> naming only the site is no title: rather null
        if (s and len(s) >= 4 and not looks_like_site_name(s) and not looks_like_org_name(s, site_names)
                and not is_part_of_site_name(s, site_names)):
            return s
    for h in headings:
        h = clean_title(h)
        if h and len(h) >= 4 and not looks_like_site_name(h):
            return h
    return None


# --- title: a 【column】 prefix ---------------------------------------------------------------

# 【学习贯彻党的二十届三中全会精神】…, 【主题教育进行时】…, 【奋进新征程】…: a column or campaign name before
# the headline is no part of it.  Kept: a zone or place (【汽开区】, 【长春新区】, 【净月高新区】) and a
# media kind (【视频】, 【图文】), which sites print as part of the title.
_COLUMN_PREFIX = re.compile(r"^\s*[【\[]([^】\]]{2,30})[】\]]\s*")
_KEPT_PREFIX = re.compile(r"^(?:[\u4e00-\u9fff]{1,8}(?:区|县|市|镇|乡|州|省|旗|园|港)|视频|图文|图集|组图|直播|快讯|独家|"
                          r"音频|微视频|短视频|动画|海报|专访|现场|原创|VR|H5)$", re.I)
_CAMPAIGN = re.compile(r"学习|贯彻|精神|主题教育|专题|进行时|在行动|系列|聚焦|关注|走基层|两会|二十大|三中全会|全会|"
                       r"新征程|奋进|喜迎|庆祝|周年|振兴|创城|文明|一线|基层|看|谈|访|之声|时评|观察|纪实|故事|巡礼|风采")


# A bracket naming a news column, however short (【林草动态】, 【工作动态】, 【政务要闻】, 【每日快讯】).
_COLUMN_WORD = re.compile(r"(?:动态|快讯|要闻|速递|资讯|播报|聚焦|关注|视点)$")


def strip_column_prefix(title: str | None) -> str | None:
    """Drop a leading 【column】 name when what remains is a headline of its own (8+ characters);
    zone/place and media-kind brackets stay."""
    if not title:
        return title
    m = _COLUMN_PREFIX.match(title)
    if not m:
        return title
    inner = simplified_view(m.group(1).strip())
    rest = title[m.end():].strip()
    if len(rest) < 8 or _KEPT_PREFIX.match(inner):
        return title
    if len(inner) >= 7 or _CAMPAIGN.search(inner) or _COLUMN_WORD.search(inner):
        return rest
    return title


# --- column: 版面 or breadcrumb ------------------------------------------------------------

_BANMIAN = re.compile(r"第\s*[0-9０-９A-Za-z]{1,3}\s*版\s*[:：]\s*[^\s|｜:：\d]{1,12}")
_CRUMB_LABEL = re.compile(r"^\s*(?:您当前的位置|您现在的位置|当前位置|您的位置|所在位置|位置)\s*[:：]?\s*")
_CRUMB_SEP = re.compile(r"\s*(?:>>|>|»|›|→|＞)\s*")


def banmian(line: str) -> str | None:
    if "版" not in line:
        return None
    m = _search(_BANMIAN, line)
    return line[m.start():m.end()] if m else None


def breadcrumb_last(line: str, title: str | None = None) -> str | None:
    """Last item of a breadcrumb line (``您当前的位置 :首页 > 政务在线 > 政务访谈``)."""
    if len(line) > 120:
        return None
    simple = simplified_view(line)
    label = _CRUMB_LABEL.match(simple)
    parts = _CRUMB_SEP.split(line[label.end():] if label else line)
    if len(parts) < 2 and not label:
        return None
    items = [p.strip(" \u3000\u00a0:：") for p in parts]
    items = [p for p in items if p and p not in ("正文", "正文内容", "內容", "内容") and (not title or p not in title)]
    return items[-1] if items and len(items[-1]) <= 20 else None


def looks_like_breadcrumb(line: str) -> bool:
    if len(line) > 80:
        return False
    simple = simplified_view(line)
    if _CRUMB_LABEL.match(simple) and _CRUMB_SEP.search(simple):
        return True
    return len(_CRUMB_SEP.findall(simple)) >= 1 and bool(re.search(r"首页|网|網|频道|頻道|政府", simple.split(">")[0]))
