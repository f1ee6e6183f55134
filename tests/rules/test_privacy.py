"""privacy rules beyond the fixtures: validators, tables and rosters, the row/number hand-off,
masking, shared analysis, and the clean samples."""
from __future__ import annotations

import logging
import random
import re
from datetime import date
from pathlib import Path

import pytest

from reviewer.document import Document, Table
from reviewer.engine import Context, Engine
from reviewer.masking import mask_all, mask_card, mask_id, mask_mobile, mask_passport
from reviewer.resources import data_dir
from reviewer.rules._pii import (analyse, card_issuer, id_check_char, is_mobile, is_name, luhn, regions,
                                 valid_id15, valid_id18, valid_uscc)

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 1, 1)
ID1 = "330824199001011230"          # 开化县, 1990-01-01
ID2 = "11010519491231002X"          # 朝阳区, check digit X
ID3 = "440306198506153219"


def _id(d17: str) -> str:
    return d17 + id_check_char(d17)


def run(text: str, only=("privacy",), tables=(), today=TODAY):
    doc = Document(uri="draft:t", kind="text", text=text, tables=list(tables))
    return Engine(only=list(only)).check(doc, Context(today=today))


def table_of(rows: list[list[str]], part: str = "Sheet1") -> tuple[str, Table]:
    """Lay rows out as doc.text (cells joined by tabs, rows by newlines) and the Table of spans."""
    text, spans = "", []
    for row in rows:
        cells = []
        for j, cell in enumerate(row):
            if j:
                text += "\t"
            cells.append((len(text), len(text) + len(cell)))
            text += cell
        spans.append(cells)
        text += "\n"
    return text, Table(part=part, rows=spans)


# ---------------------------------------------------------------- validators

def test_id_validator_matches_the_standard():
    assert valid_id18("360426199101010071", TODAY)           # python-stdnum's doc example
    assert valid_id18(ID1, TODAY) and valid_id18(ID2, TODAY) and valid_id18(ID2.lower(), TODAY)
    assert not valid_id18(ID1[:-1] + "2", TODAY)              # check digit
    assert not valid_id18(_id("99082419900101123"), TODAY)    # no such region
    assert not valid_id18(_id("33082419900230123"), TODAY)    # 2月30日
    assert not valid_id18(_id("33082418891231123"), TODAY)    # before 1900
    assert not valid_id18(_id("33082420260102123"), TODAY)    # born after "today"
    assert valid_id18(_id("33082420260102123"), date(2026, 1, 2))


def test_region_table_is_county_level_and_keeps_old_codes():
    r = regions()
    assert len(r) > 6000
    assert {"110103", "110104", "330824", "810000", "820000", "830000", "710000"} <= r
    assert "990824" not in r and "110199" not in r
    head = (data_dir("dictionaries") / "regions.txt").read_text(encoding="utf-8")[:600]
    assert "build_regions.py" in head and "python-stdnum" in head


def test_id15_needs_region_and_date():
    assert valid_id15("330824900101123", TODAY)
    assert not valid_id15("330824901301123", TODAY)
    assert not valid_id15("990824900101123", TODAY)


def test_uscc_check_character():
    assert valid_uscc("91350100M000100Y43")
    assert valid_uscc("91330824MA28F1234G")
    assert not valid_uscc("91330824MA28F1234H")
    assert not valid_uscc("91330824MA28F1234I")              # I is not in the alphabet


def test_luhn_and_issuers():
    assert luhn("6222026034704049611") and not luhn("6222026034704049612")
    assert luhn("4111111111111111")
    assert card_issuer("6222026034704049611") == "unionpay"
    assert card_issuer("4367241592066111") == "other"
    assert card_issuer("1234241592066118") is None


def test_mobile_prefixes():
    for ok in ("13012345678", "14512345678", "16612345678", "17012345678", "19912345678", "19212345678"):
        assert is_mobile(ok), ok
    for bad in ("14012345678", "14612345678", "15412345678", "16012345678", "17912345678", "19412345678",
                "12345678901"):
        assert not is_mobile(bad), bad


def test_names():
    for ok in ("张三", "欧阳娜娜", "王小明", "司马光", "阿依古丽·买买提"[:2]):
        assert is_name(ok), ok
    for bad in ("张*", "张某", "张某某", "高新区", "华埠镇", "开化县财政局", "身份证号", "Zhang"):
        assert not is_name(bad), bad


# ---------------------------------------------------------------- random noise stays quiet

def test_random_18_digit_numbers_rarely_pass():
    rng = random.Random(7)
    hits = 0
    for _ in range(20000):
        d = "".join(rng.choice("0123456789") for _ in range(18))
        hits += valid_id18(d, TODAY)
    assert hits <= 2        # measured shape+province+date+check: ~0.001 %


def test_numbers_in_running_text_of_a_statistics_report():
    text = ("2023年全县地区生产总值1234567万元，同比增长6.5%；财政收入98765432元。"
            "共发放补贴资金13812345元，惠及1380000户。项目总投资2013081234元。"
            "统计代码330824000000，邮编324300，电话0570-6012345，传真(0570)6012346。")
    assert run(text) == []


# ---------------------------------------------------------------- rosters and tables

def test_sheet_rows_are_one_finding_each_and_numbers_are_not_repeated():
    text, table = table_of([
        ["序号", "姓名", "身份证号码", "联系电话", "银行卡号"],
        ["1", "张三", ID1, "13812345678", "6222026034704049611"],
        ["2", "李四", ID2, "13987654321", ""],
        ["3", "王五", "", "15012345678", ""],
    ])
    found = run(text, tables=[table])
    rows = [f for f in found if f.rule == "privacy.personal-list"]
    assert len(rows) == 3 and {f.severity for f in rows} == {"critical"}
    assert [f.rule for f in found] == ["privacy.personal-list"] * 3     # nothing reported twice
    assert rows[0].suggestion == "1\t张*\t330824********1230\t138****5678\t6222***********9611"
    for f in rows:
        assert text[f.start:f.end] == f.text


def test_without_the_row_rule_numbers_are_reported_one_by_one():
    text, table = table_of([["姓名", "身份证号码", "电话"], ["张三", ID1, "13812345678"]])
    found = run(text, only=["privacy.id-card", "privacy.mobile"], tables=[table])
    assert sorted(f.rule for f in found) == ["privacy.id-card", "privacy.mobile"]
    found = run(text, only=["privacy.id-card", "privacy.personal-list"], tables=[table])
    assert [f.rule for f in found] == ["privacy.personal-list"]


def test_column_headers_give_context():
    # a 15-digit ID and a passport need a label: the column header is one
    text, table = table_of([["姓名", "身份证号", "护照号码", "电话"],
                            ["赵六", "330824900101123", "E12345678", ""],
                            ["钱七", "", "G12345678", ""]])
    found = run(text, tables=[table])
    assert [f.rule for f in found] == ["privacy.personal-list", "privacy.passport"]
    assert found[0].text.startswith("赵六") and "330824******123" in found[0].suggestion
    assert found[1].text == "G12345678"


def test_uncommon_surname_in_a_name_column():
    text, table = table_of([["姓名", "身份证号码"], ["乜小红", ID3]])
    found = run(text, tables=[table])
    assert [f.rule for f in found] == ["privacy.personal-list"]


def test_serial_columns_and_credit_codes_stay_clean():
    text, table = table_of([
        ["企业名称", "统一社会信用代码", "订单编号", "金额"],
        ["开化县某某有限公司", "510103195504160073", "110105202005120019", "1200"],
        ["某某合作社", "91330824MA28F1234G", "6222026034704049611", "800"],
    ])
    assert run(text, tables=[table]) == []


def test_masked_roster_in_a_table_is_clean():
    text, table = table_of([["姓名", "身份证号码", "联系电话"],
                            ["张*", "330824********1230", "138****5678"],
                            ["李某某", "110105 **** **** 002X", "139 **** 4321"]])
    assert run(text, tables=[table]) == []


def test_masked_name_with_an_unmasked_id_is_still_an_id_leak():
    text, table = table_of([["姓名", "身份证号码"], ["张*", ID1], ["李某", ID2]])
    found = run(text, tables=[table])
    assert [f.rule for f in found] == ["privacy.id-card", "privacy.id-card"]


def test_a_single_mobile_row_in_a_table_is_a_mobile_not_a_roster():
    text, table = table_of([["联系人", "联系电话"], ["张三", "13812345678"]])
    found = run(text, tables=[table])
    assert [(f.rule, f.severity) for f in found] == [("privacy.mobile", "major")]


def test_html_table_roster():
    from reviewer.extract import extract
    html = ("<html><head><title>补贴名单</title></head><body><table>"
            "<tr><th>序号</th><th>姓名</th><th>身份证号码</th><th>联系电话</th></tr>"
            f"<tr><td>1</td><td>张三</td><td>{ID1}</td><td>13812345678</td></tr>"
            f"<tr><td>2</td><td>李四</td><td>330824900101123</td><td>13987654321</td></tr>"
            "</table></body></html>")
    doc = extract(html.encode("utf-8"), "draft:t.html", "text/html; charset=utf-8")
    if not doc.tables:
        pytest.skip("HTML extractor gives no tables")
    found = Engine(only=["privacy"]).check(doc, Context(today=TODAY))
    assert [f.rule for f in found] == ["privacy.personal-list"] * 2
    assert found[1].suggestion.endswith("330824******123\t139****4321")


def test_plain_text_roster_with_header_and_numbering():
    text = ("2023年度困难群众救助资金发放名单\n"
            "序号 姓名 性别 身份证号码 联系电话 金额\n"
            f"1 张三 男 {ID1} 13812345678 1200\n"
            f"2 欧阳娜娜 女 {ID2} 13987654321 800\n"
            "合计 2000\n")
    found = run(text)
    assert [f.rule for f in found] == ["privacy.personal-list"] * 2
    assert found[1].suggestion == "2 欧*** 女 110105********002X 139****4321 800"


# ---------------------------------------------------------------- context and boundaries

@pytest.mark.parametrize("text", [
    f"详见http://www.example.gov.cn/art/{ID1}/index.html",
    f"详见 www.example.gov.cn/{ID1}",
    f"附件：P0202{ID1}.pdf",
    f"文件名 {ID1}.docx",
    f"下载地址 ftp://example.gov.cn/{ID1}",
    "链接 https://x.gov.cn/a?mobile=13812345678&b=1",
    f"编号：{ID1}",
    f"合同编号：{ID1}；案号：{ID3}",
    f"邮编{ID1[:6]}，电话0570-6012345",
])
def test_decoys(text):
    assert run(text) == []


def test_positive_label_closer_than_a_negative_one():
    found = run(f"订单编号：A001，收货人身份证号码：{ID1}")
    assert [f.rule for f in found] == ["privacy.id-card"]


def test_id_with_x_followed_by_letters_is_a_code():
    assert run(f"序列号 {ID2}AB") == []


def test_adjacent_numbers_in_one_line_are_split():
    found = run(f"{ID1} 13812345678 6222026034704049611", only=["privacy.id-card", "privacy.mobile",
                                                                 "privacy.bank-card"])
    assert [f.text for f in found] == [ID1, "13812345678", "6222026034704049611"]


def test_offsets_are_exact_with_full_width_and_mixed_text():
    text = "甲：１３８１２３４５６７８，乙：138-1234-5679。"
    found = run(text)
    assert [text[f.start:f.end] for f in found] == ["１３８１２３４５６７８", "138-1234-5679"]


# ---------------------------------------------------------------- masking and logs

def test_masking_helpers():
    assert mask_id(ID1) == "330824********1230"
    assert mask_id("330824900101123") == "330824******123"
    assert mask_id("110105 19491231 002X") == "110105********002X"
    assert mask_mobile("+86 138 1234 5678") == "+86 138****5678"
    assert mask_mobile("１３８１２３４５６７８") == "138****5678"
    assert mask_card("6217 2415 9206 6118") == "6217********6118"
    assert mask_passport("E12345678") == "E1234****"


def test_mask_all_leaves_no_raw_number():
    text = (f"张三 {ID1} 13812345678 6222026034704049611 护照E12345678 "
            "１３９１２３４５６７８ 33082419900101**** +86 138 1234 5678")
    masked = mask_all(text)
    for raw in (ID1, "13812345678", "6222026034704049611", "E12345678", "13912345678", "19900101",
                "1234 5678"):
        assert raw not in masked, raw


def test_findings_masked_for_export_and_no_logging(caplog):
    caplog.set_level(logging.DEBUG)
    text = f"申请人张三，身份证号码{ID1}，手机13812345678。"
    found = run(text)
    assert found
    for f in found:
        m = f.masked()
        assert ID1 not in m.text + m.excerpt and "13812345678" not in m.text + m.excerpt
    assert ID1 not in caplog.text and "13812345678" not in caplog.text


# ---------------------------------------------------------------- analysis sharing

def test_analysis_is_shared_and_keyed_by_document_and_day():
    doc = Document(uri="draft:a", kind="text", text=f"身份证号{_id('33082420250601123')}")
    a1 = analyse(doc, date(2025, 1, 1))
    assert analyse(doc, date(2025, 1, 1)) is a1 and a1.candidates == []
    assert [c.kind for c in analyse(doc, date(2025, 7, 1)).candidates] == ["id18"]
    other = Document(uri="draft:b", kind="text", text="无")
    assert analyse(other, date(2025, 7, 1)).candidates == []


def test_every_privacy_rule_has_a_chinese_message_and_docstring():
    eng = Engine(only=["privacy"])
    ids = {r.id for r in eng.rules}
    assert {"privacy.id-card", "privacy.mobile", "privacy.bank-card", "privacy.passport",
            "privacy.travel-permit", "privacy.personal-list", "privacy.id-mask-weak"} <= ids
    for r in eng.rules:
        assert re.search(r"[\u4e00-\u9fff]", r.message) and re.search(r"[\u4e00-\u9fff]", r.summary())
        assert "Why:" in r.__doc__ and "Example:" in r.__doc__


# ---------------------------------------------------------------- real documents

SAMPLES = sorted((ROOT / "demo" / "drafts").glob("*.txt")) or sorted(Path("/work/shared/samples").glob("*.txt"))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_samples_have_no_privacy_findings(path):
    from reviewer.extract import extract
    from reviewer.sources import read_path
    src = read_path(str(path))
    doc = extract(src.data, src.uri, src.content_type)
    assert Engine(only=["privacy"]).check(doc, Context()) == []


def test_id_with_a_typo_counts_in_a_roster_row_only():
    typo = "622224198808082617"          # region and date fine, check digit wrong, Luhn-valid
    assert run(f"编码 {typo}") == []
    found = run(f"张三 {typo} 13812345678")
    assert [f.rule for f in found] == ["privacy.personal-list"]
    assert found[0].suggestion == "张* 622224********2617 138****5678"


def test_contact_table_of_two_or_more_people_is_a_roster():
    text, table = table_of([["村名", "联系人", "联系电话"],
                            ["下村", "张三", "13812345678"],
                            ["上村", "李四", "13987654321"]])
    found = run(text, tables=[table])
    assert [f.rule for f in found] == ["privacy.personal-list"] * 2
    assert "手机号码" in found[0].message and "身份证" not in found[0].message


def test_slash_between_numbers_and_in_paths():
    assert [f.text for f in run("手机：13812345678/13987654321")] == ["13812345678", "13987654321"]
    assert run("见 /upload/2021/13812345678/index.html") == []


def test_amounts_are_not_numbers_of_people():
    assert run("总投资13812345678元，服务13812345678人次，1381234567890123456元") == []


def test_xlsx_roster_through_the_extractor():
    openpyxl = pytest.importorskip("openpyxl")
    import io

    from reviewer.extract import extract
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["2023年救助名单"])                        # a title row above the header
    ws.append(["序号", "姓名", "身份证号码", "联系电话"])
    ws.append([1, "张三", ID1, "13812345678"])
    ws.append([2, "李四", ID2, 13987654321])            # a phone stored as a number
    ws.append([3, "王五", "330824900101123", ""])       # a 15-digit ID under the ID header
    buf = io.BytesIO()
    wb.save(buf)
    doc = extract(buf.getvalue(), "draft:t.xlsx", None)
    if not doc.tables:
        pytest.skip("sheet extractor gives no tables")
    found = Engine(only=["privacy"]).check(doc, Context(today=TODAY))
    assert [f.rule for f in found] == ["privacy.personal-list"] * 3
    assert [f.part for f in found] == ["名单!A3", "名单!A4", "名单!A5"]
    assert found[2].suggestion == "3\t王*\t330824******123"


def test_mask_all_keeps_the_length():
    text = ("张三 110105 19491231 002X 电话 +86 138-1234-5678 卡 6222 0260 3470 4049 611 "
            "１３９１２３４５６７８ 旧号330824900101123 护照E12345678")
    masked = mask_all(text)
    assert len(masked) == len(text)
    assert "110105 ******** 002X" in masked and "+86 138-****-5678" in masked
    assert "6222 **** **** ***9 611" in masked and "139****5678" in masked
    assert "330824******123" in masked and "E1234****" in masked
