"""Which column a field is read from, once the period is known (SPEC §4b).

A sheet may hold two columns for one field (``1-9月完成投资`` beside ``1-10月完成投资``,
one of them hidden).  The rule: a hidden column never wins over a visible one; among the
rest, the one whose header names the period's month wins; if still more than one, it is an
error naming both columns — never a guess.

Monthly columns (``1月 … 10月``, or several ``N月完成投资``) become the series ``month:N``:
with no year-to-date column the year-to-date is the sum of the months up to the period's
month, and this month is the period's column.  A money column's unit must be decidable: a
header (or the rows above the header) naming two units is an error.

Pure: layouts in, chosen columns, notes, warnings and errors out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from projledger.period import Period
from projledger.sheets.columns import ALTERNATIVES, MONEY_FIELDS, ROW_LABELS, label
from projledger.sheets.synonyms import normalize_header
from projledger.sheets.layout import Column, Layout
from projledger.sheets.records import RowError

__all__ = ["ColumnChoice", "choose_columns", "find_row_labels", "row_label_field"]


@dataclass
class ColumnChoice:
    columns: list[Column] = field(default_factory=list)  # the columns read, one per field (months: one per month)
    notes: dict[int, str] = field(default_factory=dict)  # column index -> why it was not read / how
    warnings: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    months: dict[int, Column] = field(default_factory=dict)  # month -> monthly column (up to the period)
    row_label: tuple[int, Column] | None = None  # (指标 column, the amount column its labels name)
    derive_ytd: bool = False
    derive_month: bool = False


def _named(column: Column) -> str:
    return f"{column.letter}列“{column.header}”"


def _pick(group: list[Column], period: Period, choice: ColumnChoice, sheet: str) -> Column | None:
    visible = [c for c in group if not c.hidden] or group
    winners = visible if len(visible) == 1 else [c for c in visible if c.month == period.month]
    if len(winners) != 1:
        both = "与".join(_named(c) for c in visible[:2])
        choice.errors.append(RowError(sheet, None, visible[0].header, None,
                                      f"{both}都对应“{label(group[0].field)}”，无法确定读取哪一列："
                                      "请删除或改名其中一列（表头写明期间，如“1-10月完成投资”）"))
        return None
    winner = winners[0]
    for loser in group:
        if loser is winner:
            continue
        why = "隐藏列" if loser.hidden and not winner.hidden else "期间不符"
        choice.notes[loser.index] = f"与{_named(winner)}重复（{why}），未读取"
        choice.warnings.append(f"工作表“{sheet}”{_named(loser)}与{_named(winner)}都对应“{label(winner.field)}”，"
                               f"按{_named(winner)}读取（另一列{why}）")
    return winner


def _unit_errors(column: Column, layout: Layout, choice: ColumnChoice, sheet: str) -> None:
    named = column.units_named if len(column.units_named) > 1 else ()
    if not named and column.unit is None and len(layout.money_units_named) > 1:
        named = layout.money_units_named
    if not named and column.unit and layout.money_units_named and column.unit not in layout.money_units_named:
        named = (column.unit, *layout.money_units_named)  # 投资情况（万元） under “单位：亿元”
    if named:
        choice.errors.append(RowError(sheet, None, column.header, None,
                                      f"无法确定{_named(column)}的金额单位（表中同时写有{'、'.join(named)}）："
                                      "请统一为一个单位，在表头或单位行注明，如“总投资（万元）”"))


def _monthly(by_field: dict[str, list[Column]], period: Period, choice: ColumnChoice, sheet: str) -> None:
    """Gather ``month:N`` columns (and several single-month ``N月完成`` columns) into the series."""
    singles = by_field.get("month_completed", [])
    if len({c.month for c in singles}) > 1 and all(c.month for c in singles):
        for column in singles:
            column.field = f"month:{column.month}"
            by_field.setdefault(column.field, []).append(column)
        by_field.pop("month_completed")
    for key in [k for k in by_field if k.startswith("month:")]:
        month = int(key[6:])
        column = _pick(by_field.pop(key), period, choice, sheet)
        if column is None:
            continue
        if month > period.month:
            choice.notes[column.index] = f"晚于报表期间{period}，未读取"
            continue
        choice.months[month] = column
    if choice.months:
        choice.derive_ytd = "ytd_completed" not in by_field
        choice.derive_month = "month_completed" not in by_field and period.month in choice.months
        for month, column in choice.months.items():
            uses = []
            if choice.derive_ytd:
                uses.append(f"计入1-{period.month}月累计")
            if choice.derive_month and month == period.month:
                uses.append("作为当月完成")
            choice.notes[column.index] = "，".join(uses) or "不是报表期间的当月，未读取"
            if uses:
                choice.columns.append(column)
            else:
                choice.warnings.append(f"工作表“{sheet}”{_named(column)}不是报表期间{period}的当月，未导入")


def _alternatives(by_field: dict[str, list[Column]]) -> None:
    """项目类别 beside 建设性质: read as the industry (:data:`columns.ALTERNATIVES`)."""
    for name, group in list(by_field.items()):
        if len(group) < 2:
            continue
        for column in list(group):
            leaf = normalize_header(column.header.split("/")[-1])[0]
            other = ALTERNATIVES.get(leaf)
            if other and other not in by_field and len(group) > 1:
                group.remove(column)
                column.field = other
                by_field[other] = [column]


def row_label_field(text: str, matcher) -> str | None:
    """The field a 指标 cell names: ``计划`` / ``完成`` (:data:`columns.ROW_LABELS`) or a header synonym."""
    key = normalize_header(text)[0]
    return ROW_LABELS.get(key) or matcher.match(key)


def find_row_labels(layout: Layout, choice: ColumnChoice, synonyms: dict) -> None:
    """An unnamed 指标 column whose cells name the amount beside them (``年度计划`` / ``1-10月完成``
    over one ``2026年投资`` column, a project on two rows): both columns are read that way."""
    from projledger.sheets.synonyms import matcher_for

    matcher = matcher_for(synonyms)
    unknown = dict(layout.unknown_columns)
    rows = layout.sheet.rows[layout.data_start:]
    for index in sorted(unknown):
        if index + 1 not in unknown:
            continue
        texts = [r[index] for r in rows if index < len(r) and isinstance(r[index], str) and r[index].strip()]
        named = [row_label_field(t, matcher) for t in texts]
        if len(texts) >= 2 and sum(1 for f in named if f in MONEY_FIELDS) * 2 > len(texts):
            value = Column(field="row_label", header=unknown[index + 1], index=index + 1,
                           unit=normalize_header(unknown[index + 1])[1])
            choice.row_label = (index, value)
            choice.notes[index] = "行标签：说明右侧金额是哪一项"
            choice.notes[index + 1] = "金额，按同一行的行标签读取"
            layout.unknown_headers = [h for h in layout.unknown_headers if h not in (unknown[index], value.header)]
            return


def choose_columns(layout: Layout, period: Period) -> ColumnChoice:
    """One column per field (see the module docstring)."""
    choice = ColumnChoice()
    sheet = layout.sheet.name
    by_field: dict[str, list[Column]] = {}
    for column in layout.columns:
        by_field.setdefault(column.field, []).append(column)
    _alternatives(by_field)
    names = [c for c in by_field.get("name", []) if not c.hidden]
    if len(names) > 1:
        columns = "、".join(_named(c) for c in names)
        choice.errors.append(RowError(sheet, None, names[1].header, None,
                                      f"表中有{len(names)}列“项目名称”（{columns}）：像是两张表左右并排在同一工作表，"
                                      "请改为上下排列，或把另一张表放到单独的工作表"))
        return choice
    _monthly(by_field, period, choice, sheet)
    for name, group in by_field.items():
        column = _pick(group, period, choice, sheet)
        if column is None:
            continue
        if column.hidden:
            choice.notes[column.index] = "隐藏列（唯一的一列，已读取）"
        if name == "ytd_completed" and column.month and column.month != period.month:
            choice.warnings.append(f"工作表“{sheet}”{_named(column)}的月份与报表期间{period}不符，按期间{period}记入")
        choice.columns.append(column)
    for column in choice.columns:
        if column.field in MONEY_FIELDS or column.field.startswith("month:"):
            _unit_errors(column, layout, choice, sheet)
    choice.columns.sort(key=lambda c: c.index)
    return choice
