"""Mutation fuzzing of real spreadsheet bytes through the reader (issue 13).

Run: ``python benchmarks/bench_fuzz.py [--mutants 2000] [--seed 1] [--memory-mb 1024]``.
``tests/reliability/test_rel_mutation.py`` runs a few hundred mutants per kind with the same
code; this script runs thousands and prints, per kind, how the mutants ended:

* ``read``    — the file still read (a mutation in a place that did not matter);
* ``refused`` — one Chinese ``DataError`` from the pre-scan or the reader;
* ``crashed`` — the reader *process* died or ran out of memory/time: still one error for
  the user (the command goes on), but a hole in the pre-scan worth a look — the mutant is
  kept in ``--keep DIR`` for that;
* ``escaped`` — anything else reached the caller: a bug (exit status 1).

Seeds are real workbooks made here: an .xlsx written by openpyxl, an .xls by xlwt (skipped
if absent), an .ods written by hand the way LibreOffice lays it out, and a GBK .csv.
Mutations are byte-level (flip, overwrite with 0x00/0xFF, insert, delete, truncate) and, for
zip containers, inside a member (digits replaced by huge numbers, quotes swapped, tags
duplicated or cut) so that the mutants get past the zip layer to the XML and to calamine.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import re
import struct
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path

TITLE = "城关镇2026年10月重点项目推进情况表"
HEADERS = ["序号", "项目名称", "总投资（万元）", "1-10月完成投资（万元）", "计划开工时间", "存在问题", "责任单位"]
ROWS = [[i, f"城关镇项目{i}", 100 + i, 10 + i, "2026-03-05", f"问题{i}；协调中", "县发改局"] for i in range(1, 13)]
KINDS = ("xlsx", "xls", "ods", "csv")


# ---------------------------------------------------------------- seeds


def seed_xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "10月"
    for row in [[TITLE], HEADERS, *ROWS]:
        sheet.append(row)
    sheet.merge_cells("A1:G1")
    sheet["H3"] = "=SUM(C3:C14)"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def seed_xls() -> bytes | None:
    try:
        import xlwt
    except ImportError:
        return None
    book = xlwt.Workbook()
    sheet = book.add_sheet("10月")
    for r, row in enumerate([[TITLE], HEADERS, *ROWS]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    sheet.row(5).hidden = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def seed_ods() -> bytes:
    def cell(value) -> str:
        if isinstance(value, (int, float)):
            return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'

    rows = "".join("<table:table-row>" + "".join(map(cell, row)) + "</table:table-row>" for row in [[TITLE], HEADERS, *ROWS])
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               '<office:body><office:spreadsheet><table:table table:name="10月">'
               '<table:table-column table:number-columns-repeated="7"/>' + rows +
               '<table:table-row table:number-rows-repeated="1048560"><table:table-cell '
               'table:number-columns-repeated="16384"/></table:table-row>'
               '</table:table></office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                'opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
                'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def seed_csv() -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([[TITLE], HEADERS, *ROWS])
    return buffer.getvalue().encode("gb18030")


def seeds() -> dict[str, bytes]:
    made = {"xlsx": seed_xlsx(), "xls": seed_xls(), "ods": seed_ods(), "csv": seed_csv()}
    return {kind: data for kind, data in made.items() if data is not None}


# ---------------------------------------------------------------- mutations

_HUGE = [b"4294967295", b"18446744073709551615", b"2147483648", b"1048577", b"99999999999", b"0", b"-1"]
_NUMBER = re.compile(rb"\d+")


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    if not out:
        return bytes(out)
    operation = rng.randrange(6)
    if operation == 0:  # flip a few bytes
        for _ in range(rng.randint(1, 8)):
            out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    elif operation == 1:  # overwrite a run with 0x00 / 0xFF / random
        at = rng.randrange(len(out))
        fill = rng.choice([b"\x00", b"\xff", bytes([rng.randrange(256)])])
        for i in range(at, min(at + rng.randint(1, 16), len(out))):
            out[i] = fill[0]
    elif operation == 2:  # a 32-bit field set to a huge value
        at = rng.randrange(max(len(out) - 4, 1))
        out[at:at + 4] = struct.pack("<I", rng.choice([0xFFFFFFFF, 0x7FFFFFFF, 0x10000, 0xFFFF]))
    elif operation == 3:  # insert random bytes
        at = rng.randrange(len(out))
        out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 32)))
    elif operation == 4:  # delete a run
        at = rng.randrange(len(out))
        del out[at:at + rng.randint(1, 64)]
    else:  # truncate
        del out[rng.randrange(len(out)):]
    return bytes(out)


def mutate_xml(xml: bytes, rng: random.Random) -> bytes:
    operation = rng.randrange(5)
    numbers = list(_NUMBER.finditer(xml))
    if operation == 0 and numbers:  # a number (a count, a row, a size) becomes huge
        m = rng.choice(numbers)
        return xml[:m.start()] + rng.choice(_HUGE) + xml[m.end():]
    if operation == 1:  # quotes swapped: r="A1" -> r='A1'
        return xml.replace(b'"', b"'", rng.randint(1, 50))
    if operation == 2:  # a tag duplicated many times
        tags = [m.start() for m in re.finditer(rb"<[a-zA-Z]", xml)]
        if tags:
            at = rng.choice(tags)
            end = xml.find(b">", at) + 1
            return xml[:at] + xml[at:end] * rng.randint(2, 500) + xml[at:]
    if operation == 3:  # column letters stretched: A1 -> AAAAA1
        return re.sub(rb'r="([A-Z]+)(\d+)"', lambda m: b'r="' + m.group(1) * rng.randint(1, 6) + m.group(2) + b'"',
                      xml, count=rng.randint(1, 5))
    return mutate_bytes(xml, rng)


def mutate_zip(data: bytes, rng: random.Random) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = [(info, z.read(info.filename)) for info in z.infolist()]
    except (zipfile.BadZipFile, OSError, ValueError):
        return mutate_bytes(data, rng)
    target = rng.randrange(len(members))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for index, (info, content) in enumerate(members):
            if index == target:
                content = mutate_xml(content, rng)
            z.writestr(info, content)
    return buffer.getvalue()


def mutant(kind: str, data: bytes, rng: random.Random) -> bytes:
    if kind in ("xlsx", "ods") and rng.random() < 0.7:
        return mutate_zip(data, rng)
    result = data
    for _ in range(rng.randint(1, 3)):
        result = mutate_bytes(result, rng)
    return result


def mutants(kind: str, data: bytes, count: int, seed: int):
    rng = random.Random(f"{kind}-{seed}")
    for _ in range(count):
        yield mutant(kind, data, rng)


# ---------------------------------------------------------------- running them


def classify(path: Path, timeout: float = 10.0) -> str:
    """read | refused | crashed | escaped:<type> — how the reader ended on one file."""
    from projledger.errors import DataError
    from projledger.sheets import sandbox

    try:
        sandbox.call_isolated("projledger.sheets.readers:read_workbook_here", str(path), what=str(path),
                              timeout=timeout)
    except DataError as error:
        crashed = ("读取程序异常退出", "内存超过上限", "仍未完成", "读取时发生意外错误", "返回的数据无法识别",
                   "无法传回")
        return "crashed" if any(word in error.message for word in crashed) else "refused"
    except Exception as error:  # noqa: BLE001 - exactly what the fuzzer looks for
        return f"escaped:{type(error).__name__}"
    return "read"


def run(work: Path, count: int, seed: int, keep: Path | None) -> dict[str, Counter]:
    outcomes: dict[str, Counter] = {}
    for kind, data in seeds().items():
        tally = Counter()
        began = time.perf_counter()
        for index, content in enumerate(mutants(kind, data, count, seed)):
            path = work / f"m{index}.{kind}"
            path.write_bytes(content)
            outcome = classify(path)
            tally[outcome.split(":")[0]] += 1
            if outcome != "read" and outcome != "refused" and keep is not None:
                keep.mkdir(parents=True, exist_ok=True)
                (keep / f"{kind}-{seed}-{index}-{outcome.replace(':', '_')}.{kind}").write_bytes(content)
            path.unlink()
        tally["seconds"] = round(time.perf_counter() - began, 1)
        outcomes[kind] = tally
    return outcomes


def main(argv: list[str]) -> int:
    import os
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=int, default=2000, help="mutants per kind")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--memory-mb", type=int, default=1024, help="the reader process's address-space limit")
    parser.add_argument("--keep", type=Path, default=None, help="directory for mutants that crashed the reader")
    args = parser.parse_args(argv)
    os.environ["PROJLEDGER_READER_MEMORY_MB"] = str(args.memory_mb)
    with tempfile.TemporaryDirectory() as tmp:
        outcomes = run(Path(tmp), args.mutants, args.seed, args.keep)
    bad = 0
    for kind, tally in outcomes.items():
        print(f"{kind:5} " + "  ".join(f"{key}={value}" for key, value in sorted(tally.items())))
        bad += tally.get("escaped", 0)
    print("escaped: 0 (every mutant was read or was one Chinese error)" if not bad else f"ESCAPED: {bad}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
