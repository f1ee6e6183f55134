""".docx extraction: paragraphs, tables, headers/footers, text boxes, hyperlinks, damaged files."""
from __future__ import annotations

import io
import zipfile
from datetime import date

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from reviewer.extract import ExtractError, extract


def _hyperlink(paragraph, url: str, text: str) -> None:
    rid = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    h = OxmlElement("w:hyperlink")
    h.set(qn("r:id"), rid)
    r, t = OxmlElement("w:r"), OxmlElement("w:t")
    t.text = text
    r.append(t)
    h.append(r)
    paragraph._p.append(h)


def make_docx(title: str | None = None) -> bytes:
    d = docx.Document()
    if title:
        d.core_properties.title = title
    d.add_paragraph("关于做好2021年政务公开工作的通知")
    d.add_paragraph("")                                      # empty paragraphs still count
    p = d.add_paragraph("详见")
    _hyperlink(p, "http://www.gov.cn/", "中国政府网")
    p.add_run("。发布日期：2021年4月29日")
    t = d.add_table(rows=2, cols=3)
    for i, row in enumerate([["姓名", "身份证号", "电话"], ["张三", "110101199003071234", "13800000000"]]):
        for j, v in enumerate(row):
            t.cell(i, j).text = v
    d.add_paragraph("此页无正文")
    d.sections[0].header.paragraphs[0].text = "开化县人民政府办公室"
    d.sections[0].footer.paragraphs[0].text = "第 1 页"
    b = io.BytesIO()
    d.save(b)
    return b.getvalue()


def test_paragraphs_tables_headers_footers():
    doc = extract(make_docx(), "a.docx")
    assert doc.kind == "docx"
    assert doc.part_at(doc.text.index("关于做好")) == "paragraph 1"
    assert doc.part_at(doc.text.index("详见")) == "paragraph 3"
    assert doc.part_at(doc.text.index("此页无正文")) == "paragraph 4"
    assert doc.part_at(doc.text.index("110101")) == "table 1 row 2"
    assert doc.part_at(doc.text.index("开化县人民政府办公室")) == "header"
    assert doc.part_at(doc.text.index("第 1 页")) == "footer"
    assert "张三\t110101199003071234\t13800000000" in doc.text
    (table,) = doc.tables
    assert [[doc.text[s:e] for s, e in row] for row in table.rows] == [
        ["姓名", "身份证号", "电话"], ["张三", "110101199003071234", "13800000000"]]
    assert doc.title == "关于做好2021年政务公开工作的通知"
    assert doc.published == date(2021, 4, 29)


def test_title_from_core_properties():
    assert extract(make_docx(title="工作报告"), "a.docx").title == "工作报告"


def test_hyperlink_with_span():
    doc = extract(make_docx(), "a.docx")
    (link,) = doc.links
    assert (link.href, link.text) == ("http://www.gov.cn/", "中国政府网")
    assert doc.text[link.start:link.end] == "中国政府网"


def test_read_by_content_whatever_the_name():
    assert extract(make_docx(), "upload.txt").kind == "docx"
    assert extract(make_docx(), "draft:7").kind == "docx"


def test_merged_cells_read_once():
    d = docx.Document()
    t = d.add_table(rows=2, cols=3)
    t.cell(0, 0).merge(t.cell(0, 2)).text = "合并标题"
    t.cell(1, 0).text, t.cell(1, 1).text, t.cell(1, 2).text = "甲", "乙", "丙"
    b = io.BytesIO()
    d.save(b)
    doc = extract(b.getvalue(), "a.docx")
    assert doc.text.count("合并标题") == 1
    assert [[doc.text[s:e] for s, e in row] for row in doc.tables[0].rows] == [["合并标题"], ["甲", "乙", "丙"]]


def _zip(members: dict[str, bytes]) -> bytes:
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return b.getvalue()


def test_zip_bomb_refused_before_inflating():
    bomb = _zip({"[Content_Types].xml": b"<Types/>",
                 "word/document.xml": b"<w:document>" + b" " * (50 << 20) + b"</w:document>"})
    assert len(bomb) < 200_000
    with pytest.raises(ExtractError, match="压缩炸弹"):
        extract(bomb, "bomb.docx")


def test_truncated_docx():
    data = make_docx()
    with pytest.raises(ExtractError, match="损坏"):
        extract(data[: len(data) // 2], "a.docx")


def test_docx_with_broken_xml():
    good = zipfile.ZipFile(io.BytesIO(make_docx()))
    members = {n: good.read(n) for n in good.namelist()}
    members["word/document.xml"] = members["word/document.xml"][:300]
    with pytest.raises(ExtractError, match="无法读取 .docx：文件已损坏"):
        extract(_zip(members), "a.docx")


def test_docx_missing_main_part():
    with pytest.raises(ExtractError):
        extract(_zip({"[Content_Types].xml": b"<Types/>", "word/other.xml": b"<x/>"}), "a.docx")


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _append_xml(d, xml: str) -> None:
    """Insert raw WordprocessingML before the body's section properties."""
    from lxml import etree
    el = etree.fromstring(xml.replace(">", f" {W_NS}>", 1))
    d.element.body.insert(len(d.element.body) - 1, el)


def _save(d) -> bytes:
    b = io.BytesIO()
    d.save(b)
    return b.getvalue()


def test_tracked_changes_content_controls_and_fields():
    d = docx.Document()
    # a tracked insertion is shown, a tracked deletion is not
    _append_xml(d, '<w:p><w:r><w:t>原有</w:t></w:r><w:ins w:id="1" w:author="a"><w:r><w:t>插入文字</w:t></w:r></w:ins>'
                   '<w:del w:id="2" w:author="a"><w:r><w:delText>删除文字</w:delText></w:r></w:del></w:p>')
    # a body-level content control holding a paragraph, and an inline one
    _append_xml(d, '<w:sdt><w:sdtContent><w:p><w:r><w:t>控件段落</w:t></w:r></w:p></w:sdtContent></w:sdt>')
    _append_xml(d, '<w:p><w:sdt><w:sdtContent><w:r><w:t>行内控件</w:t></w:r></w:sdtContent></w:sdt></w:p>')
    # a HYPERLINK field: the code is not text, the URL is a link
    _append_xml(d, '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> HYPERLINK "http://x.example/" </w:instrText></w:r>'
                   '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>域链接</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    doc = extract(_save(d), "a.docx")
    assert "原有插入文字" in doc.text and "删除文字" not in doc.text
    assert doc.part_at(doc.text.index("控件段落")) == "paragraph 2"
    assert doc.part_at(doc.text.index("行内控件")) == "paragraph 3"
    assert "HYPERLINK" not in doc.text and "域链接" in doc.text
    assert "http://x.example/" in [link.href for link in doc.links]


def test_text_box_read_once():
    d = docx.Document()
    box = ('<w:txbxContent><w:p><w:r><w:t>文本框内容</w:t></w:r></w:p></w:txbxContent>')
    _append_xml(d, '<w:p><w:r><w:t>正文</w:t></w:r><w:r>'
                   '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
                   f'<mc:Choice Requires="wps"><w:drawing>{box}</w:drawing></mc:Choice>'
                   f'<mc:Fallback><w:pict>{box}</w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>')
    doc = extract(_save(d), "a.docx")
    assert doc.text.count("文本框内容") == 1
    assert doc.part_at(doc.text.index("文本框内容")) == "textbox"
    assert doc.part_at(doc.text.index("正文")) == "paragraph 1"


def test_comments_are_read():
    d = docx.Document()
    p = d.add_paragraph("正文一段")
    d.add_comment(p.runs, text="批注：此处电话需删除", author="审核人")
    doc = extract(_save(d), "a.docx")
    assert doc.part_at(doc.text.index("批注：此处电话需删除")) == "comment"


def test_footnotes_are_read():
    data = _save(docx.Document())
    src = zipfile.ZipFile(io.BytesIO(data))
    members = {n: src.read(n) for n in src.namelist()}
    members["word/footnotes.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:footnotes {W_NS}>'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:id="1"><w:p><w:r><w:t>脚注：数据来源于统计局</w:t></w:r></w:p></w:footnote></w:footnotes>').encode()
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                     b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>')
    members["word/_rels/document.xml.rels"] = members["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdFn" Type="http://schemas.openxmlformats.org/officeDocument/'
                             b'2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>')
    doc = extract(_zip(members), "a.docx")
    assert doc.part_at(doc.text.index("脚注：数据来源于统计局")) == "footnote"


def test_damaged_secondary_part_salvages_the_body():
    src = zipfile.ZipFile(io.BytesIO(make_docx()))
    members = {n: src.read(n) for n in src.namelist()}
    members["word/styles.xml"] = members["word/styles.xml"][:200]          # truncated XML
    doc = extract(_zip(members), "a.docx")
    assert "110101199003071234" in doc.text                             # the table is still read
    assert doc.part_at(doc.text.index("详见")) == "paragraph 3"
    assert doc.problems and "损坏" in doc.problems[0]
    assert "http://www.gov.cn/" in [link.href for link in doc.links]
