"""Decided items in the monthly report: their own 议定事项 sheet, their cards on 预警, and no
effect on the ranking (its 问题办结率 counts problems only, SPEC §11).

One township, one plan project (plan 1,000 万元, 500 done by March 2025), one problem.  The
月调度会 of Mon 2025-03-10 decides one item due 10 working days later: 11, 12, 13, 14, 17, 18,
19, 20, 21, 24 → Mon 03-24; the report's as-of date is 03-31: 25, 26, 27, 28, 31 = 5 working
days over → 黄牌 (its 解决意见, due 03-13, was given on 03-12).
"""

from __future__ import annotations

import json

CODE = "2025-620821-47-01-000001"


def build(cli):
    cli("unit", "add", "甲镇", "--kind", "township")
    cli("unit", "add", "县发改局", "--kind", "department")
    cli("project", "add", "--name", "甲项目", "--township", "甲镇", "--department", "县发改局", "--nature", "续建",
        "--code", CODE)
    cli("plan", "set", CODE, "--year", "2025", "--investment", "1000")
    cli("progress", "log", CODE, "--period", "2025-03", "--ytd", "500")
    cli("problem", "add", CODE, "--text", "用地指标未落实", "--reported", "2025-03-03")


def ranking_rows(data):
    return {kind: [(r["unit"], r["problems"], r["problems_closed"], r["score"]) for r in rows]
            for kind, rows in data["rankings"].items()}


def test_items_sheet_and_ranking_unchanged(cli, tmp_path):
    from python_calamine import CalamineWorkbook

    build(cli)
    before = json.loads(cli("report", "monthly", "--period", "2025-03", "--json", "--no-save",
                            "--out", str(tmp_path / "a.xlsx")).stdout)
    cli("meeting", "add", "--kind", "月调度会", "--on", "2025-03-10")
    cli("meeting", "item", "add", "1", "--text", "协调用地指标", "--lead", "县发改局", "--project", CODE)
    cli("meeting", "item", "reply", "1", "--text", "已上报", "--on", "2025-03-12")
    cli("meeting", "item", "add", "1", "--text", "已办结的事项", "--lead", "县发改局")
    cli("meeting", "item", "close", "2", "--on", "2025-03-20")
    out = tmp_path / "b.xlsx"
    after = json.loads(cli("report", "monthly", "--period", "2025-03", "--json", "--no-save",
                           "--out", str(out)).stdout)
    assert ranking_rows(after) == ranking_rows(before)
    assert ranking_rows(after)["department"][0][:3] == ("县发改局", 1, 0)  # the problem, not the items
    workbook = CalamineWorkbook.from_path(str(out))
    assert "议定事项" in workbook.sheet_names
    rows = workbook.get_sheet_by_name("议定事项").to_python()
    assert rows[0][0] == "示范县会议议定事项跟踪督办清单"
    data = [row for row in rows if isinstance(row[0], float)]
    assert [row[1:] for row in data] == [
        ["2025-03-10 月调度会", "协调用地指标", "县发改局", "甲项目", data[0][5], "已逾期", 5.0, "黄牌"]]
    assert data[0][5].isoformat() == "2025-03-24"
    warnings = workbook.get_sheet_by_name("预警").to_python()
    assert any(row[2] == "议定事项" and row[4] == "协调用地指标" for row in warnings)
