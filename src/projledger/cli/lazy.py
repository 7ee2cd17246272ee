"""Commands loaded when named: ``projledger unit list`` imports the unit commands only.

Typer builds every command's Click object — parameters, type converters — before it runs any
one of them; with some sixty commands that is most of a short command's start-up.  The root
group therefore starts with no commands and resolves a name through
:data:`projledger.cli.command_index.COMMANDS` (name → the command modules that make it, and its
one-line help): only those modules are imported and only that command is built.  ``--help``
lists the names and one-line helps from the same table without importing anything.

The table is generated from :data:`projledger.cli.main.COMMAND_MODULES` (``python -m
projledger.cli.lazy``); ``tests/test_startup.py`` fails when it is stale.  A module missing
from it still works: it is imported at start-up as before (only slower), and a name the
table does not know makes every remaining module load before "no such command" is said.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

__all__ = ["LazyCommands", "generate_index"]


class LazyCommands:
    """Mixin for the root Typer group: sub-commands built from the index on first use."""

    #: set by projledger.cli.main: the Typer app, the module list, the index
    typer_app = None
    modules: tuple[str, ...] = ()
    index: dict[str, tuple[tuple[str, ...], str, str]] = {}
    _loaded: set[str] = set()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.commands = _Commands(self.commands, self.load_all)

    # ------------------------------------------------------------ loading

    @classmethod
    def unindexed(cls) -> list[str]:
        indexed = {m for modules, _, _ in cls.index.values() for m in modules}
        return [m for m in cls.modules if m not in indexed]

    def _load(self, module_names) -> None:
        from typer.main import get_command_from_info, get_command_name, get_group_from_info

        app = self.typer_app
        wanted = self._with_partners(module_names)
        todo = [m for m in self.modules if m in wanted
                and m not in LazyCommands._loaded and importlib.util.find_spec(m) is not None]
        # Import every module first: one may add commands to a group another registers.
        imported = [importlib.import_module(m) for m in todo]
        for module_name, module in zip(todo, imported):
            LazyCommands._loaded.add(module_name)
            module.register(app)
        # Build what is registered but not built here yet (another root built from the same
        # app — a test runner — may have loaded the module first).
        options = dict(pretty_exceptions_short=app.pretty_exceptions_short,
                       rich_markup_mode=app.rich_markup_mode)
        for info in app.registered_commands:
            if (info.name or get_command_name(info.callback.__name__)) not in self.commands:
                command = get_command_from_info(info, **options)
                self.commands.setdefault(command.name, command)
        for info in app.registered_groups:
            if info.name not in self.commands:
                group = get_group_from_info(info, suggest_commands=app.suggest_commands, **options)
                self.commands.setdefault(group.name, group)

    def _with_partners(self, module_names) -> set[str]:
        """The modules plus every module that adds to a command one of them makes (a group is
        built once: all its parts must be there when it is)."""
        wanted = set(module_names)
        while True:
            more = {m for modules, _, _ in self.index.values() if wanted & set(modules) for m in modules}
            if more <= wanted:
                return wanted
            wanted |= more

    def load_all(self) -> None:
        self._load(self.modules)

    # ------------------------------------------------------------ click's Group interface

    def get_command(self, ctx, cmd_name):
        command = self.commands.get(cmd_name)
        if command is not None:
            return command
        entry = self.index.get(cmd_name)
        self._load(entry[0] if entry else self.modules)
        return self.commands.get(cmd_name)

    def list_commands(self, ctx):
        names = [name for name in self.index if self._exists(name)]
        names += [name for name in dict.keys(self.commands) if name not in self.index]
        return names

    def _exists(self, name: str) -> bool:
        modules = self.index[name][0]
        return name in self.commands or importlib.util.find_spec(modules[0]) is not None

    def format_commands(self, ctx, formatter) -> None:
        """The command list of ``--help`` from the index: nothing imported for it."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.commands.get(name)
            if command is not None:
                if not command.hidden:
                    rows.append((name, command))
            else:
                rows.append((name, _Listed(self.index[name][2])))
        if not rows:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in rows)
        with formatter.section("Commands"):
            formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in rows])


class _Commands(dict):
    """The root's ``commands``: looking one up stays lazy; enumerating them (``items()``,
    iteration — a test walking every command) loads every module first, so the mapping is
    never seen incomplete."""

    def __init__(self, built, load_all):
        super().__init__(built)
        self._load_all = load_all
        self._complete = False

    def _complete_first(self) -> None:
        if not self._complete:
            self._complete = True
            self._load_all()

    def __iter__(self):
        self._complete_first()
        return super().__iter__()

    def __len__(self) -> int:
        self._complete_first()
        return super().__len__()

    def keys(self):
        self._complete_first()
        return super().keys()

    def items(self):
        self._complete_first()
        return super().items()

    def values(self):
        self._complete_first()
        return super().values()


class _Listed:
    """A command known only by its help text (not imported yet)."""

    def __init__(self, help_text: str):
        self.help = help_text

    def get_short_help_str(self, limit: int) -> str:
        from typer._click.utils import make_default_short_help

        return make_default_short_help(self.help, limit)


def generate_index(modules) -> str:
    """The text of ``command_index.py`` for the modules as they are now (each registered into a
    scratch app, to see which names it makes)."""
    import typer
    import typer.main

    app = typer.Typer()

    registered_by: dict[str, str] = {}
    for module_name in modules:
        if importlib.util.find_spec(module_name) is None:
            continue
        before = {info.name for info in app.registered_groups} | \
            {info.name or info.callback.__name__ for info in app.registered_commands}
        importlib.import_module(module_name).register(app)
        after = {info.name for info in app.registered_groups} | \
            {info.name or info.callback.__name__ for info in app.registered_commands}
        registered_by.update({name: module_name for name in after - before})
    root = typer.main.get_command(app)
    kinds = {info.name: "group" for info in app.registered_groups}
    names = [n for n in root.commands if kinds.get(n) != "group"] + \
        [n for n in root.commands if kinds.get(n) == "group"]
    lines = ['"""Generated by ``python -m projledger.cli.lazy`` from COMMAND_MODULES: do not edit."""',
             "", "# name: (modules that make the command, kind, help)", "COMMANDS = {"]
    for name in names:
        command = root.commands[name]
        found = {_module_of(c) for c in _walk(command)} | {registered_by.get(name)}
        owners = sorted((m for m in found if m in modules), key=modules.index)
        owners.remove(registered_by[name])
        owners.insert(0, registered_by[name])  # the module that registers it comes first
        help_text = (command.help or "").split("\n\n")[0]
        lines.append(f"    {name!r}: ({tuple(owners)!r}, {kinds.get(name, 'command')!r}, {help_text!r}),")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _walk(command):
    yield command
    for sub in getattr(command, "commands", {}).values():
        yield from _walk(sub)


def _module_of(command) -> str | None:
    callback = getattr(command, "callback", None)
    function = getattr(callback, "__wrapped__", callback)
    module = getattr(function, "__module__", None)
    return module if module and module.startswith("projledger.cli.") else None


if __name__ == "__main__":  # python -m projledger.cli.lazy: rewrite command_index.py
    from pathlib import Path

    from projledger.cli import main as cli_main

    text = generate_index(list(cli_main.COMMAND_MODULES))
    target = Path(__file__).with_name("command_index.py")
    target.write_text(text, encoding="utf-8")
    sys.stdout.write(f"wrote {target}\n")
