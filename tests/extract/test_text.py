"""Plain text decoding (UTF-8, GBK/GB18030, Big5, UTF-16), offsets, dates and type sniffing."""
from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest

from reviewer.extract import ExtractError, extract, sniff
from reviewer.extract.dates import find_published_date, parse_date
from reviewer.extract.text import canonical_encoding, decode

SAMPLES = Path(__file__).resolve().parents[2] / "demo" / "drafts"
SIMPLIFIED = "关于进一步做好政务公开工作的通知。各县市区人民政府，市政府各部门：现将有关事项通知如下。"
TRADITIONAL = "關於進一步做好政務公開工作的通知。各縣市區人民政府，市政府各部門：現將有關事項通知如下。"


@pytest.mark.parametrize("encoding,expected", [("utf-8", "utf-8"), ("gbk", "gb18030"), ("gb18030", "gb18030"),
                                               ("gb2312", "gb18030")])
def test_simplified(encoding, expected):
    doc = extract(SIMPLIFIED.encode(encoding), "a.txt")
    assert (doc.kind, doc.text, doc.encoding) == ("text", SIMPLIFIED, expected)


@pytest.mark.parametrize("encoding,expected", [("big5", "big5hkscs"), ("gbk", "gb18030"), ("utf-8", "utf-8")])
def test_traditional_big5_and_gbk_told_apart(encoding, expected):
    # traditional characters exist in both GBK and Big5, and Big5 bytes are valid GBK bytes
    doc = extract(TRADITIONAL.encode(encoding), "a.txt")
    assert doc.text == TRADITIONAL
    assert doc.encoding == expected


@pytest.mark.parametrize("name", ["pingdingshan-natural-resources-traditional.txt",
                                  "yuzhou-standardization-report-traditional.txt",
                                  "kaihua-county-2021.txt", "louxing-district-2021.txt"])
@pytest.mark.parametrize("encoding", ["gbk", "big5"])
def test_real_samples_round_trip(name, encoding):
    original = (SAMPLES / name).read_text(encoding="utf-8")
    data = original.encode(encoding, errors="ignore")
    text, enc = decode(data)
    assert text == data.decode(encoding)
    assert canonical_encoding(encoding) == enc


def test_bom_utf8_and_utf16():
    assert extract(b"\xef\xbb\xbf" + SIMPLIFIED.encode(), "a.txt").text == SIMPLIFIED
    doc = extract(SIMPLIFIED.encode("utf-16"), "a.txt")
    assert doc.text == SIMPLIFIED and doc.encoding == "utf-16"


def test_declared_charset_from_content_type():
    doc = extract(TRADITIONAL.encode("big5"), "draft:1", "text/plain; charset=big5")
    assert doc.text == TRADITIONAL and doc.encoding == "big5hkscs"


def test_offsets_are_into_the_file_as_read():
    raw = "第一行\r\n\t第二行  身份证\r\n"
    doc = extract(raw.encode("gbk"), "a.txt")
    assert doc.text == raw                                # no newline or space normalisation
    assert doc.text.index("身份证") == raw.index("身份证")


def test_title_and_published_date():
    doc = extract("\n\n  关于开展检查的通知 \n发布日期：2021-04-29\n正文".encode(), "a.txt")
    assert doc.title == "关于开展检查的通知"
    assert doc.published == date(2021, 4, 29)


def test_truncated_utf8_is_read_with_a_problem():
    data = (SIMPLIFIED * 3).encode()[:-1]
    doc = extract(data, "a.txt")
    assert doc.text.endswith("\ufffd")
    assert doc.problems and "无法按 utf-8 解码" in doc.problems[0]


def test_damaged_gbk_is_read_with_a_problem():
    data = (SIMPLIFIED * 5).encode("gbk") + b"\xff" + (SIMPLIFIED * 5).encode("gbk")
    doc = extract(data, "a.txt")
    assert doc.encoding == "gb18030" and doc.text.count("\ufffd") == 1
    assert doc.problems


@pytest.mark.parametrize("data", [
    "これは日本語のテキストです。東京都の情報公開について説明します。".encode("shift_jis"),
    bytes(random.Random(3).choice(range(0xB0, 0xF8)) for _ in range(400)),
    bytes(random.Random(4).choice(range(0x80, 0x100)) for _ in range(400)),
])
def test_unknown_encoding_is_an_error(data):
    with pytest.raises(ExtractError, match="无法识别文本编码"):
        extract(data, "a.txt")


# ---------------------------------------------------------------------------- dates

@pytest.mark.parametrize("text,expected", [
    ("发布日期：2021-04-29", date(2021, 4, 29)),
    ("发布时间: 2021/04/29 10:30", date(2021, 4, 29)),
    ("成文日期：2021年4月29日", date(2021, 4, 29)),
    ("【发布时间】2020.1.5", date(2020, 1, 5)),
    ("发布日期：２０２１年４月２９日", date(2021, 4, 29)),
    ("發佈日期：2019年12月1日", date(2019, 12, 1)),
    ("信息来源：本站  发布日期：2021-02-30 发布时间：2021-03-01", date(2021, 3, 1)),
])
def test_find_published_date(text, expected):
    assert find_published_date(text) == expected


@pytest.mark.parametrize("text", ["2021年4月29日召开会议", "发布日期：", "发布日期：2021年13月1日", "",
                                  "发布了2021年工作要点"])
def test_no_published_date(text):
    assert find_published_date(text) is None


def test_parse_date():
    assert parse_date("2021-04-29T10:00:00+08:00") == date(2021, 4, 29)
    assert parse_date("2021年4月29日") == date(2021, 4, 29)
    assert parse_date("unknown") is None and parse_date(None) is None


# ---------------------------------------------------------------------------- sniffing

@pytest.mark.parametrize("data,uri,kind", [
    (b"%PDF-1.4\n...", "a.txt", "pdf"),
    (b"<!DOCTYPE html><html><body>x</body></html>", "a.txt", "html"),
    (b"  <!-- c --><div>x</div>", "draft:1", "html"),
    ("正文<p>不是网页</p>".encode(), "a.txt", "text"),
    ("正文".encode(), "a.html", "html"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "a.txt", "image"),
    (b"\x1f\x8b\x08\x00\x00", "a.txt", "archive"),
    (b"{\\rtf1\\ansi hello}", "a.doc", "rtf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le"), "a.txt", "doc"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le"), "a.bin", "xls"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"), "a.docx", "encrypted-office"),
    (b"\x00\x01\x02\x03binary", "a.txt", "binary"),
    ("纯文本".encode("utf-16"), "a.txt", "text"),
])
def test_sniff(data, uri, kind):
    assert sniff(data, uri) == kind
