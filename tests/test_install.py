"""Installs like a real tool: every file read at run time ships inside the package.

The real check builds a wheel, installs it in a fresh venv and runs it from an empty folder
(``.ci/run``); these tests keep the promise cheap to check on every run: each data file
:mod:`projledger.resources` names is package data that ``pyproject.toml``'s globs ship, no
module reaches for the checkout (``schemas/``, ``examples/``, ``parents[…]``), and the demo
and an import of the packaged example sheets work from an empty folder.
"""

from __future__ import annotations

import fnmatch
import json
import re
import tomllib
from pathlib import Path

import pytest

from projledger import resources

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "projledger"


def _package_data_globs() -> list[str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    return config["tool"]["setuptools"]["package-data"]["projledger"]


def _shipped(relative: str) -> bool:
    return any(fnmatch.fnmatch(relative, glob) for glob in _package_data_globs())


@pytest.mark.parametrize("name", resources.DATA_FILES)
def test_every_named_data_file_is_package_data(name):
    assert resources.data_path(name).is_file(), f"projledger/data/{name} is missing"
    assert _shipped(f"data/{name}"), f"pyproject package-data does not ship data/{name}"


def test_nothing_under_data_is_left_out_of_the_wheel():
    files = [p.relative_to(PACKAGE).as_posix() for p in (PACKAGE / "data").rglob("*")
             if p.is_file() and "__pycache__" not in p.parts]
    assert "data/examples/乡镇报表/城关镇-2026-10.xlsx" in files
    assert [f for f in files if not _shipped(f)] == []


def test_the_json_files_read_through_importlib_resources():
    assert resources.read_json("header_synonyms.json")["format"] == "projledger-header-synonyms/1"
    catalog = resources.read_json("procedure_catalog.json")
    assert {item["item"] for item in catalog["items"]} >= {"环评", "施工许可"}
    assert "name" in resources.read_json("reserve_headers.json")["fields"]
    from projledger.sheets.synonyms import load_synonyms

    assert "项目名称" in load_synonyms()["name"]


def test_no_module_reads_from_the_checkout():
    # the package's own folder is parents[0], its parent (site-packages or src/) parents[1]: further up
    # is the checkout, which an installed tool does not have
    reaching = re.compile(r"parents\[[2-9]\]|[\"']schemas[\"']|Path\([\"'](schemas|examples)\b|/ [\"']examples[\"']")
    offenders = [f"{path.relative_to(PACKAGE)}:{n}" for path in PACKAGE.rglob("*.py")
                 for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
                 if reaching.search(line) and not line.lstrip().startswith("#")]
    assert offenders == []


def test_demo_runs_from_an_empty_folder(cli, tmp_path):
    result = cli("demo")
    demo = tmp_path / "projledger-demo"
    assert "演示完成" in result.stdout
    assert (demo / "重点项目推进情况排队通报-2026-10.xlsx").stat().st_size > 0
    assert (demo / "问题清单-2026-11.xlsx").stat().st_size > 0
    assert sorted(p.name for p in (demo / "示例数据" / "乡镇报表").iterdir())[:2] == [
        "东塬镇-2026-09.csv", "东塬镇-2026-10.csv"]
    assert len(list((demo / "示例数据" / "乡镇报表").iterdir())) == 10


def test_a_packaged_example_sheet_imports(cli, tmp_path):
    for name in ("units.csv", "乡镇报表/城关镇-2026-10.xlsx"):
        node = resources.data_path(f"examples/{name}")
        (tmp_path / Path(name).name).write_bytes(node.read_bytes())
    cli("unit", "import", "units.csv")
    (got,) = cli.json("import", tmp_path / "城关镇-2026-10.xlsx")["files"]
    assert (got["township"], got["period"], got["rows"], got["created"]) == ("城关镇", "2026-10", 5, 5)
    assert len(cli.json("procedure", "catalog", "list")) >= 17


def _sheet_with_own_header(path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["城关镇2026年10月重点项目推进情况表"])
    ws.append(["工程名目", "年度计划", "1-10月完成投资"])
    ws.append(["城关镇自定表头项目", 100, 20])
    wb.save(path)
    return path


def test_import_headers_file_setting_names_a_user_file_next_to_the_ledger(cli, tmp_path, db_path):
    cli("unit", "add", "城关镇", "--kind", "township")
    sheet = _sheet_with_own_header(tmp_path / "own.xlsx")
    refused = cli("import", sheet, expect=1)
    assert "项目名称" in refused.stderr and "Traceback" not in refused.stderr

    cli("config", "set", "import_headers_file", "我的表头.json")
    missing = cli("import", sheet, expect=1)
    assert f"找不到表头同义词文件“{db_path.parent / '我的表头.json'}”" in missing.stderr

    (db_path.parent / "我的表头.json").write_text(json.dumps({"fields": {"name": ["工程名目"]}}, ensure_ascii=False),
                                              "utf-8")
    (got,) = cli.json("import", sheet)["files"]
    assert (got["created"], got["rows"]) == (1, 1)
    assert cli.json("config", "show")["import_headers_file"] == "我的表头.json"
