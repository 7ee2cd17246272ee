"""``projledger import`` (township sheets) and the registration of ``projledger template``.

The command parses its options, hands the files to
:func:`projledger.sheets.township_import.import_files` and renders the results: one line
per committed file, every error of a rejected file (sheet, row, column, value, message) on
stderr, warnings on stderr (at most :data:`SHOWN_WARNINGS` per file — all of them are in
``--json``), exit status 1 when any file was rejected.  ``--json`` prints exactly SPEC §4's
summary; under ``--dry-run`` nothing is committed, so every ``committed`` is false while the
counts are those a real run would give (a rejected file still has its errors and exit 1).  A Rich progress bar runs across the files on a terminal only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from projledger.cli.common import console, emit_json, err_console, is_terminal, open_ledger
from projledger.dates import parse_iso_date, parse_period

__all__ = ["import_command", "register", "SHOWN_WARNINGS"]

SHOWN_WARNINGS = 20


def import_command(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="乡镇报表：.xlsx .xls .ods .csv（可多个）", metavar="FILE...")],
    township: Annotated[Optional[str], typer.Option("--township", help="乡镇（默认从填报单位或标题识别）")] = None,
    period: Annotated[Optional[str], typer.Option("--period", help="报表期间 YYYY-MM（默认从标题或表头识别）")] = None,
    date: Annotated[Optional[str], typer.Option("--date", help="问题提出日期/填报日期 YYYY-MM-DD（默认取表中填报日期，再默认今天）")] = None,
    headers: Annotated[Optional[Path], typer.Option("--headers", help="补充的表头同义词 JSON 文件（默认用设置 import_headers_file）")] = None,
    kind: Annotated[str, typer.Option("--kind", help="township（乡镇进度表）| reserve（项目储备库表）| auto（按表头识别，默认）")] = "auto",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只检查并报告将发生的变化，不写入")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON 汇总")] = False,
) -> None:
    """导入乡镇报表（或项目储备库表）：逐个文件完整校验，有错误的文件整体不导入并列出全部错误。"""
    from projledger.errors import UsageError
    from projledger.sheets.township_import import ImportOptions

    if kind not in ("township", "reserve", "auto"):
        raise UsageError(f"--kind 应为 township、reserve 或 auto，而不是“{kind}”")

    options = ImportOptions(township=township, period=parse_period(period, "--period") if period else None,
                            report_date=parse_iso_date(date, "--date"), dry_run=dry_run, kind=kind,
                            synonyms_path=headers)
    with open_ledger(ctx) as ledger:
        if headers is None:  # the user's synonyms file named in the settings (survives an upgrade)
            from projledger.resources import user_file
            from projledger.settings import load_settings

            options.synonyms_path = user_file(load_settings(ledger.db).import_headers_file, ledger.path)
        results = _run_with_progress(ledger, files, options)
    if as_json:
        emit_json({"committed": all(r.committed for r in results), "files": [r.to_json() for r in results]})
        rejected = [r.path.name for r in results if not r.accepted]
        if rejected:  # cron logs stderr: say it there too, in one line
            err_console().print(f"错误：{len(rejected)}个文件未导入（{'、'.join(rejected)}），"
                                "各处错误见 JSON 的 errors", markup=False)
    else:
        _print_results(results, dry_run)
    if not all(r.accepted for r in results):
        raise typer.Exit(1)


def _run_with_progress(ledger, files: list[Path], options):
    from projledger.sheets.township_import import import_files

    if not is_terminal() or len(files) < 2:
        return import_files(ledger, files, options)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err_console(), transient=True) as bar:
        task = bar.add_task("导入乡镇报表", total=len(files) * 2)
        return import_files(ledger, files, options,
                            progress=lambda text: bar.update(task, advance=1, description=text))


def _print_results(results, dry_run: bool) -> None:
    out, err = console(), err_console()
    prefix = "［试运行，未写入］" if dry_run else ""
    for r in results:
        if r.accepted:
            what = r.period or "项目储备库"  # a reserve sheet reports no period
            out.print(f"{prefix}{r.path.name}：{r.township or '（按行识别乡镇）'} {what}，{r.rows}行，"
                      f"新增项目{r.created}个，更新{r.updated}个，无变化{r.unchanged}个，新增问题{r.problems_added}条",
                      markup=False)
        else:
            err.print(f"错误：{r.path.name} 未导入（{len(r.errors)}处错误，整个文件未写入）：", markup=False)
            for e in r.errors:
                err.print(f"  - {e.text()}", markup=False, soft_wrap=True)
        for w in r.warnings[:SHOWN_WARNINGS]:
            err.print(f"  提示（{r.path.name}）：{w}", markup=False, soft_wrap=True)
        if len(r.warnings) > SHOWN_WARNINGS:
            err.print(f"  提示（{r.path.name}）：……另有{len(r.warnings) - SHOWN_WARNINGS}条提示，"
                      "用 --json 查看全部", markup=False)
    rejected = [r for r in results if not r.accepted]
    if rejected and len(results) > 1:
        err.print(f"共 {len(results)} 个文件，{len(results) - len(rejected)} 个已导入，"
                  f"{len(rejected)} 个未导入", markup=False)


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
    try:
        from projledger.cli.template import template_command
    except ImportError:  # the template command lives in its own module
        return
    app.command("template")(template_command)
