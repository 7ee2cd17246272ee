"""``projledger template``: the sheet a township fills in for one month (SPEC §4).

Registered by :func:`projledger.cli.importer.register`; what the template holds is read by
:mod:`projledger.sheets.template`, the workbook laid out by :mod:`projledger.reports.template`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from projledger.cli.common import console, emit_json, open_ledger

__all__ = ["template_command"]


def template_command(
    ctx: typer.Context,
    township: Annotated[str, typer.Option("--township", help="乡镇（名称或别名）")],
    period: Annotated[str, typer.Option("--period", help="报表期间 YYYY-MM")],
    out: Annotated[Optional[Path], typer.Option("--out", help="输出文件 .xlsx（默认 乡镇-期间.xlsx；给目录则存入该目录）")] = None,
    blank_rows: Annotated[int, typer.Option("--blank-rows", help="供新增项目填写的空行数")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """生成乡镇填报模板：预填并锁定本乡镇在库项目，留出本月填报栏，导入时无需任何选项。"""
    from projledger.period import Period
    from projledger.reports.template import write_template
    from projledger.sheets.template import template_data

    month = Period.parse(period, "--period")
    with open_ledger(ctx) as ledger:
        data = template_data(ledger.db, township, month)
    dest = out if out is not None and not out.is_dir() else (out or Path()) / f"{data.township}-{month}.xlsx"
    result = write_template(data, dest, blank_rows=blank_rows)
    if as_json:
        emit_json(result.to_json())
        return
    console().print(f"已生成{result.township}{result.period}填报模板：{result.path}"
                    f"（预填项目{result.projects}个，空行{blank_rows}行）", markup=False)
