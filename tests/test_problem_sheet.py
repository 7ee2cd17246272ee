"""《重大项目落地亟待解决问题清单》 workbook: read back with python-calamine (values) and
openpyxl (fills, page setup).

Deadlines (2026 notice, 10 working days unless --limit):
    资金缺口        reported 10-22 → due 11-05; as of 11-21 (Sat): 06, 09..13, 16..20 = 11 over → 红牌
    用地指标未落实   reported 11-03 → due 11-17; 18, 19, 20 = 3 over → 黄牌
    =HYPERLINK(…)   reported 11-09 → due 11-23 (Mon), 1 working day left → 蓝牌
    管线迁改        reported 11-16 → due 11-30, 6 working days left → no card
    已办结          closed 11-10 → not listed;  十二月的问题 reported 12-01 → not listed
"""

from __future__ import annotations

import datetime as dt

import pytest

CODE1 = "2026-620821-47-01-000001"
CODE2 = "2026-620821-47-01-000002"
HEADERS = ["序号", "项目名称", "所在乡镇", "问题", "牵头单位", "提出日期", "解决时限", "逾期工作日", "亮牌"]
FORMULA = '=HYPERLINK("http://evil.example","点我")'


@pytest.fixture
def ledger_cli(county):
    county("project", "add", "--name", "城关物流园", "--code", CODE1, "--township", "城关镇",
           "--department", "县发改局")
    county("project", "add", "--name", "新城大道", "--code", CODE2, "--township", "新城镇",
           "--department", "县交通局")
    county("problem", "add", CODE1, "--text", "用地指标未落实", "--lead", "自然资源局", "--reported", "2026-11-03")
    county("problem", "add", CODE2, "--text", "资金缺口", "--reported", "2026-10-22")
    county("problem", "add", CODE2, "--text", FORMULA, "--reported", "2026-11-09")
    county("problem", "add", CODE1, "--text", "管线迁改", "--reported", "2026-11-16")
    county("problem", "add", CODE1, "--text", "已办结", "--reported", "2026-11-02")
    county("problem", "close", "5", "--on", "2026-11-10")
    county("problem", "add", CODE1, "--text", "十二月的问题", "--reported", "2026-12-01")
    return county


def read_rows(path):
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    assert workbook.sheet_names == ["问题清单"]
    return workbook.get_sheet_by_name("问题清单").to_python()


def test_sheet_lists_open_problems_worst_first(ledger_cli, tmp_path):
    out = tmp_path / "问题清单-2026-11.xlsx"
    result = ledger_cli("problem", "sheet", "--as-of", "2026-11-21", "--out", str(out))
    assert "4个未办结问题（红牌1、黄牌1、蓝牌1）" in result.stdout
    rows = read_rows(out)
    assert rows[0][0] == "示范县重大项目落地亟待解决问题清单"
    assert rows[1][0] == "截至2026年11月21日，未办结问题4个，其中红牌1个、黄牌1个、蓝牌1个"
    assert rows[2] == HEADERS
    D = dt.date
    assert rows[3:7] == [
        [1.0, "新城大道", "新城镇", "资金缺口", "县交通局", D(2026, 10, 22), D(2026, 11, 5), 11.0, "红牌"],
        [2.0, "城关物流园", "城关镇", "用地指标未落实", "县自然资源局", D(2026, 11, 3), D(2026, 11, 17), 3.0, "黄牌"],
        [3.0, "新城大道", "新城镇", FORMULA, "县交通局", D(2026, 11, 9), D(2026, 11, 23), "", "蓝牌"],
        [4.0, "城关物流园", "城关镇", "管线迁改", "县发改局", D(2026, 11, 16), D(2026, 11, 30), "", ""],
    ]
    assert len(rows) == 7


def test_card_fills_formula_text_and_page_setup(ledger_cli, tmp_path):
    import openpyxl

    out = tmp_path / "清单.xlsx"
    ledger_cli("problem", "sheet", "--as-of", "2026-11-21", "--out", str(out))
    ws = openpyxl.load_workbook(out)["问题清单"]
    fills = [ws.cell(row=r, column=9).fill.fgColor.rgb for r in range(4, 8)]
    assert fills == ["00FF9999", "00FFE699", "009DC3E6", "00000000"]
    formula_cell = ws.cell(row=6, column=4)
    assert formula_cell.value == FORMULA and formula_cell.data_type == "s"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.print_title_rows == "$3:$3"
    assert ws.freeze_panes == "C4"
    assert {"A1:I1", "A2:I2"} <= {str(r) for r in ws.merged_cells.ranges}
    # rows tall enough for wrapped text; the page footer (第 N 页) has room above the page edge
    assert all(ws.row_dimensions[r].height >= 18 for r in range(4, 8))
    assert ws.page_margins.bottom - ws.page_margins.footer >= 0.3


def test_sheet_for_a_past_date_shows_what_was_open_then(ledger_cli, tmp_path):
    out = tmp_path / "清单.xlsx"
    ledger_cli("problem", "sheet", "--as-of", "2026-11-05", "--out", str(out))
    rows = read_rows(out)
    # 资金缺口 due today → 蓝牌; then without a card, earliest 解决时限 first: 已办结 (closed only
    # on 11-10, reported 11-02, due 11-16), 用地指标未落实 (due 11-17).
    assert [(r[3], r[8]) for r in rows[3:]] == [("资金缺口", "蓝牌"), ("已办结", ""), ("用地指标未落实", "")]


def test_provisional_deadlines_are_noted_under_the_table(ledger_cli, tmp_path):
    ledger_cli("problem", "add", CODE1, "--text", "跨年问题", "--reported", "2026-12-28")  # due 2027-01-12
    out = tmp_path / "清单.xlsx"
    result = ledger_cli("problem", "sheet", "--as-of", "2026-12-31", "--out", str(out))
    assert "暂定" in result.stderr
    rows = read_rows(out)
    texts = [r[3] for r in rows[3:]]
    number = texts.index("跨年问题") + 1
    assert rows[-1][0].startswith(f"注：序号{number}的解决时限按暂定日历计算")


def test_empty_ledger_gives_a_sheet_with_headers_only(cli, tmp_path):
    out = tmp_path / "空.xlsx"
    result = cli("problem", "sheet", "--as-of", "2026-11-21", "--out", str(out))
    assert "0个未办结问题" in result.stdout
    rows = read_rows(out)
    assert rows[2] == HEADERS and len(rows) == 3


def test_missing_directory_is_a_data_error_and_writes_nothing(ledger_cli, tmp_path):
    out = tmp_path / "没有这个目录" / "清单.xlsx"
    result = ledger_cli("problem", "sheet", "--as-of", "2026-11-21", "--out", str(out), expect=1)
    assert "输出目录" in result.stderr and "不存在" in result.stderr
    assert not out.parent.exists()


def test_existing_file_is_replaced_whole(ledger_cli, tmp_path):
    out = tmp_path / "清单.xlsx"
    out.write_bytes(b"old")
    ledger_cli("problem", "sheet", "--as-of", "2026-11-21", "--out", str(out))
    assert read_rows(out)[2] == HEADERS
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_decided_items_follow_on_their_own_sheet(ledger_cli, tmp_path):
    """Meeting on Tue 11-10: item due 10 working days later, Tue 11-24; as of Sat 11-28 it is
    25, 26, 27 = 3 working days over → 黄牌; the other is due 12-31 → no card."""
    from python_calamine import CalamineWorkbook

    ledger_cli("meeting", "add", "--kind", "月调度会", "--on", "2026-11-10")
    ledger_cli("meeting", "item", "add", "1", "--text", "落实配套资金", "--lead", "发改局", "--project", CODE1)
    ledger_cli("meeting", "item", "add", "1", "--text", "=1+1", "--lead", "交通局", "--due", "2026-12-31")
    out = tmp_path / "清单.xlsx"
    result = ledger_cli("problem", "sheet", "--as-of", "2026-11-28", "--out", str(out))
    assert "2项未办结议定事项（红牌0、黄牌1、蓝牌0）" in result.stdout
    workbook = CalamineWorkbook.from_path(str(out))
    assert workbook.sheet_names == ["问题清单", "议定事项"]
    rows = workbook.get_sheet_by_name("议定事项").to_python()
    assert rows[0][0] == "示范县会议议定事项跟踪督办清单"
    assert rows[2] == ["序号", "会议", "议定事项", "牵头单位", "相关项目", "交办日期", "完成时限", "逾期工作日", "亮牌"]
    D = dt.date
    assert rows[3:] == [
        [1.0, "2026-11-10 月调度会", "落实配套资金", "县发改局", "城关物流园", D(2026, 11, 10), D(2026, 11, 24), 3.0, "黄牌"],
        [2.0, "2026-11-10 月调度会", "=1+1", "县交通局", "", D(2026, 11, 10), D(2026, 12, 31), "", ""],
    ]
