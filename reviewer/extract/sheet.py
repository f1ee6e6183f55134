""".xlsx (openpyxl, read-only) and .xls (xlrd) -> Document: every sheet, every non-empty cell.

Each non-empty cell is a segment with the locator `Sheet1!C5`; the cells of a row are joined
with tabs and rows with newlines, so a row reads as a line. Each sheet is also a Table (rows of
cell spans) for rules that look at rows, such as a list of names with ID numbers.
"""
from __future__ import annotations

import io
import re
from datetime import date, datetime, time

from ..document import Document, Table
from .dates import find_published_date
from .limits import MAX_SHEET_CELLS, MAX_TEXT_CHARS, ExtractError, check_zip

_QUOTE = re.compile(r"[\s!'\"\-+(),;:&]")


def column_letter(c: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    s = ""
    c += 1
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s


def sheet_ref(name: str) -> str:
    """A sheet name as Excel writes it in a reference: quoted when it has spaces or punctuation."""
    return "'" + name.replace("'", "''") + "'" if _QUOTE.search(name) else name


def cell_text(v) -> str:
    """A cell value as a reader sees it: 13800000000 not 13800000000.0, dates without 00:00:00."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e21:
            return str(int(v))
        return repr(v)
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == time(0) else v.isoformat(sep=" ")
    if isinstance(v, (date, time)):
        return v.isoformat()
    return str(v)


class _SheetBuilder:
    def __init__(self, doc: Document):
        self.doc = doc
        self.pieces: list[str] = []
        self.pos = 0
        self.cells = 0
        self.full = False

    def sheet(self, name: str, rows) -> None:
        """rows: iterable of (row index 0-based, [(col index 0-based, text)])."""
        ref = sheet_ref(name)
        table = Table(part=ref)
        for r, cells in rows:
            spans = []
            first = True
            for c, text in cells:
                text = text.strip("\r\n")
                if not text.strip():
                    continue
                if self.cells >= MAX_SHEET_CELLS or self.pos > MAX_TEXT_CHARS:
                    self.full = True
                    break
                self.cells += 1
                sep = "\n" if first else "\t"
                self.pos = self.doc.add_segment(text, f"{ref}!{column_letter(c)}{r + 1}", self.pieces, self.pos, sep)
                spans.append((self.pos - len(text), self.pos))
                first = False
            if spans:
                table.rows.append(spans)
            if self.full:
                break
        if table.rows:
            self.doc.tables.append(table)

    def finish(self, names: list[str]) -> Document:
        doc = self.doc
        if self.full:
            doc.problems.append(f"表格内容超过上限（{MAX_SHEET_CELLS} 个单元格或 {MAX_TEXT_CHARS} 字），其后的单元格未检查")
        doc.text = "".join(self.pieces)
        doc.meta["sheets"] = "，".join(names)
        doc.title = names[0] if len(names) == 1 else None
        doc.published = find_published_date(doc.text[:5000])
        return doc


def extract_sheet(data: bytes, uri: str, kind: str) -> Document:
    return _xlsx(data, uri) if kind == "xlsx" else _xls(data, uri)


def _xlsx(data: bytes, uri: str) -> Document:
    check_zip(data, ".xlsx")
    import openpyxl
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:          # BadZipFile, KeyError, XML errors, InvalidFileException ...
        raise ExtractError("无法读取 .xlsx：文件已损坏或不完整，请用 Excel 打开后重新保存") from e
    doc = Document(uri=uri, kind="xlsx")
    b = _SheetBuilder(doc)
    names = []
    try:
        for ws in wb.worksheets:
            names.append(ws.title)
            if b.full:
                break
            try:
                b.sheet(ws.title, _xlsx_rows(ws))
            except Exception as e:
                doc.problems.append(f"工作表 {ws.title} 无法完整读取（{type(e).__name__}），其余内容已检查")
    finally:
        wb.close()
    return b.finish(names)


def _xlsx_rows(ws):
    for row in ws.iter_rows():
        cells = []
        r = None
        for cell in row:
            v = getattr(cell, "value", None)
            if v is None:
                continue
            r = cell.row - 1
            cells.append((cell.column - 1, cell_text(v)))
        if cells:
            yield r, cells


def _xls(data: bytes, uri: str) -> Document:
    import xlrd
    try:
        wb = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
    except xlrd.XLRDError as e:
        if "encrypt" in str(e).lower():
            raise ExtractError("无法读取 .xls：文件已加密，请取消密码后重试") from None
        raise ExtractError("无法读取 .xls：文件已损坏或不是 Excel 97-2003 工作簿") from None
    except Exception:            # CompDocError, struct.error, IndexError ... on a damaged file
        raise ExtractError("无法读取 .xls：文件已损坏或不完整，请用 Excel 打开后重新保存") from None
    doc = Document(uri=uri, kind="xls")
    b = _SheetBuilder(doc)
    names = wb.sheet_names()
    try:
        for i, name in enumerate(names):
            if b.full:
                break
            try:
                sh = wb.sheet_by_index(i)
                b.sheet(name, _xls_rows(sh, wb.datemode))
                wb.unload_sheet(i)
            except Exception as e:
                doc.problems.append(f"工作表 {name} 无法完整读取（{type(e).__name__}），其余内容已检查")
    finally:
        wb.release_resources()
    return b.finish(names)


def _xls_rows(sh, datemode: int):
    import xlrd
    for r in range(sh.nrows):
        cells = []
        for c, cell in enumerate(sh.row(r)):
            t = cell.ctype
            if t in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                continue
            v = cell.value
            if t == xlrd.XL_CELL_DATE:
                try:
                    v = xlrd.xldate_as_datetime(v, datemode)
                except Exception:
                    pass
            elif t == xlrd.XL_CELL_BOOLEAN:
                v = bool(v)
            cells.append((c, cell_text(v)))
        if cells:
            yield r, cells
