"""`reviewer sweep` on the command line, and link checks of drafts (SSRF guard)."""
from __future__ import annotations

import asyncio
import json
import sys

from reviewer.document import Document, Link
from reviewer.engine import Engine
from reviewer.links.check import check_document_links

from .portal import Site

FIELDS = {"rule", "category", "severity", "uri", "part", "start", "end", "text", "excerpt", "message",
          "suggestion", "fingerprint"}


async def _cli(*args, cwd=None):
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "reviewer", *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        cwd=cwd)
    out, err = await proc.communicate()
    return proc.returncode, out.decode(), err.decode()


async def test_cli_jsonl_contract(portal: Site, tmp_path):
    code, out, err = await _cli("sweep", portal.base + "/", "--format", "jsonl", "--rules", "link",
                                "--state", str(tmp_path / "s.sqlite"), "--timeout", "1")
    assert code == 1, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines and all(set(d) == FIELDS for d in lines)
    dead = [d for d in lines if d["rule"] == "link.dead" and d["text"] == portal.base + "/missing.html"]
    assert dead and dead[0]["part"] == "link" and dead[0]["uri"] == portal.base + "/"
    assert "巡检完成" in err and "失效" in err


async def test_cli_output_file_text_and_fail_on(portal: Site, tmp_path):
    target = tmp_path / "report.txt"
    code, out, err = await _cli("sweep", portal.base + "/", "--rules", "link.fragment", "--output", str(target),
                                "--state", str(tmp_path / "s.sqlite"), "--fail-on", "critical", "--timeout", "1")
    assert code == 0, err
    assert out == "" and "#nowhere" in target.read_text(encoding="utf-8")


async def test_cli_bad_usage_exits_2(tmp_path):
    code, _, err = await _cli("sweep", "ftp://example/", "--state", str(tmp_path / "s.sqlite"))
    assert code == 2 and "无效的起始网址" in err and "Traceback" not in err
    code, _, err = await _cli("sweep", "http://127.0.0.1:9/", "--rules", "nope")
    assert code == 2 and "未知的规则" in err


def _draft(base: str) -> Document:
    links = [Link(href=base + "/missing.html", text="失效"), Link(href=base + "/final.html", text="正常"),
             Link(href="http://10.0.0.8/oa/", text="内网"), Link(href="mailto:ban@example.gov.cn", text="信箱")]
    return Document(uri="draft:test", kind="html", text="失效 正常 内网 信箱", links=links)


async def test_draft_links_to_private_addresses_are_not_fetched(portal: Site):
    findings = await check_document_links(_draft(portal.base), Engine(only=["link"]))
    assert {f.rule for f in findings} == {"link.internal-address"}
    assert {f.text for f in findings} == {portal.base + "/missing.html", portal.base + "/final.html",
                                          "http://10.0.0.8/oa/"}
    assert sum(portal.hits.values()) == 0                      # nothing was fetched from 127.0.0.1


async def test_draft_links_checked_when_network_allowed(portal: Site):
    findings = await check_document_links(_draft(portal.base), Engine(only=["link"]),
                                          allowed_networks=["127.0.0.0/8"])
    got = {(f.rule, f.text) for f in findings}
    assert ("link.dead", portal.base + "/missing.html") in got
    assert not any(t == portal.base + "/final.html" for _, t in got)
    assert ("link.internal-address", "http://10.0.0.8/oa/") in got
    assert portal.hits[("GET", "/missing.html")] >= 1


def _children(pid: int) -> set[int]:
    import os
    out = set()
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.add(int(d))
            except (OSError, ValueError, IndexError):
                pass
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


async def _sweep_until_busy(portal: Site, tmp_path):
    """A sweep with content workers, stopped while it waits on the portal's slow page."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "reviewer", "sweep", portal.base + "/", "--format", "jsonl", "--jobs", "1",
        "--timeout", "30", "--state", str(tmp_path / "s.sqlite"), stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    for _ in range(300):
        if portal.hits[("GET", "/slow")] and _children(proc.pid):
            break
        await asyncio.sleep(0.05)
    workers = _children(proc.pid)
    assert portal.hits[("GET", "/slow")] and workers
    return proc, workers


async def test_sigterm_stops_a_sweep_like_ctrl_c_and_takes_its_workers_along(portal: Site, tmp_path):
    import signal
    proc, workers = await _sweep_until_busy(portal, tmp_path)
    proc.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 130 and "--resume" in err.decode() and "Traceback" not in err.decode()
    for _ in range(50):         # the resource tracker notices its clients are gone a moment later
        if not any(_alive(w) for w in workers):
            break
        await asyncio.sleep(0.1)
    assert not any(_alive(w) for w in workers)


async def test_workers_of_a_killed_sweep_do_not_outlive_it(portal: Site, tmp_path):
    import signal
    import os
    proc, workers = await _sweep_until_busy(portal, tmp_path)
    proc.send_signal(signal.SIGKILL)
    for _ in range(60):                      # not proc.wait(): a surviving worker holds the pipes open
        if not any(_alive(w) for w in workers):
            break
        await asyncio.sleep(0.1)
    survivors = [w for w in workers if _alive(w)]
    for w in survivors:                      # leave nothing behind, then say what was wrong
        os.kill(w, signal.SIGKILL)
    await proc.wait()
    assert survivors == []
