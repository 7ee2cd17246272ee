"""``projledger import`` (township and 项目储备库 sheets) and the registration of ``projledger template``.

The command parses its options, hands the files to :func:`projledger.sheets.pipeline.import_files`
and renders what came back (:mod:`projledger.cli.import_output`): one line per committed
file, every error of a rejected file on stderr, the hints grouped (a hint repeated over rows
and files is one line with a count), and one closing summary line.  ``--json`` prints
SPEC §4's summary (plus ``skipped`` for lock files); ``--explain`` (with or without
``--json``) prints how each file was read and writes nothing.  Under ``--dry-run`` nothing is
committed, so every ``committed`` is false while the counts are those a real run would give.

Ctrl-C: the import writes in one transaction after every file has been read, so an
interruption before the commit writes nothing, and after it every accepted file is written;
the message says which files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from projledger.cli.common import err_console, is_terminal, open_ledger
from projledger.dates import parse_iso_date

__all__ = ["import_command", "register"]


def import_command(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="乡镇报表：.xlsx .xls .ods .csv（可多个）", metavar="FILE...")],
    township: Annotated[Optional[str], typer.Option("--township", help="乡镇（默认从填报单位或标题识别）")] = None,
    period: Annotated[Optional[str], typer.Option("--period", help="报表期间 YYYY-MM（默认从标题或表头识别）")] = None,
    date: Annotated[Optional[str], typer.Option("--date", help="问题提出日期/报送日期 YYYY-MM-DD（默认取表中填报日期，再默认今天）")] = None,
    headers: Annotated[Optional[Path], typer.Option("--headers", help="补充的表头同义词 JSON 文件（默认用设置 import_headers_file）")] = None,
    kind: Annotated[str, typer.Option("--kind", help="township（乡镇进度表）| reserve（项目储备库表）| auto（按表头识别，默认）")] = "auto",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只检查并报告将发生的变化，不写入")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="说明每个文件是怎样读取的（工作表、表头行、各列、非项目行），不写入")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON 汇总")] = False,
) -> None:
    """导入乡镇报表（或项目储备库表）：逐个文件完整校验，有错误的文件整体不导入并列出全部错误。"""
    from projledger.cli import import_output as output
    from projledger.errors import UsageError
    from projledger.period import Period
    from projledger.sheets.pipeline import ImportRun
    from projledger.sheets.records import ImportOptions

    if kind not in ("township", "reserve", "auto"):
        raise UsageError(f"--kind 应为 township、reserve 或 auto，而不是“{kind}”")
    options = ImportOptions(township=township, period=Period.parse(period, "--period") if period else None,
                            report_date=parse_iso_date(date, "--date"), dry_run=dry_run, kind=kind,
                            synonyms_path=headers, explain=explain)
    run = ImportRun()
    try:
        with open_ledger(ctx) as ledger:
            if headers is None:  # the user's synonyms file named in the settings (survives an upgrade)
                from projledger.resources import user_file
                from projledger.settings import load_settings

                options.synonyms_path = user_file(load_settings(ledger.db).import_headers_file, ledger.path)
            _run_with_progress(ledger, files, options, run)
        if explain:
            output.print_explanation(run, as_json)
        elif as_json:
            output.print_json(run)
        else:
            output.print_results(run, dry_run)
    except KeyboardInterrupt:  # also while the results print: by then everything accepted is committed
        err_console().print(output.interrupted(run, len(files)), markup=False, soft_wrap=True)
        raise typer.Exit(130) from None
    if not all(r.accepted or explain and not r.errors for r in run.results):
        raise typer.Exit(1)


def _run_with_progress(ledger, files: list[Path], options, run) -> None:
    from projledger.sheets.pipeline import import_files

    if not is_terminal() or len(files) < 2:
        import_files(ledger, files, options, run=run)
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err_console(), transient=True) as bar:
        task = bar.add_task("导入乡镇报表", total=len(files) * 2)
        import_files(ledger, files, options, run=run,
                     progress=lambda text: bar.update(task, advance=1, description=text))


def register(app: typer.Typer) -> None:
    from projledger.cli.template import template_command

    app.command("import")(import_command)
    app.command("template")(template_command)
