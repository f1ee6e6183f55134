"""`reviewer check` as a user runs it: formats, --rules, --fail-on, exit codes, stdin (the contract)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "demo" / "drafts").glob("*.txt"))
CONTRACT_FIELDS = {"rule", "category", "severity", "uri", "part", "start", "end", "text", "excerpt",
                   "message", "suggestion", "fingerprint"}
SECRET = "机密★10年\n关于印发某某工作方案的通知\n各乡镇：现将方案印发给你们。\n"


def reviewer(*args: str, stdin: str | bytes | None = None) -> subprocess.CompletedProcess:
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    return subprocess.run([sys.executable, "-m", "reviewer", *args], input=data, capture_output=True,
                          cwd=ROOT, env={**os.environ, "PYTHONIOENCODING": "utf-8"}, timeout=120)


def test_jsonl_prints_one_contract_finding_per_line(tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text(SECRET, encoding="utf-8")
    r = reviewer("check", str(draft), "--format", "jsonl")
    assert r.returncode == 1, r.stderr
    lines = r.stdout.decode().splitlines()
    assert lines, "no finding printed"
    findings = [json.loads(line) for line in lines]
    assert all(set(f) == CONTRACT_FIELDS for f in findings)
    mark = next(f for f in findings if f["rule"] == "secrecy.classification-mark")
    assert mark["text"] == "机密★10年" and mark["severity"] == "critical"
    assert SECRET[mark["start"]:mark["end"]] == mark["text"]
    assert mark["uri"] == str(draft)


def test_json_has_documents_and_summary(tmp_path):
    draft = tmp_path / "a.txt"
    draft.write_text(SECRET, encoding="utf-8")
    r = reviewer("check", str(draft), "--format", "json")
    body = json.loads(r.stdout)
    assert set(body) == {"documents", "summary"}
    doc = body["documents"][0]
    assert {"uri", "kind", "title", "findings"} <= set(doc) and doc["kind"] == "text"
    assert body["summary"]["findings"] == len(doc["findings"]) >= 1


def test_stdin_and_fail_on_threshold():
    clean = "各乡镇人民政府：现将有关事项通知如下。"
    assert reviewer("check", "-", stdin=clean).returncode == 0
    # a critical finding fails at the default threshold and at critical ...
    assert reviewer("check", "-", stdin=SECRET).returncode == 1
    assert reviewer("check", "-", "--fail-on", "critical", stdin=SECRET).returncode == 1


def test_rules_selects_categories_and_ids():
    only_format = reviewer("check", "-", "--rules", "format", "--format", "jsonl", stdin=SECRET)
    assert all(json.loads(l)["category"] == "format" for l in only_format.stdout.decode().splitlines())
    one = reviewer("check", "-", "--rules", "secrecy.classification-mark", "--format", "jsonl", stdin=SECRET)
    rules = {json.loads(l)["rule"] for l in one.stdout.decode().splitlines()}
    assert rules == {"secrecy.classification-mark"}


def test_unknown_rule_is_bad_usage():
    r = reviewer("check", "-", "--rules", "nonsense.rule", stdin="x")
    assert r.returncode == 2
    assert len(r.stderr.decode().strip().splitlines()) == 1 and b"Traceback" not in r.stderr


def test_missing_file_is_one_line_exit_2(tmp_path):
    r = reviewer("check", str(tmp_path / "nope.docx"))
    assert r.returncode == 2
    err = r.stderr.decode().strip().splitlines()
    assert len(err) == 1 and "不存在" in err[0]


def test_text_format_groups_by_document_with_suggestion(tmp_path):
    draft = tmp_path / "d.txt"
    draft.write_text(SECRET, encoding="utf-8")
    out = reviewer("check", str(draft)).stdout.decode()
    assert str(draft) in out and "机密★10年" in out and "严重" in out


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.name for p in SAMPLES])
def test_samples_raise_no_critical_finding(sample):
    r = reviewer("check", str(sample), "--format", "jsonl", "--fail-on", "critical")
    assert r.returncode == 0, r.stdout.decode()[:2000]
    for line in r.stdout.decode().splitlines():
        f = json.loads(line)
        assert f["category"] not in ("secrecy", "privacy", "tampering"), f


def test_rules_list_prints_every_rule_with_its_doc():
    from reviewer.engine import discover
    out = reviewer("rules", "list").stdout.decode()
    for rid, cls in discover().items():
        assert rid in out
        assert cls.summary(), f"{rid} has no one-line doc"


@pytest.fixture
def local_site():
    """A real HTTP server on 127.0.0.1 serving a GBK page with a classification mark, and a 404."""
    import http.server
    import threading

    page = ("<html><head><meta charset='gb2312'><title>关于防汛工作的通知</title></head>"
            "<body><p>机密★1年</p><p>各乡镇：请做好防汛工作。</p></body></html>").encode("gb18030")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/notice.html":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(page)
            else:
                self.send_error(404)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_check_url_fetches_decodes_and_checks(local_site):
    url = local_site + "/notice.html"
    r = reviewer("check", url, "--format", "jsonl", "--rules", "secrecy")
    assert r.returncode == 1, r.stderr.decode()
    f = json.loads(r.stdout.decode().splitlines()[0])
    assert f["uri"] == url and f["text"] == "机密★1年"


def test_check_url_that_is_dead_is_one_line_exit_2(local_site):
    r = reviewer("check", local_site + "/gone.html")
    assert r.returncode == 2
    err = r.stderr.decode().strip().splitlines()
    assert len(err) == 1 and "404" in err[0]
