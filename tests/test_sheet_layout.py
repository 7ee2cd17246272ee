"""Header detection, synonym mapping, row classification, township/period (SPEC §4).

Sheets are built in memory as ``Sheet`` grids (what the readers produce), or as real xlsx
files through openpyxl where merged cells matter.  Expectations are written out by hand.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from projledger.errors import DataError
from projledger.sheets.columns import FIELDS
from projledger.sheets.layout import (
    Layout,
    detect_fill_date,
    detect_period,
    detect_township,
    find_layout,
    pick_data_sheets,
)
from projledger.sheets.readers import Sheet, read_workbook
from projledger.sheets.rows import RowShape, classify_row
from projledger.sheets.synonyms import load_synonyms, normalize_header

SYNONYMS = load_synonyms()
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"


def grid(rows, merged=(), name="表1", hidden=False) -> Sheet:
    return Sheet(name=name, rows=[list(r) for r in rows], row_numbers=list(range(1, len(rows) + 1)),
                 merged=list(merged), hidden=hidden)  # fmt: skip


def fields_of(layout: Layout) -> dict[str, int]:
    return {c.field: c.index for c in layout.columns}


def pick_data_sheet(sheets, synonyms, file_name=None) -> Layout:
    """The first sheet's layout, as the township reader takes it (visible sheets first)."""
    return next(layout for _, layout in pick_data_sheets(sheets, synonyms, file_name) if layout is not None)


# ---------------------------------------------------------------- synonyms


def test_builtin_synonyms_cover_every_field():
    assert set(SYNONYMS) == set(FIELDS) | {"seq"}


@pytest.mark.parametrize(
    "header, field",
    [
        # SPEC §4's list, every entry
        ("项目代码", "code"), ("统一代码", "code"), ("项目编码", "code"),
        ("项目名称", "name"), ("项目名", "name"),
        ("建设单位", "owner"), ("项目单位", "owner"), ("业主单位", "owner"),
        ("建设性质", "nature"), ("项目性质", "nature"), ("项目类别", "nature"),
        ("总投资", "total_investment"), ("计划总投资", "total_investment"), ("项目总投资", "total_investment"),
        ("年度计划投资", "annual_plan"), ("本年计划投资", "annual_plan"), ("2026年计划投资", "annual_plan"),
        ("年度计划", "annual_plan"),
        ("1-10月完成投资", "ytd_completed"), ("累计完成投资", "ytd_completed"), ("今年以来完成投资", "ytd_completed"),
        ("截至10月底完成投资", "ytd_completed"), ("本年累计完成", "ytd_completed"),
        ("当月完成投资", "month_completed"), ("本月完成投资", "month_completed"),
        ("形象进度", "progress"), ("工程进度", "progress"), ("工程进展情况", "progress"),
        ("项目进展情况", "progress"), ("进展情况", "progress"),
        ("计划开工时间", "planned_start"), ("计划开工日期", "planned_start"),
        ("实际开工时间", "actual_start"), ("开工时间", "actual_start"), ("开工日期", "actual_start"),
        ("存在问题", "problems"), ("存在的问题及困难", "problems"), ("需协调解决的问题", "problems"),
        ("存在困难和问题", "problems"),
        ("包联领导", "leader"), ("包抓领导", "leader"), ("县级包联领导", "leader"),
        ("责任单位", "department"), ("主管部门", "department"), ("县直责任单位", "department"),
        ("所在乡镇", "township"), ("属地", "township"),
        ("所属行业", "industry"), ("行业", "industry"), ("产业类别", "industry"),
        ("备注", "note"),
        # writing variants: line breaks, full-width forms, units, dashes, markers, notes
        ("建设\n单位", "owner"), ("总 投 资", "total_investment"), ("总投资（万元）", "total_investment"),
        ("总投资(亿元)", "total_investment"), ("总投资/万元", "total_investment"), ("【备注】", "note"),
        ("*项目名称", "name"), ("１－１０月完成投资", "ytd_completed"), ("1—10月完成", "ytd_completed"),
        ("1~9月累计完成投资（万元）", "ytd_completed"), ("2026年1-10月完成投资", "ytd_completed"),
        ("截止9月底累计完成投资", "ytd_completed"), ("10月完成投资", "month_completed"),
        ("2027年度计划投资", "annual_plan"), ("存在问题（需县级协调）", "problems"),
    ],
)  # fmt: skip
def test_header_maps_to_field(header, field):
    layout = find_layout(grid([["项目名称", header] if field != "name" else ["备注", header]]), SYNONYMS)
    assert layout is not None
    mapped = {c.header: c.field for c in layout.columns}
    shown = header.replace("\n", "")
    assert mapped[shown] == field


@pytest.mark.parametrize(
    "text, expected",
    [
        ("建设\n单位", ("建设单位", None)),
        ("总投资（万元）", ("总投资", "万元")),
        (" 总投资 (亿元) ", ("总投资", "亿元")),
        ("计划总投资(单位:万元)", ("计划总投资", "万元")),
        ("总投资/元", ("总投资", "元")),
        ("所在乡镇（街道）", ("所在乡镇(街道)", None)),
        ("★项目名称", ("项目名称", None)),
        (2026.0, ("2026", None)),
        (None, ("", None)),
    ],
)
def test_normalize_header(text, expected):
    assert normalize_header(text) == expected


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_user_synonyms_extend_and_remap(tmp_path):
    extra = write_json(tmp_path / "mine.json", {"fields": {
        "name": ["工程名称"], "annual_plan": ["re:^\\d{4}年投资任务$"], "progress": ["进展情况及下步计划"],
        "department": ["行业"],  # re-mapped away from industry
    }})  # fmt: skip
    synonyms = load_synonyms(extra)
    assert synonyms["name"][0] == "工程名称" and "项目名称" in synonyms["name"]
    assert "行业" not in synonyms["industry"]
    layout = find_layout(grid([["工程名称", "2026年投资任务", "进展情况及下步计划", "行业"]]), synonyms)
    assert fields_of(layout) == {"name": 0, "annual_plan": 1, "progress": 2, "department": 3}


def test_user_synonyms_plain_mapping_without_format_key(tmp_path):
    extra = write_json(tmp_path / "plain.json", {"owner": "项目法人"})
    assert load_synonyms(extra)["owner"][0] == "项目法人"


@pytest.mark.parametrize(
    "content, fragment",
    [
        ({"fields": {"colour": ["颜色"]}}, "字段“colour”未知"),
        ({"fields": {"name": ["re:(("]}}, "正则"),
        ({"fields": {"name": [1, 2]}}, "文字列表"),
        ("not json", "不是有效的JSON"),
        ([1, 2], "格式错误"),
    ],
)
def test_bad_user_synonym_files(tmp_path, content, fragment):
    path = tmp_path / "bad.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_synonyms(path)
    assert fragment in caught.value.message


def test_missing_user_synonym_file(tmp_path):
    with pytest.raises(DataError, match="表头同义词文件.*不存在"):
        load_synonyms(tmp_path / "none.json")


# ---------------------------------------------------------------- header detection

XINCHENG = [
    ["新城镇2026年重点项目推进情况表（截至10月底）"],
    ["填报单位：新城镇人民政府", None, None, None, None, None, None, None, "填报日期：2026年11月3日"],
    ["序号", "项目代码", "项目名称", "建设\n单位", "投资情况（万元）", None, None, "形象进度", "计划开工\n时间", "存在问题"],
    [None, None, None, None, "总投资", "年度计划", "1-10月完成"],
    ["一、新开工项目（2个）"],
    [1, "2026-620822-47-01-100101", "污水处理厂提标改造工程", "县水务投资有限公司", 8600, 3000, 1850, "按计划推进"],
    ["合计", None, None, None, 8600, 3000, 1850],
    ["填报人：李明", None, None, "联系电话：0933-1234567"],
]
XINCHENG_MERGES = [(0, 0, 0, 9), (2, 0, 3, 0), (2, 1, 3, 1), (2, 2, 3, 2), (2, 3, 3, 3), (2, 4, 2, 6), (2, 7, 3, 7),
                   (2, 8, 3, 8), (2, 9, 3, 9)]  # fmt: skip
XINCHENG_COLUMNS = [
    ("code", "项目代码", 1, None),
    ("name", "项目名称", 2, None),
    ("owner", "建设单位", 3, None),
    ("total_investment", "投资情况（万元）/总投资", 4, "万元"),
    ("annual_plan", "投资情况（万元）/年度计划", 5, "万元"),
    ("ytd_completed", "投资情况（万元）/1-10月完成", 6, "万元"),
    ("progress", "形象进度", 7, None),
    ("planned_start", "计划开工时间", 8, None),
    ("problems", "存在问题", 9, None),
]


@pytest.mark.parametrize("merged", [XINCHENG_MERGES, []], ids=["merged-ranges", "no-merge-info"])
def test_two_row_header_with_merged_parent(merged):
    layout = find_layout(grid(XINCHENG, merged), SYNONYMS)
    assert layout.header_rows == [2, 3]
    assert [(c.field, c.header, c.index, c.unit) for c in layout.columns] == XINCHENG_COLUMNS
    assert layout.seq_index == 0
    assert layout.unknown_headers == []
    assert layout.data_start == 4
    assert layout.money_unit == "万元"
    assert layout.title == "新城镇2026年重点项目推进情况表（截至10月底）"
    assert layout.township == "新城镇人民政府"
    assert layout.fill_date == dt.date(2026, 11, 3)
    assert layout.period == (2026, 10)


def test_two_row_header_from_a_real_xlsx(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in XINCHENG:
        ws.append(row)
    for r0, c0, r1, c1 in XINCHENG_MERGES:
        ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    wb.save(tmp_path / "x.xlsx")
    layout = pick_data_sheet(read_workbook(tmp_path / "x.xlsx"), SYNONYMS)
    assert [(c.field, c.header, c.index, c.unit) for c in layout.columns] == XINCHENG_COLUMNS


def test_parent_row_over_single_row_labels_is_taken_in():
    # labels that need no parent sit in the lower row; the merged parent spans only part
    rows = [["标题"], [None, None, "投资情况（亿元）"], ["序号", "项目名称", "总投资", "年度计划"], [1, "甲", 1, 2]]
    layout = find_layout(grid(rows, [(0, 0, 0, 3), (1, 2, 1, 3)]), SYNONYMS)
    assert layout.header_rows == [1, 2]
    assert [(c.header, c.unit) for c in layout.columns] == [
        ("项目名称", None), ("投资情况（亿元）/总投资", "亿元"), ("投资情况（亿元）/年度计划", "亿元")]  # fmt: skip
    assert layout.title == "标题"


def test_three_row_header_combines_parent_and_label():
    rows = [
        ["项目名称", "投资情况（万元）", None, None, "开工时间", None],
        [None, "总投资", "2026年", None, None, None],
        [None, None, "计划", "1-9月完成", "计划", "实际"],
        ["甲", 100, 50, 20, "2026.3", "2026-03-05"],
    ]
    merged = [(0, 0, 2, 0), (0, 1, 0, 3), (1, 1, 2, 1), (1, 2, 1, 3), (0, 4, 1, 5)]
    layout = find_layout(grid(rows, merged), SYNONYMS)
    assert layout.header_rows == [0, 1, 2]
    assert {c.field: c.header for c in layout.columns} == {
        "name": "项目名称",
        "total_investment": "投资情况（万元）/总投资",
        "annual_plan": "投资情况（万元）/2026年/计划",
        "ytd_completed": "投资情况（万元）/2026年/1-9月完成",
        "planned_start": "开工时间/计划",
        "actual_start": "开工时间/实际",
    }
    assert layout.data_start == 3
    assert layout.period == (2026, 9)  # no title or fill-in date: the year of the 2026年 header


def test_blank_row_and_column_numbering_row_under_header_are_classified():
    rows = [["项目名称", "总投资", "备注"], [], ["1", "2", "3"], ["甲", 1], [None], ["乙", 2]]
    layout = find_layout(grid(rows), SYNONYMS)
    assert (layout.header_rows, layout.data_start) == ([0], 1)
    shape = RowShape.of(layout)
    assert [classify_row(r, shape)[0] for r in rows[1:]] == ["blank", "column_numbers", "project", "blank", "project"]


def test_unit_row_sets_the_default_money_unit():
    rows = [["南川街道重大项目调度表"], ["报送时间：2026年11月4日", None, None, "单位：亿元"],
            ["项目名称", "计划总投资", "截至10月底完成投资"], [], ["甲", 4.6, 0.99]]  # fmt: skip
    layout = find_layout(grid(rows), SYNONYMS)
    assert layout.money_unit == "亿元"
    assert [c.unit for c in layout.columns] == [None, None, None]
    assert (layout.township, layout.period, layout.fill_date) == ("南川街道", (2026, 10), dt.date(2026, 11, 4))
    assert layout.data_start == 3


@pytest.mark.parametrize(
    "unit_cell, expected",
    [("单位：万元", "万元"), ("（单位：亿元）", "亿元"), ("金额单位:亿元", "亿元"), ("亿元", "亿元"), (None, "万元")],
)
def test_unit_row_variants(unit_cell, expected):
    layout = find_layout(grid([["标题"], [unit_cell], ["项目名称", "总投资"]]), SYNONYMS)
    assert layout.money_unit == expected


def test_unknown_headers_are_reported_and_every_column_of_a_field_is_kept():
    rows = [["序号", "项目名称", "总投资", "投资强度", "开工时间", "实际开工时间", "投资强度", None, "联系人"]]
    layout = find_layout(grid(rows), SYNONYMS)
    assert [(c.field, c.index) for c in layout.columns] == [
        ("name", 1), ("total_investment", 2), ("actual_start", 4), ("actual_start", 5)]
    assert layout.unknown_headers == ["投资强度", "联系人"]


@pytest.mark.parametrize(
    "rows",
    [
        [["1. 金额单位为亿元，保留四位小数。"], ["2. 存在问题请逐条编号填写。"]],
        [["项目名称"], ["甲"]],  # the name alone is not a header
        [["总投资", "年度计划投资"], [1, 2]],  # no name column
        [],
    ],
)
def test_no_layout(rows):
    assert find_layout(grid(rows), SYNONYMS) is None


def test_header_beyond_the_scan_window_is_not_found():
    rows = [[f"说明{i}"] for i in range(15)] + [["项目名称", "总投资"]]
    assert find_layout(grid(rows), SYNONYMS) is None
    assert find_layout(grid(rows[1:]), SYNONYMS).header_rows == [14]


def test_pick_data_sheets_skips_instructions_and_prefers_visible_sheets():
    instructions = grid([["填表说明"]], name="填表说明")
    old = grid([["项目名称", "总投资"]], name="旧表", hidden=True)
    data = grid([["项目名称", "总投资", "备注"]], name="项目表")
    assert pick_data_sheet([instructions, old, data], SYNONYMS).sheet.name == "项目表"
    assert pick_data_sheet([instructions, old], SYNONYMS).sheet.name == "旧表"


def test_pick_data_sheets_names_file_and_sheets_when_none_fits():
    sheets = [grid([["说明"]], name="填表说明"), grid([], name="Sheet2")]
    with pytest.raises(DataError) as caught:
        pick_data_sheet(sheets, SYNONYMS, file_name="城关镇.xlsx")
    assert "文件“城关镇.xlsx”中没有找到项目表：工作表“填表说明”“Sheet2”" in caught.value.message


# ---------------------------------------------------------------- row classification

LAYOUT = RowShape.of(find_layout(grid([["序号", "项目代码", "项目名称", "总投资"]]), SYNONYMS))


@pytest.mark.parametrize(
    "cells, expected",
    [
        ([], ("blank", None)),
        ([None, "  ", None], ("blank", None)),
        ([6], ("blank", None)),
        (["6", None, None], ("blank", None)),
        (["一、新开工项目（5个）"], ("section", "新开工")),
        (["二、续建项目"], ("section", "续建")),
        (["三、前期项目"], ("section", "前期")),
        (["（一）前期谋划项目", None, None, 1200], ("section", "前期")),
        (["四、工业项目"], ("category", "工业")),
        (["（一）工业项目（3个）", None, None, 1200], ("category", "工业")),
        ([None, "（二）基础设施类项目"], ("category", "基础设施")),
        (["序号", "项目代码", "项目名称", "总投资"], ("repeated_header", None)),
        ([1, 2, 3, 4], ("column_numbers", None)),
        (["以下空白"], ("footer", None)),
        ([None, None, None, None, "注：1.金额单位为万元"], ("footer", None)),
        (["城关镇2026年10月重点项目推进情况表"], ("title", None)),
        (["填报单位：城关镇  填报日期：2026年11月3日"], ("fill_in", None)),
        (["一", None, "新开工项目（5个）"], ("section", "新开工")),
        ([None, None, "续建项目（3个）"], ("section", "续建")),
        (["合计", None, None, 61000.5], ("totals", None)),
        ([None, None, "合  计", 1], ("totals", None)),
        (["总计"], ("totals", None)),
        (["", None, "新开工项目小计", 100], ("totals", None)),
        ([None, None, "其中：新开工", 100], ("totals", None)),
        (["填报人：李明", None, None, "联系电话：0933-1234567"], ("footer", None)),
        (["联系电话：0933-1234567"], ("footer", None)),
        (["审核人：王芳"], ("footer", None)),
        (["制表：张三"], ("footer", None)),
        (["备注：本表金额单位为万元"], ("footer", None)),
        ([1, "2026-620822-47-01-100101", "新城镇污水处理厂提标改造工程", 8600], ("project", None)),
        ([2, None, "十里铺村道路工程", 100], ("project", None)),
        ([3, None, "新开工项目配套道路", 100], ("project", None)),
        ([None, None, "城关镇备注室改造"], ("project", None)),
        (["北塬乡千亩设施农业示范园项目", "2026-620822-01-03-200201"], ("unclassified", None)),
        ([None, None, None, None, "二期用地报批中"], ("unclassified", None)),
    ],
)
def test_classify_row(cells, expected):
    assert classify_row(cells, LAYOUT) == expected


def test_classify_row_without_seq_column():
    layout = RowShape.of(find_layout(grid([["项目名称", "总投资"]]), SYNONYMS))
    assert classify_row([6], layout) == ("project", None)
    assert classify_row(["一、新开工项目"], layout) == ("section", "新开工")


# ---------------------------------------------------------------- period, township, fill date


@pytest.mark.parametrize(
    "texts, fill_date, expected",
    [
        (["北塬乡2026年10月重点项目进展情况"], None, (2026, 10)),
        (["新城镇2026年重点项目推进情况表（截至10月底）"], dt.date(2026, 11, 3), (2026, 10)),
        (["南川街道重大项目调度表", "截至9月底完成投资"], dt.date(2026, 10, 4), (2026, 9)),
        (["城关镇重点项目", "1-10月完成投资"], dt.date(2026, 11, 3), (2026, 10)),
        (["城关镇重点项目", "1—12月完成"], dt.date(2027, 1, 5), (2026, 12)),  # December, filled in January
        (["城关镇重点项目", "1-10月完成"], dt.date(2026, 10, 31), (2026, 10)),
        (["2025年城关镇重点项目", "1-12月完成"], dt.date(2026, 1, 5), (2025, 12)),
        (["城关镇2026年1-9月重点项目"], dt.date(2026, 12, 1), (2026, 9)),
        (["城关镇10月份重点项目调度"], dt.date(2026, 11, 2), (2026, 10)),
        (["城关镇重点项目（2026.10）"], None, (2026, 10)),
        (["截至2026年10月31日重点项目进展"], None, (2026, 10)),
        # the fill-in date is never the period
        (["填报日期：2026年11月3日"], dt.date(2026, 11, 3), None),
        (["城关镇重点项目 报送时间：2026年11月4日", "累计完成投资"], dt.date(2026, 11, 4), None),
        (["城关镇重点项目", "2026年11月3日"], None, None),
        # month known, year only from a header text
        (["城关镇重点项目", "1-10月完成", "2026年计划投资"], None, (2026, 10)),
        (["城关镇重点项目", "1-10月完成"], None, None),
        ([], None, None),
        (["城关镇重点项目", "1-13月完成"], dt.date(2026, 11, 3), None),
    ],
)
def test_detect_period(texts, fill_date, expected):
    assert detect_period(texts, fill_date) == expected


@pytest.mark.parametrize(
    "title, fill, expected",
    [
        (None, "填报单位：城关镇  填报日期：2026年11月3日", "城关镇"),
        (None, "填报单位：新城镇人民政府", "新城镇人民政府"),
        (None, "填报单位:城关镇（盖章） 填报人：李明", "城关镇"),
        (None, "报送单位：南川街道办事处  单位：万元", "南川街道办事处"),
        ("城关镇2026年重点项目推进情况表", None, "城关镇"),
        ("城关镇2026年重点项目推进情况表", "填报单位：新城镇", "新城镇"),
        ("南川街道重大项目调度表", None, "南川街道"),
        ("2026年城关镇重点项目推进情况", None, "城关镇"),
        ("附件2：北塬乡2026年10月重点项目进展情况", None, "北塬乡"),
        ("城关镇重点项目推进情况表", "填报日期：2026年11月3日", "城关镇"),
        ("重点项目推进情况表", None, None),
        (None, None, None),
    ],
)
def test_detect_township(title, fill, expected):
    assert detect_township(title, fill) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("填报单位：城关镇  填报日期：2026年11月3日", dt.date(2026, 11, 3)),
        ("报送时间：2026-11-04", dt.date(2026, 11, 4)),
        ("填表日期：2026.11.5", dt.date(2026, 11, 5)),
        ("填报日期：2026年2月30日", None),
        ("填报单位：城关镇", None),
        (None, None),
    ],
)
def test_detect_fill_date(text, expected):
    assert detect_fill_date(text) == expected


def test_fill_date_in_its_own_date_cell():
    rows = [["城关镇2026年重点项目（1-10月）"], ["填报日期：", dt.datetime(2026, 11, 3)], ["项目名称", "总投资"]]
    layout = find_layout(grid(rows), SYNONYMS)
    assert (layout.fill_date, layout.period, layout.township) == (dt.date(2026, 11, 3), (2026, 10), "城关镇")


# ---------------------------------------------------------------- the practice sheets


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared/samples not beside the repository")
@pytest.mark.parametrize(
    "file, sheet, township, period, unit, data_rows",
    [
        ("新城镇-2026-10.xlsx", "重点项目进度", "新城镇人民政府", (2026, 10), "万元", 5),
        ("新城镇-2026-09.xlsx", "重点项目进度", "新城镇人民政府", (2026, 9), "万元", 5),
        ("北塬乡-2026-10.csv", "北塬乡-2026-10", "北塬乡", (2026, 10), "万元", 3),
        ("北塬乡-2026-09.csv", "北塬乡-2026-09", "北塬乡", (2026, 9), "万元", 3),
        ("南川街道-2026-10.xlsx", "项目表", "南川街道", (2026, 10), "亿元", 3),
        ("南川街道-2026-09.xlsx", "项目表", "南川街道", (2026, 9), "亿元", 3),
    ],
)
def test_practice_sheets(file, sheet, township, period, unit, data_rows):
    layout = pick_data_sheet(read_workbook(SAMPLES / file), SYNONYMS)
    assert (layout.sheet.name, layout.township, layout.period, layout.money_unit) == (sheet, township, period, unit)
    assert layout.unknown_headers == []
    shape = RowShape.of(layout)
    kinds = [classify_row(r, shape) for r in layout.sheet.rows[layout.data_start :]]
    assert sum(1 for kind, _ in kinds if kind == "project") == data_rows
    if file.startswith("新城镇"):
        assert [v for kind, v in kinds if kind == "section"] == ["新开工", "续建", "前期"]
        assert [kind for kind, _ in kinds[-2:]] == ["totals", "footer"]
        assert layout.column("total_investment").header == "投资情况（万元）/总投资"
