"""The agenda (议程) and the minutes (纪要): JSON and the Word documents read back with python-docx.

Dates by hand (2026, no holiday in November): meeting Tue 11-10, items due 10 working days
later on Tue 11-24 unless given; the 季度分析会 is on Tue 12-15.
"""

from __future__ import annotations

import sqlite3

import pytest

CODE1 = "2026-620821-47-01-000001"


def doc_text(path):
    import docx

    document = docx.Document(str(path))
    paragraphs = [p.text for p in document.paragraphs]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    return paragraphs, tables


def save_streaks(db_path, rows):
    """A saved ranking (what ``report monthly`` stores) with the given streaks: (unit name, kind, rank, streak)."""
    conn = sqlite3.connect(db_path)
    try:
        for name, kind, rank, streak in rows:
            (unit_id,) = conn.execute("SELECT id FROM units WHERE name = ?", [name]).fetchone()
            conn.execute(
                "INSERT INTO ranking_snapshots (period, year, kind, unit_id, unit, rank, units_ranked, score,"
                " projects, start_due, started, annual_plan, ytd_completed, problems, problems_closed, bottom3,"
                " bottom3_streak, saved_at) VALUES ('2026-11', 2026, ?, ?, ?, ?, 2, 5000, 1, 0, 0, 0, 0, 0, 0,"
                " 1, ?, '2026-12-05')", [kind, unit_id, name, rank, streak])
        conn.commit()
    finally:
        conn.close()


def build_meeting(cli):
    from test_meetings import add_county

    add_county(cli)
    cli("project", "add", "--name", "城关管网", "--code", CODE1, "--township", "城关镇", "--department", "县发改局")
    cli("meeting", "add", "--kind", "专题会商", "--on", "2026-11-10", "--chair", "王副县长",
        "--attendee", "县发改局", "--attendee", "县交通局", "--title", "城关管网专题会商")
    cli("meeting", "item", "add", "1", "--text", "协调管网穿越国道手续", "--lead", "交通局", "--project", CODE1)
    cli("meeting", "item", "add", "1", "--text", "落实配套资金", "--lead", "县发改局", "--due", "2026-12-31")
    cli("problem", "add", CODE1, "--text", "用地预审未批复", "--meeting", "1", "--lead", "自然资源局")


@pytest.fixture(scope="module")
def meeting_file(built_ledger):
    return built_ledger("meeting", build_meeting)


@pytest.fixture
def meeting(use_ledger, meeting_file):
    """A 专题会商 with two items and a problem (built once, copied for each test)."""
    return use_ledger(meeting_file)


def test_minutes_docx_has_the_responsibility_list(meeting, tmp_path):
    out = meeting("meeting", "minutes", "1", "--docx", str(tmp_path / "纪要.docx")).stdout
    assert "议定事项2项，会上提出的问题1个" in out
    paragraphs, tables = doc_text(tmp_path / "纪要.docx")
    assert paragraphs[0] == "城关管网专题会商纪要"
    body = "\n".join(paragraphs)
    assert "2026年11月10日，王副县长主持召开专题会商" in body
    assert "参会单位：县发改局、县交通局。" in body
    assert "一、议定事项（责任清单）" in body and "二、会上提出的问题" in body
    assert tables[0] == [
        ["序号", "议定事项", "牵头单位", "相关项目", "完成时限"],
        ["1", "协调管网穿越国道手续", "县交通局", "城关管网", "2026年11月24日"],
        ["2", "落实配套资金", "县发改局", "", "2026年12月31日"],
    ]
    assert tables[1][1] == ["1", "城关管网", "用地预审未批复", "县自然资源局", "2026年11月24日"]
    assert paragraphs[-1] == "2026年11月10日"


def test_minutes_of_unknown_meeting(meeting, tmp_path):
    result = meeting("meeting", "minutes", "5", "--docx", str(tmp_path / "x.docx"), expect=1)
    assert "找不到编号为 5 的会议" in result.stderr
    assert not (tmp_path / "x.docx").exists()


def test_quarterly_agenda_json(meeting, db_path):
    save_streaks(db_path, [("新城镇", "township", 2, 3), ("县交通局", "department", 3, 1)])
    meeting("meeting", "add", "--kind", "季度分析会", "--on", "2027-03-15")
    agenda = meeting.json("meeting", "agenda", "--kind", "季度分析会", "--on", "2026-12-15")
    assert agenda["kind"] == "季度分析会" and agenda["next_on"] == "2027-03-15"
    assert agenda["ranking_period"] == "2026-11"
    assert agenda["explain"] == [{"unit": "新城镇", "kind": "township", "bottom3_streak": 3, "rank": 2}]
    # as of 12-15 the 11-24 deadlines are overdue by 11-25..12-15 = 15 working days → red
    assert agenda["red_projects"][0]["code"] == CODE1
    assert [(g["lead_unit"], [(i["kind"], i["id"], i["overdue_workdays"]) for i in g["items"]])
            for g in agenda["overdue"]] == [
        ("县交通局", [("meeting_item", 1, 15)]),
        ("县自然资源局", [("problem", 1, 15)]),
    ]
    assert [(i["id"], i["due_on"]) for i in agenda["due_soon"]] == [(2, "2026-12-31")]


def test_monthly_agenda_has_no_explain_and_next_month_window(meeting):
    agenda = meeting.json("meeting", "agenda", "--kind", "月调度会", "--on", "2026-11-20")
    assert agenda["explain"] == [] and agenda["next_on"] == "2026-12-20"
    assert agenda["overdue"] == []
    assert [i["id"] for i in agenda["due_soon"]] == [1]  # 11-24 is before 12-20; 12-31 is not


def test_agenda_bad_kind(meeting):
    result = meeting("meeting", "agenda", "--kind", "调度会", "--on", "2026-11-20", expect=1)
    assert "会议类型“调度会”无效" in result.stderr


def test_agenda_docx(meeting, db_path, tmp_path):
    save_streaks(db_path, [("新城镇", "township", 2, 4)])
    meeting("meeting", "agenda", "--kind", "季度分析会", "--on", "2026-12-15", "--docx", str(tmp_path / "议程.docx"))
    paragraphs, tables = doc_text(tmp_path / "议程.docx")
    assert paragraphs[0] == "示范县季度分析会议程"
    body = "\n".join(paragraphs)
    for heading in ("一、到会说明情况的单位", "二、红牌项目", "三、逾期未办结的问题和议定事项",
                    "（一）县交通局（1项）", "（二）县自然资源局（1项）", "四、下次会议前到期的议定事项"):
        assert heading in body
    assert tables[0][1] == ["1", "新城镇", "2", "4"]
    assert tables[2][1][:3] == ["1", "议定事项", "协调管网穿越国道手续"]
