"""Regenerate the example township sheets in ``src/projledger/data/examples/乡镇报表/`` (deterministic).

Five townships report September and October 2026 in five office styles, the way real
sheets arrive: merged two-row headers with section rows and a 合计 row (城关镇), a GBK CSV
with thousands separators (东塬镇), an instruction sheet and amounts in 亿元 (河西乡), only
this month's figures with ``已开工`` (南山街道), and a UTF-8 CSV with numbered problems
(工业园区).  Run: ``python examples/make_examples.py``.  The sheets (and ``units.csv``) ship
inside the package, so ``projledger demo`` finds them after any kind of install; this is
their only copy.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

OUT = Path(__file__).resolve().parents[1] / "src" / "projledger" / "data" / "examples" / "乡镇报表"


def chengguan(month: int) -> None:
    ytd = {9: (2650, 700, 3100, 520, 0), 10: (3200, 980, 3650, 610, 0)}[month]
    wb = Workbook()
    ws = wb.active
    ws.title = f"{month}月"
    ws.append([f"城关镇2026年{month}月重点项目推进情况表"])
    ws.merge_cells("A1:L1")
    ws.append([f"填报单位：城关镇          填报日期：2026年{month + 1}月3日"])
    ws.append(["序号", "项目代码", "项目名称", "建设单位", "投资情况（万元）", None, None, "计划开工\n时间",
               "实际开工\n时间", "形象进度", "存在问题", "责任单位"])
    ws.append([None, None, None, None, "总投资", "年度计划", f"1-{month}月完成", None, None, None, None, None])
    for col in "ABCDHIJKL":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("E3:G3")
    rows = [
        ("一、新开工项目（2个）",),
        (1, "2026-620821-47-01-000101", "年产5万吨有机肥加工项目", "泾源农业科技有限公司", 12000, 5000, ytd[0],
         "2026.04", "2026年4月15日", "主体施工", "1.用地指标未落实；2.电力增容待协调。", "县工信局"),
        (2, None, "城关镇中心幼儿园建设项目", "城关镇人民政府", 1800.5, 900, ytd[1], "2026.05",
         "2026年6月2日", "主体封顶", "无", "县教育局"),
        ("二、续建项目（2个）",),
        (3, "2025-620821-48-01-000102", "县城污水处理厂提标改造项目", "县水务投资公司", 8600, 4200, ytd[2],
         None, "2025年5月10日", "设备安装", "管网穿越国道手续未办结", "县水务局"),
        (4, None, "城关老旧小区改造项目", "城关镇人民政府", 2400, 1200, ytd[3], None, "2025年8月1日",
         "外墙保温", "—", "县住建局"),
        ("三、前期项目（1个）",),
        (5, None, "城关商贸物流园项目", "某某物流有限公司", 30000, 500, ytd[4], "2026.12", None,
         "办理前期手续", "规划选址未确定", "县发改局"),
    ]
    for row in rows:
        ws.append(list(row))
    total = [None, None, "合计", None, 12000 + 1800.5 + 8600 + 2400 + 30000, 5000 + 900 + 4200 + 1200 + 500,
             sum(ytd)]
    ws.append(total)
    ws.append([])
    ws.append(["填报人：李明    联系电话：0933-1234567    审核人：王强"])
    for cell in ws[3] + ws[4]:
        cell.alignment = Alignment(wrap_text=True, horizontal="center")
        cell.font = Font(bold=True)
    wb.save(OUT / f"城关镇-2026-{month:02d}.xlsx")


def dongyuan(month: int) -> None:
    ytd = {9: ("1,100", "500", "1,900"), 10: ("1,300", "640", "2,200")}[month]
    lines = [
        [f"东塬镇2026年{month}月重点项目进展情况表"],
        ["项目名称", "项目代码", "建设单位", "建设性质", "总投资(万元)", "2026年计划投资(万元)",
         "累计完成投资(万元)", "工程进度", "开工时间", "存在问题", "县直责任单位"],
        ["东塬千亩设施农业示范园项目", "2026-620821-01-03-000201", "东塬农业发展公司", "新开工", "5,200",
         "2,500", ytd[0], "施工中", "2026.4.18", "无", "农业农村局"],
        ["东塬宜居环境整治项目", "", "东塬镇人民政府", "续建", "860", "860", ytd[1], "施工中", "2025.6.10",
         "资金缺口180万元", "住建局"],
        ["东塬分布式光伏发电项目", "2026-620821-44-02-000203", "某新能源有限公司", "新开工", "12,000",
         "6,000", ytd[2], "施工中", "", "并网接入方案未批复", "发改局"],
        [],
    ]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(lines)
    (OUT / f"东塬镇-2026-{month:02d}.csv").write_bytes(buffer.getvalue().encode("gbk"))


def hexi(month: int) -> None:
    ytd = {9: (0.62, 0.05), 10: (0.75, 0.08)}[month]
    wb = Workbook()
    info = wb.active
    info.title = "填报说明"
    info.append(["填报说明"])
    info.append(["1. 金额单位为亿元，保留两位小数。"])
    info.append(["2. 每月3日前报县重大项目专班。"])
    ws = wb.create_sheet("项目表")
    ws.append([f"河西乡2026年1-{month}月重大项目进展情况"])
    ws.append(["单位：亿元"])
    ws.append(["统一代码", "项目名称", "业主单位", "项目类别", "计划总投资", "本年计划投资",
               f"截至{month}月底完成投资", "项目进展情况", "需协调解决的问题", "主管部门"])
    ws.append([])
    ws.append(["2025-620821-54-01-000301", "河西至东塬道路改建工程", "县交通建设公司", "续建", 2.4, 1.0,
               ytd[0], "路基施工", "沿线3户拆迁未完成", "交通局"])
    ws.append([None, "河西乡村旅游综合开发项目", "河西文旅公司", "新开工", 1.5, 0.4, ytd[1], "场地平整",
               "（1）林地手续未办结（2）配套资金未到位", "文旅局"])
    wb.save(OUT / f"河西乡-2026-{month:02d}.xlsx")


def nanshan(month: int) -> None:
    this_month = {9: (300, 0), 10: (260, 0)}[month]
    wb = Workbook()
    ws = wb.active
    ws.title = "进度表"
    ws.append([f"南山街道2026年{month}月重点项目推进情况表"])
    ws.append([f"填报单位：南山街道办事处    填报日期：2026年{month + 1}月2日"])
    ws.append(["项目名称", "建设单位", "建设性质", "总投资（万元）", "年度计划投资（万元）", "当月完成投资（万元）",
               "计划开工时间", "实际开工时间", "形象进度", "存在的问题及困难", "主管部门", "包联领导"])
    ws.append(["南山片区棚户区改造项目", "县城投公司", "续建", 46000, 12000, this_month[0], None, "2025年3月1日",
               "主体施工", "安置房建设进度滞后", "县住建局", "张副县长"])
    ws.append(["南山智慧停车场项目", "南山街道办事处", "新开工", 900, 600, this_month[1], "2026年7月",
               "已开工" if month == 10 else None, "前期准备", "暂无", "县住建局", "刘副县长"])
    wb.save(OUT / f"南山街道-2026-{month:02d}.xlsx")


def park(month: int) -> None:
    ytd = {9: ("8200", "0"), 10: ("9400", "0")}[month]
    lines = [
        [f"县工业园区2026年{month}月重点项目推进情况"],
        ["统一代码", "项目名称", "业主单位", "建设性质", "计划总投资（万元）", "年度计划投资（万元）",
         f"1-{month}月完成投资（万元）", "计划开工日期", "开工日期", "进展情况", "存在问题", "责任单位"],
        ["2026-620821-36-01-000501", "年产10万吨果汁饮料生产线项目", "某食品有限公司", "新开工", "35000",
         "15000", ytd[0], "2026-03-01", "2026-03-20", "设备安装", "(1)天然气管道接入未完成(2)员工宿舍用地待批",
         "工信局"],
        ["2026-620821-36-01-000502", "新型建材产业园项目", "某建材有限公司", "新开工", "20000", "6000",
         ytd[1], "2026-06-01", "", "前期手续办理", "环评批复未取得", "工信局"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(lines)
    (OUT / f"工业园区-2026-{month:02d}.csv").write_text(buffer.getvalue(), encoding="utf-8-sig")


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for month in (9, 10):
        chengguan(month)
        dongyuan(month)
        hexi(month)
        nanshan(month)
        park(month)


if __name__ == "__main__":
    main()
