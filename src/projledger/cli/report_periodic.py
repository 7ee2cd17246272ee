"""``projledger report quarterly|half|annual`` — 季度分析、半年通报、年度考核 (SPEC §5b).

Registered as commands of the ``report`` group (``cli/report.py``'s ``report_app``) from this
module, so the monthly report's file stays the monthly report's.  Each command gathers the
summary once (:func:`projledger.periodic.gather_periodic`), builds the workbook and the Word
document in memory, then writes them (each atomically, to a temporary name then renamed).
Nothing is saved in the ledger: the months' rankings are saved by ``report monthly``.

With ``--json`` stdout carries only the summary's JSON (plus ``file`` and ``docx``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from projledger.cli.common import console, emit_json, open_ledger, warn

__all__ = ["register"]

Year = Annotated[int, typer.Option("--year", help="年度，如 2026")]
Out = Annotated[Optional[str], typer.Option("--out", help="Excel 文件名（默认按期间命名；给目录则存入该目录）")]
Docx = Annotated[Optional[str], typer.Option("--docx", help="同时写出 Word 公文（.docx）")]
Json = Annotated[bool, typer.Option("--json", help="输出 JSON")]
Number = Annotated[Optional[str], typer.Option("--doc-number", help="文号，如“泾发改投资〔2026〕35号”（默认不写）")]


def _destination(given: str | None, default: str) -> Path:
    if not given:
        return Path(default)
    path = Path(given)
    return path / default if path.is_dir() else path


def _checked(ledger, dest: Path) -> Path:
    from projledger.fileio import safe_output

    return safe_output(dest, ledger_path=ledger.path)


def _run(ctx: typer.Context, kind: str, year: int, number: int | None, out: str | None, docx: str | None,
         as_json: bool, doc_number: str | None) -> None:
    from projledger.dates import today
    from projledger.periodic import gather_periodic, span_of
    from projledger.reports import periodic as writer
    from projledger.reports.document import check_destination
    from projledger.reports.monthly_docx import default_office

    span = span_of(kind, year, number)
    with open_ledger(ctx) as ledger:
        data = gather_periodic(ledger, span, today=today())
        settings = ledger.settings()
        book = writer.build_workbook(data)
        document = None
        if docx:
            office = settings.notice.issuing_office or default_office(settings.county_name)
            document = writer.build_docx(data, number=doc_number, office=office, on_date=today())
        dest = _checked(ledger, _destination(out, writer.default_filename(data, ".xlsx")))
        docx_dest = check_destination(docx, ledger_path=ledger.path) if docx else None
        from projledger.reports.xlsx import save_workbook

        save_workbook(book, dest)
        if document is not None:
            document.save(docx_dest)
    for note in data.warnings:
        warn(note)
    if as_json:
        emit_json(data.to_json() | {"file": str(dest), "docx": str(docx_dest) if docx_dest else None})
        return
    out_console = console()
    out_console.print(writer.title_of(data), markup=False)
    out_console.print(writer.span_sentence(data), markup=False, soft_wrap=True)
    out_console.print(data.brief.text, markup=False, soft_wrap=True)
    written = f"已写出“{dest}”" + (f"和“{docx_dest}”" if docx_dest else "")
    out_console.print(written, markup=False)


def quarterly(ctx: typer.Context, year: Year,
              quarter: Annotated[int, typer.Option("--quarter", help="季度 1-4")],
              out: Out = None, docx: Docx = None, as_json: Json = False, doc_number: Number = None) -> None:
    """季度分析：本季度的通报正文、各单位逐月排名（表和折线图）。"""
    _run(ctx, "quarter", year, quarter, out, docx, as_json, doc_number)


def half(ctx: typer.Context, year: Year,
         which: Annotated[int, typer.Option("--half", help="1 上半年，2 下半年")],
         out: Out = None, docx: Docx = None, as_json: Json = False, doc_number: Number = None) -> None:
    """半年通报：通报正文、逐月排名，及6月/12月排名后三位的约谈对象。"""
    _run(ctx, "half", year, which, out, docx, as_json, doc_number)


def annual(ctx: typer.Context, year: Year, out: Out = None, docx: Docx = None, as_json: Json = False,
           doc_number: Number = None) -> None:
    """年度考核：全年通报正文、逐月排名、约谈对象，和12月得分加减分后的考核得分。"""
    _run(ctx, "annual", year, None, out, docx, as_json, doc_number)


def register(app: typer.Typer) -> None:
    from projledger.cli.report import report_app

    report_app.command("quarterly")(quarterly)
    report_app.command("half")(half)
    report_app.command("annual")(annual)
