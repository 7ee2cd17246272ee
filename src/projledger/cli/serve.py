"""``projledger serve``: the ledger read-only in the browser through Datasette (SPEC §14)."""

from __future__ import annotations

from typing import Annotated

import typer

from projledger.cli.common import say, state

__all__ = ["register"]


def serve_command(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="监听地址；默认只允许本机访问")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口")] = 8001,
    allow_sql: Annotated[bool, typer.Option("--allow-sql", help="允许在网页上输入任意 SQL 查询（默认不允许）")] = False,
) -> None:
    """在浏览器中只读查看台账（县台账或市级汇总库）：排名、红牌项目、逾期问题和事项、一项目一表。"""
    from projledger.serve import make_datasette
    from projledger.store import resolve_db_path

    path = resolve_db_path(state(ctx).db)
    _check_listen(host, port)
    ds = make_datasette(path, allow_sql=allow_sql)
    say(f"在浏览器中打开 http://{host}:{port}/ 查看“{path}”（只读；按 Ctrl-C 停止）")
    if host not in ("127.0.0.1", "localhost", "::1"):
        say("注意：监听地址不是本机，同一网络中的其他电脑也能查看本台账")
    import uvicorn

    uvicorn.run(ds.app(), host=host, port=port, log_level="warning")


def _check_listen(host: str, port: int) -> None:
    """Refuse, in Chinese and before Datasette starts, a port out of range, an address this
    computer does not have, or a port already taken (uvicorn would exit 3 with an English line)."""
    import socket

    from projledger.errors import DataError, UsageError

    if not 1 <= port <= 65535:
        raise UsageError(f"--port {port} 不是有效端口（1-65535），如 --port 8001")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise DataError(f"--host {host} 不是本机能监听的地址；默认 127.0.0.1（只允许本机访问）") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        try:
            probe.bind(address)
        except OSError as exc:
            taken = exc.errno in (48, 98, 10048)  # EADDRINUSE on macOS, Linux, Windows
            raise DataError(f"端口 {port} 已被占用（可能已有一个 projledger serve 在运行），请用 --port 换一个端口"
                            if taken else f"不能在 {host}:{port} 上监听（{exc.strerror}）") from None


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
