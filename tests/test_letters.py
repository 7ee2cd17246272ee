"""两函一单: ``letter draft`` (提醒函, 督办函, 交办单) and ``letter list``.

Dates by hand (2026, no holiday in November): meeting Tue 11-10; item 1 (县交通局) and the
problem (县自然资源局, reported 11-10) are due Tue 11-24 with their 解决意见 due Fri 11-13;
item 2 (县发改局) is due Fri 11-20 and was replied to.
As of Mon 11-23: item 1 has no reply for 16..23 = 6 working days → 红 (reply); the problem
the same → 红; item 2 is overdue 1 working day (23) → 黄.
"""

from __future__ import annotations

import sqlite3

import pytest

CODE1 = "2026-620821-47-01-000001"
LETTER_KEYS = ["id", "kind", "number", "issued_on", "unit", "items"]


def rows(db_path, sql, params=()):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def doc_text(path):
    import docx

    document = docx.Document(str(path))
    return [p.text for p in document.paragraphs], [[[c.text for c in r.cells] for r in t.rows]
                                                   for t in document.tables]


def build_chased(cli):
    from test_meetings import add_county

    add_county(cli)
    cli("project", "add", "--name", "城关管网", "--code", CODE1, "--township", "城关镇", "--department", "县发改局")
    cli("meeting", "add", "--kind", "月调度会", "--on", "2026-11-10")
    cli("meeting", "item", "add", "1", "--text", "协调管网穿越国道手续", "--lead", "交通局", "--project", CODE1)
    cli("meeting", "item", "add", "1", "--text", "落实配套资金", "--lead", "县发改局", "--due", "2026-11-20")
    cli("meeting", "item", "reply", "2", "--text", "财政追加", "--on", "2026-11-12")
    cli("problem", "add", CODE1, "--text", "用地预审未批复", "--lead", "自然资源局", "--reported", "2026-11-10")


@pytest.fixture(scope="module")
def chased_file(built_ledger):
    return built_ledger("chased", build_chased)


@pytest.fixture
def chased(use_ledger, chased_file):
    """Two items and a problem (built once, copied for each test)."""
    return use_ledger(chased_file)


def draft(cli, kind, out, *extra, expect=0):
    return cli("letter", "draft", "--kind", kind, "--as-of", "2026-11-23", "--out", str(out), *extra, expect=expect)


def test_supervision_letters_one_per_unit_numbered_and_recorded(chased, tmp_path, db_path):
    out = draft(chased, "督办函", tmp_path / "督办").stdout
    assert "已生成督办函2份" in out
    files = sorted(p.name for p in (tmp_path / "督办").iterdir())
    assert files == ["督办函-县交通局-2026-1.docx", "督办函-县自然资源局-2026-2.docx"]
    letters = chased.json("letter", "list")
    assert [list(letter)[:len(LETTER_KEYS)] for letter in letters] == [LETTER_KEYS, LETTER_KEYS]
    assert [(l["number"], l["unit"], l["items"]) for l in letters] == [
        ("项目督办〔2026〕1号", "县交通局", [{"kind": "meeting_item", "id": 1}]),
        ("项目督办〔2026〕2号", "县自然资源局", [{"kind": "problem", "id": 1}]),
    ]
    draft(chased, "督办函", tmp_path / "督办")  # the next run continues the count
    assert [l["number"] for l in chased.json("letter", "list", "--kind", "督办函")][2:] == [
        "项目督办〔2026〕3号", "项目督办〔2026〕4号"]
    assert rows(db_path, "SELECT COUNT(*) FROM audit WHERE table_name = 'letter_items' AND project_id = 1") == [(4,)]


def test_supervision_letter_reads_back(chased, tmp_path):
    draft(chased, "督办函", tmp_path, "--unit", "交通局")
    paragraphs, tables = doc_text(tmp_path / "督办函-县交通局-2026-1.docx")
    assert paragraphs[0] == "项目督办〔2026〕1号"
    assert "关于重大项目问题和会议议定事项办理情况的督办函" in paragraphs
    assert "县交通局：" in paragraphs
    body = "\n".join(paragraphs)
    # reply asked within letters.reply_workdays (5) working days of 11-23: 24, 25, 26, 27, 30
    assert "逾期未办结（红牌预警）" in body and "请于2026年11月30日前将办理情况书面报送示范县重大项目建设工作专班" in body
    assert tables[0][0] == ["序号", "类别", "事项", "相关项目", "时限", "逾期工作日", "亮牌"]
    assert tables[0][1] == ["1", "议定事项", "协调管网穿越国道手续", "城关管网", "2026-11-24", "0", "红牌"]
    assert paragraphs[-1] == "2026年11月23日"


def test_reminder_for_blue_and_yellow(chased, tmp_path):
    chased("config", "set", "letters.reminder_prefix", "泾项提")
    draft(chased, "提醒函", tmp_path)
    letters = chased.json("letter", "list")
    assert [(l["kind"], l["number"], l["unit"], l["items"]) for l in letters] == [
        ("提醒函", "泾项提〔2026〕1号", "县发改局", [{"kind": "meeting_item", "id": 2}])]


def test_assignment_sheet_only_hands_over_once(chased, tmp_path):
    draft(chased, "交办单", tmp_path)
    first = chased.json("letter", "list")
    # units in code point order of their names (交 < 发 < 自), one number each
    assert [(l["number"], l["unit"], l["items"]) for l in first] == [
        ("项目交办〔2026〕1号", "县交通局", [{"kind": "meeting_item", "id": 1}]),
        ("项目交办〔2026〕2号", "县发改局", [{"kind": "meeting_item", "id": 2}]),
        ("项目交办〔2026〕3号", "县自然资源局", [{"kind": "problem", "id": 1}]),
    ]
    chased("meeting", "item", "add", "1", "--text", "新增事项", "--lead", "县交通局")
    out = draft(chased, "交办单", tmp_path).stdout
    assert "已生成交办单1份" in out
    last = chased.json("letter", "list")[-1]
    assert (last["number"], last["unit"], last["items"]) == ("项目交办〔2026〕4号", "县交通局",
                                                             [{"kind": "meeting_item", "id": 3}])
    paragraphs, tables = doc_text(tmp_path / "交办单-县交通局-2026-4.docx")
    assert tables[0][0] == ["序号", "类别", "事项", "相关项目", "交办日期", "意见期限", "完成时限"]
    assert tables[0][1] == ["1", "议定事项", "新增事项", "", "2026-11-10", "2026-11-13", "2026-11-24"]
    assert "没有需要发交办单的单位" in draft(chased, "交办单", tmp_path / "空").stdout
    assert not (tmp_path / "空").exists()  # nothing to send: no letter, no folder


def test_unit_on_a_bottom3_streak_gets_a_supervision_letter(chased, tmp_path, db_path):
    conn = sqlite3.connect(db_path)
    (unit_id,) = conn.execute("SELECT id FROM units WHERE name = '新城镇'").fetchone()
    conn.execute("INSERT INTO ranking_snapshots (period, year, kind, unit_id, unit, rank, units_ranked, score,"
                 " projects, start_due, started, annual_plan, ytd_completed, problems, problems_closed, bottom3,"
                 " bottom3_streak, saved_at) VALUES ('2026-10', 2026, 'township', ?, '新城镇', 2, 2, 4000, 1, 0,"
                 " 0, 0, 0, 0, 0, 1, 3, '2026-11-05')", [unit_id])
    conn.commit()
    conn.close()
    draft(chased, "督办函", tmp_path, "--unit", "新城")
    letter = chased.json("letter", "list")[0]
    assert (letter["unit"], letter["items"], letter["basis"]) == ("新城镇", [], "2026-10逐月排队中连续3次排名后三位")
    paragraphs, tables = doc_text(tmp_path / "督办函-新城镇-2026-1.docx")
    assert tables == []
    assert any("请主要负责同志在季度分析会上到会说明情况" in p for p in paragraphs)


def test_dry_run_writes_nothing(chased, tmp_path, db_path):
    out = draft(chased, "督办函", tmp_path / "未建", "--dry-run", "--json")
    planned = __import__("json").loads(out.stdout)
    assert [(p["unit"], p["number"], p["file"]) for p in planned] == [("县交通局", None, None),
                                                                     ("县自然资源局", None, None)]
    assert not (tmp_path / "未建").exists()
    assert rows(db_path, "SELECT COUNT(*) FROM letters") == [(0,)]


@pytest.mark.parametrize("args, message", [
    (["--kind", "催办函"], "函件类型“催办函”无效，应为：提醒函、督办函、交办单"),
    (["--kind", "督办函", "--unit", "县水利局"], "县水利局"),
])
def test_bad_input(chased, tmp_path, db_path, args, message):
    result = chased("letter", "draft", *args, "--out", str(tmp_path), expect=1)
    assert message in result.stderr
    assert rows(db_path, "SELECT COUNT(*) FROM letters") == [(0,)]


def test_out_must_be_a_folder(chased, tmp_path):
    (tmp_path / "f.docx").write_bytes(b"x")
    result = draft(chased, "督办函", tmp_path / "f.docx", expect=1)
    assert "不是文件夹" in result.stderr


def test_a_failed_file_rolls_back_the_letters_and_removes_the_files(chased, tmp_path, db_path, monkeypatch):
    from projledger.errors import DataError
    from projledger.reports import meeting_docs

    real = meeting_docs.write_letter
    calls = []

    def fail_second(draft_, dest, **kw):
        calls.append(dest)
        if len(calls) == 2:
            raise DataError("磁盘已满")
        return real(draft_, dest, **kw)

    monkeypatch.setattr(meeting_docs, "write_letter", fail_second)
    result = draft(chased, "督办函", tmp_path / "督办", expect=1)
    assert "磁盘已满" in result.stderr
    assert list((tmp_path / "督办").iterdir()) == []
    assert rows(db_path, "SELECT COUNT(*) FROM letters") == [(0,)]


def test_item_show_lists_its_letters(chased, tmp_path):
    draft(chased, "督办函", tmp_path)
    draft(chased, "交办单", tmp_path)
    shown = chased.json("meeting", "item", "show", "1", "--as-of", "2026-11-23")
    assert [(l["kind"], l["number"]) for l in shown["letters"]] == [("督办函", "项目督办〔2026〕1号"),
                                                                  ("交办单", "项目交办〔2026〕1号")]
    assert "函件：2026-11-23 督办函 项目督办〔2026〕1号" in chased("meeting", "item", "show", "1").stdout


def test_history_of_an_item_and_a_problem_shows_their_letters(chased, tmp_path):
    draft(chased, "督办函", tmp_path)
    trail = chased.json("meeting", "item", "history", "1")["changes"]
    assert [(c["table"], c["action"]) for c in trail] == [
        ("meeting_items", "insert"), ("letters", "insert"), ("letter_items", "insert")]
    assert trail[1]["after"]["number"] == "项目督办〔2026〕1号"
    screen = chased("meeting", "item", "history", "1").stdout
    assert "议定事项 1“协调管网穿越国道手续” 变更留痕（3条）" in screen and "文号：项目督办〔2026〕1号" in screen
    problem = chased("problem", "history", "1").stdout
    assert "问题 1“用地预审未批复” 变更留痕（3条）" in problem and "项目督办〔2026〕2号" in problem
    shown = chased.json("problem", "show", "1")
    assert [l["number"] for l in shown["letters"]] == ["项目督办〔2026〕2号"]
    # the project's own history names the letter rows of its items and problems
    assert "函件所列事项" in chased("history", CODE1).stdout


def test_due_date_is_kept_as_its_start(chased, db_path):
    assert rows(db_path, "SELECT id, due_start, due_workdays, due_on FROM meeting_items ORDER BY id") == [
        (1, None, 10, "2026-11-24"), (2, "2026-11-20", 0, "2026-11-20")]
