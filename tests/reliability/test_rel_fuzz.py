"""Fuzzing (hypothesis): no exception escapes but projledger's own, and imports round-trip.

* every value parser of a township sheet (``sheets.values``: money, dates, actual start,
  problems, nature), the project-code check and unit-name resolution get arbitrary cells
  (text with full-width digits, units, enumerators, floats, dates, …): they return a value
  or raise a :class:`~projledger.errors.ProjledgerError` subclass — never anything else;
* the importer gets generated messy township sheets (random header synonyms from
  ``data/header_synonyms.json``, money units in the header, blank/title/unit/footer rows,
  money written in every accepted way): the command never raises anything but our errors,
  and every committed sheet comes back out of ``projledger export projects --format json``
  with the same names, codes and total investments.

Example counts are kept modest so the suite stays fast; ``--hypothesis-seed`` replays.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import json
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st
import typer
from click.testing import CliRunner

from projledger.cli.main import app
from projledger.errors import ProjledgerError
from projledger.projects import check_code
from projledger.sheets import values
from projledger.store import Ledger
from projledger.text import clean_cell
from projledger.units import Units

REPO = Path(__file__).resolve().parents[2]
COMMAND = typer.main.get_command(app)  # built once: Typer rebuilds it on every invoke otherwise
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -------------------------------------------------------------- cell strategies

_PIECES = ["1", "2", "12", "2026", "0", ".", ",", "，", "、", "-", "—", "/", "年", "月", "日", "号", "万元",
           "亿元", "元", "万", "亿", "约", "近", "１２", "０", "．", " ", "\u3000", "（1）", "①", "²", "²⁰",
           "已开工", "未开工", "无", "暂无", "新开工", "续建", "前期", "1.", "2、", "；", ";", "。", "\n",
           "e5", "E-3", "inf", "nan", "NaN", "0x1F", "1_000", "٣", "𝟗", "\ufeff", "\x00", "+", "−", "=",
           "1/3/2026", "2026.1", "2026.10", "20260305", "3月5日", "2026-02-30", "99999999999999"]
texts = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(_PIECES), max_size=8).map("".join),
)
numbers = st.one_of(
    st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False).map(float),
)
dates = st.one_of(st.dates(), st.datetimes(), st.times(), st.timedeltas())
cells = st.one_of(st.none(), st.booleans(), texts, numbers, dates)


def _only_ours(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except ProjledgerError as error:
        assert isinstance(error.message, str) and error.message
        return None


@FAST
@given(cells, st.sampled_from(["万元", "亿元", "元"]))
def test_parse_money_raises_only_our_errors(cell, unit):
    parsed = _only_ours(values.parse_money, cell, unit)
    if parsed is not None and parsed.amount is not None:
        assert parsed.amount >= 0 and parsed.amount == parsed.amount.quantize(Decimal("0.01"))


@FAST
@given(cells, st.one_of(st.none(), st.integers(min_value=1900, max_value=2100)), st.booleans())
def test_parse_date_raises_only_our_errors(cell, year, epoch1904):
    parsed = _only_ours(values.parse_date, cell, year, epoch1904=epoch1904)
    if parsed is not None and parsed.value is not None:
        assert isinstance(parsed.value, dt.date) and parsed.precision in ("day", "month")


@FAST
@given(cells, st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_parse_started_raises_only_our_errors(cell, end):
    _only_ours(values.parse_started, cell, end, end.year)


@FAST
@given(cells)
def test_split_problems_and_nature_raise_only_our_errors(cell):
    problems = _only_ours(values.split_problems, cell)
    if problems is not None:
        assert all(isinstance(p, str) and p.strip() for p in problems)
    nature = _only_ours(values.parse_nature, cell)
    assert nature in (None, "新开工", "续建", "前期")


_CODE_PIECES = ["2026", "-", "620821", "47", "01", "012345", "０", "1", "x", " ", "—", "1989", "2101"]


@FAST
@given(st.one_of(st.none(), texts, st.lists(st.sampled_from(_CODE_PIECES), max_size=9).map("".join)))
def test_check_code_raises_only_our_errors(text):
    checked = _only_ours(check_code, text)
    if checked is not None:
        assert len(checked) == 24 and checked[4] == "-"


@pytest.fixture(scope="module")
def unit_ledger(tmp_path_factory):
    path = tmp_path_factory.mktemp("units") / "units.db"
    ledger = Ledger.open(path, create=True, actor="fuzz", command="fuzz")
    with ledger.transaction() as writer:
        units = Units(ledger.db)
        units.add(writer, "城关镇", "township", aliases=["城关", "城关镇人民政府"])
        units.add(writer, "新城镇", "township")
        units.add(writer, "县发改局", "department", aliases=["发改局", "县发展和改革局"])
    yield ledger
    ledger.close()


@FAST
@given(texts, st.sampled_from([None, "township", "department", "taskforce", "chain"]))
def test_unit_resolution_raises_only_our_errors(unit_ledger, name, kind):
    unit = _only_ours(Units(unit_ledger.db).resolve, name, kind)
    if unit is not None:
        assert unit.name in ("城关镇", "新城镇", "县发改局")


# -------------------------------------------------------------- messy township sheets

_SYNONYMS = json.loads((REPO / "src" / "projledger" / "data" / "header_synonyms.json").read_text("utf-8"))["fields"]


def _plain(field: str) -> list[str]:
    return [s for s in _SYNONYMS[field] if not s.startswith("re:")]


_NAME_HEADERS = [h for h in _plain("name") if h not in ("项目", "名称")]
_FIELD_ORDER = ("code", "owner", "total_investment", "annual_plan", "ytd_completed", "progress", "problems")
_MONEY_FIELDS = ("total_investment", "annual_plan", "ytd_completed")
_FOOTERS = ["填报人：张三", "联系电话：0933-1234567", "审核人：李四    制表人：王五", "注：金额单位为万元"]


@st.composite
def money_cell(draw, unit: str):
    """(text written in the sheet, amount in 万元 it means) for a column in ``unit``."""
    cents = draw(st.integers(min_value=0, max_value=10**9))
    amount = Decimal(cents).scaleb(-2)
    style = draw(st.sampled_from(["plain", "comma", "fullwidth", "suffix", "approx", "yi", "blank"]))
    if style == "blank":
        return draw(st.sampled_from(["", "—", "-", "/", "无"])), None
    if style == "yi":  # a cell stating its own unit overrides the column's
        return f"{(amount / 10000).normalize():f}亿元", amount
    shown = amount / 10000 if unit == "亿元" else amount
    text = f"{shown.normalize():f}"
    if style == "comma":
        text = f"{shown:,f}"
    elif style == "fullwidth":
        text = text.translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
    elif style == "suffix":
        text = text + unit
    elif style == "approx":
        text = "约" + text
    return text, amount


_NAME_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=12)


@st.composite
def township_sheet(draw):
    """A messy sheet (rows of text) and what each project row should import as."""
    headers = {"name": draw(st.sampled_from(_NAME_HEADERS))}
    fields = ["name"] + [f for f in _FIELD_ORDER if draw(st.booleans()) or f == "total_investment"]
    units = {}
    for field in fields[1:]:
        header = draw(st.sampled_from(_plain(field)))
        if field in _MONEY_FIELDS:
            units[field] = draw(st.sampled_from(["万元", "亿元"]))
            header += draw(st.sampled_from(["（{}）", "({})", "\n（{}）", "/{}"])).format(units[field])
        headers[field] = header
    count = draw(st.integers(min_value=1, max_value=6))
    rows, expected = [], []
    codes = draw(st.lists(st.integers(min_value=0, max_value=999_999), min_size=count, max_size=count,
                          unique=True))
    for i in range(count):
        name = ("项目" + draw(_NAME_TEXT) + f"{i + 1}号").strip()
        record = {"name": name, "code": None, "total_investment": None}
        row = {"name": draw(st.sampled_from(["", " ", "\u3000"])) + name + draw(st.sampled_from(["", " "]))}
        if "code" in headers and draw(st.booleans()):
            record["code"] = row["code"] = f"2026-620821-47-01-{codes[i]:06d}"
        for field in _MONEY_FIELDS:
            if field in headers:
                text, amount = draw(money_cell(units[field]))
                row[field] = text
                if field == "total_investment":
                    record["total_investment"] = amount
        if "problems" in headers:
            row["problems"] = draw(st.sampled_from(["无", "", "1.用地未批；2.资金不足", "=HYPERLINK(\"x\")"]))
        if "progress" in headers:
            row["progress"] = draw(st.sampled_from(["主体施工", "", "+完成50%", "@前期"]))
        if "owner" in headers:
            row["owner"] = draw(st.sampled_from(["某公司", "", "-", "城关镇人民政府"]))
        rows.append(row)
        expected.append(record)
    layout = {
        "fill_row": draw(st.booleans()), "unit_row": draw(st.booleans()),
        "blank_before": draw(st.integers(0, 2)), "blank_between": draw(st.lists(st.integers(0, count), max_size=2)),
        "footers": draw(st.lists(st.sampled_from(_FOOTERS), max_size=2)), "seq": draw(st.booleans()),
    }
    return fields, headers, rows, expected, layout


def _sheet_lines(fields, headers, rows, layout) -> list[list[str]]:
    columns = (["序号"] if layout["seq"] else []) + [headers[f] for f in fields]
    lines = [[""]] * layout["blank_before"] + [["城关镇2026年10月重点项目推进情况表"]]
    if layout["fill_row"]:
        lines.append(["填报单位：城关镇", "", "", "填报日期：2026年11月3日"])
    if layout["unit_row"]:
        lines.append(["单位：万元"])
    lines.append(columns)
    for index, row in enumerate(rows):
        if index in layout["blank_between"]:
            lines.append([""])
        lines.append(([str(index + 1)] if layout["seq"] else []) + [row.get(f, "") for f in fields])
    lines += [[footer] for footer in layout["footers"]]
    return lines


def _write(path: Path, lines: list[list[str]]) -> None:
    if path.suffix == ".csv":
        buffer = io.StringIO(newline="")
        csv.writer(buffer, lineterminator="\r\n").writerows(lines)
        path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
        return
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for r, line in enumerate(lines, start=1):
        for c, text in enumerate(line, start=1):
            if text != "":
                sheet.cell(row=r, column=c).value = text
                sheet.cell(row=r, column=c).data_type = "s"  # text cells, as a township types them
    workbook.save(path)


@pytest.fixture(scope="module")
def empty_county(tmp_path_factory) -> Path:
    """A closed ledger with one township, copied for every example (migrations run once)."""
    path = tmp_path_factory.mktemp("fuzz") / "empty.db"
    with Ledger.open(path, create=True, actor="fuzz", command="fuzz") as ledger:
        with ledger.transaction() as writer:
            Units(ledger.db).add(writer, "城关镇", "township")
    return path


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(sheet=township_sheet(), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_messy_sheets_import_only_with_our_errors_and_round_trip(empty_county, sheet, suffix):
    fields, headers, rows, expected, layout = sheet
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "fuzz.db"
        shutil.copyfile(empty_county, db)
        path = Path(tmp) / f"城关镇-2026-10{suffix}"
        _write(path, _sheet_lines(fields, headers, rows, layout))
        # catch_exceptions=False: anything but our errors (handled by the CLI) fails the test.
        result = runner.invoke(COMMAND, ["--db", str(db), "import", str(path), "--json"], catch_exceptions=False)
        assert result.exit_code in (0, 1), result.stderr
        assert "Traceback" not in result.stderr
        summary = json.loads(result.stdout)
        note(f"import summary: {summary}")
        assume(summary["committed"])  # a sheet may be rejected with a listed error; the rest must round-trip
        out = Path(tmp) / "projects.json"
        exported = runner.invoke(COMMAND, ["--db", str(db), "export", "projects", "--format", "json", "--out",
                                       str(out)], catch_exceptions=False)
        assert exported.exit_code == 0, exported.stderr
        got = json.loads(out.read_text("utf-8"))
    # Invisible characters (soft hyphen, zero-width space, bidi controls) are removed at the reader.
    assert [(p["name"], p["code"]) for p in got] == [(clean_cell(e["name"]), e["code"]) for e in expected]
    for project, record in zip(got, expected):
        total = project["total_investment"]
        assert (None if total is None else Decimal(str(total))) == record["total_investment"], project
