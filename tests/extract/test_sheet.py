""".xlsx (openpyxl) and .xls (xlrd; fixtures written with xlwt) extraction: every sheet and cell."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from reviewer.extract import ExtractError, extract
from reviewer.extract.sheet import column_letter, sheet_ref


def make_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["姓名", "身份证号", "电话", "日期"])
    ws.append(["张三", "110101199003071234", 13800000000, dt.datetime(2021, 4, 29)])
    ws["C5"] = "孤立单元格"
    ws2 = wb.create_sheet("My Sheet")
    ws2["B2"] = 3.5
    ws2["AA10"] = "远处"
    b = io.BytesIO()
    wb.save(b)
    return b.getvalue()


def make_xls() -> bytes:
    xlwt = pytest.importorskip("xlwt")
    wb = xlwt.Workbook(encoding="utf-8")
    s = wb.add_sheet("表一")
    s.write(0, 0, "姓名")
    s.write(0, 1, "电话")
    s.write(1, 0, "李四")
    s.write(1, 1, 13900000000)
    s.write(2, 0, dt.date(2021, 4, 29), xlwt.easyxf(num_format_str="YYYY-MM-DD"))
    s.write(4, 2, "孤立单元格")
    wb.add_sheet("空表")
    s3 = wb.add_sheet("表三")
    s3.write(0, 0, "第三张")
    b = io.BytesIO()
    wb.save(b)
    return b.getvalue()


def cells(doc, table):
    return [[doc.text[s:e] for s, e in row] for row in table.rows]


def test_xlsx_cells_locators_and_tables():
    doc = extract(make_xlsx(), "a.xlsx")
    assert doc.kind == "xlsx"
    assert doc.text.startswith("姓名\t身份证号\t电话\t日期\n张三\t110101199003071234\t13800000000\t2021-04-29\n孤立单元格")
    assert doc.part_at(doc.text.index("110101")) == "名单!B2"
    assert doc.part_at(doc.text.index("13800000000")) == "名单!C2"      # a number, shown without .0
    assert doc.part_at(doc.text.index("孤立")) == "名单!C5"
    assert doc.part_at(doc.text.index("3.5")) == "'My Sheet'!B2"
    assert doc.part_at(doc.text.index("远处")) == "'My Sheet'!AA10"
    names = [t.part for t in doc.tables]
    assert names == ["名单", "'My Sheet'"]
    assert cells(doc, doc.tables[0])[1] == ["张三", "110101199003071234", "13800000000", "2021-04-29"]
    assert doc.meta["sheets"] == "名单，My Sheet"


def test_xlsx_by_content():
    assert extract(make_xlsx(), "report.txt").kind == "xlsx"


def test_xls_every_sheet():
    doc = extract(make_xls(), "a.xls")
    assert doc.kind == "xls"
    assert doc.part_at(doc.text.index("13900000000")) == "表一!B2"
    assert doc.part_at(doc.text.index("2021-04-29")) == "表一!A3"
    assert doc.part_at(doc.text.index("孤立")) == "表一!C5"
    assert doc.part_at(doc.text.index("第三张")) == "表三!A1"
    assert cells(doc, doc.tables[0])[:2] == [["姓名", "电话"], ["李四", "13900000000"]]
    assert extract(make_xls(), "upload.bin").kind == "xls"


def test_truncated_xls_and_xlsx():
    xls = make_xls()
    with pytest.raises(ExtractError, match="xls"):
        extract(xls[:3000], "a.xls")
    xlsx = make_xlsx()
    with pytest.raises(ExtractError, match="损坏"):
        extract(xlsx[: len(xlsx) // 2], "a.xlsx")


def test_xlsx_zip_bomb():
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<a>" + b"0" * (40 << 20) + b"</a>")
    with pytest.raises(ExtractError, match="压缩炸弹"):
        extract(b.getvalue(), "bomb.xlsx")


def test_helpers():
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    assert sheet_ref("Sheet1") == "Sheet1" and sheet_ref("名单") == "名单"
    assert sheet_ref("My Sheet") == "'My Sheet'" and sheet_ref("it's") == "'it''s'"
