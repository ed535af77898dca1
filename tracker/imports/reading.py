"""Reading an uploaded CSV file with the import's settings (Python's csv module), and refusing what is not
one, with a message the user can act on: empty, too large, not text, not in the chosen encoding, broken
quoting, too many rows."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from tracker.core.translation import gettext as _
from tracker.core.translation import lazy_gettext as _l

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
ENCODINGS = {"UTF-8": "utf-8-sig", "CP932": "cp932"}  # Redmine's names -> Python's codecs
SEPARATORS = {",": _l("Comma"), ";": _l("Semicolon"), "\t": _l("Tab")}
WRAPPERS = {'"': _l("Double quote"), "'": _l("Single quote")}
DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y"]
DEFAULT_SETTINGS = {"separator": ",", "wrapper": '"', "encoding": "UTF-8", "date_format": "%Y-%m-%d"}


class UnreadableFile(ValueError):
    """The file cannot be imported as it is; the message says why, in the user's language."""


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]  # the data rows (the header excluded), each as long as the header


def check_upload(data: bytes) -> None:
    if not data:
        raise UnreadableFile(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise UnreadableFile(_("The file is too large (at most %(size)s MB).", size=MAX_BYTES // (1024 * 1024)))
    if b"\x00" in data[:4096]:
        raise UnreadableFile(_("This is not a CSV file (it contains binary data). Save the sheet as CSV and upload that."))


def guess_settings(data: bytes) -> dict:
    """Settings for a file that was just uploaded: its encoding (UTF-8 when it reads as UTF-8, else Shift_JIS as
    Redmine and Excel in Japanese write it) and its separator (csv.Sniffer on the first lines)."""
    settings = dict(DEFAULT_SETTINGS)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        settings["encoding"] = "CP932"
        text = data.decode("cp932", errors="replace")
    sample = "\n".join(text.splitlines()[:20])
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        if dialect.delimiter in SEPARATORS:
            settings["separator"] = dialect.delimiter
        if dialect.quotechar in WRAPPERS:
            settings["wrapper"] = dialect.quotechar
    except csv.Error:
        pass
    if any(cell.strip().count("/") == 2 and cell.strip()[:4].isdigit()  # Excel in Japanese writes 2026/04/01
           for line in text.splitlines()[1:6] for cell in line.split(settings["separator"])):
        settings["date_format"] = "%Y/%m/%d"
    return settings


def read(data: bytes, settings: dict) -> Table:
    check_upload(data)
    encoding = settings.get("encoding", "UTF-8")
    try:
        text = data.decode(ENCODINGS.get(encoding, "utf-8-sig"))
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UnreadableFile(_("The file is not in %(encoding)s (line %(line)s). Choose the file's encoding in the "
                               "settings: Excel in Japanese saves CSV as Shift_JIS (CP932).",
                               encoding=encoding, line=line)) from None
    separator = settings.get("separator", ",")
    wrapper = settings.get("wrapper", '"')
    try:
        lines = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=separator, quotechar=wrapper,
                                           strict=True) if any(cell.strip() for cell in row)]
    except csv.Error as error:
        raise UnreadableFile(_("The file could not be read as CSV: %(reason)s. Check the separator and the "
                               "field wrapper.", reason=str(error))) from None
    if not lines:
        raise UnreadableFile(_("The file is empty."))
    header = [cell.strip() for cell in lines[0]]
    rows = lines[1:]
    if not rows:
        raise UnreadableFile(_("The file has a header line but no rows to import."))
    if len(rows) > MAX_ROWS:
        raise UnreadableFile(_("The file has %(count)s rows; at most %(max)s can be imported at once. Split it.",
                               count=len(rows), max=MAX_ROWS))
    if len(header) == 1 and separator not in lines[0][0] and any(s in lines[0][0] for s in SEPARATORS if s != separator):
        raise UnreadableFile(_("The file has only one column: is the separator right?"))
    width = len(header)
    return Table(header, [(row + [""] * width)[:width] for row in rows])
