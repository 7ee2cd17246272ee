"""``projledger serve``: the ledger read-only in the browser (Datasette), checked with
Datasette's own test client — pages render with Chinese labels, canned queries give the CLI's
figures, writes and arbitrary SQL are refused — and, where Chromium is installed, a screenshot."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("datasette")

from test_rollup import PERIOD, _county, build_jingchuan  # noqa: E402


@pytest.fixture
def ledger_file(tmp_path):
    county = _county(tmp_path / "泾川县.db", "泾川县", build_jingchuan)
    county("report", "monthly", "--period", PERIOD, "--out", tmp_path / "r.xlsx")
    return county


def _get(ds, path: str):
    return asyncio.run(ds.client.get(path, follow_redirects=True))


def _query(ds, database: str, name: str, query: str = ""):
    """A canned query's rows as objects (Datasette's own URL for a Chinese database name)."""
    url = ds.urls.query(database, name, format="json")
    response = _get(ds, f"{url}?_shape=objects{query}")
    assert response.status_code == 200, response.text[:500]
    return response.json()["rows"]


def test_pages_render_with_chinese_labels(ledger_file):
    from projledger.serve import make_datasette

    ds = make_datasette(ledger_file.db_path)
    home = _get(ds, "/")
    assert home.status_code == 200 and "重大项目台账" in home.text
    table = _get(ds, "/泾川县/projects")
    assert table.status_code == 200 and "有机肥加工" in table.text and "项目代码" in table.text
    sheet = _get(ds, "/泾川县/project_sheet?code=2026-620821-47-01-000001")
    assert sheet.status_code == 200 and "有机肥加工" in sheet.text and "一项目一表" in sheet.text


def test_canned_queries_give_the_clis_figures(ledger_file):
    from projledger.serve import make_datasette

    ranking = ledger_file.json("report", "monthly", "--period", PERIOD, "--no-save")["rankings"]
    ds = make_datasette(ledger_file.db_path, as_of=__import__("datetime").date(2026, 12, 31))
    rows = _query(ds, "泾川县", "latest_rankings")
    served = [(r["类别"], r["排名"], r["单位"], r["得分"]) for r in rows]
    expected = [("乡镇", row["rank"], row["unit"], f"{row['score']:.2f}") for row in ranking["township"]] + \
               [("部门", row["rank"], row["unit"], f"{row['score']:.2f}") for row in ranking["department"]]
    assert served == expected

    warn = ledger_file.json("warn", "--as-of", "2026-12-31")
    red = sorted(p["code"] for p in warn["projects"] if p["card"] == "red")
    cards = _query(ds, "亮牌", "red_card_projects")
    assert sorted(r["项目代码"] for r in cards) == red and red  # the open problem is red by then

    overdue = _query(ds, "泾川县", "overdue_problems")
    listed = ledger_file.json("problem", "list", "--overdue")
    assert sorted(r["问题"] for r in overdue) == sorted(p["text"] for p in listed)


def test_writes_and_arbitrary_sql_are_refused(ledger_file):
    from projledger.serve import make_datasette

    before = ledger_file.db_path.read_bytes()
    ds = make_datasette(ledger_file.db_path)
    assert _get(ds, ds.urls.database("泾川县", format="json") + "?sql=select+1").status_code == 403
    # Datasette 0.65 has no write API; the one POST route, a canned query, refuses a read-only one.
    response = asyncio.run(ds.client.post(ds.urls.query("泾川县", "latest_rankings"),
                                          data={"sql": "DELETE FROM projects"}))
    assert response.status_code >= 400
    assert ledger_file.json("project", "list") and len(ledger_file.json("project", "list")) == 2
    del ds
    assert ledger_file.db_path.read_bytes() == before

    allowed = make_datasette(ledger_file.db_path, allow_sql=True)
    assert _get(allowed, allowed.urls.database("泾川县", format="json") + "?sql=select+1").status_code == 200


def test_without_datasette_the_message_says_what_to_install(ledger_file, monkeypatch):
    from projledger.errors import DataError
    from projledger.serve import make_datasette

    monkeypatch.setitem(sys.modules, "datasette", None)
    with pytest.raises(DataError, match=r'pip install "projledger\[serve\]"'):
        make_datasette(ledger_file.db_path)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.skipif(not (shutil.which("chromium") or shutil.which("chromium-browser")),
                    reason="Chromium 未安装，跳过浏览器截图检查")
def test_screenshot_in_headless_chromium(ledger_file, tmp_path):
    import uvicorn

    from projledger.serve import make_datasette

    ds = make_datasette(ledger_file.db_path)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(ds.app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(100):
            if server.started:
                break
            time.sleep(0.05)
        shot = tmp_path / "latest_rankings.png"
        browser = shutil.which("chromium") or shutil.which("chromium-browser")
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,900",
                        f"--screenshot={shot}", f"http://127.0.0.1:{port}/泾川县/latest_rankings"],
                       check=True, timeout=60, capture_output=True)
        assert shot.stat().st_size > 10_000
        keep = Path.cwd() / "serve-screenshot.png"
        shutil.copyfile(shot, keep)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_a_mistyped_address_is_a_chinese_404_not_a_server_error(ledger_file):
    """Datasette's own error page crashed on every 404 (rich's print_exception outside an
    except block): the browser got 500 and the console a traceback."""
    from projledger.serve import make_datasette

    ds = make_datasette(ledger_file.db_path)
    page = _get(ds, "/no-such-page")
    assert page.status_code == 404 and "找不到这个页面" in page.text
    data = _get(ds, "/no-such-page.json")
    assert data.status_code == 404 and data.json()["error"] == "找不到这个页面"
    deep = _get(ds, "/a/b/c/d/e")  # no route at all: Datasette's handler raised from rich here
    assert deep.status_code == 404 and "找不到这个页面" in deep.text


def test_a_rollups_latest_rankings_name_each_county(tmp_path):
    """Every county has a 城关镇: in a roll-up the township rows say whose (泾川县·城关镇)."""
    from test_rollup import build_lingtai

    from ledger_cli import Cli
    from projledger.serve import make_datasette

    files = []
    for name, build in (("泾川县", build_jingchuan), ("灵台县", build_lingtai)):
        county = _county(tmp_path / f"{name}.db", name, build)
        county("report", "monthly", "--period", PERIOD, "--out", tmp_path / f"{name}.xlsx")
        files.append(county.db_path)
    city = Cli(tmp_path / "市汇总.db")
    city("rollup", "--out", city.db_path, *files)
    rows = _query(make_datasette(city.db_path), "市汇总", "latest_rankings")
    assert [(r["类别"], r["排名"], r["单位"]) for r in rows] == [
        ("乡镇", 1, "泾川县·城关镇"), ("部门", 1, "泾川县·县发改局"),
        ("乡镇", 1, "灵台县·城关镇"), ("部门", 1, "灵台县·县发改局")]


def test_serve_refuses_a_taken_port_and_a_bad_port_in_chinese(ledger_file):
    """uvicorn exited 3 with an English line for a taken port; port 99999 was a traceback."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = ledger_file("serve", "--port", port, expect=1)
    assert f"端口 {port} 已被占用" in result.stderr
    result = ledger_file("serve", "--port", 99999, expect=2)
    assert "--port 99999 不是有效端口" in result.stderr
    result = ledger_file("serve", "--host", "no-such-host.invalid", expect=1)
    assert "--host no-such-host.invalid 不是本机能监听的地址" in result.stderr
