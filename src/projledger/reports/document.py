"""The one 公文 builder: Word documents in the shape of GB/T 9704 (SPEC §13).

The 通报 (``report monthly --docx``), the quarterly/half-year/annual summaries, and the
meeting papers (agendas, 纪要, letters) are all filled through :class:`OfficialDocument`, so
the look of a county office's paper — page, fonts, title, body, tables, page numbers,
signature — is decided here once:

- A4, margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm right (版心 156 × 225 mm).
- Optional 文号 line (发文字号) centred above a red separator line, then the title in
  方正小标宋简体 二号 (22 pt), centred.
- Body in 仿宋_GB2312 三号 (16 pt), fixed 28 pt line spacing, first line indented two
  characters; headings 一、 in 黑体 and （一） in 楷体_GB2312, same size and spacing.
- Tables in a small 仿宋_GB2312 (10.5 pt by default), single borders, the header row bold and
  repeated on every page; numbers are formatted by the caller (the same figures as the Excel).
- Page numbers ``— 1 —`` in the footer, 宋体 四号, through a PAGE field, so Word, WPS and
  LibreOffice fill them in.
- The issuing office and the date at the end, right-aligned, two characters in from the margin.

Fonts are named in both ``w:ascii``/``w:hAnsi`` and ``w:eastAsia`` of ``w:rFonts`` — Word and
WPS take the Chinese face from ``w:eastAsia`` only.  Where a face is missing on a machine the
office suite substitutes one; the document still opens.

Text from outside (project names, problems, unit names) is only ever set as run text —
python-docx escapes it — after removing characters XML 1.0 forbids (they would make
python-docx refuse the string, or make an unreadable file).  :meth:`OfficialDocument.save`
writes to a temporary file beside the target and renames it into place.

python-docx is imported inside this module only; import this module inside commands.
"""

from __future__ import annotations

import datetime as dt
import re
from copy import deepcopy
from collections.abc import Iterable, Sequence
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import _Cell
from docx.shared import Mm, Pt, RGBColor

from projledger.text import clean_cell

__all__ = [
    "OfficialDocument", "TITLE_FONT", "BODY_FONT", "HEADING1_FONT", "HEADING2_FONT",
    "PAGE_NUMBER_FONT", "TABLE_FONT", "BODY_SIZE", "TITLE_SIZE", "LINE_SPACING", "cn_date",
    "plain_text", "check_destination",
]

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
TABLE_FONT = "仿宋_GB2312"

TITLE_SIZE = Pt(22)   # 二号
BODY_SIZE = Pt(16)    # 三号
PAGE_NUMBER_SIZE = Pt(14)  # 四号
TABLE_SIZE = Pt(10.5)  # 五号
LINE_SPACING = Pt(28)
TITLE_LINE_SPACING = Pt(35)

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
TEXT_WIDTH_MM = 210 - 28 - 26  # 156 mm
RED = RGBColor(0xC0, 0x00, 0x00)

# XML 1.0 allows tab, LF, CR and everything from U+0020 except surrogates and U+FFFE/U+FFFF.
# projledger.text.clean_cell (the shared cleaner for text from sheets) runs first; this guard is
# what XML itself needs on top of it (surrogates, U+FFFE/U+FFFF), so no string can break a document.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "right": WD_ALIGN_PARAGRAPH.RIGHT, None: WD_ALIGN_PARAGRAPH.LEFT}


def plain_text(value: object) -> str:
    """Anything → text safe to put in a Word run (``None`` → empty)."""
    if value is None:
        return ""
    text = clean_cell(value if isinstance(value, str) else str(value))
    return _XML_FORBIDDEN.sub("", text)


def cn_date(day: dt.date) -> str:
    """``2026年11月3日`` — how a 公文 writes its date (Arabic digits, no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def _set_fonts(target, face: str, size: Pt | None = None, *, bold: bool | None = None) -> None:
    """Name ``face`` for Latin and East Asian text of a run or style (``w:eastAsia`` too)."""
    font = target.font
    font.name = face
    if size is not None:
        font.size = size
    if bold is not None:
        font.bold = bold
    element = target._r if hasattr(target, "_r") else target.element
    r_pr = element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), face)
    fonts.set(qn("w:hint"), "eastAsia")


def _exact_spacing(paragraph_format, spacing: Pt) -> None:
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = spacing
    paragraph_format.space_before = Pt(0)
    paragraph_format.space_after = Pt(0)


def _indent_chars(paragraph, chars: int, size: Pt = BODY_SIZE) -> None:
    """First-line indent of ``chars`` characters: in points for every suite, and as
    ``w:firstLineChars`` so Word keeps two characters if the font size changes."""
    paragraph.paragraph_format.first_line_indent = Pt(size.pt * chars)
    ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
    if ind is not None:
        ind.set(qn("w:firstLineChars"), str(chars * 100))


class OfficialDocument:
    """A 公文 being written: add parts in reading order, then :meth:`save`.

    ``doc = OfficialDocument("关于2026年10月重大项目推进情况的通报", doc_number="泾发改〔2026〕12号")``
    """

    def __init__(self, title: str, doc_number: str | None = None, *, subtitle: str | None = None) -> None:
        self.document = Document()
        self.title = plain_text(title)
        self._setup_page(self.document.sections[0])
        self._setup_styles()
        self._page_number_footer(self.document.sections[0])
        core = self.document.core_properties
        core.title = self.title
        core.author = ""
        core.comments = ""
        if doc_number:
            self._doc_number(plain_text(doc_number))
        self._title(self.title)
        if subtitle:
            self._subtitle(plain_text(subtitle))
        self._blank_line()

    # ------------------------------------------------------------ page and styles

    @staticmethod
    def _setup_page(section) -> None:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
        section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
        section.header_distance = Mm(15)
        section.footer_distance = Mm(25)  # GB/T 9704: 页码 sits about 7 mm under the 版心

    def _setup_styles(self) -> None:
        normal = self.document.styles["Normal"]
        _set_fonts(normal, BODY_FONT, BODY_SIZE)
        _exact_spacing(normal.paragraph_format, LINE_SPACING)
        normal.paragraph_format.widow_control = False  # 公文 lines fill the page; no orphan gaps
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
        normal.element.get_or_add_rPr().append(lang)

    def _page_number_footer(self, section) -> None:
        """``— N —`` centred: an em-dash pair around a PAGE field."""
        footer = section.footer
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.first_line_indent = Pt(0)
        _exact_spacing(paragraph.paragraph_format, Pt(18))
        self._run(paragraph, "— ", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
        self._field(paragraph, "PAGE", "1")
        self._run(paragraph, " —", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)

    def _field(self, paragraph, instruction: str, shown: str) -> None:
        """A complex field (begin / instrText / separate / shown text / end)."""
        def fld_char(kind: str):
            run = self._run(paragraph, "", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)

        fld_char("begin")
        run = self._run(paragraph, "", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = f" {instruction} "
        run._r.append(instr)
        fld_char("separate")
        self._run(paragraph, shown, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
        fld_char("end")

    @staticmethod
    def _run(paragraph, text: str, face: str, size: Pt, *, bold: bool = False, color: RGBColor | None = None):
        run = paragraph.add_run(text)
        _set_fonts(run, face, size, bold=bold)
        if color is not None:
            run.font.color.rgb = color
        return run

    def _paragraph(self, text: str, face: str = BODY_FONT, size: Pt = BODY_SIZE, *,
                   align: str | None = None, indent: int = 2, spacing: Pt = LINE_SPACING,
                   bold: bool = False):
        paragraph = self.document.add_paragraph()
        paragraph.alignment = _ALIGN[align] if align else WD_ALIGN_PARAGRAPH.JUSTIFY
        _exact_spacing(paragraph.paragraph_format, spacing)
        if indent:
            _indent_chars(paragraph, indent, size)
        else:
            paragraph.paragraph_format.first_line_indent = Pt(0)
        if text:
            self._run(paragraph, text, face, size, bold=bold)
        return paragraph

    # ------------------------------------------------------------ head

    def _doc_number(self, number: str) -> None:
        paragraph = self._paragraph(number, align="center", indent=0)
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "8"), ("w:color", "C00000")):
            bottom.set(qn(key), value)
        borders.append(bottom)
        paragraph._p.get_or_add_pPr().append(borders)  # the red 版头 separator line
        self._blank_line()

    def _title(self, title: str) -> None:
        for line in title.split("\n"):
            self._paragraph(line, TITLE_FONT, TITLE_SIZE, align="center", indent=0,
                            spacing=TITLE_LINE_SPACING)

    def _subtitle(self, text: str) -> None:
        self._paragraph(text, HEADING2_FONT, BODY_SIZE, align="center", indent=0)

    def _blank_line(self) -> None:
        self._paragraph("", indent=0)

    # ------------------------------------------------------------ body

    def heading(self, text: str, level: int = 1) -> None:
        """``一、…`` (level 1, 黑体) or ``（一）…`` (level 2, 楷体_GB2312); the caller numbers them."""
        if level not in (1, 2):
            raise ValueError("heading level must be 1 or 2")
        face = HEADING1_FONT if level == 1 else HEADING2_FONT
        paragraph = self._paragraph(plain_text(text), face)
        paragraph.paragraph_format.keep_with_next = True

    def paragraph(self, text: str) -> None:
        """A body paragraph; line breaks in ``text`` start new paragraphs."""
        for line in plain_text(text).split("\n"):
            if line.strip():
                self._paragraph(line)

    def addressee(self, text: str) -> None:
        """主送机关: flush left, body font (``各乡镇（街道）、县直有关部门：``)."""
        self._paragraph(plain_text(text), indent=0, align="left")

    def note(self, text: str) -> None:
        """A small unindented line under a table (说明, 单位)."""
        self._paragraph(plain_text(text), TABLE_FONT, Pt(12), indent=0, spacing=Pt(20), align="left")

    def table(self, headers: Sequence[str], rows: Iterable[Sequence[object]], widths: Sequence[float] | None = None,
              align: Sequence[str | None] | None = None, *, font_size: float = 10.5,
              caption: str | None = None, bold_rows: Iterable[int] = ()) -> None:
        """A bordered table over the text width, header row repeated on every page.

        ``widths`` are relative (scaled to the 156 mm text width); ``align`` per column
        ``"left"|"center"|"right"`` (numbers right, names left, by default centred headers).
        Cells are written as text: format numbers before passing them.
        """
        if caption:  # kept with the table's first row, never alone at the foot of a page
            self._paragraph(plain_text(caption), HEADING1_FONT, Pt(14), align="center", indent=0,
                            spacing=Pt(24)).paragraph_format.keep_with_next = True
        rows = [list(r) for r in rows]
        columns = len(headers)
        size = Pt(font_size)
        table = self.document.add_table(rows=1 + len(rows), cols=columns)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _table_borders(table)
        col_widths = _column_widths(columns, widths)
        bold = set(bold_rows)
        alignments = list(align) if align else [None] * columns
        templates: dict[tuple[int, bool], object] = {}
        # Rows and cells straight from the XML (python-docx's ``table.rows[r].cells`` walks the
        # whole table each time), and every cell after the first of its kind a copy of that
        # formatted cell with its text replaced: a table of thousands of rows in seconds.
        for r, (tr, values) in enumerate(zip(table._tbl.tr_lst, [list(headers)] + rows)):
            is_header = r == 0
            strong = (r - 1) in bold and not is_header
            for c, tc in enumerate(list(tr.tc_lst)):
                text = plain_text(values[c] if c < len(values) else None)
                key = (c, strong)
                if not is_header and key in templates:
                    copy = deepcopy(templates[key])
                    tr.replace(tc, copy)
                    _Cell(copy, table).paragraphs[0].runs[0].text = text
                    continue
                cell = _Cell(tc, table)
                cell.width = col_widths[c]
                paragraph = cell.paragraphs[0]
                paragraph.alignment = _ALIGN["center"] if is_header else _ALIGN[alignments[c]]
                _exact_spacing(paragraph.paragraph_format, Pt(font_size + 5))
                paragraph.paragraph_format.first_line_indent = Pt(0)
                self._run(paragraph, text, HEADING1_FONT if is_header else TABLE_FONT, size, bold=strong)
                if not is_header:
                    templates[key] = deepcopy(tc)
            if is_header:
                _repeat_header(tr)
            _cant_split(tr)
        for c, column in enumerate(table.columns):
            column.width = col_widths[c]
        self._paragraph("", indent=0, spacing=Pt(12))

    def page_break(self) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.add_run().add_break(WD_BREAK.PAGE)

    def signature(self, office: str, on_date: dt.date) -> None:
        """The issuing office and date at the end, right-aligned (GB/T 9704 右空二字), after two blank lines."""
        self._blank_line()
        self._blank_line()
        for text in (plain_text(office), cn_date(on_date)):
            paragraph = self._paragraph(text, align="right", indent=0)
            paragraph.paragraph_format.right_indent = Pt(BODY_SIZE.pt * 2)

    # ------------------------------------------------------------ save

    def save(self, path: Path | str, *, ledger_path: Path | str | None = None) -> Path:
        """Write the document atomically (temporary file beside ``path``, then rename).

        ``ledger_path`` lets the shared output-path guard refuse the ledger file itself.
        """
        from projledger.fileio import save_with

        dest = _checked_output(Path(path), ledger_path)
        return save_with(dest, lambda tmp: self.document.save(str(tmp)))


def _checked_output(dest: Path, ledger_path: Path | str | None) -> Path:
    """The shared output-path guard: no directory, device, or the ledger and its side files."""
    from projledger.fileio import safe_output

    return safe_output(dest, ledger_path=ledger_path)


def check_destination(path: Path | str, *, ledger_path: Path | str | None = None) -> Path:
    """Refuse a bad ``--docx`` before anything else is written: the output-path guard, and a
    folder that does not exist (a Chinese DataError either way)."""
    dest = _checked_output(Path(path), ledger_path)
    folder = dest.parent if str(dest.parent) else Path(".")
    if not folder.is_dir():
        from projledger.errors import DataError

        raise DataError(f"输出目录“{folder}”不存在，未写入“{dest.name}”")
    return dest


def _column_widths(columns: int, widths: Sequence[float] | None) -> list:
    weights = list(widths) if widths else [1.0] * columns
    if len(weights) != columns:
        raise ValueError("widths must give one weight per column")
    total = float(sum(weights))
    return [Mm(TEXT_WIDTH_MM * float(w) / total) for w in weights]


def _table_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", "000000")):
            element.set(qn(key), value)
        borders.append(element)
    tbl_pr.append(borders)
    margins = OxmlElement("w:tblCellMar")  # 1 mm each side instead of Word's 1.9 mm: figures fit
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), "57")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tbl_pr.append(margins)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)


def _repeat_header(tr) -> None:
    tr_pr = tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _cant_split(tr) -> None:
    tr_pr = tr.get_or_add_trPr()
    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    tr_pr.insert(0, element)
