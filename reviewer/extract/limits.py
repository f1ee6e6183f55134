"""Size limits for every input, and the one error type extraction raises."""

MAX_INPUT_BYTES = 100 << 20          # any single input (file, upload, fetched page)
MAX_TEXT_CHARS = 20_000_000          # extracted text of one document
MAX_UNZIPPED_BYTES = 300 << 20       # total uncompressed size of a .docx/.xlsx (zip bomb guard)
MAX_ZIP_RATIO = 200                  # compression ratio beyond which a zip member is a bomb
MAX_HTML_ELEMENTS = 500_000          # elements parsed from one HTML page (HTML bomb guard)
MAX_PDF_PAGES = 2_000


class ExtractError(Exception):
    """The input cannot be read; str(e) is a one-line message in Chinese for the user."""
