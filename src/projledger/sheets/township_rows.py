"""Reading the rows of one township sheet: classify, parse, validate (SPEC §4 and §4b).

:class:`SheetWalk` goes down one sheet below its header.  Before the walk, vertically
merged body cells are resolved: a merged name makes the rows under it continuation rows of
one project; any other merged value (nature, department, leader, township, owner, …) applies
to every project row it covers; a money cell merged over rows of different projects is an
error naming the range.  Then each row is classified (:func:`.rows.classify_row`) and:

* a project row is parsed with one compiled parser per column (:mod:`.column_parsers`),
  names of units are resolved through the unit registry once per distinct name, and the row
  becomes an :class:`~projledger.sheets.records.ImportedRow` (or row errors);
* a section row sets the nature of the rows below it; a category row (``（一）工业项目``)
  keeps the nature and gives the industry; totals rows are cross-checked (:mod:`.totals`);
* an unnamed row right under a project holding only text (a second line of 存在问题 or
  形象进度) is its continuation; any other row that fits no class is a row error.

:class:`projledger.sheets.township.FileState` is what the sheets of one file share:
duplicate checks, the unit cache, the people named as leaders.
"""

from __future__ import annotations

import re
from decimal import Decimal

from projledger.sheets.column_parsers import compile_column
from projledger.sheets.columns import BY_FIELD, MONEY_FIELDS
from projledger.sheets.layout import Column, column_letter, display
from projledger.sheets.records import ImportedRow, RowError, RowNote, shown
from projledger.sheets.rows import RowShape, classify_row
from projledger.sheets.totals import TotalsCheck
from projledger.sheets.column_choice import row_label_field
from projledger.text import normalize_name, squash

__all__ = ["SheetWalk"]

_CONTINUING = {"progress", "problems", "note", "leader", "liaison"}
_PLAIN = {f for f, spec in BY_FIELD.items() if spec.kind not in ("money", "date", "started", "unit")}


class SheetWalk:
    """The rows of one sheet (see the module docstring)."""

    def __init__(self, state, layout, choice, reading):
        self.state, self.parsed = state, state.parsed
        self.layout, self.sheet, self.reading = layout, layout.sheet, reading
        period = self.parsed.period
        self.period = period
        self.columns = [compile_column(c, money_unit=layout.money_unit, year=period.year, period_end=period.end,
                                       epoch1904=self.sheet.epoch1904) for c in choice.columns]
        self.plan = [(c.index, c.field, c.read) for c in self.columns]
        self.headers = {c.field: c.header for c in choice.columns}
        self.choice = choice
        self.row_label = None
        if choice.row_label is not None:
            from projledger.sheets.synonyms import matcher_for

            label_index, value = choice.row_label
            value_parser = compile_column(Column("total_investment", value.header, value.index, value.unit),
                                          money_unit=layout.money_unit, year=period.year, period_end=period.end,
                                          epoch1904=self.sheet.epoch1904)
            self.row_label = (label_index, value_parser, matcher_for(state.ctx.synonyms))
        name_column = next(c for c in choice.columns if c.field == "name")
        self.shape = RowShape.of(layout, name_column.index)
        self.special = {r for r, _ in self.sheet.formula_cells} | {r for r, _ in self.sheet.error_cells}
        self.section = self.category = 0
        self.section_nature: str | None = reading.nature
        self.category_industry: str | None = None
        self.last: ImportedRow | None = None  # the project row a continuation belongs to
        self.last_failed = False
        self.in_package = False
        self.hidden_projects: list[int] = []
        self.totals = TotalsCheck(self.sheet.name, {k: v for k, v in self.headers.items() if k in MONEY_FIELDS})

    # -- the walk -----------------------------------------------------------------
    def run(self) -> None:
        rows, numbers = self.sheet.rows, self.sheet.row_numbers
        for index, kind, text in self.layout.above:
            self.reading.notes.append(RowNote(numbers[index], kind, text))
        self.reading.header_rows = [numbers[i] for i in self.layout.header_rows]
        for index in self.layout.header_rows:
            text = "  ".join(dict.fromkeys(display(v) for v in rows[index] if v is not None and display(v)))
            self.reading.notes.append(RowNote(numbers[index], "header", text))
        self._note_columns()
        rows, continuation = self._merged_body(rows)
        packages = self._packages(rows)
        for index in range(self.layout.data_start, len(rows)):
            cells = rows[index]
            if not cells:
                continue
            excel_row = numbers[index]
            if index in continuation:
                self._continuation(cells, excel_row, merged=True)
                continue
            kind, value = classify_row(cells, self.shape)
            if kind == "project" and packages and self._package_row(cells, excel_row, packages):
                continue
            if kind == "project":
                self._project(cells, excel_row)
                continue
            if kind == "blank":
                continue
            if kind == "unclassified":
                self._continuation(cells, excel_row, merged=False)
                continue
            self._other(kind, value, cells, excel_row)
        self.parsed.warnings.extend(self.totals.warnings())
        hidden = sorted(r for r in self.hidden_projects)
        if hidden:
            rows = "、".join(map(str, hidden[:10])) + ("等" if len(hidden) > 10 else "")
            self.parsed.warnings.append(f"工作表“{self.sheet.name}”第{rows}行是隐藏行（筛选或手工隐藏），"
                                        "隐藏行也是表里的数，已照常导入，请核对")

    def _other(self, kind: str, value, cells: list, excel_row: int) -> None:
        text = "  ".join(display(v) for v in cells if v is not None and display(v))
        self.last = None
        if kind == "section":
            self.section += 1
            self.category_industry = None
            nature = value
            if value == "竣工":
                nature = "续建"
                self.parsed.warnings.append(f"工作表“{self.sheet.name}”第{excel_row}行“{text}”下的项目按续建导入；"
                                            "竣工日期请用 project complete 登记")
            self.section_nature = nature if nature else self.section_nature
            self._note_total("section", cells, excel_row)
        elif kind == "category":
            self.category += 1
            self.category_industry = value
            self._note_total("category", cells, excel_row)
        elif kind == "totals":
            self._note_total("total", cells, excel_row)
        self.reading.notes.append(RowNote(excel_row, kind, text, value if isinstance(value, str) else None))

    def _note_columns(self) -> None:
        from projledger.sheets.records import ColumnNote

        chosen = {c.index: c for c in self.choice.columns}
        notes = self.reading.columns
        every = [(c.index, c) for c in self.layout.columns] + [(i, None) for i, _ in self.layout.unknown_columns]
        if self.layout.seq_index is not None:
            every.append((self.layout.seq_index, "seq"))
        for index, column in sorted(every, key=lambda pair: pair[0]):
            if column == "seq":
                notes.append(ColumnNote(column_letter(index), "序号", None, None, "序号，不导入"))
                continue
            if column is None:
                header = next(h for i, h in self.layout.unknown_columns if i == index)
                notes.append(ColumnNote(column_letter(index), header, None, None, "未识别，已忽略"))
                continue
            used = index in chosen
            money = column.field in MONEY_FIELDS or column.field.startswith("month:")
            unit = (column.unit or self.layout.money_unit) if money else None
            notes.append(ColumnNote(column.letter, column.header, column.field if used else None, unit,
                                    self.choice.notes.get(index)))

    # -- 打包项目: a row whose sub-projects follow as 1-1, 1-2 (or 3.1, 3.2) ----------------
    def _packages(self, rows: list) -> set[int]:
        """The 序号 numbers that have sub-projects numbered under them."""
        seq = self.shape.seq_index
        if seq is None:
            return set()
        return {parent for cells in rows[self.layout.data_start:]
                if seq < len(cells) and (parent := _seq_parent(cells[seq])) is not None}

    def _package_row(self, cells: list, excel_row: int, packages: set[int]) -> bool:
        """A package row is the total of its sub-projects (checked, not imported)."""
        seq = cells[self.shape.seq_index] if self.shape.seq_index < len(cells) else None
        if self.in_package and _seq_parent(seq) is None:
            self.category += 1  # the package's sub-projects have ended
            self.in_package = False
        if _seq_number(seq) not in packages:
            return False
        self.category += 1
        self.in_package = True
        self._note_total("category", cells, excel_row)
        text = "  ".join(display(v) for v in cells if v is not None and display(v))
        self.reading.notes.append(RowNote(excel_row, "totals", text, "打包项目，按其子项目核对"))
        self.last = None
        return True

    # -- merged body cells ----------------------------------------------------------
    def _merged_body(self, rows: list) -> tuple[list, set[int]]:
        """Rows with vertical merges resolved, and the indexes of continuation rows."""
        start = self.layout.data_start
        name_index = self.shape.name_index
        fields = {c.index: c.field for c in self.choice.columns}
        merges = [(r0, c0, r1, c1) for r0, c0, r1, c1 in self.sheet.merged if r1 > r0 and r0 >= start]
        if not merges:
            return rows, set()
        rows = list(rows)
        continuation: set[int] = set()
        for r0, c0, r1, c1 in merges:
            if c0 <= name_index <= c1:
                continuation.update(range(r0 + 1, r1 + 1))
        for r0, c0, r1, c1 in merges:
            if c0 <= name_index <= c1:
                continue
            top = rows[r0][c0] if c0 < len(rows[r0]) else None
            covered = [r for r in range(r0 + 1, r1 + 1) if r not in continuation]
            field = fields.get(c0)
            if field is None or top is None or not covered:
                continue
            if field in MONEY_FIELDS or field.startswith("month:"):
                span = f"{column_letter(c0)}{self.sheet.row_numbers[r0]}:{column_letter(c1)}{self.sheet.row_numbers[r1]}"
                self.parsed.errors.append(RowError(self.sheet.name, self.sheet.row_numbers[r0], self.headers[field],
                                                   shown(top), f"金额单元格{span}合并在几个项目的行上，无法分到各项目："
                                                   "请拆分合并单元格，每个项目填自己的金额"))
                continue
            for r in covered:
                cells = rows[r] = list(rows[r])
                cells.extend([None] * (c0 + 1 - len(cells)))
                if cells[c0] is None:
                    cells[c0] = top
        return rows, continuation

    # -- project rows -----------------------------------------------------------------
    def _parse_cells(self, cells: list, excel_row: int) -> tuple[dict, list[RowError]]:
        values: dict[str, object] = {}
        errors: list[RowError] = []
        width = len(cells)
        special = excel_row in self.special
        for index, name, read in self.plan:
            if special:
                problem = self._cell_problem(excel_row, index)
                if problem:
                    errors.append(RowError(self.sheet.name, excel_row, self.headers[name], None, problem))
                    continue
            if index < width:
                raw = cells[index]
                if raw is not None:
                    ok, value = read(raw)
                    if ok:
                        values[name] = value
                    else:
                        errors.append(RowError(self.sheet.name, excel_row, self.headers[name], shown(raw), value))
        if self.row_label is not None:
            self._labelled(cells, excel_row, values, errors)
        return values, errors

    def _labelled(self, cells: list, excel_row: int, values: dict, errors: list[RowError]) -> None:
        """The amount a 指标 cell names (``1-10月完成`` → 累计完成投资)."""
        label_index, parser, matcher = self.row_label
        label = cells[label_index] if label_index < len(cells) else None
        raw = cells[parser.index] if parser.index < len(cells) else None
        if label is None or raw is None:
            return
        field = row_label_field(display(label), matcher)
        if field not in MONEY_FIELDS:
            errors.append(RowError(self.sheet.name, excel_row, parser.header, shown(label),
                                   "行标签无法识别，应为年度计划、1-N月完成、当月完成等"))
            return
        ok, value = parser(raw)
        self.headers.setdefault(field, parser.header)
        if ok:
            values[field] = value
        else:
            errors.append(RowError(self.sheet.name, excel_row, parser.header, shown(raw), value))

    def _cell_problem(self, excel_row: int, index: int) -> str | None:
        """Why a cell cannot be read although calamine gives it as blank (formula, #error)."""
        if (excel_row, index) in self.sheet.formula_cells:
            return "公式没有计算结果（请在Excel/WPS中打开后保存，或改填数值）"
        found = self.sheet.error_cells.get((excel_row, index))
        return None if found is None else f"单元格是错误值{found}，请改为正确数值"

    def _project(self, cells: list, excel_row: int) -> None:
        values, errors = self._parse_cells(cells, excel_row)
        name = values.get("name")
        self.parsed.data_rows += 1
        self.reading.projects += 1
        if excel_row in self.sheet.hidden_rows:
            self.hidden_projects.append(excel_row)
        if name is None:
            errors.insert(0, RowError(self.sheet.name, excel_row, self.headers.get("name"), None, "项目名称为空"))
        ids = self._units(values, excel_row, errors)
        township_id = ids.get("township") or self.parsed.township_id
        if township_id is None and not errors:
            errors.append(RowError(self.sheet.name, excel_row, self.headers.get("township"), None,
                                   "所在乡镇为空，且无法从表头识别乡镇（可用 --township 指定）"))
        key = normalize_name(name) if name is not None else None
        if key is not None:
            self._check_duplicate(excel_row, values.get("code"), name, key, township_id, errors)
        if errors:
            self.parsed.errors.extend(errors)
            self.last, self.last_failed = None, True
            return
        self._accept(values, ids, excel_row, name, key, township_id)

    def _units(self, values: dict, excel_row: int, errors: list[RowError]) -> dict:
        ids = {}
        for field in ("department", "township"):
            name = values.get(field)
            if name is None:
                continue
            ok, found = self.state.resolve_unit(field, name)
            if not ok and field == "department" and _SEVERAL.search(name):
                ok, found = self._lead_department(name, excel_row, found)
            if ok:
                ids[field] = found
            else:
                errors.append(RowError(self.sheet.name, excel_row, self.headers[field], name, found))
        return ids

    def _lead_department(self, text: str, excel_row: int, message: str) -> tuple[bool, object]:
        """``住建局（牵头）、水务局``: the lead (marked 牵头, else the first) is the department;
        the others are named in a warning, since a project has one 责任单位."""
        parts = [p for p in _SEVERAL.split(text) if p.strip()]
        names = [_ROLE_MARK.sub("", p).strip() for p in parts]
        resolved = [self.state.resolve_unit("department", n) for n in names]
        if not all(ok for ok, _ in resolved):
            return False, message
        lead = next((i for i, p in enumerate(parts) if "牵头" in p), 0)
        others = "、".join(n for i, n in enumerate(names) if i != lead)
        self.parsed.warnings.append(f"第{excel_row}行“{self.headers['department']}”写了几个单位，按牵头的"
                                    f"{names[lead]}记为责任单位，{others}未记入")
        return True, resolved[lead][1]

    def _money(self, values: dict, excel_row: int) -> dict:
        warnings = self.parsed.warnings
        money: dict[str, Decimal] = {}
        for key, parsed in values.items():
            if key in MONEY_FIELDS or key.startswith("month:"):
                if parsed.amount is not None:
                    money[key] = parsed.amount
                if parsed.warnings:
                    warnings.extend(f"第{excel_row}行“{self.headers[key]}”：{w}" for w in parsed.warnings)
        if self.choice.months:
            months = [money.pop(f"month:{m}") for m in sorted(self.choice.months) if f"month:{m}" in money]
            this = f"month:{self.period.month}"
            if self.choice.derive_ytd and months:
                money["ytd_completed"] = sum(months, Decimal(0))
            if self.choice.derive_month and this in values and values[this].amount is not None:
                money["month_completed"] = values[this].amount
            for key in [k for k in money if k.startswith("month:")]:
                money.pop(key)
        return money

    def _accept(self, values: dict, ids: dict, excel_row: int, name: str, name_key: str, township_id: int) -> None:
        money = self._money(values, excel_row)
        out: dict[str, object] = {k: v for k, v in values.items() if k in _PLAIN}
        out.update(money)
        if "department" in ids:
            out["department"] = ids["department"]
        elif isinstance(self.parsed.payload, dict) and self.parsed.payload.get("department"):
            out["department"] = self.parsed.payload["department"]  # the sheet of a department
        for key in ("planned_start", "actual_start", "planned_completion"):
            parsed = values.get(key)
            if parsed is None:
                continue
            if parsed.warnings:
                self.parsed.warnings.extend(f"第{excel_row}行“{self.headers[key]}”：{w}" for w in parsed.warnings)
            if parsed.value is not None:
                out[key] = parsed.value
                out[f"{key}_precision"] = parsed.precision
                out[f"{key}_estimated"] = bool(getattr(parsed, "estimated", False))
        out.setdefault("nature", self.section_nature)
        if out["nature"] is None:
            out.pop("nature")
        if "industry" not in out and self.category_industry:
            out["industry"] = self.category_industry
        for key in ("leader", "liaison"):
            if out.get(key):
                self.state.people.add(out[key])
        out.pop("name", None)
        self.totals.add_project(self.section, money, self.category)
        row = ImportedRow(self.sheet.name, excel_row, name, name_key, township_id, out)
        self.parsed.rows.append(row)
        self.last, self.last_failed = row, False

    def _check_duplicate(self, excel_row, code, name, name_key, township_id, errors) -> None:
        where = self.sheet.name
        if code:
            if code in self.state.seen_codes:
                errors.append(RowError(where, excel_row, self.headers.get("code"), code,
                                       f"项目代码与{_place(self.state.seen_codes[code], where)}重复"))
            self.state.seen_codes.setdefault(code, (where, excel_row))
        key = (township_id, name_key)
        if key in self.state.seen_names:
            errors.append(RowError(where, excel_row, self.headers.get("name"), name,
                                   f"项目名称与{_place(self.state.seen_names[key], where)}重复"))
        self.state.seen_names.setdefault(key, (where, excel_row))

    # -- continuation rows --------------------------------------------------------------
    def _continuation(self, cells: list, excel_row: int, *, merged: bool) -> None:
        filled = {i for i, v in enumerate(cells) if v is not None and (not isinstance(v, str) or v.strip())}
        fields = {c.index: c.field for c in self.choice.columns}
        used = {fields.get(i) for i in filled if i != self.shape.seq_index}
        text = "  ".join(display(cells[i]) for i in sorted(filled))
        continuing = bool(used) and used <= _CONTINUING
        if self.last_failed and (merged or continuing):
            return  # the project row above is already an error
        if self.last is None or not (continuing or merged):
            self.parsed.data_rows += 1
            column = self.headers.get("name")
            message = ("项目名称为空" if used - {None} else
                       "无法识别此行：没有项目名称，也不是标题、分类、合计、表尾或续行")
            self.parsed.errors.append(RowError(self.sheet.name, excel_row, column, None if used - {None} else text,
                                               message))
            return
        values, errors = self._parse_cells(cells, excel_row)
        extra = [k for k in values if k not in _CONTINUING and values[k] is not None
                 and not (merged and k in MONEY_FIELDS and k not in self.last.values)]
        if extra:
            self.parsed.errors.append(RowError(self.sheet.name, excel_row, self.headers[extra[0]],
                                               shown(cells[next(c.index for c in self.columns if c.field == extra[0])]),
                                               f"此行是第{self.last.row}行项目的续行（名称合并），不能另填"
                                               f"“{self.headers[extra[0]]}”；请填在项目所在的第一行"))
            return
        self.parsed.errors.extend(errors)
        self._append(values)
        self.reading.notes.append(RowNote(excel_row, "continuation", text, self.last.name))

    def _append(self, values: dict) -> None:
        target = self.last.values
        for key, value in values.items():
            if key in MONEY_FIELDS:  # a sub-row of a merged project gives an amount the first row left blank
                if value.amount is not None:
                    target[key] = value.amount
            elif key == "problems":  # "2.施工用电未接入" continues the list "1.管线迁改进度慢" above
                value = tuple(_LEADING_NUMBER.sub("", piece) for piece in value)
                target["problems"] = tuple(dict.fromkeys((*target.get("problems", ()), *value)))
            elif value:
                old = target.get(key)
                target[key] = value if not old else f"{old}\n{value}"

    # -- totals rows ---------------------------------------------------------------
    def _note_total(self, kind: str, cells: list, excel_row: int) -> None:
        """Hand a totals row (or a section/category row carrying sums) to the cross-check."""
        label = next((c.strip() for c in cells if isinstance(c, str) and c.strip()), "合计")
        stated: dict[str, Decimal] = {}
        uncalculated = False
        for column in self.columns:
            if column.field not in MONEY_FIELDS:
                continue
            if (excel_row, column.index) in self.sheet.formula_cells:
                uncalculated = True
                continue
            raw = cells[column.index] if column.index < len(cells) else None
            ok, parsed = column(raw) if raw is not None else (False, None)
            if ok and parsed.amount is not None:
                stated[column.field] = parsed.amount
        self.totals.add_total(kind, excel_row, label, self.section, stated, uncalculated, self.category)


_SEVERAL = re.compile(r"[、，,；;/]|\s+|和|及")
_ROLE_MARK = re.compile(r"[(（]\s*(?:牵头|配合|协办|主办|责任)(?:单位)?\s*[)）]")
_LEADING_NUMBER = re.compile(r"^\s*(?:\d{1,2}\s*[.．、]|[（(]\s*\d{1,2}\s*[)）]|[一二三四五六七八九十]{1,3}、)\s*")
_SUB_SEQ = re.compile(r"^(\d{1,3})\s*[-－—.．]\s*\d{1,3}$")


def _seq_parent(value: object) -> int | None:
    """``1-2`` / ``1.2`` / 3.1 (a number WPS kept) → 1 / 1 / 3: the package a sub-project is under."""
    if isinstance(value, float) and not value.is_integer() and 0 < value < 1000:
        return int(value)
    if isinstance(value, str):
        match = _SUB_SEQ.match(squash(value))
        return int(match.group(1)) if match else None
    return None


def _seq_number(value: object) -> int | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    if isinstance(value, str) and squash(value).rstrip("、.．").isdigit():
        return int(squash(value).rstrip("、.．"))
    return None


def _place(seen: tuple[str, int], sheet: str) -> str:
    where, row = seen
    return f"第{row}行" if where == sheet else f"工作表“{where}”第{row}行"



