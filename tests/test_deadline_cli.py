"""``projledger deadline`` / ``workdays`` and local overrides, through the CLI.

Expected dates are written out by hand from the State Council notice for 2026:
春节 02-15..02-23 off, 02-14 (Sat) and 02-28 (Sat) make-up workdays; 国庆 10-01..10-07 off,
09-20 (Sun) and 10-10 (Sat) make-up workdays.  2026-11-02 is a Monday.
For 2027 (no notice in chinese-calendar 1.11) only the days the law fixes are off:
元旦 01-01 (Fri); 春节 除夕 02-05 (Fri) to 初三 02-08 (Mon); 清明 04-05; 劳动节 05-01/02;
端午 06-09 (Wed); 中秋 09-15 (Wed); 国庆 10-01..03 (Fri–Sun).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

WARNING_2027 = "2027年调休安排尚未发布，截止日期为暂定，请在国务院通知发布后用 calendar import 补录"
HOLIDAYS_2027_BY_LAW = {
    "2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-04-05",
    "2027-05-01", "2027-05-02", "2027-06-09", "2027-09-15", "2027-10-01", "2027-10-02", "2027-10-03",
}


def deadline_json(cli, *args):
    result = cli("deadline", *args, "--json")
    return json.loads(result.stdout), result.stderr


COMPLETE_CASES = [
    ("2026-02-12", 3, "2026-02-24"),   # SPEC §3: 13 Fri, 14 Sat make-up, 15..23 春节, 24 Tue
    ("2026-02-13", 1, "2026-02-14"),   # the make-up Saturday counts
    ("2026-02-14", 0, "2026-02-14"),   # N=0 on a (make-up) working day: that day
    ("2026-11-21", 0, "2026-11-23"),   # N=0 on a Saturday: next working day
    ("2026-09-30", 1, "2026-10-08"),   # over 国庆
    ("2026-09-30", 3, "2026-10-10"),   # 08 Thu, 09 Fri, 10 Sat make-up
    ("2026-09-18", 1, "2026-09-20"),   # Fri → Sun 09-20 make-up
    ("2026-11-02", 3, "2026-11-05"),
]


def test_deadline_complete_years(cli):
    for start, n, due in COMPLETE_CASES:
        data, stderr = deadline_json(cli, start, n)
        assert data == {"start": start, "workdays": n, "due": due, "calendar_complete": True, "warnings": []}
        assert stderr == ""


def test_deadline_plain_text(cli):
    result = cli("deadline", "2026-02-12", "3")
    assert "2026-02-24（周二）" in result.stdout
    assert "第 3 个工作日" in result.stdout


RULE_CASES = [
    ("预审", "2026-11-05", 3),
    ("告知", "2026-11-03", 1),
    ("受理审核（复杂）", "2026-11-09", 5),   # full-width parentheses accepted
    ("预评估", "2026-11-04", 2),
    ("模拟审批转正式", "2026-11-05", 3),
]


def test_deadline_rules(cli):
    for rule, due, n in RULE_CASES:
        data, _ = deadline_json(cli, "2026-11-02", "--rule", rule)
        assert data == {"start": "2026-11-02", "workdays": n, "due": due, "calendar_complete": True,
                        "warnings": []}


def test_unknown_rule_lists_rules(cli):
    result = cli("deadline", "2026-11-02", "--rule", "快审", expect=2)
    assert "未知规则“快审”" in result.stderr
    for name in ("预审（3）", "初审（3）", "办结回复（1）", "代办终止（2）", "审批总时限（120）"):
        assert name in result.stderr


USAGE_ERRORS = [
    ("2026-11-02",),                        # neither N nor --rule
    ("2026-11-02", "3", "--rule", "预审"),  # both
    ("2026/11/02", "3"),                    # not ISO
    ("2026-11-31", "3"),                    # no such day
    ("2026-11-02", "abc"),
]


def test_deadline_usage_errors(cli):
    for args in USAGE_ERRORS:
        result = cli("deadline", *args, expect=2)
        assert "Traceback" not in result.stderr + result.stdout


def test_deadline_into_2027_is_provisional(cli):
    # Dec 2026 after the 20th: 21–25, 28–31 = 9; 2027: 01-01 元旦 off, 4–8 (14), 11–15 (19),
    # 18–22 (24), 25–29 (29), Feb 1 Mon (30).
    data, stderr = deadline_json(cli, "2026-12-20", "30")
    assert data == {"start": "2026-12-20", "workdays": 30, "due": "2027-02-01",
                    "calendar_complete": False, "warnings": [WARNING_2027]}
    assert WARNING_2027 in stderr.replace("\n", "")
    text = cli("deadline", "2026-12-20", "30")
    assert "2027-02-01（周一）（暂定）" in text.stdout
    assert WARNING_2027 in text.stderr.replace("\n", "")


PROVISIONAL_CASES = [
    ("2026-12-31", 1, "2027-01-04"),   # 01-01 元旦 (Fri), weekend
    ("2027-01-29", 5, "2027-02-09"),   # Feb 1–4, then 除夕..初三 (02-05..02-08), Tue 02-09
    ("2027-02-04", 1, "2027-02-09"),
    ("2027-09-14", 1, "2027-09-16"),   # 中秋 Wed 09-15
    ("2027-09-30", 1, "2027-10-04"),   # 国庆 Fri 10-01, weekend
    ("2027-06-08", 1, "2027-06-10"),   # 端午 Wed 06-09
]


def test_provisional_deadlines_skip_statutory_holidays(cli):
    for start, n, due in PROVISIONAL_CASES:
        data, _ = deadline_json(cli, start, n)
        assert data["due"] == due
        assert data["calendar_complete"] is False


def test_no_provisional_deadline_lands_on_a_2027_holiday_or_weekend(cli):
    from projledger.calendar import load_calendar
    from projledger.store import Ledger

    with Ledger.open(cli.db_path) as ledger:
        cal = load_calendar(ledger.db)
    day = dt.date(2026, 12, 25)
    while day < dt.date(2027, 12, 31):
        for n in (0, 1, 2, 3, 10):
            due = cal.add_workdays(day, n).due
            assert due.isoformat() not in HOLIDAYS_2027_BY_LAW or due.year != 2027, (day, n)
            assert due.weekday() < 5 or due.year == 2026, (day, n, due)
        day += dt.timedelta(days=1)


BETWEEN_CASES = [
    ("2026-09-28", "2026-10-12", 6),   # 29, 30, 10-08, 10-09, 10-10 (Sat), 10-12
    ("2026-02-12", "2026-02-24", 3),
    ("2026-10-12", "2026-09-28", -6),
    ("2026-11-02", "2026-11-02", 0),
]


def test_workdays_between(cli):
    for a, b, count in BETWEEN_CASES:
        data = cli.json("workdays", a, b)
        assert data == {"start": a, "end": b, "workdays": count, "calendar_complete": True, "warnings": []}


def test_workdays_into_2027_warns(cli):
    result = cli("workdays", "2026-12-30", "2027-01-05", "--json")
    data = json.loads(result.stdout)
    # 12-31 Thu, 01-04 Mon, 01-05 Tue (01-01 元旦)
    assert data["workdays"] == 3
    assert data["calendar_complete"] is False
    assert data["warnings"] == [WARNING_2027]
    assert WARNING_2027 in result.stderr.replace("\n", "")
    assert "3 个工作日" in cli("workdays", "2026-12-30", "2027-01-05").stdout


def test_overrides_win(cli):
    # Friday 2026-11-06 made a local holiday, Saturday 11-07 a local workday.
    assert deadline_json(cli, "2026-11-05", "1")[0]["due"] == "2026-11-06"
    cli("calendar", "set", "2026-11-06", "--holiday", "--note", "本地停工")
    assert deadline_json(cli, "2026-11-05", "1")[0]["due"] == "2026-11-09"
    cli("calendar", "set", "2026-11-07", "--workday")
    assert deadline_json(cli, "2026-11-05", "1")[0]["due"] == "2026-11-07"
    # an official holiday turned into a workday locally (10-08 is already one; use 10-07)
    cli("calendar", "set", "2026-10-07", "--workday", "--note", "本地上班")
    assert deadline_json(cli, "2026-09-30", "1")[0]["due"] == "2026-10-07"
    cli("calendar", "unset", "2026-10-07")
    assert deadline_json(cli, "2026-09-30", "1")[0]["due"] == "2026-10-08"


def test_set_day_in_provisional_year_applies_but_stays_provisional(cli):
    # 2027-02-20 is a Saturday; set as a make-up workday.
    assert deadline_json(cli, "2027-02-19", "1")[0]["due"] == "2027-02-22"
    result = cli("calendar", "set", "2027-02-20", "--workday", "--note", "春节调休")
    assert "2027年仍为暂定" in result.stderr
    data, stderr = deadline_json(cli, "2027-02-19", "1")
    assert data["due"] == "2027-02-20"
    assert data["calendar_complete"] is False
    assert WARNING_2027 in stderr.replace("\n", "")


SET_ERRORS = [
    (("2026-10-01", "--workday"), 1, "是法定节假日（国庆节），不能设为工作日"),
    (("2027-02-06", "--workday"), 1, "是法定节假日（春节），不能设为工作日"),
    (("2027-02-20",), 2, "--workday 或 --holiday"),
    (("2027-02-20", "--workday", "--holiday"), 2, "--workday 或 --holiday"),
    (("2027-02-31", "--holiday"), 2, "不存在"),
]


def test_calendar_set_errors(cli):
    for args, code, message in SET_ERRORS:
        result = cli("calendar", "set", *args, expect=code)
        assert message in result.stderr


def test_unset_unknown_day(cli):
    assert "没有本地设置" in cli("calendar", "unset", "2026-11-06", expect=1).stderr
