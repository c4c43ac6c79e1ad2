"""Keywords: jieba TF-IDF over the normalised body, with the project's user dictionary.

jieba is loaded lazily, once per process, into a private Tokenizer (the global jieba
instance other code may use is left alone).  Long bodies are cut at MAX_CHARS first.
"""
from __future__ import annotations

import logging
import re
import threading
from importlib import resources

TOP_K = 10
MAX_CHARS = 20_000

_lock = threading.Lock()
_extractor = None

# Function words and newsroom filler that TF-IDF would otherwise rank (beyond jieba's list).
STOP_WORDS = frozenset("""
的 了 和 是 在 与 及 等 对 为 将 以 把 被 由 从 向 于 之 其 也 都 就 而 并 或 但 又 还 更 最 很 已 已经 正在
一个 一些 一批 一是 二是 三是 四是 五是 六是 七是 这个 这些 那些 我们 他们 你们 大家 自己 各项 各类 各种 有关
进行 通过 目前 今年 去年 明年 全年 当前 同时 此外 其中 以及 以上 以下 不断 持续 积极 加快 进一步 全面 切实 努力
坚持 推动 推进 实现 提升 加强 强化 围绕 聚焦 着力 深入 扎实 有效 重要 主要 相关 方面 工作 情况 表示 介绍 指出
记者 编辑 责编 来源 本报 日电 作者 通讯员 据悉 了解 显示 截至 成为 作为 一步 开展 发挥 注重 充分 做好 确保 不仅
亿元 万元 万人 万辆 百分点 同比 增长 比重
""".split())

_KEEP = re.compile(r"^[\u3400-\u9fffA-Za-z][\u3400-\u9fffA-Za-z0-9·\-]*$")
# Chinese numerals with an optional measure word: 一百二十家, 百分之十五, 六十余, 三成.
_NUMERAL = re.compile(r"^(?:百分之)?[零〇一二两三四五六七八九十百千万亿几数多余半]+(?:分之[零一二三四五六七八九十百]+)?"
                      r"[个家项条名人次年月日号倍成件批期届余多万亿元台辆座所栋层家户]?$")


def _load():
    global _extractor
    if _extractor is not None:
        return _extractor
    with _lock:
        if _extractor is not None:
            return _extractor
        import jieba
        import jieba.analyse

        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        userdict = resources.files(__package__).joinpath("userdict.txt")
        with resources.as_file(userdict) as path:
            tokenizer.load_userdict(str(path))
        # Regions, indicators and companies of the indicator catalog stay whole words too.
        from zonewatch.parsers.indicators.catalog import jieba_terms
        for word, tag in jieba_terms():
            tokenizer.add_word(word, tag=tag)
        tfidf = jieba.analyse.TFIDF()
        tfidf.tokenizer = tokenizer
        tfidf.stop_words = set(tfidf.stop_words) | STOP_WORDS
        _extractor = tfidf
    return _extractor


def keywords(text: str, top_k: int = TOP_K) -> list[str]:
    """Top ``top_k`` TF-IDF words of ``text`` (already normalised), stop-words and numbers removed."""
    if not text or not text.strip():
        return []
    tfidf = _load()
    ranked = tfidf.extract_tags(text[:MAX_CHARS], topK=top_k * 3)
    out = [w for w in ranked if len(w) >= 2 and _KEEP.match(w) and not _NUMERAL.match(w) and w not in STOP_WORDS]
    return out[:top_k]


def tokenizer():
    """The configured jieba Tokenizer (user dictionary loaded), for other modules' use."""
    return _load().tokenizer
