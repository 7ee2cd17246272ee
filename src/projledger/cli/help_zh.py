"""Help pages and usage errors in Chinese: what Typer and its click core print in English.

Command and option names stay English (SPEC §9); everything around them a county staffer
reads is Chinese.  :func:`chinese_help` rewrites one rendered help page — headings
(``Usage:`` → ``用法：``), the help option's ``Show this message and exit.``, the ``[required]``
/ ``[default: …]`` notes, type tags (``<list[Path]>`` → ``<文件…>``) and the braces Typer puts
round required arguments (``{FILE...}...`` → ``FILE...``), and number ranges (``x>=0`` → ``≥0``).  :func:`install` routes every help
page through it (one wrap of the click ``Context.get_help`` that Typer ships), so no
command module has to do anything.

:func:`param_label` names a parameter in an error message: an option by its flags
(``--limit``), an argument by the first words of its help (``问题编号``) — never by its
Python name (``problem_id``).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["chinese_help", "install", "param_label", "width", "TYPE_WORDS"]

#: Type names Typer shows in help, as a person calls them.
TYPE_WORDS = {
    "str": "文字", "int": "整数", "float": "数字", "Path": "文件", "path": "文件", "file": "文件",
    "directory": "文件夹", "bool": "是/否", "datetime": "日期", "Decimal": "数字",
}  # fmt: skip
_HEADINGS = (("Usage: ", "用法："), ("Arguments:", "参数："), ("Options:", "选项："), ("Commands:", "命令："))
_TYPE_TAG = re.compile(r"<(list\[)?([A-Za-z]+)(?: range)?(\])?>")
_REQUIRED_ARG = re.compile(r"\{([^{}\s]+)\}(\.\.\.)?")
_DEFAULT = re.compile(r"\[default: ([^\]]*)\]")
_RANGE = re.compile(r"(-?\d+(?:\.\d+)?)<=x<=(-?\d+(?:\.\d+)?)")  # Typer's number ranges: 0<=x<=365
_AT_LEAST = re.compile(r"(?<=[\[; ])x>=(-?\d+(?:\.\d+)?)")
_AT_MOST = re.compile(r"(?<=[\[; ])x<=(-?\d+(?:\.\d+)?)")
_SEPARATORS = re.compile(r"[（(，,：:；;。]")


def _type_tag(match: re.Match) -> str:
    word = TYPE_WORDS.get(match.group(2), match.group(2))
    return f"<{word}…>" if match.group(1) else f"<{word}>"


def _required_arg(match: re.Match) -> str:
    name, repeated = match.group(1), match.group(2)
    return name if name.endswith("...") or not repeated else f"{name}..."


def chinese_help(text: str) -> str:
    """One rendered help page with Typer's English replaced (idempotent)."""
    for english, chinese in _HEADINGS:
        text = re.sub(rf"(?m)^(\s*){re.escape(english)}", rf"\g<1>{chinese}", text)
    text = text.replace("Show this message and exit.", "显示本帮助并退出")
    text = text.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
    text = text.replace("[required]", "[必填]").replace("; required]", "；必填]")
    text = _DEFAULT.sub(r"[默认：\1]", text)
    text = _RANGE.sub(r"\1–\2", _AT_LEAST.sub(r"≥\1", _AT_MOST.sub(r"≤\1", text)))
    text = _TYPE_TAG.sub(_type_tag, text)
    text = _REQUIRED_ARG.sub(_required_arg, text)
    return "\n".join(_realign(text.split("\n")))


def width(text: str) -> int:
    """Columns a text takes on a terminal (a Chinese character takes two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


_ROW = re.compile(r"^  (\S(?:\S| (?! ))*)( {2,})(\S.*)$")  # "  term  help": the term has no double space


def _realign(lines: list[str]) -> list[str]:
    """Re-pad each definition list (options, arguments, commands) by display width, since the
    Chinese words above changed the widths the help was laid out with."""
    out: list[str] = []
    index = 0
    while index < len(lines):
        if not _ROW.match(lines[index]):
            out.append(lines[index])
            index += 1
            continue
        block: list[tuple[str | None, str]] = []  # (term or None for a continuation, text)
        column = len(lines[index]) - len(_ROW.match(lines[index]).group(3))
        while index < len(lines) and lines[index].strip():
            row = _ROW.match(lines[index])
            if row and len(lines[index]) - len(row.group(3)) == column:
                block.append((row.group(1), row.group(3)))
            elif lines[index].startswith(" " * column) or not row:
                block.append((None, lines[index].strip()))
            else:
                block.append((row.group(1), row.group(3)))
            index += 1
        new_column = 2 + max(width(term) for term, _ in block if term is not None) + 2
        for term, text in block:
            lead = f"  {term}" if term is not None else ""
            out.append(lead + " " * (new_column - width(lead)) + text)
    return out


def param_label(param) -> str:
    """How an error message names a parameter: ``--limit``, or an argument's Chinese name."""
    if getattr(param, "param_type_name", None) == "option":
        return "/".join(param.opts)
    head = _SEPARATORS.split(getattr(param, "help", None) or "", maxsplit=1)[0].strip()
    if head:
        return head
    return (getattr(param, "metavar", None) or getattr(param, "name", None) or "").upper()


def install() -> None:
    """Route every help page through :func:`chinese_help` (idempotent)."""
    from typer._click.core import Context

    if getattr(Context.get_help, "_projledger_chinese", False):
        return
    original = Context.get_help

    def get_help(self) -> str:
        return chinese_help(original(self))

    get_help._projledger_chinese = True  # type: ignore[attr-defined]
    Context.get_help = get_help
