"""Hostile and broken files through ``projledger import`` (SPEC §4, §10).

Each file below is what a township PC, a careless rename or an attacker can produce.  All of
them go through one real ``projledger import`` child process, under a wall-clock timeout and
an address-space limit: the valid ones import correctly (checked value by value), every
other one is refused with one clear Chinese message naming the file, the command exits 1,
and nothing is a traceback.  A refused file writes nothing; the valid files of the same
command still import (one transaction, a savepoint per file).
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import json
import os
import resource
import sqlite3
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

import gen_county

HEADERS = ["序号", "项目名称", "总投资（万元）", "1-10月完成投资（万元）", "计划开工时间", "实际开工时间"]
VALID = {  # file -> {project name: (total, ytd, planned_start, actual_start)}
    "维度镇.xlsx": {"维度镇道路项目": ("1200.00", "300.50", "2026-03-01", "2026-03-05")},
    "表头镇.xlsx": {},
    "苹果镇.xlsx": {"苹果镇果库项目": ("800.00", "100.00", "2026-04-01", "2026-04-18"),
                    "苹果镇冷链项目": ("700.00", "70.00", "2026-06-01", None)},  # a bare 1904 serial
    "宽表镇.csv": {"宽表镇广场项目": ("90.00", "9.00", None, None)},
    "宽表二镇.xlsx": {"宽表二镇仓储项目": ("91.00", "9.10", None, None)},
    "统一码镇.csv": {"统一码镇学校项目": ("1,500", "1500.00", None, None)},
}
HAVE_XLWT = importlib.util.find_spec("xlwt") is not None  # writes the legacy .xls WPS townships send
if HAVE_XLWT:
    VALID["旧版镇.xls"] = {"旧版镇厂房项目": ("650.00", "65.00", "2026-05-01", "2026-05-20")}
REFUSED = {  # file -> the one message must contain one of these
    "炸弹镇.xlsx": ("压缩炸弹",),
    "谎报镇.xlsx": ("声明大小不符", "校验失败"),  # the inflated bytes outrun the declared size or fail the CRC
    "实体镇.xlsx": ("XML实体或DTD",),
    "远格镇.xlsx": ("数据区域过大",),
    "改名文档.xlsx": ("Word文档",),
    "空.xlsx": ("文件是空的",),
    "空.csv": ("文件是空的",),
    "公式镇.xlsx": ("公式没有计算结果",),
    "繁体镇.csv": ("编码", "没有找到项目表"),  # Big5 bytes: unreadable, or no header recognisable
    "网页.xls": ("网页",),
    "半截镇.xlsx": ("损坏",),
    "假PDF.xlsx": ("PDF",),
}
TOWNSHIPS = sorted({name.split(".")[0].removesuffix("镇") + "镇" for name in [*VALID, *REFUSED, "旧版镇.xls"]
                    if "镇" in name})


# -------------------------------------------------------------- builders


def _title(township: str) -> str:
    return f"{township}2026年10月重点项目推进情况表"


def _xlsx(path: Path, township: str, rows: list[list], *, epoch1904: bool = False, after=None) -> Path:
    from openpyxl import Workbook
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    workbook = Workbook()
    if epoch1904:
        workbook.epoch = CALENDAR_MAC_1904
    sheet = workbook.active
    sheet.title = "10月"
    sheet.append([_title(township)])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    for line in sheet.iter_rows(min_row=3, min_col=5, max_col=6):
        for cell in line:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    if after is not None:
        after(sheet)
    workbook.save(path)
    return path


def _rewrite_member(path: Path, member: str, change) -> None:
    """Rewrite one zip member's bytes with ``change(bytes) -> bytes``."""
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            target.writestr(info.filename, change(data) if info.filename == member else data)


def _lie_about_size(path: Path, member: str, declared: int) -> None:
    """Patch the local and central headers so ``member`` declares ``declared`` bytes."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        while at >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] == name:
                struct.pack_into("<I", data, at + size_at, declared)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


_LAUGHS = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
           + "]>\n")


def _csv(path: Path, lines: list[list], encoding: str) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(lines)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _docx(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as doc:
        doc.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        doc.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                     '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        doc.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p/></w:body></w:document>')
    return path


def _xls_with_chinese_dates(path: Path) -> Path:
    import xlwt
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("10月")
    chinese_date = xlwt.easyxf(num_format_str='yyyy"年"m"月"d"日"')
    sheet.write(0, 0, _title("旧版镇"))
    for c, header in enumerate(HEADERS):
        sheet.write(1, c, header)
    for c, value in enumerate([1, "旧版镇厂房项目", 650, 65]):
        sheet.write(2, c, value)
    sheet.write(2, 4, dt.date(2026, 5, 1), xlwt.easyxf(num_format_str='yyyy"年"m"月"'))
    sheet.write(2, 5, dt.date(2026, 5, 20), chinese_date)
    book.save(str(path))
    return path


def build_files(directory: Path) -> dict[str, Path]:
    d = directory
    files = {}
    files["维度镇.xlsx"] = _xlsx(d / "维度镇.xlsx", "维度镇",
                                 [[1, "维度镇道路项目", 1200, 300.5, dt.date(2026, 3, 1), dt.date(2026, 3, 5)]])
    _rewrite_member(files["维度镇.xlsx"], "xl/worksheets/sheet1.xml",
                    lambda xml: xml.replace(b'<dimension ref="A1:F3"/>', b'<dimension ref="A1:XFD1048576"/>'))
    files["表头镇.xlsx"] = _xlsx(d / "表头镇.xlsx", "表头镇", [])
    files["苹果镇.xlsx"] = _xlsx(d / "苹果镇.xlsx", "苹果镇",
                                 [[1, "苹果镇果库项目", 800, 100, dt.date(2026, 4, 1), dt.date(2026, 4, 18)],
                                  [2, "苹果镇冷链项目", 700, 70, (dt.date(2026, 6, 1) - dt.date(1904, 1, 1)).days]],
                                 epoch1904=True)
    wide = [None] * 4990 + ["多余"] * 10
    files["宽表镇.csv"] = _csv(d / "宽表镇.csv", [[_title("宽表镇")], HEADERS,
                                                 [1, "宽表镇广场项目", 90, 9, "", "", *wide]], "utf-8-sig")
    files["宽表二镇.xlsx"] = _xlsx(d / "宽表二镇.xlsx", "宽表二镇", [[1, "宽表二镇仓储项目", 91, 9.1, None, None, *wide]])
    files["统一码镇.csv"] = _csv(d / "统一码镇.csv", [[_title("统一码镇")], HEADERS,
                                                   [1, "统一码镇学校项目", "1,500", "1500", "—", "—"]], "utf-16")
    if HAVE_XLWT:
        files["旧版镇.xls"] = _xls_with_chinese_dates(d / "旧版镇.xls")

    bomb = _xlsx(d / "炸弹镇.xlsx", "炸弹镇", [[1, "炸弹镇项目", 1, 1]])
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/image1.bin", bytes(40 * 1024 * 1024))  # 40 MB of zeros, ~40 KB packed
    files["炸弹镇.xlsx"] = bomb
    files["谎报镇.xlsx"] = _xlsx(d / "谎报镇.xlsx", "谎报镇", [[i, f"谎报镇项目{i}", 1, 1] for i in range(1, 200)])
    _lie_about_size(files["谎报镇.xlsx"], "xl/worksheets/sheet1.xml", 2000)
    files["实体镇.xlsx"] = _xlsx(d / "实体镇.xlsx", "实体镇", [[1, "实体镇项目", 1, 1]])
    _rewrite_member(files["实体镇.xlsx"], "xl/worksheets/sheet1.xml",
                    lambda xml: _LAUGHS.encode() + xml.split(b"?>", 1)[-1].replace(b"<v>1</v>", b"<v>&lol9;</v>", 1))
    files["远格镇.xlsx"] = _xlsx(d / "远格镇.xlsx", "远格镇", [[1, "远格镇项目", 1, 1]],
                                 after=lambda sheet: sheet.cell(row=1_048_576, column=16_384, value="x"))
    files["改名文档.xlsx"] = _docx(d / "改名文档.xlsx")
    (d / "空.xlsx").write_bytes(b"")
    (d / "空.csv").write_bytes(b"")
    files["空.xlsx"], files["空.csv"] = d / "空.xlsx", d / "空.csv"
    files["公式镇.xlsx"] = _xlsx(d / "公式镇.xlsx", "公式镇", [[1, "公式镇项目", 100, "=C3*0.5", None, None]])
    files["繁体镇.csv"] = _csv(d / "繁体镇.csv", [["繁體鎮2026年10月重點項目推進情況表"], ["項目名稱", "總投資（萬元）"],
                                                ["繁體鎮學校項目", "100"]], "big5")
    (d / "网页.xls").write_text("<html><body><table><tr><td>项目名称</td></tr></table></body></html>", "utf-8")
    files["网页.xls"] = d / "网页.xls"
    half = _xlsx(d / "半截镇.xlsx", "半截镇", [[i, f"半截镇项目{i}", 1, 1] for i in range(1, 300)])
    half.write_bytes(half.read_bytes()[: half.stat().st_size // 2])
    files["半截镇.xlsx"] = half
    (d / "假PDF.xlsx").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n")
    files["假PDF.xlsx"] = d / "假PDF.xlsx"
    return files


# -------------------------------------------------------------- the run

MEMORY_LIMIT = 1536 * 1024 * 1024  # address space of the import process


def _limited():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _wait_with_usage(child: subprocess.Popen, timeout: float) -> tuple[int, int]:
    """Reap ``child`` (killing it past ``timeout``): its exit code and its own peak RSS in KiB."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            child.returncode = os.waitstatus_to_exitcode(status)
            return child.returncode, usage.ru_maxrss
        if time.monotonic() > deadline:
            child.kill()
            pytest.fail(f"import of the hostile batch took more than {timeout} s")
        time.sleep(0.02)


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    files = build_files(base)
    db = gen_county.init_ledger(base / "hostile.db", TOWNSHIPS)
    paths = [files[name] for name in [*VALID, *REFUSED]]
    runs = {}
    for mode in ("--json", "--dry-run"):  # the dry run prints the human messages, writes nothing
        command = [sys.executable, "-m", "projledger", "--db", str(db), "import", *map(str, paths), mode]
        out, err = base / f"run{mode}.out", base / f"run{mode}.err"
        began = time.perf_counter()
        with out.open("wb") as stdout, err.open("wb") as stderr:
            child = subprocess.Popen(command, stdout=stdout, stderr=stderr, env=gen_county.child_env(),
                                     stdin=subprocess.DEVNULL, preexec_fn=_limited)
            code, peak_kib = _wait_with_usage(child, timeout=120)
        done = subprocess.CompletedProcess(command, code, out.read_text("utf-8"), err.read_text("utf-8"))
        runs[mode] = (done, time.perf_counter() - began, peak_kib)
    return db, files, runs
    return db, files, runs


def test_each_file_is_imported_or_refused_with_one_clear_message(hostile_run):
    db, files, runs = hostile_run
    done, elapsed, _peak = runs["--json"]
    assert "Traceback" not in done.stderr and done.returncode == 1, done.stderr
    assert elapsed < 60, f"hostile batch took {elapsed:.1f} s"
    summary = json.loads(done.stdout)
    by_name = {Path(f["path"]).name: f for f in summary["files"]}
    assert summary["committed"] is False
    for name in VALID:
        assert by_name[name]["committed"], (name, by_name[name]["errors"])
    for name, words in REFUSED.items():
        result = by_name[name]
        assert not result["committed"], name
        assert len(result["errors"]) == 1, (name, result["errors"])
        message = result["errors"][0]["message"]
        assert any(word in message for word in words), (name, message)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message


def test_human_messages_name_each_refused_file(hostile_run):
    _db, _files, runs = hostile_run
    done, _elapsed, _peak = runs["--dry-run"]
    assert done.returncode == 1 and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    for name in REFUSED:
        assert any(line.startswith(f"错误：{name} 未导入") for line in lines), (name, done.stderr)
    for name in VALID:
        assert not any(line.startswith(f"错误：{name}") for line in lines), name


def test_valid_files_imported_exactly(hostile_run):
    db, _files, _runs = hostile_run
    conn = sqlite3.connect(str(db))
    try:
        got = {name: (total, ytd, planned, actual) for name, total, ytd, planned, actual in conn.execute(
            "SELECT p.name, p.total_investment, g.ytd_completed, p.planned_start, p.actual_start"
            " FROM projects p LEFT JOIN progress g ON g.project_id = p.id AND g.period = '2026-10'")}
    finally:
        conn.close()
    expected = {}
    for projects in VALID.values():
        for name, (total, ytd, planned, actual) in projects.items():
            cents = lambda text: round(float(text.replace(",", "")) * 100)  # noqa: E731
            expected[name] = (cents(total), cents(ytd), planned, actual)
    assert got == expected


@pytest.mark.skipif(not HAVE_XLWT, reason="xlwt is not installed: no way to write a legacy .xls here "
                                          "(pip install xlwt, listed in the test extra)")
def test_xls_with_chinese_date_format_imported(hostile_run):
    db, _files, _runs = hostile_run
    conn = sqlite3.connect(str(db))
    try:
        row = conn.execute("SELECT planned_start, planned_start_precision, actual_start FROM projects"
                           " WHERE name = '旧版镇厂房项目'").fetchone()
    finally:
        conn.close()
    assert row == ("2026-05-01", "day", "2026-05-20")


def test_wide_rows_are_cut_with_a_warning(hostile_run):
    _db, _files, runs = hostile_run
    summary = json.loads(runs["--json"][0].stdout)
    for result in summary["files"]:
        if Path(result["path"]).name in ("宽表镇.csv", "宽表二镇.xlsx"):
            assert any("超出行列上限" in w for w in result["warnings"]), result["warnings"]


def test_headers_only_sheet_is_flagged(hostile_run):
    _db, _files, runs = hostile_run
    summary = json.loads(runs["--json"][0].stdout)
    result = next(f for f in summary["files"] if Path(f["path"]).name == "表头镇.xlsx")
    assert result["rows"] == 0
    assert any("没有项目" in w for w in result["warnings"]), result["warnings"]


def test_peak_memory_of_the_hostile_batch_is_bounded(hostile_run):
    """The 40 MB zip bomb and the 17-billion-cell sheet were never inflated."""
    _db, _files, runs = hostile_run
    for mode, (_done, _elapsed, peak_kib) in runs.items():
        assert peak_kib < 500 * 1024, f"import {mode} peaked at {peak_kib // 1024} MB"
