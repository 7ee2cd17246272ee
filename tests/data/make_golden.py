"""Generate the golden township sheets of ``tests/data/`` and the records each must produce.

Run from anywhere: ``python tests/data/make_golden.py``.  The generated files are committed,
so the tests need neither this script nor LibreOffice; rerun it only after changing a case.

Every case below is one layout feature of SPEC §4.  A case is the sheet(s) written out cell
by cell and, beside them, the expected outcome **typed by hand from the sheet** (never by
running the import): per import step the summary counts and the warnings (each as the
substrings it must contain), then the projects as ``project list --year Y --json`` shows
them (only the keys given are compared; the set of projects must match exactly), the
problems as ``problem list --json`` shows them, and for some projects their progress
records as ``project show --json`` shows them.  ``tests/test_import.py`` replays the steps
against a fresh ledger holding ``units.csv``.

Writers: openpyxl for .xlsx (fixed document dates, so reruns give the same content), the
csv module for .csv in UTF-8, UTF-8 with BOM and GBK, xlwt for .xls (skipped if missing),
and LibreOffice (``soffice --convert-to ods``) for .ods (skipped if missing).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
D = dt.date
FIXED = dt.datetime(2026, 11, 1, 9, 0, 0)


# ---------------------------------------------------------------- writers


def write_xlsx(path: Path, sheets: list[dict]) -> None:
    """``sheets``: [{"name", "rows": [[cell, …], …], "merge": ["A1:C1", …], "hidden": bool}]."""
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
                if isinstance(value, str):
                    cell.data_type = "s"
                elif isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        for span in spec.get("merge", []):
            ws.merge_cells(span)
        if spec.get("hidden"):
            ws.sheet_state = "hidden"
        for letter in spec.get("hidden_cols", []):  # 隐藏列, as Excel/WPS store it: <col hidden="1">
            ws.column_dimensions[letter].hidden = True
    wb.properties.created = wb.properties.modified = FIXED
    wb.save(path)
    _fix_zip_times(path)


def _fix_zip_times(path: Path) -> None:
    """Rewrite the zip with fixed member times and a fixed modified date (openpyxl stamps the
    time of saving), so rerunning the script changes no byte."""
    import zipfile

    import re

    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    stamp = FIXED.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    members = [(info, re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
                if info.filename == "docProps/core.xml" else data) for info, data in members]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 11, 1, 9, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, data)


def write_csv(path: Path, rows: list[list], encoding: str) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def write_xls(path: Path, sheets: list[dict]) -> bool:
    try:
        import xlwt
    except ImportError:
        print(f"  跳过 {path.name}：未安装 xlwt")
        return False
    from openpyxl.utils.cell import range_boundaries

    wb = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for spec in sheets:
        ws = wb.add_sheet(spec["name"])
        merged = {}
        for span in spec.get("merge", []):
            c0, r0, c1, r1 = range_boundaries(span)
            merged[(r0 - 1, c0 - 1)] = (r1 - 1, c1 - 1)
        covered = {(r, c) for (r0, c0), (r1, c1) in merged.items()
                   for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        for r, row in enumerate(spec["rows"]):
            for c, value in enumerate(row):
                if (r, c) in merged:
                    r1, c1 = merged[(r, c)]
                    ws.write_merge(r, r1, c, c1, value)
                elif (r, c) in covered or value is None:
                    continue
                elif isinstance(value, dt.date):
                    ws.write(r, c, value, date_style)
                else:
                    ws.write(r, c, value)
    wb.save(str(path))
    return True


def write_ods(path: Path, sheets: list[dict]) -> bool:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print(f"  跳过 {path.name}：未安装 LibreOffice")
        return False
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / (path.stem + ".xlsx")
        write_xlsx(source, sheets)
        subprocess.run([soffice, "--headless", "--convert-to", "ods", "--outdir", tmp, str(source)],
                       check=True, capture_output=True, timeout=180)
        shutil.copy(Path(tmp) / (path.stem + ".ods"), path)
    return True


# ---------------------------------------------------------------- expectation helpers


def P(township, name, code, nature, total, plan, ytd, **more) -> dict:
    """One project as ``project list --year … --json`` must show it (keys given are compared)."""
    return {"township": township, "name": name, "code": code, "nature": nature,
            "total_investment": total, "annual_plan": plan, "ytd_completed": ytd, **more}


def Q(project, text, reported, due, lead, status="open", **more) -> dict:
    """One problem as ``problem list --json`` must show it."""
    return {"project_name": project, "text": text, "status": status, "reported_on": reported,
            "due_on": due, "lead_unit": lead, **more}


def step(file, summary, warnings=(), args=()) -> dict:
    return {"import": file, "args": list(args), "summary": summary, "warnings": [list(w) for w in warnings]}


def S(township, period, rows, created, updated=0, unchanged=0, problems_added=0) -> dict:
    return {"committed": True, "township": township, "period": period, "rows": rows, "created": created,
            "updated": updated, "unchanged": unchanged, "problems_added": problems_added}


CASES: list[dict] = []


def case(name: str, description: str, files: dict, steps: list, projects: list, problems=(), *,
         year: int = 2026, progress: dict | None = None) -> None:
    CASES.append({"name": name, "description": description, "files": files, "steps": steps, "year": year,
                  "projects": projects, "problems": list(problems), "progress": progress or {}})


def sheet(rows, merge=(), name="项目表", hidden=False, hidden_cols=()) -> dict:
    return {"name": name, "rows": rows, "merge": list(merge), "hidden": hidden, "hidden_cols": list(hidden_cols)}


# ---------------------------------------------------------------- the cases

case("title_fill_unit_footer",
     "标题行、填报行（填报单位用别名“城关镇人民政府”）、单位行、空行、表尾（填报人、审核人）；填报日期作为问题提出日期",
     {"title_fill_unit_footer.xlsx": [sheet([
         ["城关镇2026年10月重点项目推进情况表"],
         ["填报单位：城关镇人民政府", None, None, None, None, None, "填报日期：2026年11月3日"],
         ["单位：万元"],
         [],
         ["序号", "项目代码", "项目名称", "建设性质", "总投资", "年度计划投资", "1-10月完成投资", "实际开工时间",
          "存在问题", "责任单位"],
         [1, "2026-620801-47-01-000101", "城关镇污水管网改造工程", "新开工", 5000, 2000, 800, D(2026, 4, 10),
          "管网迁改协调难", "水务局"],
         [],
         [2, None, "城关镇老旧小区改造项目", "续建", 3200.5, 1200, 950.25, D(2025, 8, 1), "无", "县住建局"],
         [3, "2026-620801-48-01-000103", "城关镇停车场建设项目", "前期", 800, 100, 0, None, None, "发改局"],
         [],
         ["填报人：张三", None, None, "联系电话：0933-1234567"],
         ["审核人：李四"],
     ], merge=["A1:J1"])]},
     [step("title_fill_unit_footer.xlsx", S("城关镇", "2026-10", 3, 3, problems_added=1))],
     [P("城关镇", "城关镇污水管网改造工程", "2026-620801-47-01-000101", "新开工", 5000, 2000, 800,
        department="县水务局", stage="新开工", actual_start="2026-04-10", planned_start=None),
      P("城关镇", "城关镇老旧小区改造项目", None, "续建", 3200.5, 1200, 950.25,
        department="县住建局", stage="续建", actual_start="2025-08-01"),
      P("城关镇", "城关镇停车场建设项目", "2026-620801-48-01-000103", "前期", 800, 100, 0,
        department="县发改局", stage="前期", actual_start=None)],
     [Q("城关镇污水管网改造工程", "管网迁改协调难", "2026-11-03", "2026-11-17", "县水务局")])

case("instruction_sheet_first",
     "第一个工作表是填表说明，数据在第二个工作表；没有建设性质列和责任单位列",
     {"instruction_sheet_first.xlsx": [
         sheet([["填表说明"], ["1. 项目名称请填写全称，建设性质填新开工、续建或前期。"], ["2. 金额单位：万元。"]],
               name="填表说明"),
         sheet([["新城镇2026年10月重点项目调度表"],
                ["填报单位：新城镇  填报日期：2026年11月3日"],
                ["项目名称", "总投资（万元）", "年度计划（万元）", "1-10月完成（万元）", "形象进度"],
                ["新城镇卫生院扩建项目", 1500, 600, 420, "主体封顶"],
                ["新城镇集贸市场改造项目", 900, 900, 300, "内部装修"]])]},
     [step("instruction_sheet_first.xlsx", S("新城镇", "2026-10", 2, 2))],
     [P("新城镇", "新城镇卫生院扩建项目", None, None, 1500, 600, 420, stage="前期", department=None),
      P("新城镇", "新城镇集贸市场改造项目", None, None, 900, 900, 300, stage="前期")],
     progress={"新城镇卫生院扩建项目": [{"period": "2026-10", "ytd_completed": 420, "month_completed": None,
                                        "status": "主体封顶", "reported_on": "2026-11-03"}]})

case("merged_header_2rows",
     "两行表头：合并单元格“投资情况（万元）”覆盖 总投资|年度计划|1-10月完成，其余列纵向合并",
     {"merged_header_2rows.xlsx": [sheet([
         ["东塬镇2026年10月重点项目推进情况表"],
         ["填报单位：东塬镇  填报日期：2026年11月3日"],
         ["序号", "项目名称", "建设单位", "投资情况（万元）", None, None, "形象进度", "存在问题"],
         [None, None, None, "总投资", "年度计划", "1-10月完成", None, None],
         [1, "东塬镇苹果冷链仓储项目", "东塬果业公司", 6800, 2500, 1900, "设备安装", "冷库用电增容未批复"],
         [2, "东塬镇农村公路提升工程", "县交通投资公司", 2400, 2400, 2050.8, "路面施工", None],
     ], merge=["A1:H1", "A3:A4", "B3:B4", "C3:C4", "D3:F3", "G3:G4", "H3:H4"])]},
     [step("merged_header_2rows.xlsx", S("东塬镇", "2026-10", 2, 2, problems_added=1))],
     [P("东塬镇", "东塬镇苹果冷链仓储项目", None, None, 6800, 2500, 1900, owner="东塬果业公司"),
      P("东塬镇", "东塬镇农村公路提升工程", None, None, 2400, 2400, 2050.8, owner="县交通投资公司")],
     [Q("东塬镇苹果冷链仓储项目", "冷库用电增容未批复", "2026-11-03", "2026-11-17", None)])

case("merged_header_3rows",
     "三行表头：投资情况（万元）/计划|完成/总投资|年度计划|1-10月|当月，“1-10月”“当月”靠上级表头“完成”得名",
     {"merged_header_3rows.xlsx": [sheet([
         ["城关镇2026年10月重点项目推进情况表"],
         ["填报单位：城关镇  填报日期：2026年11月3日"],
         ["序号", "项目名称", "投资情况（万元）", None, None, None, "进展情况"],
         [None, None, "计划", None, "完成", None, None],
         [None, None, "总投资", "年度计划", "1-10月", "当月", None],
         [1, "城关镇文化中心建设项目", 12000, 3000, 2600, 300, "主体施工"],
         [2, "城关镇农贸市场迁建项目", 4500, 1500, 1100, 150, "基础施工"],
     ], merge=["A1:G1", "A3:A5", "B3:B5", "C3:F3", "G3:G5", "C4:D4", "E4:F4"])]},
     [step("merged_header_3rows.xlsx", S("城关镇", "2026-10", 2, 2))],
     [P("城关镇", "城关镇文化中心建设项目", None, None, 12000, 3000, 2600),
      P("城关镇", "城关镇农贸市场迁建项目", None, None, 4500, 1500, 1100)],
     progress={"城关镇文化中心建设项目": [{"period": "2026-10", "ytd_completed": 2600, "month_completed": 300,
                                          "status": "主体施工", "reported_on": "2026-11-03"}]})

case("header_linebreaks_brackets",
     "表头含换行和全角括号、方括号：“项目\\n名称”“总投资\\n（万元）”“年度计划投资【万元】”",
     {"header_linebreaks_brackets.xlsx": [sheet([
         ["新城镇2026年10月重点项目推进情况表"],
         ["填报单位：新城镇  填报日期：2026年11月3日"],
         ["序\n号", "项目\n名称", "建设\n性质", "总投资\n（万元）", "年度计划投资【万元】", "1-10月完成投资\n(万元)",
          "实际开工\n时间", "存在\n问题"],
         [1, "新城镇污水处理厂提标改造工程", "新开工", 8600, 3000, 1850, "2026年5月20日", "管网穿越国道手续未办结"],
         [2, "新城至北塬通村公路改建工程", "续建", 15400, 5000, 4100, "2025年4月12日", None],
     ])]},
     [step("header_linebreaks_brackets.xlsx", S("新城镇", "2026-10", 2, 2, problems_added=1))],
     [P("新城镇", "新城镇污水处理厂提标改造工程", None, "新开工", 8600, 3000, 1850, actual_start="2026-05-20"),
      P("新城镇", "新城至北塬通村公路改建工程", None, "续建", 15400, 5000, 4100, actual_start="2025-04-12")],
     [Q("新城镇污水处理厂提标改造工程", "管网穿越国道手续未办结", "2026-11-03", "2026-11-17", None)])

case("sections_nature",
     "分类行“一、新开工项目（2个）”“二、续建项目（1个）”“三、前期项目”给出下面各行的建设性质（无性质列）",
     {"sections_nature.xlsx": [sheet([
         ["城关镇2026年10月重点项目推进情况表"],
         ["填报单位：城关镇  填报日期：2026年11月3日"],
         ["单位：万元"],
         ["序号", "项目名称", "总投资", "年度计划", "1-10月完成投资"],
         ["一、新开工项目（2个）"],
         [1, "城关镇智慧停车场项目", 1000, 500, 200],
         [2, "城关镇消防站建设项目", 2000, 800, 300],
         ["二、续建项目（1个）"],
         [3, "城关镇第二小学建设项目", 3000, 1000, 900],
         ["三、前期项目"],
         [4, "城关镇物流园项目", 5000, 100, 20],
     ])]},
     [step("sections_nature.xlsx", S("城关镇", "2026-10", 4, 4),
           warnings=[["第9行", "城关镇第二小学建设项目", "按续建列入2026年度计划", "实际开工时间"]])],
     [P("城关镇", "城关镇智慧停车场项目", None, "新开工", 1000, 500, 200, stage="新开工"),
      P("城关镇", "城关镇消防站建设项目", None, "新开工", 2000, 800, 300, stage="新开工"),
      P("城关镇", "城关镇第二小学建设项目", None, "续建", 3000, 1000, 900, stage="续建"),
      P("城关镇", "城关镇物流园项目", None, "前期", 5000, 100, 20, stage="前期")])

case("totals_checked",
     "合计/总计/小计行不作为项目导入且与所列项目之和核对：顶部“总计”、各类“小计”正确，底部“合计”总投资写错（4400≠4300）",
     {"totals_checked.xlsx": [sheet([
         ["东塬镇2026年10月重点项目推进情况表"],
         ["填报单位：东塬镇  填报日期：2026年11月3日"],
         ["序号", "项目名称", "总投资", "年度计划", "1-10月完成投资"],
         ["总计", None, 4300, 1800, 1000],
         ["一、新开工项目"],
         [1, "东塬镇光伏发电项目", 1000, 500, 200],
         [2, "东塬镇污水处理站项目", 2000, 800, 300],
         ["小计", None, 3000, 1300, 500],
         ["二、续建项目"],
         [3, "东塬镇敬老院改造项目", 1300, 500, 500],
         ["小计", None, 1300, 500, 500],
         ["合计", None, 4400, 1800, 1000],
     ])]},
     [step("totals_checked.xlsx", S("东塬镇", "2026-10", 3, 3),
           warnings=[["第12行", "合计", "总投资", "4400", "4300"],
                     ["第10行", "东塬镇敬老院改造项目", "按续建列入2026年度计划"]])],
     [P("东塬镇", "东塬镇光伏发电项目", None, "新开工", 1000, 500, 200),
      P("东塬镇", "东塬镇污水处理站项目", None, "新开工", 2000, 800, 300),
      P("东塬镇", "东塬镇敬老院改造项目", None, "续建", 1300, 500, 500)])

case("header_synonyms",
     "表头同义词：统一代码、项目名、业主单位、项目类别、计划总投资、本年计划投资、今年以来完成投资、本月完成投资、"
     "工程进展情况、计划开工日期、开工日期、存在的问题及困难、包抓领导、县直责任单位、所属行业、备注；未知列“联系人”提示一次",
     {"header_synonyms.xlsx": [sheet([
         ["南川街道2026年10月重大项目调度表"],
         ["填报单位：南川街道办事处  填报日期：2026年11月3日"],
         ["统一代码", "项目名", "业主单位", "项目类别", "计划总投资", "本年计划投资", "今年以来完成投资", "本月完成投资",
          "工程进展情况", "计划开工日期", "开工日期", "存在的问题及困难", "包抓领导", "县直责任单位", "所属行业", "备注",
          "联系人"],
         ["2026-620801-70-01-000801", "南川片区道路提升工程", "县城投公司", "续建", 9000, 3000, 2400, 300, "路面铺设",
          "2025-03-01", "2025-03-20", "雨污分流改造资金不足", "王副县长", "住建局", "市政", "重点督办", "赵六"],
         [None, "南川社区养老服务中心", "县民政服务中心", "新开工", 1800, 900, 300, 100, "基础施工", "2026-04-01",
          "2026-05-06", "无", "李副县长", "发改局", "社会事业", None, "钱七"],
     ])]},
     [step("header_synonyms.xlsx", S("南川街道", "2026-10", 2, 2, problems_added=1),
           warnings=[["未识别的列", "联系人"], ["包联领导", "李副县长、王副县长", "leader add"]])],
     [P("南川街道", "南川片区道路提升工程", "2026-620801-70-01-000801", "续建", 9000, 3000, 2400,
        owner="县城投公司", department="县住建局", leader="王副县长", industry="市政",
        planned_start="2025-03-01", actual_start="2025-03-20"),
      P("南川街道", "南川社区养老服务中心", None, "新开工", 1800, 900, 300,
        owner="县民政服务中心", department="县发改局", leader="李副县长", industry="社会事业",
        planned_start="2026-04-01", actual_start="2026-05-06")],
     [Q("南川片区道路提升工程", "雨污分流改造资金不足", "2026-11-03", "2026-11-17", "县住建局")],
     progress={"南川片区道路提升工程": [{"period": "2026-10", "ytd_completed": 2400, "month_completed": 300,
                                        "status": "路面铺设", "reported_on": "2026-11-03"}]})

case("yiyuan_unit_row",
     "单位行“单位：亿元”：4.6/1.2/0.99亿元即46000/12000/9900万元；乡镇和期间都取自标题（无填报单位）",
     {"yiyuan_unit_row.xlsx": [sheet([
         ["南川街道重大项目调度表（2026年10月）"],
         ["报送时间：2026年11月4日", None, None, "单位：亿元"],
         ["项目名称", "总投资", "年度计划", "截至10月底完成投资"],
         [],
         ["南川片区棚户区改造项目", 4.6, 1.2, 0.99],
         ["南川文旅街区提升改造项目", 1.8, 0.05, 0.012],
     ])]},
     [step("yiyuan_unit_row.xlsx", S("南川街道", "2026-10", 2, 2))],
     [P("南川街道", "南川片区棚户区改造项目", None, None, 46000, 12000, 9900),
      P("南川街道", "南川文旅街区提升改造项目", None, None, 18000, 500, 120)],
     progress={"南川片区棚户区改造项目": [{"period": "2026-10", "ytd_completed": 9900, "month_completed": None,
                                          "status": None, "reported_on": "2026-11-04"}]})

case("yiyuan_parent_header",
     "上级表头“投资情况（亿元）”给出其下各列的单位；它旁边的“当月完成投资（万元）”仍是万元",
     {"yiyuan_parent_header.xlsx": [sheet([
         ["城关镇2026年10月重点项目推进情况表"],
         ["填报单位：城关镇  填报日期：2026年11月3日"],
         ["项目名称", "投资情况（亿元）", None, None, "当月完成投资（万元）"],
         [None, "总投资", "年度计划", "1-10月完成", None],
         ["城关镇产业园标准化厂房项目", 2.5, 0.8, 0.65, 500],
     ], merge=["A3:A4", "B3:D3", "E3:E4"])]},
     [step("yiyuan_parent_header.xlsx", S("城关镇", "2026-10", 1, 1))],
     [P("城关镇", "城关镇产业园标准化厂房项目", None, None, 25000, 8000, 6500)],
     progress={"城关镇产业园标准化厂房项目": [{"period": "2026-10", "ytd_completed": 6500, "month_completed": 500,
                                              "status": None, "reported_on": "2026-11-03"}]})

_MONEY_ROWS = [
    ["城关镇2026年10月重点项目推进情况表"],
    ["填报单位：城关镇", "", "", "填报日期：2026年11月3日"],
    ["项目名称", "总投资（万元）", "年度计划投资（万元）", "1-10月完成投资（万元）", "当月完成投资（万元）"],
    ["城关镇千分位项目", "1,200", "1,000.50", "850", "—"],
    ["城关镇全角数字项目", "１２００．５", "６００", "３００", "／"],
    ["城关镇带单位项目", "300万元", "0.02亿元", "150万元", "无"],
    ["城关镇约数项目", "约500", "近200", "约80", "-"],
    ["城关镇空白项目", "800", "400", "", ""],
    [],
]
case("money_forms",
     "金额写法（UTF-8 CSV）：千分位、全角数字、带“万元/亿元”、约/近（照录并提示）、—、/、无、- 与空白表示未填",
     {"money_forms.csv": ("utf-8", _MONEY_ROWS)},
     [step("money_forms.csv", S("城关镇", "2026-10", 5, 5),
           warnings=[["第7行", "总投资", "约500万元"], ["第7行", "年度计划投资", "近200万元"],
                     ["第7行", "1-10月完成投资", "约80万元"]])],
     [P("城关镇", "城关镇千分位项目", None, None, 1200, 1000.5, 850),
      P("城关镇", "城关镇全角数字项目", None, None, 1200.5, 600, 300),
      P("城关镇", "城关镇带单位项目", None, None, 300, 200, 150),
      P("城关镇", "城关镇约数项目", None, None, 500, 200, 80),
      P("城关镇", "城关镇空白项目", None, None, 800, 400, 0)])

case("date_forms",
     "日期写法：日期单元格、Excel序号、2026-03-05、2026/3/6、2026.3.7、2026年3月8日、2026年3月、3月9日、"
     "2026.3（文本，月精度）、2026-03、数值2026.1（按1月读并提示）、已开工（按期末估计并提示）、2026.10（文本）",
     {"date_forms.xlsx": [sheet([
         ["新城镇2026年10月重点项目推进情况表"],
         ["填报单位：新城镇  填报日期：2026年11月3日"],
         ["项目名称", "年度计划", "计划开工时间", "实际开工时间"],
         ["日期写法项目一", 100, D(2026, 3, 5), 46087],
         ["日期写法项目二", 100, "2026-03-05", "2026/3/6"],
         ["日期写法项目三", 100, "2026.3.7", "2026年3月8日"],
         ["日期写法项目四", 100, "2026年3月", "3月9日"],
         ["日期写法项目五", 100, "2026.3", "2026-03"],
         ["日期写法项目六", 100, 2026.1, "已开工"],
         ["日期写法项目七", 100, "2026.10", None],
     ])]},
     [step("date_forms.xlsx", S("新城镇", "2026-10", 7, 7),
           warnings=[["第9行", "计划开工时间", "2026.1", "1月"], ["第9行", "实际开工时间", "已开工"]])],
     [P("新城镇", "日期写法项目一", None, None, None, 100, 0, planned_start="2026-03-05", actual_start="2026-03-06"),
      P("新城镇", "日期写法项目二", None, None, None, 100, 0, planned_start="2026-03-05", actual_start="2026-03-06"),
      P("新城镇", "日期写法项目三", None, None, None, 100, 0, planned_start="2026-03-07", actual_start="2026-03-08"),
      P("新城镇", "日期写法项目四", None, None, None, 100, 0, planned_start="2026-03-01", actual_start="2026-03-09"),
      P("新城镇", "日期写法项目五", None, None, None, 100, 0, planned_start="2026-03-01", actual_start="2026-03-01"),
      P("新城镇", "日期写法项目六", None, None, None, 100, 0, planned_start="2026-01-01", actual_start="2026-10-31"),
      P("新城镇", "日期写法项目七", None, None, None, 100, 0, planned_start="2026-10-01", actual_start=None)])

case("township_from_title",
     "没有填报行：乡镇取自标题“新城镇2026年重点项目推进情况表（截至10月底）”，期间取自标题中的“截至10月底”与“2026年”",
     {"township_from_title.xlsx": [sheet([
         ["新城镇2026年重点项目推进情况表（截至10月底）"],
         ["项目名称", "年度计划", "累计完成投资", "存在问题"],
         ["新城镇电商物流集散中心项目", 300, 120, "用地规划调整待批"],
     ])]},
     [step("township_from_title.xlsx", S("新城镇", "2026-10", 1, 1, problems_added=1), args=["--date", "2026-11-03"])],
     [P("新城镇", "新城镇电商物流集散中心项目", None, None, None, 300, 120)],
     [Q("新城镇电商物流集散中心项目", "用地规划调整待批", "2026-11-03", "2026-11-17", None)])

case("period_from_header",
     "标题没有月份：月份取自表头“1-10月完成投资”，年份取自填报日期2026年11月3日",
     {"period_from_header.xlsx": [sheet([
         ["城关镇重点项目进展情况表"],
         ["填报单位：城关镇  填报日期：2026年11月3日"],
         ["项目名称", "年度计划", "1-10月完成投资"],
         ["城关镇供热管网改造项目", 1500, 1100],
     ])]},
     [step("period_from_header.xlsx", S("城关镇", "2026-10", 1, 1))],
     [P("城关镇", "城关镇供热管网改造项目", None, None, None, 1500, 1100)])

case("december_filled_january",
     "“截至12月底完成投资”给出月份；填报日期2027年1月5日早于12月，故为上一年：期间2026-12",
     {"december_filled_january.xlsx": [sheet([
         ["东塬镇重点项目进展情况表"],
         ["填报单位：东塬镇  填报日期：2027年1月5日"],
         ["项目名称", "年度计划", "截至12月底完成投资"],
         ["东塬镇设施农业大棚项目", 800, 760],
     ])]},
     [step("december_filled_january.xlsx", S("东塬镇", "2026-12", 1, 1))],
     [P("东塬镇", "东塬镇设施农业大棚项目", None, None, None, 800, 760)],
     progress={"东塬镇设施农业大棚项目": [{"period": "2026-12", "ytd_completed": 760, "month_completed": None,
                                          "status": None, "reported_on": "2027-01-05"}]})

_SEPT = [
    ["城关镇2026年9月重点项目推进情况表"],
    ["填报单位：城关镇  填报日期：2026年10月13日"],
    ["项目名称", "责任单位", "年度计划", "1-9月完成投资", "存在问题"],
    ["城关镇中学教学楼建设项目", "县教育局", 2000, 1200, "1.用地手续未办结；2.资金缺口300万元"],
    ["城关镇道路绿化工程", "县交通局", 600, 400, "（1）苗木采购延迟（2）施工队伍不足"],
    ["城关镇垃圾中转站项目", "县住建局", 500, 100, "暂无"],
]
_OCT = [
    ["城关镇2026年10月重点项目推进情况表"],
    ["填报单位：城关镇  填报日期：2026年11月3日"],
    ["项目名称", "责任单位", "年度计划", "1-10月完成投资", "存在问题"],
    ["城关镇中学教学楼建设项目", "县教育局", 2000, 1500, "1、用地手续 未办结；2、资金缺口300万元；3、监理单位未确定"],
    ["城关镇道路绿化工程", "县交通局", 600, 500, "苗木采购延迟"],
    ["城关镇垃圾中转站项目", "县住建局", 500, 200, "—"],
]
case("problems_across_months",
     "问题按编号拆分（1. 2、（1）），无/暂无/— 表示没有；10月重复9月的问题（空格不同、或已办结）不再登记",
     {"problems_2026-09.xlsx": [sheet(_SEPT)], "problems_2026-10.xlsx": [sheet(_OCT)]},
     [step("problems_2026-09.xlsx", S("城关镇", "2026-09", 3, 3, problems_added=4)),
      {"run": ["problem", "close", "3", "--on", "2026-10-20"]},
      step("problems_2026-10.xlsx", S("城关镇", "2026-10", 3, 0, updated=3, problems_added=1))],
     [P("城关镇", "城关镇中学教学楼建设项目", None, None, None, 2000, 1500, department="县教育局"),
      P("城关镇", "城关镇道路绿化工程", None, None, None, 600, 500, department="县交通局"),
      P("城关镇", "城关镇垃圾中转站项目", None, None, None, 500, 200, department="县住建局")],
     [Q("城关镇中学教学楼建设项目", "用地手续未办结", "2026-10-13", "2026-10-27", "县教育局", id=1),
      Q("城关镇中学教学楼建设项目", "资金缺口300万元", "2026-10-13", "2026-10-27", "县教育局", id=2),
      Q("城关镇道路绿化工程", "苗木采购延迟", "2026-10-13", "2026-10-27", "县交通局", status="closed",
        closed_on="2026-10-20", id=3),
      Q("城关镇道路绿化工程", "施工队伍不足", "2026-10-13", "2026-10-27", "县交通局", id=4),
      Q("城关镇中学教学楼建设项目", "监理单位未确定", "2026-11-03", "2026-11-17", "县教育局", id=5)])


def _matching(title, fill, month, rows):
    return [sheet([[title], [fill], ["项目代码", "项目名称", "年度计划", f"1-{month}月完成投资"], *rows])]


case("matching",
     "匹配：有代码按代码（改名也认得）；无代码按规范化名称（空格不计）在本乡镇内匹配；他乡镇同名项目不匹配，新名称新建",
     {"matching_新城镇-09.xlsx": _matching("新城镇2026年9月重点项目推进情况表", "填报单位：新城镇  填报日期：2026年10月13日", 9, [
         ["2026-620802-47-01-000201", "新城镇自来水厂扩建工程", 3000, 1000],
         [None, "新城镇 综合文化站 建设项目", 800, 300],
         [None, "道路改造工程", 500, 200]]),
      "matching_城关镇-10.xlsx": _matching("城关镇2026年10月重点项目推进情况表", "填报单位：城关镇  填报日期：2026年11月3日", 10, [
          [None, "道路改造工程", 700, 350]]),
      "matching_新城镇-10.xlsx": _matching("新城镇2026年10月重点项目推进情况表", "填报单位：新城镇  填报日期：2026年11月3日", 10, [
          ["2026-620802-47-01-000201", "新城镇自来水厂扩建工程（一期）", 3000, 1400],
          ["2026-620802-72-01-000203", "新城镇综合文化站建设项目", 800, 500],
          [None, "道路改造工程", 500, 300],
          [None, "新城镇新建停车场项目", 200, 50]])},
     [step("matching_新城镇-09.xlsx", S("新城镇", "2026-09", 3, 3)),
      step("matching_城关镇-10.xlsx", S("城关镇", "2026-10", 1, 1)),
      step("matching_新城镇-10.xlsx", S("新城镇", "2026-10", 4, 1, updated=3))],
     [P("新城镇", "新城镇自来水厂扩建工程（一期）", "2026-620802-47-01-000201", None, None, 3000, 1400),
      P("新城镇", "新城镇综合文化站建设项目", "2026-620802-72-01-000203", None, None, 800, 500),
      P("新城镇", "道路改造工程", None, None, None, 500, 300),
      P("城关镇", "道路改造工程", None, None, None, 700, 350),
      P("新城镇", "新城镇新建停车场项目", None, None, None, 200, 50)])

_CSV_ROWS = [
    ["东塬镇2026年10月重点项目进展情况"],
    ["项目名称", "项目代码", "建设性质", "总投资(万元)", "2026年计划投资(万元)", "累计完成投资(万元)", "开工时间",
     "存在问题", "县直责任单位"],
    ["东塬镇千亩设施农业示范园项目", "2026-620803-01-03-000301", "新开工", "5,200", "2,500", "1,300", "2026.04.18", "无",
     "发改局"],
    ["东塬镇人居环境整治项目", "", "续建", "860", "860", "640", "2025.06.10", "资金缺口180万元", "住建局"],
    [],
]
_CSV_PROJECTS = [
    P("东塬镇", "东塬镇千亩设施农业示范园项目", "2026-620803-01-03-000301", "新开工", 5200, 2500, 1300,
      department="县发改局", actual_start="2026-04-18"),
    P("东塬镇", "东塬镇人居环境整治项目", None, "续建", 860, 860, 640, department="县住建局", actual_start="2025-06-10")]
_CSV_PROBLEMS = [Q("东塬镇人居环境整治项目", "资金缺口180万元", "2026-11-03", "2026-11-17", "县住建局")]
for _name, _encoding, _label in (("csv_utf8", "utf-8", "UTF-8"), ("csv_utf8_bom", "utf-8-sig", "UTF-8 BOM"),
                                 ("csv_gbk", "gbk", "GBK")):
    case(_name, f"CSV（{_label}编码）：标题行、千分位、2026.04.18、“无”、部门别名、末尾空行",
         {f"{_name}.csv": (_encoding, _CSV_ROWS)},
         [step(f"{_name}.csv", S("东塬镇", "2026-10", 2, 2, problems_added=1), args=["--date", "2026-11-03"])],
         _CSV_PROJECTS, _CSV_PROBLEMS)

_OLD_FORMAT = [sheet([
    ["新城镇2026年10月重点项目推进情况表"],
    ["填报单位：新城镇  填报日期：2026年11月3日"],
    ["项目名称", "投资情况（万元）", None, None, "实际开工时间", "存在问题"],
    [None, "总投资", "年度计划", "1-10月完成", None, None],
    ["新城镇农产品批发市场项目", 7200, 2000, 1650.5, D(2026, 6, 18), "1.冷库设备未到货；2.电力增容待批"],
    ["新城镇卫生院迁建项目", 3600, 1200, 980, D(2025, 9, 1), "无"],
], merge=["A1:F1", "A3:A4", "B3:D3", "E3:E4", "F3:F4"])]
_OLD_PROJECTS = [
    P("新城镇", "新城镇农产品批发市场项目", None, None, 7200, 2000, 1650.5, actual_start="2026-06-18"),
    P("新城镇", "新城镇卫生院迁建项目", None, None, 3600, 1200, 980, actual_start="2025-09-01")]
_OLD_PROBLEMS = [Q("新城镇农产品批发市场项目", "冷库设备未到货", "2026-11-03", "2026-11-17", None),
                 Q("新城镇农产品批发市场项目", "电力增容待批", "2026-11-03", "2026-11-17", None)]
case("xls_format", "WPS 另存的 .xls（BIFF8，xlwt 写出）：两行合并表头、日期单元格",
     {"xls_format.xls": ("xls", _OLD_FORMAT)},
     [step("xls_format.xls", S("新城镇", "2026-10", 2, 2, problems_added=2))], _OLD_PROJECTS, _OLD_PROBLEMS)
case("ods_format", "LibreOffice 的 .ods：两行合并表头、日期单元格",
     {"ods_format.ods": ("ods", _OLD_FORMAT)},
     [step("ods_format.ods", S("新城镇", "2026-10", 2, 2, problems_added=2))], _OLD_PROJECTS, _OLD_PROBLEMS)


# ---------------------------------------------------------------- output

# ---------------------------------------------------------------- SPEC §4b: sheets beyond the list
# Each also names, under "explain", rows that ``import --explain --json`` must classify:
# [row as Excel shows it, class, value or null].

case("merged_body_cells",
     "§4b 纵向合并的单元格：项目性质、责任单位、包联领导合并覆盖几个项目，每个项目都得到该值（不只是第一行）",
     {"merged_body_cells.xlsx": [sheet([
         ["城关镇2026年10月重点项目推进情况表"],
         ["填报单位：城关镇  填报日期：2026年11月3日"],
         ["序号", "项目名称", "项目性质", "总投资", "年度计划", "1-10月完成投资", "责任单位", "包联领导"],
         [1, "城关镇智慧路灯项目", "新开工", 600, 300, 120, "住建局", "王副县长"],
         [2, "城关镇公厕改造项目", None, 200, 100, 60, None, None],
         [3, "城关镇口袋公园项目", None, 400, 200, 90, None, "李副县长"],
     ], merge=["A1:H1", "C4:C6", "G4:G6", "H4:H5"])]},
     [step("merged_body_cells.xlsx", S("城关镇", "2026-10", 3, 3),
           warnings=[["包联领导", "李副县长、王副县长"]])],
     [P("城关镇", "城关镇智慧路灯项目", None, "新开工", 600, 300, 120, department="县住建局", leader="王副县长"),
      P("城关镇", "城关镇公厕改造项目", None, "新开工", 200, 100, 60, department="县住建局", leader="王副县长"),
      P("城关镇", "城关镇口袋公园项目", None, "新开工", 400, 200, 90, department="县住建局", leader="李副县长")])
CASES[-1]["explain"] = [[1, "title", None], [2, "fill_in", None], [3, "header", None]]

case("sheets_by_nature",
     "§4b 一个工作簿两张项目表“新开工项目”“续建项目”（前面还有填表说明）：两张都导入，性质取自表名",
     {"sheets_by_nature.xlsx": [
         sheet([["填表说明"], ["1. 金额单位为万元。"], ["2. 新开工与续建项目分表填写。"]], name="填表说明"),
         sheet([["新城镇2026年10月新开工项目推进情况表"],
                ["填报单位：新城镇  填报日期：2026年11月4日"],
                ["序号", "项目名称", "总投资", "年度计划投资", "1-10月完成投资", "实际开工时间"],
                [1, "新城镇冷库建设项目", 900, 500, 260, D(2026, 5, 8)],
                [2, "新城镇农贸市场项目", 700, 400, 150, D(2026, 6, 1)]], name="新开工项目"),
         sheet([["新城镇2026年10月续建项目推进情况表"],
                ["填报单位：新城镇  填报日期：2026年11月4日"],
                ["序号", "项目名称", "总投资", "年度计划投资", "1-10月完成投资", "实际开工时间"],
                [1, "新城镇污水处理厂二期", 3000, 1200, 980, D(2025, 9, 20)]], name="续建项目"),
     ]},
     [step("sheets_by_nature.xlsx", S("新城镇", "2026-10", 3, 3))],
     [P("新城镇", "新城镇冷库建设项目", None, "新开工", 900, 500, 260, stage="新开工"),
      P("新城镇", "新城镇农贸市场项目", None, "新开工", 700, 400, 150, stage="新开工"),
      P("新城镇", "新城镇污水处理厂二期", None, "续建", 3000, 1200, 980, stage="续建")])

case("hidden_older_column",
     "§4b 隐藏的“1-9月完成投资”列在可见的“1-10月完成投资”列前面：取可见的一列，另一列在提示中点名",
     {"hidden_older_column.xlsx": [sheet([
         ["东塬镇2026年10月重点项目推进情况表"],
         ["填报单位：东塬镇  填报日期：2026年11月3日"],
         ["项目名称", "年度计划投资", "1-9月完成投资", "1-10月完成投资", "形象进度"],
         ["东塬镇光伏车棚项目", 400, 150, 210, "支架安装"],
         ["东塬镇文化站改造项目", 300, 90, 130, "内部装修"],
     ], hidden_cols=["C"])]},
     [step("hidden_older_column.xlsx", S("东塬镇", "2026-10", 2, 2),
           warnings=[["C列", "1-9月完成投资", "D列", "1-10月完成投资", "隐藏列"]])],
     [P("东塬镇", "东塬镇光伏车棚项目", None, None, None, 400, 210),
      P("东塬镇", "东塬镇文化站改造项目", None, None, None, 300, 130)])

case("period_matching_column",
     "§4b 两列都可见：“1-9月完成投资”（上月留下的）和“1-10月完成投资”，标题没有月份：期间取表头最近的月份10月，按“1-10月”读取",
     {"period_matching_column.xlsx": [sheet([
         ["南川街道重点项目推进情况表"],
         ["填报单位：南川街道办事处  填报日期：2026年11月5日"],
         ["项目名称", "年度计划投资", "1-9月完成投资", "1-10月完成投资"],
         ["南川街道停车楼项目", 800, 300, 420],
     ])]},
     [step("period_matching_column.xlsx", S("南川街道", "2026-10", 1, 1),
           warnings=[["C列", "1-9月完成投资", "D列", "1-10月完成投资", "期间不符"]])],
     [P("南川街道", "南川街道停车楼项目", None, None, None, 800, 420)])

case("category_rows",
     "§4b 分部行下的分类行“（一）工业项目”“（二）基础设施项目”：不是项目，也不改变性质，给出下面各行的行业",
     {"category_rows.xlsx": [sheet([
         ["东塬镇2026年10月重点项目推进情况表"],
         ["填报单位：东塬镇  填报日期：2026年11月3日"],
         ["序号", "项目名称", "总投资", "年度计划投资", "1-10月完成投资", "实际开工时间"],
         ["一、新开工项目（3个）"],
         ["（一）工业项目"],
         [1, "东塬镇食品加工厂项目", 2000, 800, 300, D(2026, 4, 1)],
         [2, "东塬镇包装材料厂项目", 1500, 600, 200, D(2026, 5, 1)],
         ["（二）基础设施项目"],
         [3, "东塬镇乡村道路项目", 500, 300, 180, D(2026, 3, 15)],
         ["二、续建项目（1个）"],
         ["（一）农业项目"],
         [4, "东塬镇设施农业园项目", 2600, 900, 640, D(2025, 5, 1)],
     ], merge=["A4:F4", "A5:F5", "A8:F8", "A10:F10", "A11:F11"])]},
     [step("category_rows.xlsx", S("东塬镇", "2026-10", 4, 4))],
     [P("东塬镇", "东塬镇食品加工厂项目", None, "新开工", 2000, 800, 300, industry="工业"),
      P("东塬镇", "东塬镇包装材料厂项目", None, "新开工", 1500, 600, 200, industry="工业"),
      P("东塬镇", "东塬镇乡村道路项目", None, "新开工", 500, 300, 180, industry="基础设施"),
      P("东塬镇", "东塬镇设施农业园项目", None, "续建", 2600, 900, 640, industry="农业")])
CASES[-1]["explain"] = [[4, "section", "新开工"], [5, "category", "工业"], [8, "category", "基础设施"],
                        [10, "section", "续建"], [11, "category", "农业"]]

case("monthly_columns",
     "§4b 逐月列：父表头“2026年逐月完成投资（万元）”合并在“1月…10月”之上，没有累计列：累计为1—10月之和，当月为10月列",
     {"monthly_columns.xlsx": [sheet([
         ["城关镇2026年10月重点项目推进情况表"],
         ["填报单位：城关镇  填报日期：2026年11月3日"],
         ["序号", "项目名称", "年度计划投资", "2026年逐月完成投资（万元）", None, None, None, None, None, None, None,
          None, None, "形象进度"],
         [None, None, None, "1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月"],
         [1, "城关镇体育公园项目", 1200, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140.5, "绿化施工"],
         [2, "城关镇便民市场项目", 600, None, None, 20, 30, 30, 40, 40, 50, 50, None, "主体完工"],
     ], merge=["A3:A4", "B3:B4", "C3:C4", "D3:M3", "N3:N4"])]},
     [step("monthly_columns.xlsx", S("城关镇", "2026-10", 2, 2))],
     [P("城关镇", "城关镇体育公园项目", None, None, None, 1200, 950.5),
      P("城关镇", "城关镇便民市场项目", None, None, None, 600, 260)],
     progress={"城关镇体育公园项目": [{"period": "2026-10", "ytd_completed": 950.5, "month_completed": 140.5}]})
CASES[-1]["explain"] = [[3, "header", None], [4, "header", None]]

case("amounts_in_yuan",
     "§4b 金额以元填报（表头“总投资（元）”等，带千分位的文本和数字）：除以10000记为万元",
     {"amounts_in_yuan.xlsx": [sheet([
         ["新城镇2026年10月重点项目推进情况表"],
         ["填报单位：新城镇  填报日期：2026年11月3日"],
         ["项目名称", "总投资（元）", "年度计划投资（元）", "1-10月完成投资（元）"],
         ["新城镇村级活动场所项目", 12345600, "6,000,000", 2345678],
     ])]},
     [step("amounts_in_yuan.xlsx", S("新城镇", "2026-10", 1, 1))],
     [P("新城镇", "新城镇村级活动场所项目", None, None, 1234.56, 600, 234.57)])

case("continuation_rows",
     "§4b 续行：项目名称纵向合并占两行，第二行只填存在问题；另一项目下一行没有名称、只续写存在问题：都归到上面的项目",
     {"continuation_rows.xlsx": [sheet([
         ["南川街道2026年10月重点项目推进情况表"],
         ["填报单位：南川街道办事处  填报日期：2026年11月3日"],
         ["序号", "项目名称", "年度计划投资", "1-10月完成投资", "存在问题", "责任单位"],
         [1, "南川街道综合管廊项目", 1000, 400, "1.管线迁改进度慢", "住建局"],
         [None, None, None, None, "2.施工用电未接入", None],
         [2, "南川街道菜市场改造项目", 500, 200, "摊位安置方案未定", "发改局"],
         [None, None, None, None, "临时市场选址困难", None],
     ], merge=["A4:A5", "B4:B5", "C4:C5", "D4:D5", "F4:F5"])]},
     [step("continuation_rows.xlsx", S("南川街道", "2026-10", 2, 2, problems_added=4))],
     [P("南川街道", "南川街道综合管廊项目", None, None, None, 1000, 400, department="县住建局"),
      P("南川街道", "南川街道菜市场改造项目", None, None, None, 500, 200, department="县发改局")],
     [Q("南川街道综合管廊项目", "管线迁改进度慢", "2026-11-03", "2026-11-17", "县住建局"),
      Q("南川街道综合管廊项目", "施工用电未接入", "2026-11-03", "2026-11-17", "县住建局"),
      Q("南川街道菜市场改造项目", "摊位安置方案未定", "2026-11-03", "2026-11-17", "县发改局"),
      Q("南川街道菜市场改造项目", "临时市场选址困难", "2026-11-03", "2026-11-17", "县发改局")])
CASES[-1]["explain"] = [[5, "continuation", "南川街道综合管廊项目"], [7, "continuation", "南川街道菜市场改造项目"]]


UNITS = """name,kind,aliases
城关镇,township,城关|城关镇人民政府
新城镇,township,新城|新城镇人民政府
东塬镇,township,东塬
南川街道,township,南川|南川街道办事处
县发改局,department,发改局|县发展和改革局
县交通局,department,交通局|县交通运输局
县水务局,department,水务局
县住建局,department,住建局|县住房和城乡建设局
县教育局,department,教育局
"""


def write_file(path: Path, spec) -> bool:
    if isinstance(spec, tuple):
        kind, content = spec
        if kind == "xls":
            return write_xls(path, content)
        if kind == "ods":
            return write_ods(path, content)
        write_csv(path, content, kind)
        return True
    write_xlsx(path, spec)
    return True


def main(only: list[str]) -> int:
    """Write every case, or only the cases named on the command line."""
    (HERE / "units.csv").write_text(UNITS, encoding="utf-8")
    for spec in CASES:
        if only and spec["name"] not in only:
            continue
        for file_name, content in spec["files"].items():
            if write_file(HERE / file_name, content):
                print(f"  {file_name}")
        expected = {key: spec[key] for key in ("description", "steps", "year", "projects", "problems", "progress")}
        if "explain" in spec:
            expected["explain"] = spec["explain"]
        (HERE / f"{spec['name']}.expected.json").write_text(
            json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{len(CASES)} 组黄金样例已写入 {HERE}")
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
