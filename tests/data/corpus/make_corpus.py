"""Generate the layout corpus of ``tests/data/corpus/``: sheets as county offices really make them.

Run from anywhere: ``python tests/data/corpus/make_corpus.py``.  The generated files are
committed, so the tests need neither this script nor its writers; rerun it only after
changing a case (the output is byte-for-byte the same on every run).

SPEC §4 lists the layouts the import must read; §4b says the list is not the whole of what
townships send.  Each case below is one *further* layout seen in public 重点项目推进情况表 /
进展情况表 / 项目调度表 and in what WPS users do to them (pasted blocks, sub-rows, 打包项目 with
1-1 / 3.1 numbering, 填表说明 blocks, 甲乙丙 column-number rows, side-by-side tables, hidden
sheets and columns, text pasted from Word).  For each, the decision a staffer would take is
written down: **understood** (the projects, plans, year-to-date figures, problems and the
warnings the user must see) or **refused** (exit status 1, nothing written, and an error
that names the sheet / row / column and says what to change).  Every expected value is
typed by hand from the sheet as designed here — never produced by running the import.

The ``NAME.expected.json`` files have the same shape as the golden pairs of ``tests/data/``
(``steps`` with ``summary`` and ``warnings`` — each warning as the substrings it must
contain — then ``projects`` as ``project list --year Y --json`` shows them, only the keys
given compared, ``problems`` as ``problem list --json``, ``progress`` as ``project show
--json``), plus ``decision`` / ``why``, and for a refusal a step with ``"exit": 1`` and
``errors``: each ``{"sheet", "row", "column"}`` (the keys given must equal the reported
error's), ``message_all`` (every substring must be in the message) and ``message_any``
(at least one must be: the part that says what to change).  ``tests/test_corpus.py``
replays them against a fresh ledger holding ``units.csv``.

Writers: openpyxl for .xlsx (real merged cells, hidden sheets and columns, number formats,
WPS-like fonts, borders and widths; fixed document dates and zip times), xlwt for .xls, the
csv module for a GBK .csv as WPS exports it (trailing empty fields).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
D = dt.date
FIXED = dt.datetime(2026, 11, 1, 9, 0, 0)
FILLED = "填报日期：2026年11月3日"  # every sheet below is filled on 2026-11-03 unless it says otherwise
REPORTED, DUE = "2026-11-03", "2026-11-17"  # a problem's due date: 10 working days later (no holiday)


# ---------------------------------------------------------------- writers


def write_xlsx(path: Path, sheets: list[dict]) -> None:
    """``sheets``: [{"name", "rows", "merge", "hidden", "hidden_cols", "hidden_rows", "autofilter", "formats",
    "header", "widths", "cached"}]."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for spec in sheets:
        ws = wb.create_sheet(spec["name"])
        for r, row in enumerate(spec["rows"], start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, str) and not value.startswith("="):  # "=…" is a formula
                    cell.data_type = "s"
                elif isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        _style(ws, spec)
        for span in spec.get("merge", ()):
            ws.merge_cells(span)
        for letter in spec.get("hidden_cols", ()):
            ws.column_dimensions[letter].hidden = True
        for number in spec.get("hidden_rows", ()):
            ws.row_dimensions[number].hidden = True
        if spec.get("autofilter"):
            ws.auto_filter.ref = spec["autofilter"]
        if spec.get("hidden"):
            ws.sheet_state = "hidden"
    wb.properties.created = wb.properties.modified = FIXED
    wb.properties.creator = "WPS Office"
    wb.save(path)
    cached = {f"xl/worksheets/sheet{i}.xml": spec["cached"] for i, spec in enumerate(sheets, start=1)
              if spec.get("cached")}
    _fix_zip_times(path, cached)


def _style(ws, spec: dict) -> None:
    """What a WPS sheet looks like: 仿宋 body with thin borders and wrapped text, a bold 黑体
    header on grey, a 方正小标宋 title, widths set by hand, money number formats."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_rows = set(spec.get("header", ()))
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            if cell.row == 1 and isinstance(cell.value, str) and len(spec["rows"][0]) == 1:
                cell.font = Font(name="方正小标宋简体", size=16)
                cell.alignment = Alignment(horizontal="center", vertical="center")
                continue
            cell.font = Font(name="仿宋_GB2312", size=11, bold=cell.row in header_rows)
            in_table = cell.row >= min(header_rows, default=10**6)  # fill-in and unit rows stay unwrapped
            cell.alignment = Alignment(wrap_text=in_table, vertical="center",
                                       horizontal="center" if cell.row in header_rows else None)
            if in_table:
                cell.border = border
            if cell.row in header_rows:
                cell.fill = PatternFill("solid", fgColor="D9D9D9")
    for span, fmt in spec.get("formats", {}).items():
        for row in ws[span]:
            for cell in row:
                cell.number_format = fmt
    for letter, width in spec.get("widths", {}).items():
        ws.column_dimensions[letter].width = width


def _fix_zip_times(path: Path, cached: dict | None = None) -> None:
    """Fixed member times and modified date: rerunning the script changes no byte.  ``cached``
    ({member: {"E5": value}}) fills the cached value of formula cells, as Excel and WPS save them
    (openpyxl writes a formula with an empty ``<v>``)."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    stamp = FIXED.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            for ref, value in (cached or {}).get(info.filename, {}).items():
                data, found = re.subn(rb'(<c r="' + ref.encode() + rb'"[^>]*><f>[^<]*</f>)<v></v>',
                                      rb"\g<1><v>" + str(value).encode() + rb"</v>", data)
                assert found == 1, (info.filename, ref)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 11, 1, 9, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, data)


def write_xls(path: Path, sheets: list[dict]) -> None:
    """BIFF8 as WPS saves it (xlwt): merged ranges through ``write_merge``, date cells styled."""
    import xlwt
    from openpyxl.utils.cell import range_boundaries

    wb = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf("font: name 仿宋_GB2312; borders: left thin, right thin, top thin, bottom thin",
                             num_format_str="YYYY-MM-DD")
    body = xlwt.easyxf("font: name 仿宋_GB2312; align: wrap on, vert centre;"
                       " borders: left thin, right thin, top thin, bottom thin")
    for spec in sheets:
        ws = wb.add_sheet(spec["name"])
        starts, covered = {}, set()
        for span in spec.get("merge", ()):
            c0, r0, c1, r1 = range_boundaries(span)
            starts[(r0 - 1, c0 - 1)] = (r1 - 1, c1 - 1)
            covered |= {(r, c) for r in range(r0 - 1, r1) for c in range(c0 - 1, c1)}
        for r, row in enumerate(spec["rows"]):
            for c, value in enumerate(row):
                style = date_style if isinstance(value, dt.date) else body
                if (r, c) in starts:
                    ws.write_merge(r, starts[(r, c)][0], c, starts[(r, c)][1], value, style)
                elif (r, c) not in covered and value is not None:
                    ws.write(r, c, value, style)
    wb.save(str(path))


def write_csv(path: Path, rows: list[list], encoding: str) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def write_file(path: Path, spec) -> None:
    kind, content = spec
    if kind == "xlsx":
        write_xlsx(path, content)
    elif kind == "xls":
        write_xls(path, content)
    else:
        write_csv(path, content, kind)


# ---------------------------------------------------------------- expectation helpers


def P(township, name, nature, total, plan, ytd, code=None, **more) -> dict:
    """One project as ``project list --year 2026 --json`` must show it (keys given are compared)."""
    return {"township": township, "name": name, "code": code, "nature": nature,
            "total_investment": total, "annual_plan": plan, "ytd_completed": ytd, **more}


def Q(project, text, lead, reported=REPORTED, due=DUE) -> dict:
    """One problem as ``problem list --json`` must show it."""
    return {"project_name": project, "text": text, "status": "open", "reported_on": reported,
            "due_on": due, "lead_unit": lead}


def PR(period, ytd, month, status, reported=REPORTED) -> dict:
    """One progress record as ``project show --json`` lists it."""
    return {"period": period, "ytd_completed": ytd, "month_completed": month, "status": status,
            "reported_on": reported}


def S(rows, created, township=None, period="2026-10", problems_added=0) -> dict:
    summary = {"committed": True, "period": period, "rows": rows, "created": created, "updated": 0,
               "unchanged": 0, "problems_added": problems_added}
    if township is not None:
        summary["township"] = township
    return summary


def step(file, summary, warnings=(), args=()) -> dict:
    return {"import": file, "args": list(args), "summary": summary, "warnings": [list(w) for w in warnings]}


def refusal(file, errors, args=()) -> dict:
    return {"import": file, "args": list(args), "exit": 1, "errors": errors}


def E(message_any, message_all=(), **where) -> dict:
    """An error the refused file must report: ``where`` (sheet/row/column) compared exactly."""
    return {**where, "message_all": list(message_all), "message_any": list(message_any)}


def sheet(rows, merge=(), name="项目表", **more) -> dict:
    return {"name": name, "rows": rows, "merge": list(merge), **more}


def title(township: str, what: str = "重点项目推进情况表", month: int = 10) -> list:
    return [f"{township}2026年{month}月{what}"]


CASES: list[dict] = []


def case(name, decision, why, files, steps, projects=(), problems=(), progress=None) -> None:
    assert decision in ("understood", "refused")
    CASES.append({"name": name, "decision": decision, "why": why, "files": files, "steps": steps, "year": 2026,
                  "projects": list(projects), "problems": list(problems), "progress": progress or {}})


# ---------------------------------------------------------------- understood

case("subrows_plan_actual", "understood",
     "每个项目占两行（“年度计划”行、“1-10月完成”行），名称、性质、总投资纵向合并：计划行给年度计划，完成行给累计完成和形象进度",
     {"subrows_plan_actual.xlsx": ("xlsx", [sheet([
         title("城关镇"),
         ["填报单位：城关镇", None, None, None, None, None, FILLED],
         ["单位：万元"],
         ["序号", "项目名称", "建设性质", "总投资", "指标", "2026年投资", "形象进度"],
         [1, "城关镇冷链物流园建设项目", "新开工", 8000, "年度计划", 3000, None],
         [None, None, None, None, "1-10月完成", 2150, "主体结构施工至三层"],
         [2, "城关镇老城区雨污分流改造工程", "新开工", 4600, "年度计划", 1800, None],
         [None, None, None, None, "1-10月完成", 1260, "已铺设管网8.5公里"],
     ], merge=["A1:G1", "A5:A6", "B5:B6", "C5:C6", "D5:D6", "A7:A8", "B7:B8", "C7:C8", "D7:D8"], header=[4],
         widths={"B": 30, "G": 24})])},
     [step("subrows_plan_actual.xlsx", S(2, 2, "城关镇"))],
     [P("城关镇", "城关镇冷链物流园建设项目", "新开工", 8000, 3000, 2150),
      P("城关镇", "城关镇老城区雨污分流改造工程", "新开工", 4600, 1800, 1260)],
     progress={"城关镇冷链物流园建设项目": [PR("2026-10", 2150, None, "主体结构施工至三层")]})

case("subrows_plan_done_short_labels", "understood",
     "同样是每个项目两行，但行标签只写“计划”“完成”，标签列表头是“类别”、金额列是“投资额（万元）”：计划行是年度计划，完成行是累计完成",
     {"subrows_plan_done_short_labels.xlsx": ("xlsx", [sheet([
         title("新城镇"),
         ["填报单位：新城镇", None, None, None, FILLED],
         ["序号", "项目名称", "总投资（万元）", "类别", "投资额（万元）", "形象进度"],
         [1, "新城镇医养结合中心项目", 6500, "计划", 2500, None],
         [None, None, None, "完成", 1980, "主体封顶，砌体施工"],
         [2, "新城镇集镇道路改造工程", 1800, "计划", 1800, None],
         [None, None, None, "完成", 1530, "沥青摊铺完成"],
     ], merge=["A1:F1", "A4:A5", "B4:B5", "C4:C5", "A6:A7", "B6:B7", "C6:C7"], header=[3], widths={"B": 28})])},
     [step("subrows_plan_done_short_labels.xlsx", S(2, 2, "新城镇"))],
     [P("新城镇", "新城镇医养结合中心项目", None, 6500, 2500, 1980),
      P("新城镇", "新城镇集镇道路改造工程", None, 1800, 1800, 1530)],
     progress={"新城镇医养结合中心项目": [PR("2026-10", 1980, None, "主体封顶，砌体施工")]})

case("subproject_numbering", "understood",
     "打包项目：序号1、3的“（打包）”行是其子项目（1-1、1-2 文本序号；3.1、3.2 被 WPS 存成数字）的合计，只导入子项目，"
     "打包行按合计核对（3号的1-10月完成1000≠900，提示）",
     {"subproject_numbering.xlsx": ("xlsx", [sheet([
         title("新城镇"),
         ["填报单位：新城镇", None, None, None, None, FILLED],
         ["单位：万元"],
         ["序号", "项目名称", "建设单位", "总投资", "年度计划投资", "1-10月完成投资", "责任单位"],
         [1, "新城镇城乡供水一体化项目（打包）", None, 6000, 2400, 1500, "水务局"],
         ["1-1", "新城镇东片区供水管网工程", "县水务投资公司", 3500, 1400, 900, "水务局"],
         ["1-2", "新城镇水厂提标改造工程", "县水务投资公司", 2500, 1000, 600, "水务局"],
         [2, "新城镇中心小学扩建项目", "新城镇中心小学", 1200, 600, 480, "教育局"],
         [3, "新城镇农村道路提升工程（打包）", None, 3000, 1500, 1000, "交通局"],
         [3.1, "新城至北塬道路改建工程", "县交通投资公司", 1800, 900, 700, "交通局"],
         [3.2, "新城镇通村道路硬化工程", "新城镇人民政府", 1200, 600, 200, "交通局"],
     ], merge=["A1:G1"], header=[4], widths={"B": 34})])},
     [step("subproject_numbering.xlsx", S(5, 5, "新城镇"), warnings=[["第9行", "1-10月完成投资", "1000", "900"]])],
     [P("新城镇", "新城镇东片区供水管网工程", None, 3500, 1400, 900, owner="县水务投资公司", department="县水务局"),
      P("新城镇", "新城镇水厂提标改造工程", None, 2500, 1000, 600, owner="县水务投资公司", department="县水务局"),
      P("新城镇", "新城镇中心小学扩建项目", None, 1200, 600, 480, owner="新城镇中心小学", department="县教育局"),
      P("新城镇", "新城至北塬道路改建工程", None, 1800, 900, 700, owner="县交通投资公司", department="县交通局"),
      P("新城镇", "新城镇通村道路硬化工程", None, 1200, 600, 200, owner="新城镇人民政府", department="县交通局")])

_BLOCK_HEADER = ["序号", "项目名称", "建设性质", "总投资", "年度计划", "1-10月完成投资", "实际开工时间", "形象进度"]
case("pasted_block_repeated_header", "understood",
     "从另一张表粘贴来的第二块：空行后再出现一遍标题、表头和列序号行（1 2 3 …），两块的项目都导入",
     {"pasted_block_repeated_header.xlsx": ("xlsx", [sheet([
         title("东塬镇"),
         ["填报单位：东塬镇", None, None, None, None, None, FILLED],
         _BLOCK_HEADER,
         [1, 2, 3, 4, 5, 6, 7, 8],
         [1, "东塬镇果品分拣中心项目", "新开工", 2600, 1200, 760, D(2026, 4, 8), "钢结构厂房安装"],
         [2, "东塬镇农村电网改造工程", "新开工", 1500, 1500, 1100, D(2026, 3, 20), "完成线路架设70%"],
         [],
         title("东塬镇"),
         _BLOCK_HEADER,
         [1, 2, 3, 4, 5, 6, 7, 8],
         [3, "东塬镇敬老院改扩建项目", "续建", 1800, 800, 650, D(2025, 9, 1), "室内装修"],
         [4, "东塬镇集镇污水管网工程", "续建", 2200, 1000, 720, D(2025, 6, 15), "管网铺设完成85%"],
     ], merge=["A1:H1", "A8:H8"], header=[3, 9], widths={"B": 28, "G": 14})])},
     [step("pasted_block_repeated_header.xlsx", S(4, 4, "东塬镇"))],
     [P("东塬镇", "东塬镇果品分拣中心项目", "新开工", 2600, 1200, 760, actual_start="2026-04-08"),
      P("东塬镇", "东塬镇农村电网改造工程", "新开工", 1500, 1500, 1100, actual_start="2026-03-20"),
      P("东塬镇", "东塬镇敬老院改扩建项目", "续建", 1800, 800, 650, actual_start="2025-09-01"),
      P("东塬镇", "东塬镇集镇污水管网工程", "续建", 2200, 1000, 720, actual_start="2025-06-15")],
     progress={"东塬镇集镇污水管网工程": [PR("2026-10", 720, None, "管网铺设完成85%")]})

_PARAGRAPH = "一、已完成主体结构封顶；\n二、外墙保温施工完成80%；\n三、计划11月底完成室内装修。"
case("progress_paragraph", "understood",
     "进展情况表：项目进展情况是带换行的长段落（原样保留换行）；存在问题“1.…2.…3、…”编号之间没有分隔符，"
     "拆成三条，“0.5亿元”中的小数点不是编号",
     {"progress_paragraph.xlsx": ("xlsx", [sheet([
         title("南川街道", "重点项目进展情况表"),
         ["填报单位：南川街道办事处", None, None, None, None, None, FILLED],
         ["序号", "项目名称", "项目单位", "年度计划投资（万元）", "截至10月底完成投资（万元）", "项目进展情况", "存在问题",
          "责任单位"],
         [1, "南川街道社区综合服务中心项目", "南川街道办事处", 900, 720, _PARAGRAPH,
          "1.消防设计审查资料不全2.资金缺口0.5亿元，需县财政协调3、周边配套道路未贯通", "住建局"],
         [2, "南川街道老旧小区改造项目", "县城投公司", 1500, 1100, "已完成改造楼栋12栋，\n剩余4栋正在施工。", "无",
          "住建局"],
     ], merge=["A1:H1"], header=[3], widths={"B": 26, "F": 40, "G": 36})])},
     [step("progress_paragraph.xlsx", S(2, 2, "南川街道", problems_added=3))],
     [P("南川街道", "南川街道社区综合服务中心项目", None, None, 900, 720, owner="南川街道办事处", department="县住建局"),
      P("南川街道", "南川街道老旧小区改造项目", None, None, 1500, 1100, owner="县城投公司", department="县住建局")],
     [Q("南川街道社区综合服务中心项目", "消防设计审查资料不全", "县住建局"),
      Q("南川街道社区综合服务中心项目", "资金缺口0.5亿元，需县财政协调", "县住建局"),
      Q("南川街道社区综合服务中心项目", "周边配套道路未贯通", "县住建局")],
     progress={"南川街道社区综合服务中心项目": [PR("2026-10", 720, None, _PARAGRAPH)],
               "南川街道老旧小区改造项目": [PR("2026-10", 1100, None, "已完成改造楼栋12栋，\n剩余4栋正在施工。")]})

case("yuan_thousands", "understood",
     "金额以元填报：单位行“单位：元”、表头“（元）”，数字单元格显示千分位（#,##0.00），另有一格是粘贴来的文本“2,345,600.00”；"
     "全部除以10000",
     {"yuan_thousands.xlsx": ("xlsx", [sheet([
         title("城关镇"),
         ["填报单位：城关镇", None, None, FILLED],
         ["单位：元"],
         ["项目名称", "总投资（元）", "2026年计划投资（元）", "1-10月完成投资（元）", "当月完成投资（元）"],
         ["城关镇智慧农贸市场项目", 52000000, 20000000, 13456700, 1200000],
         ["城关镇公共停车场项目", 8650000, 3000000, "2,345,600.00", "—"],
     ], merge=["A1:E1"], header=[4], formats={"B5:E6": "#,##0.00"},
         widths={"A": 26, "B": 16, "C": 16, "D": 16, "E": 16})])},
     [step("yuan_thousands.xlsx", S(2, 2, "城关镇"))],
     [P("城关镇", "城关镇智慧农贸市场项目", None, 5200, 2000, 1345.67),
      P("城关镇", "城关镇公共停车场项目", None, 865, 300, 234.56)],
     progress={"城关镇智慧农贸市场项目": [PR("2026-10", 1345.67, 120, None)]})

case("yiyuan_rate_columns", "understood",
     "“金额单位：亿元”写在填报行右端；数字格式0.000；另有百分比格式的“完成率（%）”列（推算值，不导入，作为未识别的列提示一次）",
     {"yiyuan_rate_columns.xlsx": ("xlsx", [sheet([
         title("新城镇", "重点项目调度表"),
         ["填报单位：新城镇", None, None, FILLED, None, "金额单位：亿元"],
         ["序号", "项目名称", "总投资", "年度计划", "1-10月完成", "完成率（%）"],
         [1, "新城镇新能源装备制造项目", 3.2, 1.05, 0.873, 0.8314],
         [2, "新城镇物流配送中心项目", 0.65, 0.2, 0.123, 0.615],
     ], merge=["A1:F1"], header=[3], formats={"C4:E5": "0.000", "F4:F5": "0.00%"}, widths={"B": 28})])},
     [step("yiyuan_rate_columns.xlsx", S(2, 2, "新城镇"), warnings=[["未识别的列", "完成率"]])],
     [P("新城镇", "新城镇新能源装备制造项目", None, 32000, 10500, 8730),
      P("新城镇", "新城镇物流配送中心项目", None, 6500, 2000, 1230)])

case("notes_between_rows", "understood",
     "统计口径说明行夹在表中（“注：新开工项目统计口径为…”，整行合并）、表尾“说明：1.…2.…”和填报人行；分类行给性质，合计正确：无提示",
     {"notes_between_rows.xlsx": ("xlsx", [sheet([
         title("东塬镇"),
         ["填报单位：东塬镇", None, None, None, FILLED],
         ["单位：万元"],
         ["序号", "项目名称", "总投资", "年度计划", "1-10月完成投资", "实际开工时间"],
         ["一、新开工项目（1个）"],
         [1, "东塬镇冷链仓储物流项目", 5600, 2000, 1450, D(2026, 5, 10)],
         ["注：新开工项目统计口径为本年度新开工且总投资5000万元以上的项目。"],
         ["二、续建项目（2个）"],
         [2, "东塬镇现代农业产业园项目", 9800, 3000, 2600, D(2025, 3, 18)],
         [3, "东塬镇中心卫生院门诊楼项目", 2600, 900, 870, D(2025, 10, 8)],
         ["合计", None, 18000, 5900, 4920, None],
         ["说明：1.完成投资为统计入库口径；2.数据截至2026年10月31日。"],
         ["填报人：王五", None, None, "联系电话：0933-7654321"],
     ], merge=["A1:F1", "A5:F5", "A7:F7", "A8:F8", "A11:B11", "A12:F12"], header=[4], widths={"B": 28, "F": 14})])},
     [step("notes_between_rows.xlsx", S(3, 3, "东塬镇"))],
     [P("东塬镇", "东塬镇冷链仓储物流项目", "新开工", 5600, 2000, 1450, actual_start="2026-05-10"),
      P("东塬镇", "东塬镇现代农业产业园项目", "续建", 9800, 3000, 2600, actual_start="2025-03-18"),
      P("东塬镇", "东塬镇中心卫生院门诊楼项目", "续建", 2600, 900, 870, actual_start="2025-10-08")])

case("department_merged_block", "understood",
     "WPS 另存的 .xls：“责任单位”（农业农村局）和“建设性质”（新开工）纵向合并覆盖前三个项目，每个项目都得到该值",
     {"department_merged_block.xls": ("xls", [sheet([
         title("北塬乡"),
         ["填报单位：北塬乡人民政府", None, None, None, None, FILLED],
         ["序号", "项目名称", "建设性质", "总投资", "年度计划", "1-10月完成", "责任单位", "实际开工时间"],
         [1, "北塬乡肉牛养殖小区项目", "新开工", 3000, 1500, 980, "农业农村局", D(2026, 4, 12)],
         [2, "北塬乡高标准农田建设项目", None, 2400, 2400, 2100, None, D(2026, 3, 25)],
         [3, "北塬乡设施蔬菜大棚项目", None, 1200, 800, 560, None, D(2026, 5, 6)],
         [4, "北塬乡通村公路改造工程", "续建", 1600, 700, 600, "交通局", D(2025, 4, 1)],
     ], merge=["A1:H1", "C4:C6", "G4:G6"], name="Sheet1")])},
     [step("department_merged_block.xls", S(4, 4, "北塬乡"))],
     [P("北塬乡", "北塬乡肉牛养殖小区项目", "新开工", 3000, 1500, 980, department="县农业农村局",
        actual_start="2026-04-12"),
      P("北塬乡", "北塬乡高标准农田建设项目", "新开工", 2400, 2400, 2100, department="县农业农村局",
        actual_start="2026-03-25"),
      P("北塬乡", "北塬乡设施蔬菜大棚项目", "新开工", 1200, 800, 560, department="县农业农村局",
        actual_start="2026-05-06"),
      P("北塬乡", "北塬乡通村公路改造工程", "续建", 1600, 700, 600, department="县交通局", actual_start="2025-04-01")])

case("leader_with_title", "understood",
     "包联领导带职务：“王立新（副县长）”“王立新 副县长”“陈静(县委常委、常务副县长)”——领导是人名，职务不是名字的一部分（两位领导已用 leader add 登记）",
     {"leader_with_title.xlsx": ("xlsx", [sheet([
         title("城关镇"),
         ["填报单位：城关镇", None, None, None, FILLED],
         ["项目名称", "年度计划", "1-10月完成投资", "包联领导", "责任单位"],
         ["城关镇全民健身中心项目", 800, 500, "王立新（副县长）", "文旅局"],
         ["城关镇第三幼儿园建设项目", 600, 420, "王立新 副县长", "教育局"],
         ["城关镇工业园区道路工程", 1200, 900, "陈静(县委常委、常务副县长)", "工信局"],
     ], merge=["A1:E1"], header=[3], widths={"A": 28, "D": 26})])},
     [{"run": ["leader", "add", "王立新", "--title", "副县长"]},
      {"run": ["leader", "add", "陈静", "--title", "县委常委、常务副县长"]},
      step("leader_with_title.xlsx", S(3, 3, "城关镇"))],
     [P("城关镇", "城关镇全民健身中心项目", None, None, 800, 500, leader="王立新", department="县文旅局"),
      P("城关镇", "城关镇第三幼儿园建设项目", None, None, 600, 420, leader="王立新", department="县教育局"),
      P("城关镇", "城关镇工业园区道路工程", None, None, 1200, 900, leader="陈静", department="县工信局")])

case("category_column", "understood",
     "“项目类别”列填的是产业/基础设施/社会民生（不是建设性质），旁边另有“建设性质”列：性质取建设性质，项目类别作为行业；"
     "计划开工“2026年3月”“—”“2026年12月”",
     {"category_column.xlsx": ("xlsx", [sheet([
         title("东塬镇"),
         ["填报单位：东塬镇", None, None, None, None, None, None, FILLED],
         ["单位：万元"],
         ["序号", "项目名称", "项目类别", "建设性质", "总投资", "年度计划投资", "1-10月完成投资", "计划开工时间", "实际开工时间"],
         [1, "东塬镇苹果深加工项目", "产业", "新开工", 12000, 4000, 2600, "2026年3月", D(2026, 4, 16)],
         [2, "东塬镇农村供水保障工程", "基础设施", "续建", 3600, 1200, 1000, "—", D(2025, 7, 1)],
         [3, "东塬镇卫生院改扩建项目", "社会民生", "新开工", 2200, 900, 0, "2026年12月", None],
     ], merge=["A1:I1"], header=[4], widths={"B": 26, "H": 14, "I": 14})])},
     [step("category_column.xlsx", S(3, 3, "东塬镇"))],
     [P("东塬镇", "东塬镇苹果深加工项目", "新开工", 12000, 4000, 2600, industry="产业", planned_start="2026-03-01",
        actual_start="2026-04-16"),
      P("东塬镇", "东塬镇农村供水保障工程", "续建", 3600, 1200, 1000, industry="基础设施", planned_start=None,
        actual_start="2025-07-01"),
      P("东塬镇", "东塬镇卫生院改扩建项目", "新开工", 2200, 900, 0, industry="社会民生", planned_start="2026-12-01",
        actual_start=None)])

case("fill_instructions_top", "understood",
     "表头在第7行：标题下是4行“填表说明”（其中提到“1-10月完成投资”“存在问题”“建设性质”等表头字样），再是填报行"
     "“填报单位：新城镇（盖章）”",
     {"fill_instructions_top.xlsx": ("xlsx", [sheet([
         title("新城镇"),
         ["填表说明："],
         ["1.本表由各乡镇（街道）于每月3日前报县发改局，金额单位为万元。"],
         ["2.“1-10月完成投资”填报统计入库数，不含土地费用。"],
         ["3.“存在问题”请逐条列明，无问题填“无”；建设性质填新开工、续建或前期。"],
         ["填报单位：新城镇（盖章）", None, None, None, FILLED],
         ["项目名称", "建设性质", "总投资", "年度计划", "1-10月完成投资", "实际开工时间", "存在问题"],
         ["新城镇商贸综合体项目", "新开工", 15000, 5000, 3800, "2026年4月6日", "（1）二期用地报批未完成；（2）消防设计审查未通过"],
         ["新城镇垃圾转运站项目", "新开工", 900, 900, 650, "2026年6月1日", "无"],
     ], merge=["A1:G1", "A2:G2", "A3:G3", "A4:G4", "A5:G5"], header=[7], widths={"A": 26, "G": 36})])},
     [step("fill_instructions_top.xlsx", S(2, 2, "新城镇", problems_added=2))],
     [P("新城镇", "新城镇商贸综合体项目", "新开工", 15000, 5000, 3800, actual_start="2026-04-06"),
      P("新城镇", "新城镇垃圾转运站项目", "新开工", 900, 900, 650, actual_start="2026-06-01")],
     [Q("新城镇商贸综合体项目", "二期用地报批未完成", None), Q("新城镇商贸综合体项目", "消防设计审查未通过", None)])

case("ytd_month_columns", "understood",
     "“截至10月底累计完成投资”“10月份完成投资”并列，旁边还留着上月的“9月份完成投资”：当月取10月份，9月份列不导入并点名提示",
     {"ytd_month_columns.xlsx": ("xlsx", [sheet([
         title("南川街道"),
         ["填报单位：南川街道办事处", None, None, None, FILLED],
         ["项目名称", "年度计划投资", "截至10月底累计完成投资", "10月份完成投资", "9月份完成投资", "形象进度"],
         ["南川街道文体中心项目", 2000, 1560, 180, 160, "外立面施工"],
         ["南川街道雨污管网改造工程", 1000, 820, 90, 110, "管网铺设完成90%"],
     ], merge=["A1:F1"], header=[3], widths={"A": 26, "C": 16})])},
     [step("ytd_month_columns.xlsx", S(2, 2, "南川街道"), warnings=[["9月份完成投资"]])],
     [P("南川街道", "南川街道文体中心项目", None, None, 2000, 1560),
      P("南川街道", "南川街道雨污管网改造工程", None, None, 1000, 820)],
     progress={"南川街道文体中心项目": [PR("2026-10", 1560, 180, "外立面施工")],
               "南川街道雨污管网改造工程": [PR("2026-10", 820, 90, "管网铺设完成90%")]})

case("two_sheets_hidden_q1", "understood",
     "两个工作表：隐藏的“一季度”（4月填的1-3月旧表）和可见的“10月”：只导入10月，隐藏的一季度表在提示中点名（未导入）",
     {"two_sheets_hidden_q1.xlsx": ("xlsx", [
         sheet([["城关镇2026年一季度重点项目推进情况表"],
                ["填报单位：城关镇", None, "填报日期：2026年4月3日"],
                ["项目名称", "年度计划", "1-3月完成投资"],
                ["城关镇产业孵化园项目", 3000, 600],
                ["城关镇人民公园提升改造项目", 800, 100]], name="一季度", hidden=True, header=[3]),
         sheet([title("城关镇"),
                ["填报单位：城关镇", None, FILLED],
                ["项目名称", "年度计划", "1-10月完成投资", "形象进度"],
                ["城关镇产业孵化园项目", 3000, 2350, "主体完工"],
                ["城关镇人民公园提升改造项目", 800, 640, "绿化施工"]], name="10月", header=[3])])},
     [{**step("two_sheets_hidden_q1.xlsx", S(2, 2, "城关镇"), warnings=[["一季度"]]),
       "explain_projects": {"一季度": 0, "10月": 2}}],
     [P("城关镇", "城关镇产业孵化园项目", None, None, 3000, 2350),
      P("城关镇", "城关镇人民公园提升改造项目", None, None, 800, 640)],
     progress={"城关镇产业孵化园项目": [PR("2026-10", 2350, None, "主体完工")]})

case("start_dates_words", "understood",
     "开工时间写成“2026年3月”“已开工”“待定”“未开工”：月精度取1日，已开工按期末估计并提示，待定/未开工即没有日期",
     {"start_dates_words.xlsx": ("xlsx", [sheet([
         title("北塬乡"),
         ["填报单位：北塬乡", None, None, None, FILLED],
         ["项目名称", "建设性质", "年度计划", "1-10月完成投资", "计划开工时间", "开工时间"],
         ["北塬乡肉牛屠宰加工项目", "新开工", 1500, 900, "2026年3月", "2026年3月"],
         ["北塬乡光伏帮扶电站项目", "新开工", 800, 300, "2026年5月", "已开工"],
         ["北塬乡文化广场项目", "新开工", 400, 0, "待定", "未开工"],
         ["北塬乡中药材仓储项目", "前期", 100, 0, "2027年3月", "待定"],
     ], merge=["A1:F1"], header=[3], widths={"A": 26})])},
     [step("start_dates_words.xlsx", S(4, 4, "北塬乡"), warnings=[["第5行", "开工时间", "已开工"]])],
     [P("北塬乡", "北塬乡肉牛屠宰加工项目", "新开工", None, 1500, 900, planned_start="2026-03-01",
        actual_start="2026-03-01"),
      P("北塬乡", "北塬乡光伏帮扶电站项目", "新开工", None, 800, 300, planned_start="2026-05-01",
        actual_start="2026-10-31"),
      P("北塬乡", "北塬乡文化广场项目", "新开工", None, 400, 0, planned_start=None, actual_start=None),
      P("北塬乡", "北塬乡中药材仓储项目", "前期", None, 100, 0, planned_start="2027-03-01", actual_start=None)])

case("word_paste", "understood",
     "从 Word 粘贴进 WPS 的 .xls：名称里有 BOM、零宽空格、零宽连接符、软连字符、词连接符，单元格内换行是垂直制表符，"
     "部门后有不换行空格：全部清理，名称干净，垂直制表符变为换行",
     {"word_paste.xls": ("xls", [sheet([
         title("新城镇"),
         ["填报单位：新城镇", None, None, FILLED],
         ["项目名称", "年度计划", "1-10月完成投资", "形象进度", "存在问题", "责任单位"],
         ["\ufeff新城镇\u200b农产品\u00ad冷链仓储项目", 1800, 1320, "主体完工\x0b正在进行设备安装", "电力增容\u200b未批复",
          "住建局\u00a0"],
         ["新城镇\u200d污水处理站提标改造项目", 1200, 760, "设备\u2060调试\x0b试运行", "无\u200b", "水务局"],
     ], merge=["A1:F1"])])},
     [step("word_paste.xls", S(2, 2, "新城镇", problems_added=1))],
     [P("新城镇", "新城镇农产品冷链仓储项目", None, None, 1800, 1320, department="县住建局"),
      P("新城镇", "新城镇污水处理站提标改造项目", None, None, 1200, 760, department="县水务局")],
     [Q("新城镇农产品冷链仓储项目", "电力增容未批复", "县住建局")],
     progress={"新城镇农产品冷链仓储项目": [PR("2026-10", 1320, None, "主体完工\n正在进行设备安装")],
               "新城镇污水处理站提标改造项目": [PR("2026-10", 760, None, "设备调试\n试运行")]})

case("totals_spaced_wrong", "understood",
     "合计行在表头下、项目之上，WPS 习惯写成“合  计”并合并 A:B；其1-10月完成2460与项目之和2450不符：照常导入，提示这一行",
     {"totals_spaced_wrong.xlsx": ("xlsx", [sheet([
         title("东塬镇"),
         ["填报单位：东塬镇", None, None, FILLED],
         ["序号", "项目名称", "总投资", "年度计划", "1-10月完成投资"],
         ["合  计", None, 9800, 3600, 2460],
         [1, "东塬镇农产品电商产业园项目", 5000, 2000, 1500],
         [2, "东塬镇污水处理厂扩容项目", 3000, 1000, 700],
         [3, "东塬镇集贸市场改造项目", 1800, 600, 250],
     ], merge=["A1:E1", "A4:B4"], header=[3], widths={"B": 28})])},
     [step("totals_spaced_wrong.xlsx", S(3, 3, "东塬镇"), warnings=[["第4行", "1-10月完成投资", "2460", "2450"]])],
     [P("东塬镇", "东塬镇农产品电商产业园项目", None, 5000, 2000, 1500),
      P("东塬镇", "东塬镇污水处理厂扩容项目", None, 3000, 1000, 700),
      P("东塬镇", "东塬镇集贸市场改造项目", None, 1800, 600, 250)])

_DEPT_CSV = [
    ["县交通局2026年10月重点项目推进情况表", "", "", "", "", "", "", "", "", ""],
    ["填报单位：县交通运输局", "", "", "", "", "", FILLED, "", "", ""],
    ["序号", "项目名称", "所在乡镇", "建设性质", "总投资(万元)", "年度计划(万元)", "1-10月完成投资(万元)", "实际开工时间",
     "存在问题", ""],
    ["1、", "城关至东塬公路改建工程", "东塬镇", "续建", "12,500", "4,000", "3,150", "2025/8/20", "无", ""],
    ["2、", "北塬乡通村公路硬化工程", "北塬乡", "新开工", "2,300", "2,300", "1,640", "2026/4/2", "沿线2户拆迁未完成", ""],
    ["3、", "城关镇停车场及充电桩建设项目", "城关镇", "新开工", "860", "860", "0", "",
     "（1）用地预审未办结（2）电网接入方案待批复", ""],
    ["", "", "", "", "", "", "", "", "", ""],
    ["填报人：赵六", "", "联系电话：0933-8123456", "", "", "", "", "", "", ""],
]
case("department_sheet_gbk", "understood",
     "县直部门（交通运输局）报来的 GBK 编码 CSV：项目分属几个乡镇（“所在乡镇”列），填报单位就是各项目的责任单位；"
     "WPS 导出的每行末尾多一个空字段，序号写成“1、”",
     {"department_sheet_gbk.csv": ("gbk", _DEPT_CSV)},
     [step("department_sheet_gbk.csv", S(3, 3, problems_added=3))],
     [P("东塬镇", "城关至东塬公路改建工程", "续建", 12500, 4000, 3150, department="县交通局", actual_start="2025-08-20"),
      P("北塬乡", "北塬乡通村公路硬化工程", "新开工", 2300, 2300, 1640, department="县交通局",
        actual_start="2026-04-02"),
      P("城关镇", "城关镇停车场及充电桩建设项目", "新开工", 860, 860, 0, department="县交通局", actual_start=None)],
     [Q("北塬乡通村公路硬化工程", "沿线2户拆迁未完成", "县交通局"),
      Q("城关镇停车场及充电桩建设项目", "用地预审未办结", "县交通局"),
      Q("城关镇停车场及充电桩建设项目", "电网接入方案待批复", "县交通局")])

case("column_numbers_jiayi", "understood",
     "统计表习惯：表头下一行是栏次“甲 乙 丙 1 2 3 4 5”；隐藏的“联系电话”列（未识别的列，提示一次）；千分位数字格式",
     {"column_numbers_jiayi.xlsx": ("xlsx", [sheet([
         title("南川街道"),
         ["填报单位：南川街道办事处", None, None, None, None, FILLED],
         ["序号", "项目名称", "建设单位", "总投资", "年度计划", "1-10月完成", "当月完成", "联系电话"],
         ["甲", "乙", "丙", 1, 2, 3, 4, 5],
         [1, "南川街道智慧社区建设项目", "南川街道办事处", 1600, 800, 560, 60, "13800000001"],
         [2, "南川街道农贸市场改造项目", "县商贸公司", 900, 450, 300, 40, "13800000002"],
     ], merge=["A1:H1"], header=[3, 4], hidden_cols=["H"], formats={"D5:G6": "#,##0.00"}, widths={"B": 28})])},
     [step("column_numbers_jiayi.xlsx", S(2, 2, "南川街道"), warnings=[["未识别的列", "联系电话"]])],
     [P("南川街道", "南川街道智慧社区建设项目", None, 1600, 800, 560, owner="南川街道办事处"),
      P("南川街道", "南川街道农贸市场改造项目", None, 900, 450, 300, owner="县商贸公司")],
     progress={"南川街道智慧社区建设项目": [PR("2026-10", 560, 60, None)]})

case("problem_per_row", "understood",
     "一个问题一行：项目的序号、名称、金额、责任单位纵向合并覆盖三行，每行一条问题（同一项目的金额合并不是错误）",
     {"problem_per_row.xlsx": ("xlsx", [sheet([
         title("城关镇"),
         ["填报单位：城关镇", None, None, None, FILLED],
         ["序号", "项目名称", "年度计划", "1-10月完成投资", "存在问题", "责任单位"],
         [1, "城关镇城市更新一期项目", 5000, 3600, "征收安置房源不足", "住建局"],
         [None, None, None, None, "部分地块规划调整未获批", None],
         [None, None, None, None, "专项债资金未到位", None],
         [2, "城关镇农贸市场改造项目", 800, 500, "无", "发改局"],
     ], merge=["A1:F1", "A4:A6", "B4:B6", "C4:C6", "D4:D6", "F4:F6"], header=[3], widths={"B": 26, "E": 30})])},
     [step("problem_per_row.xlsx", S(2, 2, "城关镇", problems_added=3))],
     [P("城关镇", "城关镇城市更新一期项目", None, None, 5000, 3600, department="县住建局"),
      P("城关镇", "城关镇农贸市场改造项目", None, None, 800, 500, department="县发改局")],
     [Q("城关镇城市更新一期项目", "征收安置房源不足", "县住建局"),
      Q("城关镇城市更新一期项目", "部分地块规划调整未获批", "县住建局"),
      Q("城关镇城市更新一期项目", "专项债资金未到位", "县住建局")])


case("formulas_cached", "understood",
     "WPS 里算出来的表：“1-10月完成投资”是公式 =C+D（1-9月累计+当月），“完成率”是公式，合计行是 =SUM()，"
     "都带保存时算好的值：按值导入；上月的“1-9月完成投资”列不导入并点名，“完成率”作为未识别的列提示",
     {"formulas_cached.xlsx": ("xlsx", [sheet([
         title("南川街道"),
         ["填报单位：南川街道办事处", None, None, None, None, FILLED],
         ["项目名称", "年度计划", "1-9月完成投资", "当月完成投资", "1-10月完成投资", "完成率"],
         ["南川街道便民服务中心项目", 2000, 1500, 200, "=C4+D4", "=E4/B4"],
         ["南川街道背街小巷改造工程", 1200, 800, 100, "=C5+D5", "=E5/B5"],
         ["合计", "=SUM(B4:B5)", "=SUM(C4:C5)", "=SUM(D4:D5)", "=SUM(E4:E5)", "=E6/B6"],
     ], merge=["A1:F1"], header=[3], formats={"F4:F6": "0.0%"}, widths={"A": 28},
         cached={"E4": 1700, "F4": 0.85, "E5": 900, "F5": 0.75, "B6": 3200, "C6": 2300, "D6": 300, "E6": 2600,
                 "F6": 0.8125})])},
     [step("formulas_cached.xlsx", S(2, 2, "南川街道"), warnings=[["1-9月完成投资"], ["未识别的列", "完成率"]])],
     [P("南川街道", "南川街道便民服务中心项目", None, None, 2000, 1700),
      P("南川街道", "南川街道背街小巷改造工程", None, None, 1200, 900)],
     progress={"南川街道便民服务中心项目": [PR("2026-10", 1700, 200, None)],
               "南川街道背街小巷改造工程": [PR("2026-10", 900, 100, None)]})


case("progress_percent", "understood",
     "“形象进度（%）”列填的是百分比数字（0.65，单元格格式0%）：形象进度按表上显示记为“65%”“100%”，不是“0.65”",
     {"progress_percent.xlsx": ("xlsx", [sheet([
         title("东塬镇"),
         ["填报单位：东塬镇", None, None, FILLED],
         ["项目名称", "年度计划", "1-10月完成投资", "形象进度（%）"],
         ["东塬镇日光温室建设项目", 1000, 800, 0.65],
         ["东塬镇村级道路硬化工程", 600, 600, 1],
     ], merge=["A1:D1"], header=[3], formats={"D4:D5": "0%"}, widths={"A": 28})])},
     [step("progress_percent.xlsx", S(2, 2, "东塬镇"))],
     [P("东塬镇", "东塬镇日光温室建设项目", None, None, 1000, 800),
      P("东塬镇", "东塬镇村级道路硬化工程", None, None, 600, 600)],
     progress={"东塬镇日光温室建设项目": [PR("2026-10", 800, None, "65%")],
               "东塬镇村级道路硬化工程": [PR("2026-10", 600, None, "100%")]})


case("hidden_rows_filter", "understood",
     "表头上开着筛选，第5行被隐藏（筛选或手工隐藏）：隐藏行也是表里的数，照常导入，并提示第5行是隐藏行，请核对",
     {"hidden_rows_filter.xlsx": ("xlsx", [sheet([
         title("城关镇"),
         ["填报单位：城关镇", None, None, None, FILLED],
         ["序号", "项目名称", "责任单位", "年度计划", "1-10月完成投资", "形象进度"],
         [1, "城关镇污水处理厂提标改造项目", "水务局", 2000, 1500, "设备安装"],
         [2, "城关镇全域旅游服务中心项目", "文旅局", 800, 560, "装饰装修"],
         [3, "城关镇第二中学宿舍楼项目", "教育局", 1200, 980, "主体完工"],
     ], merge=["A1:F1"], header=[3], hidden_rows=[5], autofilter="A3:F6", widths={"B": 30})])},
     [step("hidden_rows_filter.xlsx", S(3, 3, "城关镇"), warnings=[["第5行", "隐藏"]])],
     [P("城关镇", "城关镇污水处理厂提标改造项目", None, None, 2000, 1500, department="县水务局"),
      P("城关镇", "城关镇全域旅游服务中心项目", None, None, 800, 560, department="县文旅局"),
      P("城关镇", "城关镇第二中学宿舍楼项目", None, None, 1200, 980, department="县教育局")])

case("multi_department_cell", "understood",
     "责任单位一格写了两个单位“住建局（牵头）、水务局”：责任单位取牵头的县住建局，配合的水务局没有地方记，在提示中点名",
     {"multi_department_cell.xlsx": ("xlsx", [sheet([
         title("东塬镇"),
         ["填报单位：东塬镇", None, None, FILLED],
         ["项目名称", "年度计划", "1-10月完成投资", "责任单位"],
         ["东塬镇集镇供排水一体化项目", 1600, 1100, "住建局（牵头）、水务局"],
         ["东塬镇中学运动场改造项目", 500, 420, "教育局"],
     ], merge=["A1:D1"], header=[3], widths={"A": 30, "D": 24})])},
     [step("multi_department_cell.xlsx", S(2, 2, "东塬镇"), warnings=[["第4行", "水务局"]])],
     [P("东塬镇", "东塬镇集镇供排水一体化项目", None, None, 1600, 1100, department="县住建局"),
      P("东塬镇", "东塬镇中学运动场改造项目", None, None, 500, 420, department="县教育局")])


# ---------------------------------------------------------------- refused

case("title_header_month_conflict", "refused",
     "套用上月模板：标题改成了“11月”，表头还是“1-10月完成投资”，看不出数字截至哪个月——不能猜，拒收并请乡镇把标题或表头改一致",
     {"title_header_month_conflict.xlsx": ("xlsx", [sheet([
         title("城关镇", month=11),
         ["填报单位：城关镇", None, None, "填报日期：2026年12月3日"],
         ["项目名称", "年度计划", "1-10月完成投资", "当月完成投资"],
         ["城关镇冷链物流园建设项目", 3000, 2400, 250],
         ["城关镇老城区雨污分流改造工程", 1800, 1400, 140],
     ], merge=["A1:D1"], header=[3], widths={"A": 30})])},
     [refusal("title_header_month_conflict.xlsx",
              [E(["更正", "改为", "修改", "核对", "一致"], ["11月", "1-10月"], sheet="项目表")])])


_MONTHS_A = [0, 0, 120, 200, 260, 300, 310, 320, 330, 310]  # sums to 2150
_MONTHS_B = [0, 50, 80, 120, 150, 160, 170, 180, 190, 160]  # sums to 1260
case("months_as_rows", "refused",
     "交叉表：月份在行（1月…10月）、项目在列。看不出每个项目的年度计划、性质等，只能请乡镇改成每个项目一行",
     {"months_as_rows.xlsx": ("xlsx", [sheet([
         ["城关镇2026年重点项目逐月完成投资统计表"],
         ["填报单位：城关镇", None, None, FILLED],
         ["单位：万元"],
         ["月份", "城关镇冷链物流园建设项目", "城关镇老城区雨污分流改造工程", "合计"],
         *[[f"{m}月", a, b, a + b] for m, a, b in zip(range(1, 11), _MONTHS_A, _MONTHS_B)],
         ["合计", sum(_MONTHS_A), sum(_MONTHS_B), sum(_MONTHS_A) + sum(_MONTHS_B)],
     ], merge=["A1:D1"], name="月度统计", header=[4], widths={"B": 26, "C": 28})])},
     [refusal("months_as_rows.xlsx",
              [E(["每个项目一行", "一个项目一行", "每行一个项目", "每行填写一个项目"], sheet="月度统计")])])

case("merged_money_two_projects", "refused",
     "“年度计划”一个单元格 D4:D5 合并跨两个不同项目（两个供热项目共用1500万元计划）：分不出各自的计划，拒收并指出区域，请拆分",
     {"merged_money_two_projects.xlsx": ("xlsx", [sheet([
         title("城关镇"),
         ["填报单位：城关镇", None, None, FILLED],
         ["序号", "项目名称", "总投资", "年度计划", "1-10月完成投资"],
         [1, "城关镇南区供热管网改造工程", 2600, 1500, 700],
         [2, "城关镇北区供热管网改造工程", 2400, None, 650],
     ], merge=["A1:E1", "D4:D5"], header=[3], widths={"B": 28})])},
     [refusal("merged_money_two_projects.xlsx",
              [E(["拆分", "分别填写", "取消合并", "分开填写", "逐个项目填写"], ["D4:D5"], sheet="项目表", row=4,
                 column="年度计划")])])

case("unit_conflict", "refused",
     "单位说法互相矛盾：填报行右端“单位：亿元”，上级表头却是“投资情况（万元）”——不能猜，拒收并请乡镇统一单位",
     {"unit_conflict.xlsx": ("xlsx", [sheet([
         title("新城镇"),
         ["填报单位：新城镇", None, FILLED, None, "单位：亿元"],
         ["项目名称", "投资情况（万元）", None, None, "形象进度"],
         [None, "总投资", "年度计划", "1-10月完成", None],
         ["新城镇康养中心建设项目", 5600, 2000, 1300, "主体施工"],
         ["新城镇农贸市场提升项目", 800, 300, 260, "装修施工"],
     ], merge=["A1:E1", "A3:A4", "B3:D3", "E3:E4"], header=[3, 4], widths={"A": 26})])},
     [refusal("unit_conflict.xlsx", [E(["统一", "一致", "改为", "删去", "删除"], ["万元", "亿元"], sheet="项目表")])])

case("township_summary", "refused",
     "乡镇报来的是汇总表（按新开工/续建/前期分类的项目个数和金额），不是项目明细：没有项目名称，拒收并请报送逐个项目的明细表",
     {"township_summary.xlsx": ("xlsx", [sheet([
         ["城关镇2026年1-10月重点项目完成情况汇总表"],
         ["填报单位：城关镇", None, None, None, FILLED],
         ["单位：万元"],
         ["类别", "项目个数", "总投资", "年度计划", "1-10月完成投资", "完成率"],
         ["新开工项目", 3, 12600, 4800, 3410, "71.0%"],
         ["续建项目", 2, 9800, 3600, 3020, "83.9%"],
         ["前期项目", 1, 5000, 100, 20, "20.0%"],
         ["合计", 6, 27400, 8500, 6450, "75.9%"],
     ], merge=["A1:F1"], name="汇总", header=[4])])},
     [refusal("township_summary.xlsx",
              [E(["明细", "逐个项目", "每个项目一行", "一个项目一行", "每行一个项目"], sheet="汇总")])])

case("side_by_side_tables", "refused",
     "为横向打印，新开工表（A-E列）和续建表（G-K列）左右并排在同一工作表：两列都叫“项目名称”，拒收并请改为上下排列或分两个工作表",
     {"side_by_side_tables.xlsx": ("xlsx", [sheet([
         title("东塬镇"),
         ["填报单位：东塬镇", None, None, None, None, None, None, None, FILLED],
         ["一、新开工项目", None, None, None, None, None, "二、续建项目"],
         ["项目名称", "总投资", "年度计划", "1-10月完成投资", "实际开工时间", None,
          "项目名称", "总投资", "年度计划", "1-10月完成投资", "实际开工时间"],
         ["东塬镇新型建材产业园项目", 8000, 3000, 2100, D(2026, 3, 28), None,
          "东塬镇敬老院改扩建项目", 1800, 800, 650, D(2025, 9, 1)],
         ["东塬镇乡村振兴示范点项目", 1200, 1200, 900, D(2026, 5, 15), None,
          "东塬镇集镇污水管网工程", 2200, 1000, 720, D(2025, 6, 15)],
     ], merge=["A1:K1", "A3:E3", "G3:K3"], header=[4], widths={"A": 26, "G": 26})])},
     [refusal("side_by_side_tables.xlsx",
              [E(["上下", "分别", "另一个工作表", "两个工作表", "单独", "并排"], ["项目名称"], sheet="项目表")])])


# ---------------------------------------------------------------- output

UNITS = """name,kind,aliases
城关镇,township,城关|城关镇人民政府
新城镇,township,新城|新城镇人民政府
东塬镇,township,东塬|东塬镇人民政府
南川街道,township,南川|南川街道办事处
北塬乡,township,北塬|北塬乡人民政府
县发改局,department,发改局|县发展和改革局
县交通局,department,交通局|县交通运输局
县水务局,department,水务局
县住建局,department,住建局|县住房和城乡建设局
县教育局,department,教育局
县工信局,department,工信局|县工业和信息化局
县农业农村局,department,农业农村局
县文旅局,department,文旅局|县文化和旅游局
"""

KEYS = ("decision", "why", "steps", "year", "projects", "problems", "progress")


def readme() -> str:
    lines = ["# Layout corpus (SPEC §4b: sheets beyond the listed layouts)", "",
             "Made by `make_corpus.py` (rerun it after changing a case; the files are committed).",
             "Replayed by `tests/test_corpus.py` against a fresh ledger holding `units.csv`.",
             "Each line: file — understood / refused — what the layout is and why that decision.", ""]
    for spec in CASES:
        files = "、".join(f"`{f}`" for f in spec["files"])
        verdict = "**understood**" if spec["decision"] == "understood" else "**refused**"
        lines.append(f"- {files} — {verdict} — {spec['why']}")
    lines += ["", "Conventions of the expectations: `summary.rows` counts projects (a project spread over",
              "several sheet rows counts once); warnings are listed as the substrings each must contain",
              "and their number must match; a refusal lists the error's sheet/row/column where a staffer",
              "would point, `message_all` (all must appear) and `message_any` (the advice: one must appear).",
              "`sheets` lists the workbook's sheets, which `import --explain` must name; `explain_projects`",
              "is how many projects `--explain` must show on each sheet (0: not imported).", ""]
    return "\n".join(lines)


def main(out: Path = HERE) -> int:
    """Write every case into ``out`` (default: this folder; ``python make_corpus.py DIR`` writes
    elsewhere, which the test uses to check the committed files are what this script makes)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "units.csv").write_text(UNITS, encoding="utf-8")
    for spec in CASES:
        for file_name, content in spec["files"].items():
            write_file(out / file_name, content)
        for one in spec["steps"]:  # the workbook's sheets, which --explain must name
            if "import" in one:
                kind, content = spec["files"][one["import"]]
                one["sheets"] = [s["name"] for s in content] if kind in ("xlsx", "xls") else []
                if len(one["sheets"]) == 1 and "summary" in one:  # --explain: this many projects on it
                    one.setdefault("explain_projects", {one["sheets"][0]: one["summary"]["rows"]})
        expected = {key: spec[key] for key in KEYS}
        (out / f"{spec['name']}.expected.json").write_text(
            json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (out / "README.md").write_text(readme(), encoding="utf-8")
    understood = sum(spec["decision"] == "understood" for spec in CASES)
    print(f"{len(CASES)} 种版式（理解 {understood}，拒收 {len(CASES) - understood}）已写入 {out}")
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE))
