"""Pages per second (one core) of parse_page + normalisation on generated ~100 KB article pages.

    .venv/bin/python bench/parse_speed.py [--pages N] [--keywords]

CPU time (process_time) is measured, so other load on the machine does not count.
Pages follow the people.com.cn / generic templates: ~5,000 characters of body text among
~90 KB of chrome (navigation, hot lists, footer links, inline script).  Prints pages/s for
the site parser and the generic parser, without and with jieba keywords.
"""
from __future__ import annotations

import argparse
import random
import time

from zonewatch.parsers import parse_page

WORDS = ("长春新区", "汽开区", "经开区", "项目建设", "地区生产总值", "同比增长", "固定资产投资", "营商环境",
         "一汽解放", "新能源汽车", "产业链", "招商引资", "重点项目", "签约落地", "高质量发展", "数字经济")


def sentence(rng: random.Random) -> str:
    return "，".join("".join(rng.choice(WORDS) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(2, 4))) + "。"


def make_page(rng: random.Random, n: int, target: int = 100_000) -> str:
    paras = "".join(f"<p>　　{''.join(sentence(rng) for _ in range(3))}</p>" for _ in range(22))
    links = "".join(f'<li><a href="/n2/2024/01{i % 28 + 1:02d}/c349771-{40000000 + n * 1000 + i}.html">{sentence(rng)[:18]}</a></li>'
                    for i in range(60))
    chrome = f'<div class="nav"><ul>{links}</ul></div>'
    script = "<script>var cfg = {" + ",".join(f'"k{i}": "{"x" * 40}"' for i in range(200)) + "};</script>"
    page = (f"<html><head><title>长春新区第{n}号项目开工--吉林频道--人民网</title>"
            f'<meta name="publishdate" content="2024-05-08">{script}</head><body>{chrome}'
            f'<div class="col col-1 fl"><h1>长春新区第{n}号项目开工</h1>'
            f'<div class="col-1-1 fl">2024年05月08日09:15 | 来源：<a href="/">人民网－吉林频道</a></div>'
            f'<div class="rm_txt_con cf" id="rm_txt_zw">{paras}<div class="edit">(责编：张三、李四)</div></div>'
            f'<div class="share">分享让更多人看到</div></div>'
            f'<div class="hot"><h2>热门排行</h2><ul>{links}</ul></div>')
    while len(page.encode("utf-8")) < target:
        page += f'<div class="footer-links"><ul>{links}</ul></div>'
    return page + "</body></html>"


def run(pages: list[str], url_of, with_keywords: bool, repeats: int = 5) -> tuple[float, float, float]:
    """(min, median, max) pages/s over ``repeats`` passes: the machine's speed drifts, so one
    pass can be off by a fifth either way; quote the median."""
    rates = []
    for _ in range(repeats):
        start = time.process_time()
        for i, html in enumerate(pages):
            article = parse_page(html, url_of(i), with_keywords=with_keywords)
            assert article.paragraphs and article.body, article.warnings
        rates.append(len(pages) / (time.process_time() - start))
    rates.sort()
    return rates[0], rates[len(rates) // 2], rates[-1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=100)
    ap.add_argument("--keywords", action="store_true", help="also time with jieba keywords")
    args = ap.parse_args()
    rng = random.Random(7)
    pages = [make_page(rng, n) for n in range(args.pages)]
    size = sum(len(p.encode("utf-8")) for p in pages) / len(pages)
    parse_page(pages[0], "http://jl.people.com.cn/n2/2024/0508/c349771-1.html")   # warm-up (jieba, caches)
    print(f"{len(pages)} pages, {size / 1000:.0f} KB average")
    people = lambda i: f"http://jl.people.com.cn/n2/2024/0508/c349771-{40800000 + i}.html"   # noqa: E731
    other = lambda i: f"http://www.example.org/news/2024-05/08/content_{i + 10}.html"   # noqa: E731
    for label, url_of in (("site parser (people)", people), ("generic parser", other)):
        print(f"{label:24s} parse+normalise: {_fmt(run(pages, url_of, False))}")
        if args.keywords:
            print(f"{label:24s} + keywords:      {_fmt(run(pages, url_of, True))}")


def _fmt(rates: tuple[float, float, float]) -> str:
    low, median, high = rates
    return f"{median:7.1f} pages/s median of 5 passes (min {low:.1f}, max {high:.1f})"


if __name__ == "__main__":
    main()
