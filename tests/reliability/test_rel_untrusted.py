"""Issue 13, the files: every hostile file found by hand is one Chinese error, never a crash.

Each case below once aborted the process (exit 134 from calamine allocating tens of GB),
ended in a Python traceback, or imported half a file.  They all go through one real
``projledger import`` next to a valid file: the valid file imports, each hostile file gets
exactly one error naming it, the command exits 1 — no traceback, nothing half-written.
The reader process (``sheets/sandbox.py``) is tested directly for what no file we know
of does yet: an abort, a hang, a ``MemoryError``.
"""

from __future__ import annotations

import csv
import io
import struct
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from projledger.errors import DataError
from projledger.sheets import sandbox

TITLE = "城关镇2026年10月重点项目推进情况表"
HEADERS = ["序号", "项目名称", "总投资（万元）", "1-10月完成投资（万元）", "存在问题", "责任单位"]


def write_csv(path: Path, rows: list[list], title: str = TITLE) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([title])
    writer.writerow(HEADERS)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def base_xlsx(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "10月"
    sheet.append([TITLE])
    sheet.append(HEADERS)
    sheet.append([1, "城关镇某项目", 100, 10, None, "县发改局"])
    workbook.save(path)
    return path


def replace_members(source: Path, dest: Path, changes: dict, compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(source) as zin:
        items = [(info.filename, zin.read(info.filename)) for info in zin.infolist()]
    with zipfile.ZipFile(dest, "w", compression) as zout:
        for name, data in items:
            change = changes.get(name)
            zout.writestr(name, change(data) if callable(change) else (change if change is not None else data))
    return dest


def corrupt_member_data(path: Path, member: str) -> Path:
    """Overwrite the middle of ``member``'s compressed bytes (headers and sizes left as they were)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(member)
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len
    for offset in range(start + info.compress_size // 3, start + 2 * info.compress_size // 3):
        data[offset] = 0xFF
    path.write_bytes(bytes(data))
    return path


SHEET = "xl/worksheets/sheet1.xml"


def hostile_files(d: Path) -> dict[str, Path]:
    base = base_xlsx(d / "base.xlsx")
    sheet_xml = zipfile.ZipFile(base).read(SHEET)
    far_cell = b'<row r="4"><c r=\'XFD1048576\'><v>1</v></c></row></sheetData>'
    long_col = b'<row r="3"><c r="ZZZZZZ3"><v>1</v></c></row></sheetData>'
    strings = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
               b'spreadsheetml/2006/main" count="{count}" uniqueCount="{unique}"><si><t>x</t></si></sst>')
    with_sst = _with_shared_strings(base, d / "with_sst.xlsx")
    files = {
        "单引号.xlsx": replace_members(base, d / "单引号.xlsx",
                                     {SHEET: sheet_xml.replace(b"</sheetData>", far_cell, 1)}),
        "长列名.xlsx": replace_members(base, d / "长列名.xlsx",
                                     {SHEET: sheet_xml.replace(b"</sheetData>", long_col, 1)}),
        "计数32.xlsx": replace_members(with_sst, d / "计数32.xlsx", {"xl/sharedStrings.xml": strings.replace(
            b"{count}", b"1").replace(b"{unique}", b"4294967295")}),
        "计数64.xlsx": replace_members(with_sst, d / "计数64.xlsx", {"xl/sharedStrings.xml": strings.replace(
            b"{count}", b"18446744073709551615").replace(b"{unique}", b"18446744073709551615")}),
        "坏压缩.xlsx": corrupt_member_data(replace_members(base, d / "坏压缩.xlsx", {}), SHEET),
        "坏LZMA.xlsx": corrupt_member_data(replace_members(base, d / "坏LZMA.xlsx", {}, zipfile.ZIP_LZMA), SHEET),
        "怪编码.xlsx": replace_members(base, d / "怪编码.xlsx", {SHEET: lambda x: x.replace(
            b'encoding="UTF-8"', b'encoding="x-no-such-encoding"') if b"encoding=" in x[:100] else
            b'<?xml version="1.0" encoding="x-no-such-encoding"?>' + x}),
        "维度.xls": _xls_with_dimensions(d / "维度.xls", 0xFFFFFFFF),
    }
    return files


def _with_shared_strings(base: Path, dest: Path) -> Path:
    """The skeleton with a shared string table (this openpyxl writes inline strings only)."""
    rel = (b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           b'sharedStrings" Target="sharedStrings.xml" Id="rId9"/></Relationships>')
    override = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    replace_members(base, dest, {
        "xl/_rels/workbook.xml.rels": lambda x: x.replace(b"</Relationships>", rel),
        "[Content_Types].xml": lambda x: x.replace(b"</Types>", override),
        SHEET: lambda x: x.replace(b"</sheetData>", b'<row r="5"><c r="A5" t="s"><v>0</v></c></row></sheetData>'),
    })
    with zipfile.ZipFile(dest, "a") as z:
        z.writestr("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.'
                   'openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>x</t></si></sst>')
    return dest


def _xls_with_dimensions(path: Path, rows: int) -> Path:
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sheet = book.add_sheet("10月")
    for r, row in enumerate([[TITLE], HEADERS, [1, "城关镇旧表项目", 100, 10, "", "县发改局"]]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.save(str(path))
    data = bytearray(path.read_bytes())
    at = data.find(b"\x00\x02\x0e\x00")  # the DIMENSIONS record: rwMic, rwMac (u32), colMic, colMac
    assert at > 0
    struct.pack_into("<I", data, at + 8, rows)
    path.write_bytes(bytes(data))
    return path


@pytest.fixture(scope="module")
def hostile_batch(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile13")
    return d, hostile_files(d)


def test_each_hostile_file_is_one_error_and_the_valid_file_imports(county, hostile_batch, tmp_path):
    d, files = hostile_batch
    valid = write_csv(tmp_path / "城关镇.csv", [[1, "城关镇道路项目", 1200, 300, "", "县发改局"]])
    began = time.perf_counter()
    result = county("import", valid, *files.values(), "--period", "2026-10", "--township", "城关镇",
                    "--json", expect=1)
    elapsed = time.perf_counter() - began
    assert "Traceback" not in result.stderr
    summary = {Path(f["path"]).name: f for f in __import__("json").loads(result.stdout)["files"]}
    assert summary["城关镇.csv"]["committed"] is True
    for name in files:
        entry = summary[name]
        assert entry["committed"] is False, name
        assert len(entry["errors"]) == 1, (name, entry["errors"])
        message = entry["errors"][0]["message"]
        assert message.startswith(f"无法读取文件“{name}”："), message
        assert not any(word in message for word in ("Traceback", "panicked", "PanicException")), message
    names = [p["name"] for p in county.json("project", "list")]
    assert names == ["城关镇道路项目"]
    assert elapsed < 30, f"the hostile batch took {elapsed:.1f} s"


@pytest.mark.parametrize("name, words", [
    ("单引号.xlsx", ("数据区域过大", "1048576行×16384列")),
    ("长列名.xlsx", ("超出Excel范围",)),
    ("计数32.xlsx", ("uniqueCount=4294967295",)),
    ("计数64.xlsx", ("共享字符串表声明的数量不合理",)),
    ("坏压缩.xlsx", ("损坏",)),
    ("坏LZMA.xlsx", ("损坏",)),
    ("怪编码.xlsx", ("编码",)),
    ("维度.xls", ("数据范围不合理", "4294967295")),
])
def test_the_checks_name_what_is_wrong_before_calamine_reads_the_sheet(hostile_batch, name, words):
    """The specific reason proves the pre-scan (or the extent check) refused the file: had
    calamine been fed it, the reader process would have died ("异常退出") instead."""
    from projledger.sheets.readers import read_workbook

    _d, files = hostile_batch
    with pytest.raises(DataError) as caught:
        read_workbook(files[name])
    for word in words:
        assert word in caught.value.message, caught.value.message


def test_a_csv_past_the_row_cap_is_refused_whole(county, tmp_path):
    big = tmp_path / "城关镇大表.csv"
    with big.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([TITLE])
        writer.writerow(HEADERS)
        writer.writerows([i, f"城关镇项目{i}", 100, 1, "", "县发改局"] for i in range(1, 250_001))
    result = county("import", big, "--period", "2026-10", "--township", "城关镇", expect=1)
    assert "超过200,000行的上限，整个文件未导入" in result.stderr
    assert county.json("project", "list") == []


# ---------------------------------------------------------------- text from sheets


def test_invisible_characters_cannot_make_look_alike_projects(county, tmp_path):
    twins = write_csv(tmp_path / "双胞胎.csv", [[1, "城关镇道路项目", 100, 1, "", "县发改局"],
                                               [2, "城关镇\u200b道路项目", 100, 1, "", "县发改局"]])
    result = county("import", twins, "--period", "2026-10", "--township", "城关镇", expect=1)
    assert "重复" in result.stderr
    county("import", write_csv(tmp_path / "一.csv", [[1, "城关镇道路项目", 100, 1, "", "县发改局"]]),
           "--period", "2026-10", "--township", "城关镇")
    disguised = "\ufeff城关镇\u200d道路\u202e项目\u00ad"
    county("import", write_csv(tmp_path / "二.csv", [[1, disguised, 120, 2, "", "县发改局"]]),
           "--period", "2026-10", "--township", "城关镇")
    projects = county.json("project", "list")
    assert [(p["name"], p["total_investment"]) for p in projects] == [("城关镇道路项目", 120)]


def test_vertical_tab_from_word_does_not_break_problem_sheet_or_template(county, tmp_path):
    pasted = "1.征地未完成\x0b涉及3户\x0c2.资金未到位\x01"
    county("import", write_csv(tmp_path / "问题.csv", [[1, "城关镇道路项目", 100, 1, pasted, "县发改局"]]),
           "--period", "2026-10", "--township", "城关镇", "--date", "2026-11-03")
    texts = [p["text"] for p in county.json("problem", "list")]
    assert texts and all(not any(ch in t for ch in "\x0b\x0c\x01") for t in texts), texts
    assert any("征地未完成\n涉及3户" in t for t in texts), texts
    sheet = tmp_path / "问题清单.xlsx"
    county("problem", "sheet", "--as-of", "2026-11-20", "--out", sheet)
    cells = [c for row in openpyxl.load_workbook(sheet).active.iter_rows(values_only=True) for c in row
             if isinstance(c, str)]
    assert any("征地未完成\n涉及3户" in c for c in cells)
    county("template", "--township", "城关镇", "--period", "2026-11", "--out", tmp_path / "模板.xlsx")
    assert (tmp_path / "模板.xlsx").stat().st_size > 0


def test_escape_sequences_from_a_sheet_never_reach_the_terminal(county, tmp_path):
    name = "城关镇\x1b[2J\x1b]0;pwned\x07道路项目"
    problem = "征地\x1b[31m未完成\x9b2J"
    county("project", "add", "--name", name, "--township", "城关镇", "--department", "县发改局")
    listed = county("project", "list")
    assert "\x1b" not in listed.stdout and "\x07" not in listed.stdout
    rows = [[1, "城关镇水厂项目", 100, 1, problem, "县发改局"]]
    county("import", write_csv(tmp_path / "esc.csv", rows), "--period", "2026-10", "--township", "城关镇",
           "--date", "2026-11-03")
    county("problem", "add", "城关镇水厂项目", "--text", "用地\x1b[8m隐藏\x1b[0m", "--reported", "2026-11-03")
    problems = county("problem", "list")
    assert "\x1b" not in problems.stdout and "\x9b" not in problems.stdout, repr(problems.stdout)
    assert "未完成" in problems.stdout and "\\x1b[8m隐藏" in problems.stdout  # shown, inert


# ---------------------------------------------------------------- the reader process itself


@pytest.mark.parametrize("target, args, words", [
    ("os:abort", (), ("异常退出", "SIGABRT")),
    ("builtins:bytearray", (1 << 40,), ("内存超过上限",)),
    ("time:sleep", (30,), ("超过1秒仍未完成",)),
    ("builtins:int", ("not a number",), ("意外错误", "ValueError")),
])
def test_whatever_the_reader_does_is_one_error_naming_the_file(target, args, words):
    worker = sandbox.Worker()
    try:
        began = time.perf_counter()
        with pytest.raises(DataError) as caught:
            worker.call(target, *args, timeout=1, what="/any/where/城关镇.xlsx")
        assert time.perf_counter() - began < 10
        message = caught.value.message
        assert message.startswith("无法读取文件“城关镇.xlsx”："), message
        for word in words:
            assert word in message, message
        assert worker.call("builtins:sum", [1, 2, 3], what="next.xlsx") == 6  # replaced, still serving
    finally:
        worker.close()


def test_a_rust_panic_in_calamine_is_one_error(hostile_batch):
    """calamine's PanicException derives from BaseException, past a plain ``except Exception``;
    here calamine gets the 2^64-1 string count directly, without the pre-scan."""
    _d, files = hostile_batch
    worker = sandbox.Worker()
    try:
        with pytest.raises(DataError) as caught:
            worker.call("python_calamine:load_workbook", str(files["计数64.xlsx"]), what="计数64.xlsx")
        assert "PanicException" in caught.value.message and "capacity overflow" in caught.value.message
    finally:
        worker.close()


def test_the_worker_limits_its_own_address_space():
    if sys.platform == "win32":
        pytest.skip("no resource module: isolation and the time limit only")
    worker = sandbox.Worker()
    try:
        limits = worker.call("resource:getrlimit", __import__("resource").RLIMIT_AS, what="x")
        assert limits[0] == sandbox.memory_limit_mb() * 1024 * 1024
        assert worker.call("resource:getrlimit", __import__("resource").RLIMIT_CORE, what="x")[0] == 0
    finally:
        worker.close()


def test_the_reply_may_only_hold_what_a_sheet_is_made_of():
    worker = sandbox.Worker()
    try:
        with pytest.raises(DataError) as caught:
            worker.call("pathlib:PurePosixPath", "/etc", what="x.xlsx")  # not an allowed class
        assert "无法识别" in caught.value.message
    finally:
        worker.close()


def test_without_the_resource_module_the_worker_still_serves():
    """Windows has no ``resource``: the limits are skipped, the worker still answers (in a
    separate interpreter, so a mistake cannot shrink this test process's own limits)."""
    import subprocess

    code = ("import sys; sys.modules['resource'] = None\n"
            "from projledger.sheets import sandbox\n"
            "sandbox._limit_self(64)\n"
            "print(sandbox._answer('builtins:sum', ([1, 2],)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "('ok', 3)"
