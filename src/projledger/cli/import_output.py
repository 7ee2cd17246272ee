"""What ``projledger import`` prints: results, grouped hints, the summary, ``--explain``.

Hints (warnings) repeat: a 300-file batch gives the same hint for many rows of many files.
On screen, hints with the same wording once row numbers, quoted names and figures are set
aside are one line with a count and a few examples; ``--json`` keeps every hint of every
file.  A batch ends with one summary line.  Records in, text out; no database access.
"""

from __future__ import annotations

import re

from projledger.cli.common import console, emit_json, err_console

__all__ = ["print_results", "print_json", "print_explanation", "interrupted", "group_hints", "summary_line"]

EXAMPLES = 3
_PREFIX = re.compile(r"^(?:工作表“[^”]*”)?第[\d、等]+行(?:（[^）]*）)?[：:]?")
_QUOTED = re.compile(r"“[^”]*”")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _hint_key(text: str) -> str:
    return _NUMBER.sub("#", _QUOTED.sub("“”", _PREFIX.sub("", text)))


def group_hints(results) -> list[tuple[str, int, list[str]]]:
    """(first hint, how many, the files it came from) per kind of hint, in order of appearance."""
    groups: dict[str, list] = {}
    for result in results:
        for text in result.warnings:
            group = groups.setdefault(_hint_key(text), [text, 0, []])
            group[1] += 1
            if result.path.name not in group[2]:
                group[2].append(result.path.name)
    return [tuple(g) for g in groups.values()]


def _print_hints(results) -> None:
    err = err_console()
    for text, count, files in group_hints(results):
        if count == 1:
            err.print(f"  提示（{files[0]}）：{text}", markup=False, soft_wrap=True)
            continue
        shown = "、".join(files[:EXAMPLES]) + ("等" if len(files) > EXAMPLES else "")
        err.print(f"  提示（共{count}处，{len(files)}个文件：{shown}）：{text}", markup=False, soft_wrap=True)


def summary_line(run, dry_run: bool) -> str:
    results = run.results
    accepted = [r for r in results if r.accepted]
    rejected = len(results) - len(accepted)
    done = "可导入" if dry_run else "已导入"
    parts = [f"共{len(results)}个文件：{done}{len(accepted)}个，未导入{rejected}个"]
    if run.skipped:
        parts[0] += f"，跳过{len(run.skipped)}个锁定文件"
    parts.append(f"项目行{sum(r.rows for r in accepted)}行，新增项目{sum(r.created for r in accepted)}个，"
                 f"更新{sum(r.updated for r in accepted)}个，新增问题{sum(r.problems_added for r in accepted)}条")
    return ("［试运行，未写入］" if dry_run else "") + "；".join(parts)


def print_results(run, dry_run: bool) -> None:
    out, err = console(), err_console()
    prefix = "［试运行，未写入］" if dry_run else ""
    for path, note in run.skipped:
        err.print(f"提示：{note}", markup=False, soft_wrap=True)
    for r in run.results:
        if r.accepted:
            what = r.period or "项目储备库"  # a reserve sheet reports no period
            out.print(f"{prefix}{r.path.name}：{r.township or '（按行识别乡镇）'} {what}，{r.rows}行，"
                      f"新增项目{r.created}个，更新{r.updated}个，无变化{r.unchanged}个，新增问题{r.problems_added}条",
                      markup=False)
        else:
            err.print(f"错误：{r.path.name} 未导入（{len(r.errors)}处错误，整个文件未写入）：", markup=False)
            for e in r.errors:
                err.print(f"  - {e.text()}", markup=False, soft_wrap=True)
    _print_hints(run.results)
    if len(run.results) + len(run.skipped) > 1:
        out.print(summary_line(run, dry_run), markup=False, soft_wrap=True)


def print_json(run) -> None:
    payload = {"committed": all(r.committed for r in run.results), "files": [r.to_json() for r in run.results]}
    if run.skipped:
        payload["skipped"] = [{"path": str(p), "reason": note} for p, note in run.skipped]
    emit_json(payload)
    rejected = [r.path.name for r in run.results if not r.accepted]
    if rejected:  # cron logs stderr: say it there too, in one line
        err_console().print(f"错误：{len(rejected)}个文件未导入（{'、'.join(rejected)}），各处错误见 JSON 的 errors",
                            markup=False)


def interrupted(run, given: int) -> str:
    """The Ctrl-C message: exactly which files were written and which were not."""
    if run.phase == "committed":
        written = [r.path.name for r in run.results if r.committed]
        rest = given - len(written)
        text = f"已中断：写入已经完成，{len(written)}个文件已写入（{'、'.join(written) or '无'}）"
        return text + (f"，其余{rest}个文件未写入" if rest else "")
    if run.phase == "writing":
        return (f"已中断：正在写入时中断，本次写入已整体撤销，{given}个文件都未写入（数据库保持导入前的状态）；"
                "请重新运行同一命令")
    return (f"已中断：读取到第{run.files_read}个文件（共{given}个）时中断，尚未开始写入，没有任何文件写入；"
            "请重新运行同一命令")


# ---------------------------------------------------------------- --explain

CLASS_LABELS = {
    "title": "标题", "fill_in": "填报行", "unit": "单位行", "header": "表头", "column_numbers": "栏次行",
    "section": "分部", "category": "分类", "totals": "合计", "footer": "表尾", "repeated_header": "重复表头",
    "continuation": "续行",
}


def _explain_json(parsed) -> dict:
    return {"path": str(parsed.path), "reader": parsed.reader, "township": parsed.township,
            "period": str(parsed.period) if parsed.period else None,
            "fill_date": parsed.fill_date.isoformat() if parsed.fill_date else None,
            "sheets": [s.to_json() for s in parsed.sheets], "warnings": list(parsed.warnings),
            "errors": [e.to_json() for e in parsed.errors]}


def _column_line(note) -> str:
    from projledger.sheets.columns import label

    if note.field is None:
        target = "忽略"
    else:
        target = label(note.field) + (f"［{note.unit}］" if note.unit else "")
    extra = f"（{note.note}）" if note.note else ""
    return f"    {note.column} {note.header} → {target}{extra}"


def _explain_sheet(out, sheet) -> None:
    if not sheet.imported:
        out.print(f"  工作表“{sheet.name}”：{sheet.reason or '未导入'}", markup=False)
        return
    rows = "、".join(map(str, sheet.header_rows)) or "—"
    nature = f"，按表名作为{sheet.nature}项目" if sheet.nature else ""
    out.print(f"  工作表“{sheet.name}”：导入，表头在第{rows}行，项目{sheet.projects}行{nature}", markup=False)
    if sheet.columns:
        out.print("   各列：", markup=False)
        for note in sheet.columns:
            out.print(_column_line(note), markup=False, soft_wrap=True)
    if sheet.notes:
        out.print("   非项目行：", markup=False)
        for note in sheet.notes:
            value = f" → {note.value}" if note.value else ""
            out.print(f"    第{note.row}行 {CLASS_LABELS.get(note.kind, note.kind)}：{note.text}{value}",
                      markup=False, soft_wrap=True)


def print_explanation(run, as_json: bool) -> None:
    if as_json:
        emit_json({"explain": True, "files": [_explain_json(p) for p in run.reads],
                   "skipped": [{"path": str(p), "reason": note} for p, note in run.skipped]})
        return
    out = console()
    kinds = {"township": "乡镇进度表", "reserve": "项目储备库表"}
    for path, note in run.skipped:
        out.print(f"{path.name}：{note}", markup=False)
    for parsed in run.reads:
        head = f"{parsed.path.name}：{kinds.get(parsed.reader, parsed.reader)}"
        if parsed.township or parsed.period:
            head += f"，{parsed.township or '（按行识别乡镇）'} {parsed.period or ''}".rstrip()
        if parsed.fill_date:
            head += f"，填报日期{parsed.fill_date.isoformat()}"
        out.print(head + "（只读取说明，未写入）", markup=False)
        for sheet in parsed.sheets:
            _explain_sheet(out, sheet)
        for text in parsed.warnings:
            out.print(f"  提示：{text}", markup=False, soft_wrap=True)
        for error in parsed.errors:
            out.print(f"  错误：{error.text()}", markup=False, soft_wrap=True)
