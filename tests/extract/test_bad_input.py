"""Bad input through the real CLI: one line on stderr and exit 2, or an info finding; never a traceback."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from reviewer.extract.limits import MAX_INPUT_BYTES

ROOT = Path(__file__).resolve().parents[2]
EXE = ROOT / ".venv" / "bin" / "reviewer"
COMMAND = [str(EXE)] if EXE.exists() else [sys.executable, "-m", "reviewer"]


def reviewer(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*COMMAND, *args], input=stdin, capture_output=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def assert_one_line_error(r: subprocess.CompletedProcess, *needles: str) -> str:
    err = r.stderr.decode("utf-8", "replace")
    assert r.returncode == 2, (r.returncode, err)
    assert "Traceback" not in err and "Error:" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def _docx_bytes() -> bytes:
    import docx
    d = docx.Document()
    d.add_paragraph("关于做好政务公开工作的通知" * 20)
    b = io.BytesIO()
    d.save(b)
    return b.getvalue()


def _write(tmp_path: Path, name: str, data: bytes) -> str:
    p = tmp_path / name
    p.write_bytes(data)
    return str(p)


@pytest.mark.parametrize("name,data,needle", [
    ("empty.txt", b"", "内容为空"),
    ("blank.txt", b" \r\n\t\n", "内容为空"),
    ("random.bin", bytes(range(256)) * 20, "不是文本文件"),
    ("photo.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "图片"),
    ("legacy.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "WordDocument".encode("utf-16-le"),
     "另存为"),
    ("unknown.txt", "これは日本語のテキストです。東京都の情報公開について説明します。".encode("shift_jis"),
     "无法识别文本编码"),
    ("broken.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "无法读取 .pdf"),
    ("archive.zip", b"PK\x03\x04" + b"\x00" * 100, "损坏"),
])
def test_unreadable_files(tmp_path, name, data, needle):
    path = _write(tmp_path, name, data)
    line = assert_one_line_error(reviewer("check", path), needle)
    assert name in line                      # the user learns which file it was


def test_truncated_docx(tmp_path):
    data = _docx_bytes()
    path = _write(tmp_path, "draft.docx", data[: len(data) // 2])
    assert_one_line_error(reviewer("check", path), "无法读取 .docx", "损坏")


def test_zip_bomb_docx(tmp_path):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document>" + b" " * (50 << 20) + b"</w:document>")
    path = _write(tmp_path, "bomb.docx", b.getvalue())
    assert os.path.getsize(path) < 1 << 20
    assert_one_line_error(reviewer("check", path), "压缩炸弹")


def test_200_mb_file(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as f:                 # sparse: nothing is written to disk
        f.truncate(200 << 20)
    assert_one_line_error(reviewer("check", str(path)), "文件过大", "200 MB", f"{MAX_INPUT_BYTES >> 20} MB")


def test_missing_file_and_directory(tmp_path):
    assert_one_line_error(reviewer("check", str(tmp_path / "nope.txt")), "不存在")
    assert_one_line_error(reviewer("check", str(tmp_path)), "目录")


def test_empty_stdin():
    assert_one_line_error(reviewer("check", "-", stdin=b""), "内容为空")


def test_one_bad_file_among_good_ones(tmp_path):
    good = _write(tmp_path, "good.txt", "关于做好政务公开工作的通知。".encode())
    bad = _write(tmp_path, "bad.txt", b"")
    r = reviewer("check", good, bad, "--format", "jsonl")
    assert_one_line_error(r, "bad.txt")


# ---------------------------------------------------------------------------- partly readable

def _unreadable_findings(r: subprocess.CompletedProcess) -> list[dict]:
    err = r.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err
    findings = [json.loads(line) for line in r.stdout.decode().splitlines()]
    return [f for f in findings if f["rule"] == "format.unreadable"]


def test_truncated_utf8_text_is_an_info_finding(tmp_path):
    data = "关于做好政务公开工作的通知。各县市区人民政府。".encode()[:-1]
    r = reviewer("check", _write(tmp_path, "cut.txt", data), "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    (f,) = _unreadable_findings(r)
    assert f["severity"] == "info" and "utf-8" in f["message"]


def test_html_bomb_is_an_info_finding(tmp_path):
    html = b"<html><body><p>" + "正文".encode() + b"</p>" + b"<div>" * 50_000 + b"</body></html>"
    r = reviewer("check", _write(tmp_path, "deep.html", html), "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    (f,) = _unreadable_findings(r)
    assert "嵌套" in f["message"] and f["severity"] == "info"


def test_pdf_with_a_broken_page_is_an_info_finding(tmp_path):
    pytest.importorskip("reportlab")
    from reportlab.pdfgen import canvas
    b = io.BytesIO()
    c = canvas.Canvas(b, pageCompression=0)
    for i in range(3):
        c.drawString(72, 750, f"Page {i + 1}")
        c.showPage()
    c.save()
    data = b.getvalue()
    marker = b"/MediaBox [ 0 0 595.2756 841.8898 ]"
    second = data.index(marker, data.index(marker) + 1)
    data = data[:second] + b"/MediaBox [ 0 0 /x (y) ]".ljust(len(marker)) + data[second + len(marker):]
    r = reviewer("check", _write(tmp_path, "partly.pdf", data), "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    (f,) = _unreadable_findings(r)
    assert "第 2 页" in f["message"]
