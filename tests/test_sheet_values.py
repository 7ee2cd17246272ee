"""Value parsers of the township-sheet import: one table row per accepted or refused form."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projledger.errors import DataError
from projledger.sheets.values import (
    ParsedDate,
    ParsedMoney,
    ValueProblem,
    detect_money_unit,
    excel_serial_to_date,
    is_not_given,
    parse_date,
    parse_money,
    parse_nature,
    parse_started,
    split_problems,
)

D = Decimal
JAN_WARNING = "“2026.1”按2026年1月读取；若为10月，请将单元格设为文本后填写“2026.10”"


# ---------------------------------------------------------------- money

@pytest.mark.parametrize(
    ("raw", "unit", "amount"),
    [
        (1200, "万元", D("1200.00")),
        (1200.5, "万元", D("1200.50")),
        (8600.0, "万元", D("8600.00")),
        (0, "万元", D("0.00")),
        ("0", "万元", D("0.00")),
        ("1200", "万元", D("1200.00")),
        ("1,200", "万元", D("1200.00")),
        ("1，200", "万元", D("1200.00")),
        ("12,000", "万元", D("12000.00")),
        ("1,200.5", "万元", D("1200.50")),
        ("1,234,567.891", "万元", D("1234567.89")),
        ("１２００", "万元", D("1200.00")),
        ("１２００万元", "万元", D("1200.00")),
        ("１，２００．５", "万元", D("1200.50")),
        ("1200万元", "万元", D("1200.00")),
        ("1200万", "万元", D("1200.00")),
        ("1200 万元", "万元", D("1200.00")),
        ("  510  ", "万元", D("510.00")),
        ("\u3000510\u3000", "万元", D("510.00")),
        (".5", "万元", D("0.50")),
        ("+5", "万元", D("5.00")),
        ("0.005", "万元", D("0.01")),  # half-up
        ("0.004", "万元", D("0.00")),
        # 亿元 columns: × 10000, exactly
        (4.6, "亿元", D("46000.00")),
        ("4.6", "亿元", D("46000.00")),
        (1.2, "亿元", D("12000.00")),
        (0.99, "亿元", D("9900.00")),
        (0.052, "亿元", D("520.00")),
        (0.012, "亿元", D("120.00")),
        (0.35, "亿元", D("3500.00")),
        (0.15, "亿元", D("1500.00")),
        (2, "亿元", D("20000.00")),
        # a unit written in the cell overrides the column's
        ("4.6亿元", "万元", D("46000.00")),
        ("4.6亿", "万元", D("46000.00")),
        ("1200万元", "亿元", D("1200.00")),
        ("1200万", "亿元", D("1200.00")),
        # 元 (a column headed （元）), ÷ 10000
        ("52000000", "元", D("5200.00")),
        ("1200元", "万元", D("0.12")),
        # float cells through repr: the classic 0.1 + 0.2 drift never appears
        (0.1 + 0.2, "万元", D("0.30")),
        (0.1 + 0.2, "亿元", D("3000.00")),
        (1.005, "万元", D("1.01")),  # repr "1.005" rounds half-up, not float's 1.00499…
        (2.675, "万元", D("2.68")),
        (D("3.333"), "万元", D("3.33")),
        ("-0", "万元", D("0.00")),
    ],
)
def test_parse_money_amounts(raw, unit, amount):
    parsed = parse_money(raw, unit)
    assert parsed == ParsedMoney(amount, False, ())
    assert str(parsed.amount) == str(amount)  # scale 2, no "-0.00"


def test_parse_money_default_unit_is_wan_yuan():
    assert parse_money("1200").amount == D("1200.00")


@pytest.mark.parametrize(
    ("raw", "unit", "amount", "warning"),
    [
        ("约1200", "万元", D("1200.00"), "金额为约数：约1200万元"),
        ("约 1200", "万元", D("1200.00"), "金额为约数：约1200万元"),
        ("约1200万元", "万元", D("1200.00"), "金额为约数：约1200万元"),
        ("近1,200", "万元", D("1200.00"), "金额为约数：近1,200万元"),
        ("约4.6", "亿元", D("46000.00"), "金额为约数：约4.6亿元"),
        ("近4.6亿", "万元", D("46000.00"), "金额为约数：近4.6亿元"),
        ("约１２００", "万元", D("1200.00"), "金额为约数：约1200万元"),
    ],
)
def test_parse_money_approximate(raw, unit, amount, warning):
    assert parse_money(raw, unit) == ParsedMoney(amount, True, (warning,))


@pytest.mark.parametrize(
    "raw", [None, "", "   ", "—", "——", "-", "－", "/", "／", "无", "暂无", "– ", "\\", "--"]
)
def test_parse_money_not_given(raw):
    assert parse_money(raw) == ParsedMoney(None, False, ())
    assert parse_money(raw, "亿元") == ParsedMoney(None, False, ())


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("abc", "“abc”不是有效金额"),
        ("十万", "“十万”不是有效金额"),
        ("1200万元左右", "“1200万元左右”不是有效金额"),
        ("1,20", "“1,20”不是有效金额"),  # not a thousands group: refused, not read as 120
        ("1,2000", "“1,2000”不是有效金额"),
        ("1.2.3", "“1.2.3”不是有效金额"),
        ("50%", "“50%”不是有效金额"),
        ("1e3", "“1e3”不是有效金额"),
        ("约", "“约”不是有效金额"),
        ("万元", "“万元”不是有效金额"),
        ("①", "“①”不是有效金额"),  # NFKC would make it 1
        ("12²", "“12²”不是有效金额"),  # NFKC would make it 122
        ("٣", "“٣”不是有效金额"),  # Arabic-Indic digit
        ("1 200", "“1 200”不是有效金额"),
        (True, "“True”不是有效金额"),
        (date(2026, 3, 5), "“2026-03-05”不是有效金额"),
        (time(10, 30), "“10:30:00”不是有效金额"),
        (float("nan"), "“nan”不是有效金额"),
        (float("inf"), "“inf”不是有效金额"),
        ("-5", "金额不能为负数"),
        ("－5", "金额不能为负数"),
        ("−5", "金额不能为负数"),
        ("约-5", "金额不能为负数"),
        ("-1,200万元", "金额不能为负数"),
        (-5, "金额不能为负数"),
        (-0.5, "金额不能为负数"),
        (1e300, "金额“1e+300”过大，请检查金额单位"),
        ("1000000000000.01", "金额“1000000000000.01”过大，请检查金额单位"),
    ],
)
def test_parse_money_problems(raw, message):
    with pytest.raises(ValueProblem) as caught:
        parse_money(raw)
    assert caught.value.message == message


def test_parse_money_unknown_unit_is_a_programming_error():
    with pytest.raises(ValueError):
        parse_money("1", "千元")


def test_value_problem_is_a_data_error():
    problem = ValueProblem("“abc”不是有效金额")
    assert isinstance(problem, DataError) and problem.exit_code == 1
    assert problem.message == "“abc”不是有效金额"


# ---------------------------------------------------------------- dates

DAY, MONTH = "day", "month"


@pytest.mark.parametrize(
    ("raw", "value", "precision"),
    [
        (date(2026, 3, 5), date(2026, 3, 5), DAY),
        (datetime(2026, 3, 5, 14, 30), date(2026, 3, 5), DAY),
        ("2026-03-05", date(2026, 3, 5), DAY),
        ("2026-3-5", date(2026, 3, 5), DAY),
        ("2026/3/5", date(2026, 3, 5), DAY),
        ("2026/03/05", date(2026, 3, 5), DAY),
        ("2026.3.5", date(2026, 3, 5), DAY),
        ("2026.04.18", date(2026, 4, 18), DAY),
        ("2026.10.09", date(2026, 10, 9), DAY),
        ("2026年3月5日", date(2026, 3, 5), DAY),
        ("2026年3月5号", date(2026, 3, 5), DAY),
        ("2026年03月05日", date(2026, 3, 5), DAY),
        ("2026年5月20日", date(2026, 5, 20), DAY),
        ("2026 年 3 月 5 日", date(2026, 3, 5), DAY),
        ("２０２６年３月５日", date(2026, 3, 5), DAY),
        ("２０２６－０３－０５", date(2026, 3, 5), DAY),
        ("20260305", date(2026, 3, 5), DAY),
        ("2026/3/5 0:00", date(2026, 3, 5), DAY),
        ("2026-03-05 00:00:00", date(2026, 3, 5), DAY),
        ("2026-03-05T08:30:00", date(2026, 3, 5), DAY),
        ("  2026-03-05  ", date(2026, 3, 5), DAY),
        ("2024-02-29", date(2024, 2, 29), DAY),
        # month only → day 1
        ("2026年3月", date(2026, 3, 1), MONTH),
        ("2026年3月份", date(2026, 3, 1), MONTH),
        ("2026年10月", date(2026, 10, 1), MONTH),
        ("2026.3", date(2026, 3, 1), MONTH),
        ("2026.05", date(2026, 5, 1), MONTH),
        ("2026.03", date(2026, 3, 1), MONTH),
        ("2026.10", date(2026, 10, 1), MONTH),
        ("2026.12", date(2026, 12, 1), MONTH),
        ("2027.03", date(2027, 3, 1), MONTH),
        ("2026-03", date(2026, 3, 1), MONTH),
        ("2026/3", date(2026, 3, 1), MONTH),
        ("２０２６．１０", date(2026, 10, 1), MONTH),
        # numbers: YYYY.MM floats, compact YYYYMMDD, Excel serials
        (2026.05, date(2026, 5, 1), MONTH),
        (2026.5, date(2026, 5, 1), MONTH),
        (2026.12, date(2026, 12, 1), MONTH),
        (2026.11, date(2026, 11, 1), MONTH),
        (2025.09, date(2025, 9, 1), MONTH),
        (20260305, date(2026, 3, 5), DAY),
        (46086, date(2026, 3, 5), DAY),
        (46086.0, date(2026, 3, 5), DAY),
        (46086.75, date(2026, 3, 5), DAY),  # time of day dropped
        (45658, date(2025, 1, 1), DAY),
        (18264, date(1950, 1, 1), DAY),
    ],
)
def test_parse_date_forms(raw, value, precision):
    assert parse_date(raw, 2026) == ParsedDate(value, precision, ())


def test_parse_date_serial_1904_system():
    assert parse_date(44624, epoch1904=True) == ParsedDate(date(2026, 3, 5), DAY, ())


@pytest.mark.parametrize(
    ("raw", "period_year", "value"),
    [
        ("3月5日", 2026, date(2026, 3, 5)),
        ("3月5号", 2025, date(2025, 3, 5)),
        ("12月31日", 2026, date(2026, 12, 31)),
        ("３月５日", 2026, date(2026, 3, 5)),
    ],
)
def test_parse_date_without_year_takes_period_year(raw, period_year, value):
    assert parse_date(raw, period_year) == ParsedDate(value, DAY, ())


@pytest.mark.parametrize("raw", [2026.1, 2026.10, "2026.1", " 2026.1 "])
def test_year_point_one_is_january_with_a_warning(raw):
    # Excel stores the number 2026.10 as 2026.1; January is the reading, October the doubt.
    assert parse_date(raw) == ParsedDate(date(2026, 1, 1), MONTH, (JAN_WARNING,))


def test_year_point_one_warning_quotes_the_cell_as_written():
    assert parse_date("２０２６．１").warnings == (
        "“２０２６．１”按2026年1月读取；若为10月，请将单元格设为文本后填写“2026.10”",
    )


@pytest.mark.parametrize("raw", [None, "", " ", "—", "-", "/", "无", "——", "－"])
def test_parse_date_not_given(raw):
    assert parse_date(raw).value is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2026-02-30", "日期“2026-02-30”不存在"),
        ("2025-02-29", "日期“2025-02-29”不存在"),
        ("2026年2月30日", "日期“2026年2月30日”不存在"),
        ("2026-13", "日期“2026-13”不存在"),
        ("2026.13", "日期“2026.13”不存在"),
        ("2026年13月", "日期“2026年13月”不存在"),
        ("2026.0", "日期“2026.0”不存在"),
        ("2026-04-31", "日期“2026-04-31”不存在"),
        ("20261301", "日期“20261301”不存在"),
        (2026.13, "日期“2026.13”不存在"),
        (20260230, "日期“20260230”不存在"),
        ("3月32日", "日期“3月32日”不存在"),
        ("0026-03-05", "日期“0026-03-05”的年份不在1900—2100年之间"),
        ("2200-03-05", "日期“2200-03-05”的年份不在1900—2100年之间"),
        ("2026", "日期“2026”只有年份，缺少月份"),
        ("2026年", "日期“2026年”只有年份，缺少月份"),
        (2026, "日期“2026”只有年份，缺少月份"),
        (2026.0, "日期“2026.0”只有年份，缺少月份"),
        ("3/5/2026", "“3/5/2026”不是有效日期"),
        ("05/03/2026", "“05/03/2026”不是有效日期"),
        ("10.5", "“10.5”不是有效日期"),
        ("3/5", "“3/5”不是有效日期"),
        ("26.3.5", "“26.3.5”不是有效日期"),
        ("202603", "“202603”不是有效日期"),
        ("260305", "“260305”不是有效日期"),
        ("2026.3.5.1", "“2026.3.5.1”不是有效日期"),
        ("2026-03/05", "“2026-03/05”不是有效日期"),
        ("2026.123", "“2026.123”不是有效日期"),
        ("2026年3月底", "“2026年3月底”不是有效日期"),
        ("二〇二六年三月", "“二〇二六年三月”不是有效日期"),
        ("2026年①月", "“2026年①月”不是有效日期"),
        ("March 5 2026", "“March 5 2026”不是有效日期"),
        ("已开工", "“已开工”不是有效日期"),
        ("2026-03-05 25:00", "“2026-03-05 25:00”不是有效日期"),
        (10.5, "“10.5”不是有效日期"),
        (5, "“5”不是有效日期"),
        (-3, "“-3”不是有效的Excel日期序号"),
        (2026.123, "“2026.123”不是有效日期"),
        (float("nan"), "“nan”不是有效日期"),
        (1e20, "“1e+20”不是有效的Excel日期序号"),
        (True, "“True”不是有效日期"),
        (time(8, 0), "“08:00:00”不是有效日期"),
        (date(1850, 1, 1), "日期“1850-01-01”的年份不在1900—2100年之间"),
    ],
)
def test_parse_date_problems(raw, message):
    with pytest.raises(ValueProblem) as caught:
        parse_date(raw, 2026)
    assert caught.value.message == message


def test_month_day_without_any_year_is_an_error():
    with pytest.raises(ValueProblem) as caught:
        parse_date("3月5日")
    assert caught.value.message == "日期“3月5日”没有年份，且报告期年份未知"


@pytest.mark.parametrize(
    ("raw", "value", "precision"),
    [
        # the silent mis-parses of a fuzzy parser, pinned
        ("2026.10", date(2026, 10, 1), MONTH),  # dateutil: January 2026 ("2026.1")
        ("2026年3月", date(2026, 3, 1), MONTH),  # dateutil: today's day of March
        ("2026.3", date(2026, 3, 1), MONTH),
    ],
)
def test_no_fuzzy_mis_parse(raw, value, precision):
    assert parse_date(raw, 2026) == ParsedDate(value, precision, ())


# ---------------------------------------------------------------- Excel serials

@pytest.mark.parametrize(
    ("serial", "epoch1904", "value"),
    [
        (1, False, date(1900, 1, 1)),
        (59, False, date(1900, 2, 28)),
        (61, False, date(1900, 3, 1)),  # 60 is Excel's phantom 1900-02-29
        (36526, False, date(2000, 1, 1)),
        (46086, False, date(2026, 3, 5)),
        (46086.999, False, date(2026, 3, 5)),
        (2958465, False, date(9999, 12, 31)),
        (0, True, date(1904, 1, 1)),
        (1, True, date(1904, 1, 2)),
        (44624, True, date(2026, 3, 5)),
    ],
)
def test_excel_serial_to_date(serial, epoch1904, value):
    assert excel_serial_to_date(serial, epoch1904) == value


@pytest.mark.parametrize(
    ("serial", "epoch1904"),
    [(60, False), (0, False), (-1, False), (-1, True), (2958466, False),
     (float("inf"), False), (True, False)],
)
def test_excel_serial_out_of_range(serial, epoch1904):
    with pytest.raises(ValueProblem):
        excel_serial_to_date(serial, epoch1904)


# ---------------------------------------------------------------- actual start

PERIOD_END = date(2026, 10, 31)
STARTED_WARNING = "“已开工”按期末日期估计开工时间"


@pytest.mark.parametrize("raw", ["已开工", "已开工建设", "已开", " 已开工 ", "是", "已开工。"])
def test_started_without_a_date_is_estimated_at_period_end(raw):
    assert parse_started(raw, PERIOD_END, 2026) == ParsedDate(
        PERIOD_END, DAY, (STARTED_WARNING,), estimated=True
    )


@pytest.mark.parametrize("raw", ["未开工", "未开", "否", "尚未开工", "", None, "—"])
def test_not_started(raw):
    assert parse_started(raw, PERIOD_END, 2026) == ParsedDate(None, DAY, ())


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026年5月20日", ParsedDate(date(2026, 5, 20), DAY, ())),
        ("2026.04.18", ParsedDate(date(2026, 4, 18), DAY, ())),
        (date(2025, 10, 8), ParsedDate(date(2025, 10, 8), DAY, ())),
        ("5月20日", ParsedDate(date(2026, 5, 20), DAY, ())),
        (2026.1, ParsedDate(date(2026, 1, 1), MONTH, (JAN_WARNING,))),
    ],
)
def test_started_dates_parse_like_dates(raw, expected):
    assert parse_started(raw, PERIOD_END, 2026) == expected


def test_started_garbage_is_a_problem():
    with pytest.raises(ValueProblem) as caught:
        parse_started("快了", PERIOD_END, 2026)
    assert caught.value.message == "“快了”不是有效日期"


# ---------------------------------------------------------------- problems

@pytest.mark.parametrize(
    ("raw", "problems"),
    [
        ("1.管网穿越国道手续未办结；2.环评批复未取得。", ["管网穿越国道手续未办结", "环评批复未取得"]),
        ("1.环评批复未取得；2.电力增容待协调", ["环评批复未取得", "电力增容待协调"]),
        ("1、环评批复未取得；2、电力增容待协调", ["环评批复未取得", "电力增容待协调"]),
        ("1．环评批复未取得\n2．电力增容待协调", ["环评批复未取得", "电力增容待协调"]),
        ("１．环评批复未取得；２．电力增容待协调", ["环评批复未取得", "电力增容待协调"]),
        ("（1）环评批复未取得；（2）电力增容待协调。", ["环评批复未取得", "电力增容待协调"]),
        ("(1)环评批复未取得(2)电力增容待协调", ["环评批复未取得", "电力增容待协调"]),
        ("①环评批复未取得②电力增容待协调③用地未报批", ["环评批复未取得", "电力增容待协调", "用地未报批"]),
        ("一、环评批复未取得；二、电力增容待协调", ["环评批复未取得", "电力增容待协调"]),
        ("1.A 2.B 3.C", ["A", "B", "C"]),
        ("1)A 2)B", ["A", "B"]),
        ("1. 资金缺口1.2亿元；2. 2026年3月前完成征地", ["资金缺口1.2亿元", "2026年3月前完成征地"]),
        ("存在问题：1.环评批复未取得；2.电力增容待协调", ["环评批复未取得", "电力增容待协调"]),
        ("资金压力较大：1.配套资金未到位；2.贷款未审批",
         ["资金压力较大", "配套资金未到位", "贷款未审批"]),
        ("1.管网穿越国道手续未办结", ["管网穿越国道手续未办结"]),
        ("1.环评批复未取得；2.无", ["环评批复未取得"]),
        ("1.环评批复未取得；2.环评批复未取得", ["环评批复未取得"]),
        ("管网穿越国道手续未办结", ["管网穿越国道手续未办结"]),
        ("  管网穿越国道手续未办结。 ", ["管网穿越国道手续未办结"]),
        ("资金缺口180万元", ["资金缺口180万元"]),
        ("沿线3户拆迁未完成", ["沿线3户拆迁未完成"]),
        # no numbering: one problem, inner ；kept
        ("用地指标不足；征地补偿未到位。", ["用地指标不足；征地补偿未到位"]),
        # numbers inside a problem are not enumerators
        ("资金缺口1.2亿元", ["资金缺口1.2亿元"]),
        ("需在2026年3月前完成征地", ["需在2026年3月前完成征地"]),
        ("2026年3月前完成征地；资金不足", ["2026年3月前完成征地；资金不足"]),
        ("10.5公里管网未完工", ["10.5公里管网未完工"]),
        ("1.2亿元配套资金未到位", ["1.2亿元配套资金未到位"]),
        ("1、2、3号楼拆迁未完成", ["1、2、3号楼拆迁未完成"]),
        ("统一、规范的审批流程未建立", ["统一、规范的审批流程未建立"]),
        ("见附件（1）中的手续清单", ["见附件（1）中的手续清单"]),
        ("道路 3、4段未贯通", ["道路 3、4段未贯通"]),
        # a number out of sequence stays in the text
        ("1.征地未完成；3.资金未到位", ["征地未完成；3.资金未到位"]),
    ],
)
def test_split_problems(raw, problems):
    assert split_problems(raw) == problems


@pytest.mark.parametrize(
    "raw", [None, "", "  ", "无", "暂无", "—", "——", "/", "-", "无问题", "暂无问题", "无。", "无；", "\n"]
)
def test_no_problems(raw):
    assert split_problems(raw) == []


# ---------------------------------------------------------------- small helpers

@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, True), ("", True), ("  ", True), ("—", True), ("——", True), ("-", True),
        ("－", True), ("/", True), ("无", True), ("暂无", True),
        ("0", False), (0, False), (0.0, False), (False, False), ("无问题x", False),
        ("1200", False), (date(2026, 1, 1), False),
    ],
)
def test_is_not_given(raw, expected):
    assert is_not_given(raw) is expected


@pytest.mark.parametrize(
    ("raw", "nature"),
    [
        ("新开工", "新开工"), ("新建", "新开工"), (" 新开工 ", "新开工"), ("新开工项目", "新开工"),
        ("续建", "续建"), ("续建项目", "续建"),
        ("前期", "前期"), ("预备", "前期"), ("前期项目", "前期"),
        (None, None), ("", None), ("—", None),
    ],
)
def test_parse_nature(raw, nature):
    assert parse_nature(raw) == nature


@pytest.mark.parametrize("raw", ["扩建", "改建", "竣工", "abc", 1])
def test_parse_nature_unknown(raw):
    with pytest.raises(ValueProblem) as caught:
        parse_nature(raw)
    assert caught.value.message == f"建设性质“{raw}”无法识别，应为新开工、续建或前期"


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("单位：亿元", "亿元"),
        ("单位:万元", "万元"),
        ("单位： 亿元", "亿元"),
        ("投资情况（亿元）", "亿元"),
        ("投资情况(万元)", "万元"),
        ("（万元）", "万元"),
        ("总投资（万元）", "万元"),
        ("总投资\n（亿元）", "亿元"),
        ("总投资(元)", "元"),
        ("单位：万", "万元"),
        ("金额单位为亿元", "亿元"),
        ("单位：万元（1亿元以上项目）", "万元"),
        ("总投资", None),
        ("1-10月完成", None),
        ("", None),
        ("万元、亿元", None),
        ("填报单位：新城镇人民政府", None),
    ],
)
def test_detect_money_unit(text, unit):
    assert detect_money_unit(text) == unit


# ---------------------------------------------------------------- properties

_SHEETISH = st.text(
    alphabet=st.sampled_from(list("0123456789０１２３.．,，-－/—年月日号约近万亿元 \n①²无已开工T:")),
    max_size=16,
)
_CELLS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(), _SHEETISH, st.dates(), st.datetimes(), st.times(),
)


@settings(max_examples=400, deadline=None)
@given(_CELLS)
def test_parsers_only_ever_raise_value_problem(cell):
    for parse in (parse_money, parse_date, lambda c: parse_money(c, "亿元"),
                  lambda c: parse_date(c, 2026, epoch1904=True),
                  lambda c: parse_started(c, PERIOD_END, None), parse_nature):
        try:
            parse(cell)
        except ValueProblem as problem:
            assert problem.message


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), _SHEETISH))
def test_split_problems_never_raises_and_gives_trimmed_parts(text):
    for part in split_problems(text):
        assert part and part == part.strip(" \t\r\n\u3000；;。，,、：:.．")


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=0, max_value=10**9, places=2))
def test_money_text_round_trips(amount):
    assert parse_money(f"{amount:,}").amount == amount
    assert parse_money(str(amount)).amount == amount
