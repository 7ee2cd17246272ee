"""The ``projledger`` command: global options, command registration, the one error handler.

Command modules are registered from :data:`COMMAND_MODULES`; each exposes
``register(app)``.  They import only Typer and light library modules at the top, so
``projledger --help`` stays fast — openpyxl, calamine and pydantic load inside the
commands that need them.

Every :class:`~projledger.errors.ProjledgerError` (and every sqlite error a user can cause:
busy, read-only, disk full) is caught here, once, in :class:`ProjledgerGroup.invoke`: a
Chinese message on stderr and the exit status of SPEC §9 — never a traceback.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import shlex
import sqlite3
import sys
from typing import Annotated, Optional


import typer
from typer._click import exceptions as click_exceptions
from typer.core import TyperGroup

from projledger import __version__
from projledger.cli.common import AppState, err_console
from projledger.cli.lazy import LazyCommands
from projledger.cli.help_zh import install as _chinese_help_pages, param_label
from projledger.errors import ProjledgerError, UsageError

__all__ = ["app", "run", "COMMAND_MODULES"]

COMMAND_MODULES = (
    "projledger.cli.core_cmds",
    "projledger.cli.units",
    "projledger.cli.projects",
    "projledger.cli.plans",
    "projledger.cli.progress",
    "projledger.cli.config",
    "projledger.cli.calendar",
    "projledger.cli.procedures",
    "projledger.cli.importer",
    "projledger.cli.problems",
    "projledger.cli.meetings",
    "projledger.cli.letters",
    "projledger.cli.warn",
    "projledger.cli.submissions",
    "projledger.cli.leaders",
    "projledger.cli.milestones",
    "projledger.cli.report",
    "projledger.cli.report_periodic",
    "projledger.cli.reserve",
    "projledger.cli.evaluation",
    "projledger.cli.demo",
    "projledger.cli.rollup",
    "projledger.cli.serve",
)


def report_error(error: ProjledgerError) -> None:
    console = err_console()
    console.print(f"[bold red]错误：[/bold red]{error.message}", markup=True, soft_wrap=True,
                  highlight=False)
    for line in error.details:
        console.print(f"  - {line}", markup=False, soft_wrap=True, highlight=False)


_CLICK_PHRASES = (
    (re.compile(r"^No such command '(.+?)'\.\s*Did you mean (.+)\?$"), "没有命令“{0}”（您是不是要用：{1}）"),
    (re.compile(r"^No such command '(.+)'\.?$"), "没有命令“{0}”"),
    (re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((.+)\)$"), "多余的参数：{0}"),
    (re.compile(r"^Input should be a valid integer.*$"), "必须是整数"),
    (re.compile(r"^Input should be a valid (?:number|decimal).*$"), "必须是数字"),
    (re.compile(r"^'(.*)' is not a valid integer\.?( range)?$"), "“{0}”不是整数"),
    (re.compile(r"^'(.*)' is not a valid float\.?( range)?$"), "“{0}”不是数字"),
    (re.compile(r"^'(.*)' is not one of (.+)\.?$"), "“{0}”不在可选值 {1} 中"),
    (re.compile(r"^Option '(.+)' requires an argument\.?$"), "选项 {0} 后面需要一个值"),
    (re.compile(r"^Option '(.+)' does not take a value\.?$"), "选项 {0} 不需要值"),
)


def _chinese(text: str) -> str:
    for pattern, template in _CLICK_PHRASES:
        match = pattern.match(text.strip())
        if match:
            return template.format(*(g.replace("', '", "、").strip("'") for g in match.groups()))
    return text


def usage_message(error) -> str:
    """click's English usage error → the Chinese message a county staffer reads."""
    if isinstance(error, click_exceptions.MissingParameter) and error.param is not None:
        names = param_label(error.param)
        what = "选项" if error.param.param_type_name == "option" else "参数"
        text = f"缺少必填的{what} {names}"
    elif isinstance(error, click_exceptions.NoSuchOption):
        text = f"没有选项 {error.option_name}"
        if error.possibilities:
            text += f"（您是不是要用：{'、'.join(sorted(error.possibilities))}）"
    elif isinstance(error, click_exceptions.BadParameter):
        hint = param_label(error.param) if error.param is not None else \
            (error.param_hint if isinstance(error.param_hint, str) else "")
        text = f"{hint} 的值不对：{_chinese(error.message)}" if hint else _chinese(error.message)
    else:
        text = _chinese(error.message)
    where = error.ctx.command_path if error.ctx is not None else "projledger"
    return f"用法错误：{text}（用 {where} -h 查看用法）"


def _usage_error(error) -> None:
    if isinstance(error, click_exceptions.NoArgsIsHelpError):
        raise error  # `projledger project` alone shows the group's help, as before
    report_error(UsageError(usage_message(error)))
    raise typer.Exit(2)


class ProjledgerGroup(LazyCommands, TyperGroup):
    """Typer group whose ``invoke`` turns our errors into message + exit status."""

    def make_context(self, info_name, args, parent=None, **extra):
        # Remember the command line as typed, for the audit trail (sys.argv is wrong under tests).
        try:
            ctx = super().make_context(info_name, list(args), parent=parent, **extra)
        except click_exceptions.UsageError as error:
            _usage_error(error)
        if parent is None:
            ctx.meta["projledger.argv"] = shlex.join(["projledger", *args])
        return ctx

    def invoke(self, ctx):
        from projledger.store.db import translate_sqlite_error

        try:
            return super().invoke(ctx)
        except click_exceptions.UsageError as error:
            _usage_error(error)
        except ProjledgerError as error:
            report_error(error)
            ctx.exit(error.exit_code)
        except sqlite3.Error as error:
            translated = translate_sqlite_error(error)
            report_error(translated)
            ctx.exit(getattr(translated, "exit_code", 1))
        except KeyboardInterrupt:
            err_console().print("已中断，本次未写入的内容已回滚", markup=False)
            ctx.exit(130)


app = typer.Typer(
    cls=ProjledgerGroup,
    name="projledger",
    help="县级重大项目专班台账：储备库、进度台账、问题台账、法定工作日时限与逐月排队通报。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"projledger {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[Optional[str], typer.Option("--db", help="数据库文件；默认 $PROJLEDGER_DB，再默认 ./projledger.db", metavar="PATH")] = None,
    by: Annotated[Optional[str], typer.Option("--by", help="操作人（记入留痕），默认当前系统用户")] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="显示版本")] = False,
) -> None:
    """县级重大项目专班台账。"""
    ctx.obj = AppState(db=db, by=by, command=ctx.meta.get("projledger.argv"))


def _register_all() -> None:
    """Commands load when named (:mod:`projledger.cli.lazy`); a module the generated index does
    not know yet is registered now, as every module used to be."""
    from projledger.cli.command_index import COMMANDS

    LazyCommands.typer_app, LazyCommands.modules, LazyCommands.index = app, COMMAND_MODULES, COMMANDS
    for module_name in LazyCommands.unindexed():
        if importlib.util.find_spec(module_name) is None:
            continue
        LazyCommands._loaded.add(module_name)
        importlib.import_module(module_name).register(app)


_register_all()
_chinese_help_pages()


def _utf8_streams() -> None:
    """Chinese output must not die under ``LANG=C`` (cron): UTF-8 when piped, escapes on a TTY."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            if stream.isatty():
                stream.reconfigure(errors="backslashreplace")
            else:
                stream.reconfigure(encoding="utf-8")


def run() -> None:
    """Console-script entry point."""
    _utf8_streams()
    # Typer's option coercion imports pydantic, whose plugin lookup scans every installed
    # package's entry points (~13 ms); the ledger uses no pydantic plugin.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        app(prog_name="projledger")
    except BrokenPipeError:  # `projledger project list | head`
        sys.stderr.close()
        sys.exit(0)
