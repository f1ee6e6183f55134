"""Size limits for every input, and the one error type extraction raises."""

MAX_INPUT_BYTES = 100 << 20          # any single input (file, upload, fetched page)
MAX_TEXT_CHARS = 20_000_000          # extracted text of one document
MAX_UNZIPPED_BYTES = 300 << 20       # total uncompressed size of a .docx/.xlsx (zip bomb guard)
MAX_ZIP_RATIO = 200                  # compression ratio beyond which a zip member is a bomb
MAX_HTML_ELEMENTS = 500_000          # elements parsed from one HTML page (HTML bomb guard)
MAX_PDF_PAGES = 2_000


class ExtractError(Exception):
    """The input cannot be read; str(e) is a one-line message in Chinese for the user."""
MAX_ZIP_MEMBERS = 10_000             # entries in one .docx/.xlsx
MAX_SHEET_CELLS = 2_000_000          # non-empty cells read from one workbook


def check_zip(data: bytes, what: str):
    """Open an Office zip after checking its declared sizes: a zip bomb is refused before inflating.

    Python's zipfile never inflates a member past its declared size (it raises on the CRC), so
    checking the central directory bounds the memory any later reader can use.
    """
    import io
    import zipfile
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except Exception:            # BadZipFile, LargeZipFile, NotImplementedError, OSError ...
        raise ExtractError(f"无法读取 {what}：文件已损坏或不完整（不是有效的 zip 包）") from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ExtractError(f"无法读取 {what}：包含 {len(infos)} 个部件，超过上限 {MAX_ZIP_MEMBERS}，疑似压缩炸弹")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > (1 << 20) and ratio > MAX_ZIP_RATIO:
            raise ExtractError(f"无法读取 {what}：部件 {info.filename} 压缩比 {ratio:.0f}:1 异常，疑似压缩炸弹，已拒绝解压")
    if total > MAX_UNZIPPED_BYTES:
        raise ExtractError(f"无法读取 {what}：解压后 {total >> 20} MB，超过上限 {MAX_UNZIPPED_BYTES >> 20} MB，疑似压缩炸弹")
    return zf
