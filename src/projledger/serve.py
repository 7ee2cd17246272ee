"""``projledger serve``: a ledger (a county's or a city roll-up) read-only in the browser.

Datasette does the serving (the optional extra ``projledger[serve]``); this module decides
what it shows and what it refuses:

* **Read-only.**  The ledger is opened by Datasette's read connections (``mode=ro``); no
  write canned query exists, and Datasette 0.65 has no other write path.
* **No arbitrary SQL** unless ``--allow-sql``: the ``default_allow_sql`` setting and the
  metadata's ``allow_sql`` both deny it; canned queries still run (they need only view rights).
* **Localhost** unless ``--host`` says otherwise (the CLI's default).
* **Chinese labels.**  Table titles and column descriptions come from the shipped metadata
  (``data/serve_metadata.json``); the canned queries name their columns in Chinese.
* **Error pages in Chinese, never a traceback.**  Datasette's own error page calls rich's
  ``print_exception`` also outside an ``except`` block (every 404), which rich refuses: a
  mistyped address became a 500 and a traceback in the staffer's console.
  :func:`_register_error_pages` answers every error instead (Datasette's own hook is blocked
  in this process): its status and a Chinese message.
* **Cards are the CLI's.**  Red/yellow/blue cards count working days through the ledger's
  calendar (Python, not SQL), so at start-up :func:`card_rows` computes them with the same
  :func:`projledger.warnings_engine.collect_cards` that ``warn`` uses and puts them in a small
  in-memory database ``亮牌`` (as of the start-up day; restart to refresh).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from projledger.errors import DataError

__all__ = ["CARDS_DB", "load_metadata", "card_rows", "make_datasette"]

CARDS_DB = "亮牌"
_CARD_COLUMNS = ("project_code", "project_name", "kind", "subject", "card", "due_on", "reason")


def _require_datasette():
    try:
        import datasette  # noqa: F401
    except ImportError:
        raise DataError('浏览器查看需要 Datasette：请运行 pip install "projledger[serve]" 后再试') from None


def load_metadata(db_name: str, *, allow_sql: bool, tables: set[str]) -> dict:
    """The shipped metadata, keyed to this database and trimmed to the tables it has."""
    from projledger.resources import read_json

    shipped = read_json("serve_metadata.json")
    database = dict(shipped["database"])
    database["tables"] = {k: v for k, v in database["tables"].items() if k in tables}
    database["queries"] = {k: v for k, v in database["queries"].items()
                           if set(v.get("needs", [])) <= tables}
    for query in database["queries"].values():
        query.pop("needs", None)
    cards = dict(shipped["cards"])
    return {
        "title": shipped["title"],
        "description": shipped["description"],
        "allow_sql": None if allow_sql else False,
        "databases": {db_name: database, CARDS_DB: cards},
    }


def card_rows(ledger, as_of: dt.date) -> list[dict]:
    """Every card of ``warn`` as of ``as_of`` with its project, plus each project's overall card."""
    from projledger.cards import KIND_LABELS
    from projledger.projects import Projects
    from projledger.warnings_engine import collect_cards

    with ledger.snapshot():
        result = collect_cards(ledger, as_of)
        projects = Projects(ledger.db)
        ids = {i.project_id for i in result.items if i.project_id is not None}
        info = {pid: projects.by_id(pid) for pid in ids}
    rows = []
    for item in result.items:
        project = info.get(item.project_id)
        overall = result.project_cards.get(item.project_id)
        rows.append({
            "project_code": project.code if project else None,
            "project_name": project.name if project else None,
            "kind": KIND_LABELS.get(item.kind, item.kind), "subject": item.subject,
            "card": item.card.label, "due_on": item.due.isoformat() if item.due else None,
            "reason": item.reason, "project_card": overall.label if overall else None,
        })
    return rows


def make_datasette(path: Path, *, allow_sql: bool = False, as_of: dt.date | None = None):
    """A configured :class:`datasette.app.Datasette` for ``path`` (not yet serving)."""
    _require_datasette()
    from datasette.app import Datasette

    from projledger.store import Ledger

    path = Path(path)
    with Ledger.open(path) as ledger:
        tables = {name for (name,) in ledger.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        cards = card_rows(ledger, as_of or dt.date.today())
    db_name = path.stem
    ds = Datasette(
        files=[str(path)],
        metadata=load_metadata(db_name, allow_sql=allow_sql, tables=tables),
        settings={"default_allow_sql": allow_sql, "allow_download": False, "allow_csv_stream": True},
    )
    _register_error_pages()
    from datasette.database import Database

    # A private in-memory database per server: a shared name would mix two servers' cards.
    memory = ds.add_database(Database(ds, memory_name=f"projledger_cards_{id(ds)}"), name=CARDS_DB)
    _fill_cards(memory, cards)
    return ds


def _fill_cards(memory, cards: list[dict]) -> None:
    """The in-memory 亮牌 database: written once, before serving starts."""
    import sqlite3

    columns = (*_CARD_COLUMNS, "project_card")
    conn = memory.connect(write=True)
    try:
        conn.execute(f"CREATE TABLE cards ({', '.join(columns)})")
        conn.executemany(f"INSERT INTO cards VALUES ({', '.join('?' * len(columns))})",
                         [tuple(row[c] for c in columns) for row in cards])
        conn.commit()
    except sqlite3.Error as exc:
        raise DataError(f"准备亮牌数据时出错：{exc}") from None
    # The connection must stay open: an in-memory shared database lives as long as one does.
    memory._keepalive = conn



_ERROR_PLUGIN = "projledger_error_pages"
_MESSAGES = {404: "找不到这个页面", 403: "只读查看：不允许这个操作（不能修改台账，也不能输入任意 SQL）",
             405: "只读查看：不允许这个操作"}


def _error_message(exception) -> tuple[int, str, str | None]:
    """(status, Chinese message, title) for an exception Datasette hands to its error page."""
    from datasette.utils.asgi import Base400
    from datasette.views.base import DatasetteError

    if isinstance(exception, Base400):
        status = exception.status
        return status, _MESSAGES.get(status, f"请求有误：{exception.args[0] if exception.args else ''}"), None
    if isinstance(exception, DatasetteError):
        return exception.status, f"查询出错：{exception.message}", exception.title
    import sys
    import traceback

    traceback.print_exception(type(exception), exception, exception.__traceback__, file=sys.stderr)
    return 500, f"服务器出错：{exception}", None


def _register_error_pages() -> None:
    """Register (once per process) the hook that writes every error page, in place of Datasette's."""
    from datasette import Response, hookimpl
    from datasette.plugins import pm

    if pm.has_plugin(_ERROR_PLUGIN):
        return

    @hookimpl(tryfirst=True)
    def handle_exception(datasette, request, exception):
        async def page():
            status, message, title = _error_message(exception)
            info = {"ok": False, "error": message, "status": status, "title": title}
            if request.path.split("?")[0].endswith(".json"):
                return Response.json(info, status=status)
            template = datasette.jinja_env.select_template([f"{status}.html", "error.html"])
            html = await template.render_async(dict(info, urls=datasette.urls, menu_links=lambda: [],
                                                    app_css_hash=datasette.app_css_hash()))
            return Response.html(html, status=status)
        return page

    import types

    plugin = types.ModuleType(_ERROR_PLUGIN)  # Datasette lists plugins by module name
    plugin.handle_exception = handle_exception
    pm.register(plugin, name=_ERROR_PLUGIN)
    # Datasette awaits every error hook, not only the first: its own would still run (and crash).
    pm.set_blocked("datasette.handle_exception")
