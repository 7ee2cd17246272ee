"""The monthly 通报 as a Word 公文 (``report monthly --docx FILE``, SPEC §5b and §13).

Laid out with the one 公文 builder (:mod:`projledger.reports.document`) from records the report
has already gathered — nothing here queries:

    文号 (from settings ``notice.doc_number_prefix``) / title / 主送 / opening sentence
    一、总体情况 … 五、问题和议定事项办理情况     the brief's paragraphs
    六、红黄蓝牌预警情况                           + table: the red-card projects and why
    七、排名情况                                   + tables: 乡镇排名, 部门排名
    issuing office and date                      (settings ``notice.issuing_office``)

The tables use the figures of the Excel report formatted the way the workbook shows them
(万元 with thousands separators and two decimals, rates as one-decimal percentages, scores with
two decimals), so the Word and Excel copies read the same.  The periodic summaries
(:mod:`projledger.reports.periodic`) reuse :func:`ranking_table_rows` and :func:`add_brief`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from projledger.labels import RANKING_KIND_WORDS
from projledger.brief import Brief, area_word
from projledger.reports.document import OfficialDocument

__all__ = ["CN_NUMBERS", "RANK_HEADERS", "rate_text", "ranking_table_rows", "add_brief", "add_ranking_tables",
           "red_card_rows", "addressee_of", "build_monthly_docx", "monthly_document", "write_monthly_docx", "default_office", "doc_number"]

CN_NUMBERS = "一二三四五六七八九十"
KIND_WORDS = RANKING_KIND_WORDS  # projledger.labels
RANK_HEADERS = ("排名", "{unit}", "项目数", "开工率", "年度计划\n(万元)", "累计完成\n(万元)", "投资\n完成率",
                "办结率", "得分", "备注")
RANK_WIDTHS = (5, 12, 4.5, 8.5, 11, 11, 8.5, 8.5, 8, 9)  # rates, scores and names fit on one line at 9 pt
RANK_ALIGN = ("center", "left", "right", "right", "right", "right", "right", "right", "right", "left")
RED_HEADERS = ("序号", "项目名称", "乡镇", "责任部门", "亮牌原因")
RED_WIDTHS = (4, 15, 6, 8, 22)
RED_ALIGN = ("center", "left", "left", "left", "left")
STREAK_ALERT = 3


def addressee_of(county_name: str) -> str:
    """主送: 各乡镇（街道）、县直有关部门 (区直 / 市直 for a district / city)."""
    return f"各乡镇（街道）、{area_word(county_name)[1:]}直有关部门："


def default_office(county_name: str) -> str:
    return f"{county_name}发展和改革局"


def doc_number(prefix: str | None, year: int, number: int) -> str | None:
    """``泾发改投资〔2026〕10号``; None when no prefix is set."""
    return f"{prefix}〔{year}〕{number}号" if prefix else None


def rate_text(rate: Decimal | None) -> str:
    """A rate as the workbook shows it (``0.0%``): one decimal, half-up; ``—`` when null."""
    if rate is None:
        return "—"
    return f"{(Decimal(rate) * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def _money(amount: Decimal) -> str:
    from projledger.money import format_money

    return format_money(amount)


def _note(row) -> str:
    if row.bottom3_streak >= STREAK_ALERT:
        return f"连续{row.bottom3_streak}次后三位"
    if row.bottom3:
        return "后三位"
    return ""


def ranking_table_rows(rows: Sequence) -> list[list[str]]:
    """Ranking rows (``scoring.RankingRow``) as the cells of the Word table."""
    return [[str(r.rank), r.unit, str(r.projects), rate_text(r.start_rate), _money(r.annual_plan),
             _money(r.ytd_completed), rate_text(r.invest_rate), rate_text(r.resolve_rate),
             f"{Decimal(r.score).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}", _note(r)]
            for r in rows]


def red_card_rows(projects: Sequence) -> list[list[str]]:
    """Red-card projects (anything with ``name``, ``township``, ``department``, ``reasons``)."""
    return [[str(n), p.name, p.township or "", p.department or "", p.reasons or ""]
            for n, p in enumerate(projects, start=1)]


def add_brief(doc: OfficialDocument, brief: Brief, *, upto: int | None = None, start: int = 0) -> int:
    """The brief's parts as numbered headings (一、…) and paragraphs; returns the next number."""
    parts = brief.parts[start:upto]
    for offset, part in enumerate(parts):
        doc.heading(f"{CN_NUMBERS[start + offset]}、{part.heading}")
        doc.paragraph(part.text)
    return start + len(parts)


def add_ranking_tables(doc: OfficialDocument, rankings: Mapping[str, Sequence], *, caption: str = "表{n}  {word}排名",
                       first_table: int = 1) -> int:
    n = first_table
    for kind in ("township", "department"):
        rows = rankings.get(kind) or []
        word = KIND_WORDS[kind]
        if not rows:
            doc.paragraph(f"本期没有参与排名的{word}。")
            continue
        headers = [h.format(unit=word) for h in RANK_HEADERS]
        doc.table(headers, ranking_table_rows(rows), widths=RANK_WIDTHS, align=RANK_ALIGN, font_size=9,
                  caption=caption.format(n=n, word=word), bold_rows=[i for i, r in enumerate(rows) if r.bottom3])
        n += 1
    return n


def build_monthly_docx(*, title: str, number: str | None, county_name: str, period, brief: Brief, rankings: Mapping[str, Sequence],
                       red_projects: Sequence, office: str, on_date: dt.date, weights_note: str | None = None
                       ) -> OfficialDocument:
    doc = OfficialDocument(title, doc_number=number)
    doc.addressee(addressee_of(county_name))
    doc.paragraph(f"现将{period.year}年{period.month}月{area_word(county_name)}重大项目推进情况通报如下：")
    next_number = add_brief(doc, brief, upto=6)
    if red_projects:
        doc.table(RED_HEADERS, red_card_rows(red_projects), widths=RED_WIDTHS, align=RED_ALIGN, font_size=9,
                  caption=f"表1  红牌项目（{len(red_projects)}个）")
    add_brief(doc, brief, start=next_number)
    add_ranking_tables(doc, rankings, first_table=2 if red_projects else 1)
    if weights_note:
        doc.note(weights_note)
    doc.paragraph("请各乡镇（街道）、各责任单位对照通报，查找差距，倒排工期，确保完成年度目标任务。")
    doc.signature(office, on_date)
    return doc


def monthly_document(data, settings, on_date: dt.date) -> OfficialDocument:
    """The whole 通报 of a gathered monthly report (``projledger.report_data.MonthlyData``):
    title (with the filter's scope), 文号 ``{notice.doc_number_prefix}〔Y〕M号``, the brief, the
    red-card projects, both rankings, the scoring rule, ``notice.issuing_office`` and the date."""
    from projledger.cards import Card
    from projledger.reports.monthly import report_title

    title = report_title(data.county_name, data.period)
    if getattr(data, "scope", ""):
        title += f"（{data.scope}）"
    weights = data.weights
    note = (f"说明：得分 = 100 ×（开工率×{_pct(weights.start)} + 投资完成率×{_pct(weights.invest)} + "
            f"问题办结率×{_pct(weights.resolve)}）÷ 参与计算的权重之和；投资完成率超过100%按100%计。")
    return build_monthly_docx(
        title=title, number=doc_number(settings.notice.doc_number_prefix, data.period.year, data.period.month),
        county_name=data.county_name, period=data.period, brief=data.brief, rankings=data.ranking.rankings,
        red_projects=_red_projects(data, Card.RED),
        office=settings.notice.issuing_office or default_office(data.county_name), on_date=on_date,
        weights_note=note)


def _red_projects(data, red) -> list:
    """The red-card projects with only their red reasons (the yellow and blue ones are in the workbook)."""
    from types import SimpleNamespace

    reasons: dict[int, list[str]] = {}
    for item in data.cards.items:
        if item.card is red and item.project_id is not None:
            reasons.setdefault(item.project_id, []).append(item.reason)
    return [SimpleNamespace(name=line.name, township=line.township, department=line.department,
                            reasons="；".join(reasons.get(line.project_id, [])) or line.reasons)
            for line in data.projects if line.card is red]


def _pct(weight) -> str:
    return format((Decimal(weight) * 100).normalize(), "f") + "%"


def write_monthly_docx(dest: Path, *, ledger_path: Path | None = None, **parts) -> Path:
    """Build the 通报 and save it atomically through the shared output-path guard."""
    return build_monthly_docx(**parts).save(dest, ledger_path=ledger_path)
