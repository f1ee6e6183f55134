"""The review flow in a real browser: Playwright driving Debian's chromium (/usr/bin/chromium).

Log in as the submitter, paste a draft, see the ID number highlighted (masked) in place; log in as
the reviewer, dismiss that finding into the agency whitelist, approve. Saves the item page as
docs/screenshot-item.png for the README (when it is missing, or with REVIEWER_UPDATE_SCREENSHOT=1).
Without chromium the tests skip, unless CI is set.
"""
from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost"]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "docs" / "screenshot-item.png"
ID_NUMBER = "11010519491231002X"
PASSWORD = "correct-horse-1"
DRAFT = (
    "关于2024年度城乡居民最低生活保障对象的公示\n\n"
    "根据《城乡居民最低生活保障工作规程》，经本人申请、入户调查、民主评议，现将拟纳入保障对象公示如下：\n"
    f"申请人：张三，身份证号码：{ID_NUMBER}，联系电话：13912345678，住址：开化县华埠镇。\n"
    "家庭人口3人，月人均收入低于当地保障标准。公示时间：2024年2月30日至2024年3月6日。\n"
    "如有异议，请在公示期内向县民政局反映（（电话：0570-6012345）。\n"
)


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is required when CI is set (apt-get install -y chromium fonts-wqy-microhei)")
        pytest.skip(f"{CHROMIUM} not installed")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def live_server(web_app):
    from werkzeug.serving import make_server
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    srv = make_server("127.0.0.1", 0, web_app, threaded=True)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    t.join()


def _login(page, base, name):
    page.goto(base + "/login")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/queue")


def test_submit_highlight_whitelist_approve(browser, live_server, db_url, request, tmp_path):
    from playwright.sync_api import expect

    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 760})
    page = ctx.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # the submitter pastes a draft
    _login(page, live_server, "sub_a")
    page.get_by_role("link", name="提交文稿").click()
    page.get_by_label("标题（可选）").fill("最低生活保障对象公示")
    page.get_by_label("或粘贴文字").fill(DRAFT)
    page.get_by_role("button", name="提交送审").click()
    page.wait_for_url("**/items/*")
    item_url = page.url
    mark = page.locator("mark.cat-privacy", has_text="110105")
    expect(mark).to_have_text("110105********002X")       # highlighted in place, masked
    expect(page.locator("mark.cat-format")).to_have_count(2)
    expect(page.locator("#doc")).not_to_contain_text(ID_NUMBER)
    page.get_by_role("button", name="退出").click()

    # the reviewer opens it from the queue
    _login(page, live_server, "rev_a")
    page.locator("#queue").get_by_role("link", name="最低生活保障对象公示").click()
    page.wait_for_url(item_url)
    expect(page.locator("mark.cat-privacy", has_text="110105")).to_be_visible()
    # j moves to the first finding and outlines its mark
    page.keyboard.press("j")
    expect(page.locator(".finding.current")).to_have_count(1)
    # the README's screenshot is (re)written only when missing or asked for, so a test run leaves
    # the work tree clean; otherwise it goes to the test's temporary folder
    target = tmp_path / "item.png"
    if request.node.callspec.params.get("db_url") == "sqlite" and (
            not SCREENSHOT.exists() or os.environ.get("REVIEWER_UPDATE_SCREENSHOT")):
        target = SCREENSHOT
        SCREENSHOT.parent.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(target), full_page=False)
    assert target.stat().st_size > 10_000

    # the audited reveal shows the number once
    card = page.locator(".finding", has=page.locator(".rule", has_text="privacy.id-card"))
    card.get_by_role("button", name="显示原文").click()
    expect(card.locator("strong")).to_have_text(ID_NUMBER)

    # approval is refused while a critical finding is open
    page.get_by_role("button", name="通过（签发）").click()
    expect(page.locator(".flash.error")).to_contain_text("严重问题")

    # dismiss it into the agency whitelist, then approve
    card = page.locator(".finding", has=page.locator(".rule", has_text="privacy.id-card"))
    card.get_by_placeholder("排除原因").fill("公示所需，已取得本人同意")
    card.get_by_role("button", name="排除并加入本单位白名单").click()
    expect(page.locator(".flash.ok")).to_contain_text("加入本单位白名单")
    expect(page.locator(".finding", has=page.locator(".rule", has_text="privacy.id-card"))
           .locator(".status")).to_have_text("已排除")
    page.get_by_placeholder("审核意见（可选）").fill("同意发布")
    page.get_by_role("button", name="通过（签发）").click()
    expect(page.locator("h1 .status")).to_have_text("已通过")
    assert not [e for e in errors if "Content Security Policy" in e], errors
    ctx.close()


def test_keyboard_shortcuts_confirm_and_reject(browser, live_server, web_app):
    from playwright.sync_api import expect

    client = web_app.test_client()
    tok = web_app.config["TEST_TOKENS"]["sub_a"]
    r = client.post("/api/v1/submissions", json={"text": "机密★10年\n内部资料 注意保密\n"},
                    headers={"Authorization": f"Bearer {tok}"})
    item = r.get_json()["id"]
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 760})
    page = ctx.new_page()
    _login(page, live_server, "rev_a")
    page.goto(f"{live_server}/items/{item}")
    page.keyboard.press("j")
    page.keyboard.press("c")                                   # confirm the selected finding
    expect(page.locator(".flash.ok")).to_contain_text("已确认")
    page.keyboard.press("r")                                   # r focuses the reject reason
    page.keyboard.type("涉密文件不得公开")
    page.keyboard.press("Enter")
    expect(page.locator("h1 .status")).to_have_text("已退回")
    ctx.close()
