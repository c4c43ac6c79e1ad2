"""WARC archive: written before parsing, read back with no network, .part files survive a kill."""
from __future__ import annotations

import gzip
import shutil
from datetime import datetime, timedelta, timezone

import pytest

from test_fetch_support import FaultServer, Reply, make_source, write_site
from zonewatch.fetch import ArchiveReplay, Fetcher, MirrorServer, Politeness, WarcArchive, iter_archive, read_response

pytestmark = pytest.mark.slow

PAGE = "<html><head><meta charset=gb2312></head><body><p>长春新区 朱镕基</p></body></html>".encode("gb18030")


@pytest.fixture
def mirror(tmp_path):
    root = tmp_path / "mirror"
    write_site(root, "site.test", {
        "a.html": PAGE,
        "b.html": b"<html><body>b</body></html>",
        "c.html": b"<html><body>" + b"c" * 3000 + b"</body></html>",
        "old.html": {"status": 301, "headers": {"Location": "/a.html"}},
    })
    write_site(root, "other.test", {"x.html": b"<html>x</html>"})
    with MirrorServer(root) as server:
        yield server


def fetcher(mirror, archive, **kw) -> Fetcher:
    return Fetcher([make_source("site.test", encoding="gb18030"), make_source("other.test", id="other")],
                   archive=archive, mirror=mirror.base_url, delay_override=0, politeness=Politeness(), **kw)


def test_round_trip(mirror, tmp_path):
    root = tmp_path / "archive"
    with WarcArchive(root, "run-1") as archive, fetcher(mirror, archive) as f:
        result = f.fetch("http://site.test/a.html")
        part = archive.path.with_name(archive.path.name + ".part")
        assert part.exists() and not archive.path.exists()
    assert archive.path.exists() and not part.exists()
    assert archive.path.relative_to(root).parts[:2] == (f"{datetime.now(timezone.utc):%Y}", f"{datetime.now(timezone.utc):%m}")

    records = list(iter_archive(root))
    assert len(records) == 1
    rec = records[0]
    assert rec.url == "http://site.test/a.html" and rec.status == 200
    assert rec.content == result.content == PAGE
    assert (rec.warc_file, rec.offset, rec.record_id) == (result.warc_file, result.warc_offset, result.warc_record_id)
    assert abs(rec.fetched_at - result.fetched_at) < timedelta(milliseconds=1)
    assert rec.content_type == "text/html"
    assert read_response(root, result.warc_file, result.warc_offset).content == PAGE

    raw = gzip.decompress(archive.path.read_bytes()).decode("latin-1")
    assert "WARC-Target-URI: http://site.test/a.html" in raw and "127.0.0.1" not in raw.split("\r\n\r\n", 1)[1]
    assert "WARC-Payload-Digest: sha1:" in raw and "HTTP/1.1 200 OK" in raw


def test_every_hop_and_error_page_is_archived(mirror, tmp_path):
    root = tmp_path / "archive"
    with WarcArchive(root, "run-2") as archive, fetcher(mirror, archive, max_bytes=1000) as f:
        redirected = f.fetch("http://site.test/old.html")
        missing = f.fetch("http://site.test/missing.html")
        big = f.fetch("http://site.test/c.html")
    by_url = {r.url: r for r in iter_archive(root)}
    assert by_url["http://site.test/old.html"].status == 301
    assert by_url["http://site.test/a.html"].offset == redirected.warc_offset
    assert by_url["http://site.test/missing.html"].status == 404 and missing.warc_file
    assert big.error_kind == "too_large"
    assert by_url["http://site.test/c.html"].truncated == "length" and len(by_url["http://site.test/c.html"].content) == 1000


def test_filters_and_time_order(mirror, tmp_path):
    root = tmp_path / "archive"
    for run in ("run-a", "run-b"):
        with WarcArchive(root, run) as archive, fetcher(mirror, archive) as f:
            f.fetch("http://site.test/b.html")
            f.fetch("http://other.test/x.html")
    all_records = list(iter_archive(root))
    assert [r.fetched_at for r in all_records] == sorted(r.fetched_at for r in all_records)
    assert {r.url for r in iter_archive(root, hosts={"other.test"})} == {"http://other.test/x.html"}
    later = all_records[2].fetched_at
    assert len(list(iter_archive(root, since=later))) == 2


def test_part_file_with_a_cut_last_record(mirror, tmp_path):
    root = tmp_path / "archive"
    archive = WarcArchive(root, "killed")
    with fetcher(mirror, archive) as f:
        results = [f.fetch(f"http://site.test/{p}.html") for p in ("a", "b", "c")]
    part = archive.path.with_name(archive.path.name + ".part")
    data = part.read_bytes()
    archive.close()   # release the file; the copy below is the "killed run"
    copy_root = tmp_path / "copy"
    cut = copy_root / archive.path.relative_to(root).with_name(part.name)
    cut.parent.mkdir(parents=True)
    cut.write_bytes(data[: results[2].warc_offset + 40])
    records = list(iter_archive(copy_root))
    assert [r.url for r in records] == ["http://site.test/a.html", "http://site.test/b.html"]
    assert records[0].warc_file == results[0].warc_file   # final name, as the warehouse recorded it
    assert read_response(copy_root, results[1].warc_file, results[1].warc_offset).content == results[1].content


def test_replay_serves_the_archived_page(mirror, tmp_path):
    root = tmp_path / "archive"
    with WarcArchive(root, "run-r") as archive, fetcher(mirror, archive) as f:
        live = f.fetch("http://site.test/old.html")
    shutil.rmtree(tmp_path / "mirror")   # no network, no mirror: the archive alone
    replay = ArchiveReplay(root, sources=[make_source("site.test", encoding="gb18030")])
    again = replay.fetch("http://site.test/old.html")
    assert again.ok and again.text == live.text and again.encoding == live.encoding == "gb18030"
    assert again.final_url == "http://site.test/a.html"
    assert replay.urls() == ["http://site.test/a.html"]
    assert replay.fetch("http://site.test/never.html").error_kind == "not_archived"


def test_gzip_body_is_stored_decoded_with_the_wire_headers_renamed(tmp_path):
    page = "<html><body>长春</body></html>".encode()
    with FaultServer() as server:
        url = server.script("/z.html", Reply(body=gzip.compress(page),
                                             headers={"Content-Type": "text/html; charset=utf-8",
                                                      "Content-Encoding": "gzip"}))
        with WarcArchive(tmp_path, "gz") as archive, Fetcher([make_source("127.0.0.1")], archive=archive,
                                                             delay_override=0, politeness=Politeness()) as f:
            result = f.fetch(url)
    assert result.ok and result.content == page and "长春" in result.text
    (rec,) = iter_archive(tmp_path)
    assert rec.content == page and rec.headers["X-Archive-Orig-Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in rec.headers and rec.headers["Content-Length"] == str(len(page))
