"""The meeting papers as 公文 (SPEC §13): the agenda (议程), the minutes (纪要), and the letters
(提醒函, 督办函, 交办单), all laid out by the one builder
:class:`projledger.reports.document.OfficialDocument`.

This module only writes what it is given — the records of :mod:`projledger.agenda`,
:mod:`projledger.meetings` and :mod:`projledger.letters` — and never queries.

* **议程**: title ``{county}{kind}议程``, the date; 一、到会说明情况的单位 (季度分析会); 二、红牌项目;
  三、逾期未办结的问题和议定事项 by lead unit (one table per unit); 四、下次会议前到期的议定事项.
* **纪要**: title ``{title or kind}纪要``; when, who chaired, attendees; 一、议定事项 as the
  责任清单 table (序号, 议定事项, 牵头单位, 相关项目, 完成时限); 二、会上提出的问题; the issuing
  office and the meeting's date at the end.
* **Letters**: the number (文号) above the title, the unit addressed, what is asked and by
  when, the table of the problems and items named, the issuing office and date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MinutesData", "write_agenda", "write_minutes", "write_letter", "LETTER_TITLES"]

CARD_LABELS = {"red": "红牌", "yellow": "黄牌", "blue": "蓝牌"}
KIND_NOUNS = {"problem": "问题", "meeting_item": "议定事项"}
#: Column widths in mm (the 156 mm text width) of a tracked-items table: 序号, 类别, 事项, 相关项目, 时限,
#: 逾期工作日, 亮牌 — wide enough that a date, 议定事项 and 逾期工作日 stay on one line.
_TRACKED_WIDTHS = [12, 20, 40, 24, 24, 23, 13]
LETTER_TITLES = {
    "提醒函": "关于抓紧办理重大项目问题和会议议定事项的提醒函",
    "督办函": "关于重大项目问题和会议议定事项办理情况的督办函",
    "交办单": "重大项目问题和会议议定事项交办单",
}


@dataclass(frozen=True)
class MinutesData:
    meeting: object  # projledger.meetings.Meeting
    items: list  # MeetingItem
    problems: list  # Problem linked to the meeting
    office: str  # who issues the 纪要 (projledger.letters.office_of)


def _cn(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"


def write_agenda(agenda, dest: Path, *, settings, ledger_path=None) -> Path:
    """The agenda of :func:`projledger.agenda.build_agenda` as a Word document."""
    from projledger.reports.document import OfficialDocument

    doc = OfficialDocument(f"{settings.county_name}{agenda.kind}议程", subtitle=f"（{_cn(agenda.on)}）")
    number = iter("一二三四五")
    if agenda.kind == "季度分析会":
        doc.heading(f"{next(number)}、到会说明情况的单位")
        if agenda.explain:
            doc.paragraph(f"以下单位在{agenda.ranking_period}逐月排队中连续三次及以上排名后三位，"
                          "由其主要负责同志到会说明情况：")
            doc.table(["序号", "单位", "当月排名", "连续排名后三位次数"],
                      [[n, u.unit, u.rank, u.streak] for n, u in enumerate(agenda.explain, 1)],
                      widths=[12, 64, 36, 44], align=["center", "left", "center", "center"])
        else:
            doc.paragraph("无连续三次排名后三位的单位。")
    doc.heading(f"{next(number)}、红牌项目")
    if agenda.red_projects:
        doc.table(["序号", "项目名称", "项目代码", "亮红牌原因"],
                  [[n, p.name, p.code or "", "\n".join(p.reasons)] for n, p in enumerate(agenda.red_projects, 1)],
                  widths=[12, 34, 62, 48], align=["center", "left", "left", "left"])
    else:
        doc.paragraph("无红牌项目。")
    doc.heading(f"{next(number)}、逾期未办结的问题和议定事项")
    if not agenda.overdue:
        doc.paragraph("无逾期未办结的问题和议定事项。")
    for level2, group in enumerate(agenda.overdue, 1):
        doc.heading(f"（{_cn_number(level2)}）{group.unit}（{len(group.entries)}项）", level=2)
        doc.table(["序号", "类别", "事项", "相关项目", "时限", "逾期工作日", "亮牌"],
                  [[n, e.kind_label, e.text, e.project_name or "", e.due_on.isoformat(), e.overdue_workdays,
                    CARD_LABELS.get(e.card, "")] for n, e in enumerate(group.entries, 1)],
                  widths=_TRACKED_WIDTHS, align=["center", "center", "left", "left", "center", "center", "center"])
    doc.heading(f"{next(number)}、下次会议前到期的议定事项")
    if agenda.due_soon:
        doc.table(["序号", "议定事项", "牵头单位", "完成时限"],
                  [[n, e.text, e.unit or "", e.due_on.isoformat()] for n, e in enumerate(agenda.due_soon, 1)],
                  widths=[12, 82, 36, 26], align=["center", "left", "left", "center"])
    else:
        doc.paragraph(f"{_cn(agenda.next_on)}前无到期的议定事项。")
    return doc.save(Path(dest), ledger_path=ledger_path)


def _cn_number(n: int) -> str:
    digits = "〇一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")


def write_minutes(data: MinutesData, dest: Path, *, settings, ledger_path=None) -> Path:
    """The 纪要 of a meeting with its 责任清单."""
    from projledger.reports.document import OfficialDocument

    meeting = data.meeting
    doc = OfficialDocument(f"{meeting.title or settings.county_name + meeting.kind}纪要")
    chair = f"{meeting.chair}主持召开" if meeting.chair else "召开"
    doc.paragraph(f"{_cn(meeting.held_on)}，{chair}{meeting.kind}，研究重大项目推进中的有关问题。"
                  f"{'参会单位：' + '、'.join(meeting.attendees) + '。' if meeting.attendees else ''}"
                  "会议议定事项纪要如下。")
    doc.heading("一、议定事项（责任清单）")
    if data.items:
        doc.paragraph("请各牵头单位在会后3个工作日内提出解决问题的具体做法和意见建议，并在完成时限内办结。")
        doc.table(["序号", "议定事项", "牵头单位", "相关项目", "完成时限"],
                  [[n, i.text, i.lead_unit or "", i.project_name or "", _cn(i.due_on)]
                   for n, i in enumerate(data.items, 1)],
                  widths=[12, 48, 30, 28, 38], align=["center", "left", "left", "left", "center"])
    else:
        doc.paragraph("本次会议无议定事项。")
    doc.heading("二、会上提出的问题")
    if data.problems:
        doc.table(["序号", "项目", "问题", "牵头单位", "解决时限"],
                  [[n, p.project_name, p.text, p.lead_unit or "", _cn(p.due_on)]
                   for n, p in enumerate(data.problems, 1)],
                  widths=[12, 28, 48, 30, 38], align=["center", "left", "left", "left", "center"])
    else:
        doc.paragraph("无。")
    doc.signature(data.office, meeting.held_on)
    return doc.save(Path(dest), ledger_path=ledger_path)


def _letter_body(draft) -> list[str]:
    n = len(draft.entries)
    reply = f"请于{_cn(draft.reply_by)}前将办理情况书面报送{draft.office}。" if draft.reply_by else ""
    if draft.kind == "提醒函":
        return [f"截至{_cn(draft.issued_on)}，你单位牵头办理的以下{n}项重大项目问题和会议议定事项"
                f"即将到期或已逾期（蓝牌、黄牌预警），请抓紧办理。{reply}"]
    if draft.kind == "督办函":
        lines = []
        if n:
            lines.append(f"截至{_cn(draft.issued_on)}，你单位牵头办理的以下{n}项重大项目问题和会议议定事项"
                         f"逾期未办结（红牌预警），现予督办。请主要负责同志亲自研究，限期办结。{reply}")
        if draft.basis:
            lines.append(f"你单位在{draft.basis}，请主要负责同志在季度分析会上到会说明情况"
                         f"{'' if n else '，' + reply.rstrip('。') + '。'}")
        return lines
    return [f"现将以下{n}项重大项目问题和会议议定事项交由你单位牵头办理。请在交办后3个工作日内提出"
            "解决问题的具体做法和意见建议，并在完成时限内办结。"]


def write_letter(draft, dest: Path, *, ledger_path=None) -> Path:
    """One letter (提醒函, 督办函 or 交办单) to one lead unit."""
    from projledger.reports.document import OfficialDocument

    doc = OfficialDocument(LETTER_TITLES[draft.kind], doc_number=draft.number)
    doc.paragraph(f"{draft.unit.name}：")
    for line in _letter_body(draft):
        doc.paragraph(line)
    if draft.entries:
        if draft.kind == "交办单":
            headers = ["序号", "类别", "事项", "相关项目", "交办日期", "意见期限", "完成时限"]
            rows = [[n, KIND_NOUNS[f.kind], f.item.text, f.item.project_name or "", f.item.started_on.isoformat(),
                     f.item.reply_due_on.isoformat() if f.item.reply_due_on else "",
                     f.item.due_on.isoformat() if f.item.due_on else ""] for n, f in enumerate(draft.entries, 1)]
            widths = [11, 18, 33, 19, 25, 25, 25]
        else:
            headers = ["序号", "类别", "事项", "相关项目", "时限", "逾期工作日", "亮牌"]
            rows = [[n, KIND_NOUNS[f.kind], f.item.text, f.item.project_name or "",
                     f.item.due_on.isoformat() if f.item.due_on else "", f.overdue_workdays,
                     f.card.card.label if f.card else ""] for n, f in enumerate(draft.entries, 1)]
            widths = _TRACKED_WIDTHS
        doc.table(headers, rows, widths=widths,
                  align=["center", "center", "left", "left", "center", "center", "center"])
    doc.signature(draft.office, draft.issued_on)
    return doc.save(Path(dest), ledger_path=ledger_path)
