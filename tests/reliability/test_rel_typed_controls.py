"""Text typed on the command line (not cleaned by a sheet reader) with a vertical tab or another
control character — common when pasting from Word — still exports: every workbook opens."""

from __future__ import annotations

from python_calamine import CalamineWorkbook


def test_vertical_tab_typed_on_the_command_line_exports(county, tmp_path):
    county("project", "add", "--name", "管网\v改造", "--township", "城关镇", "--department", "县发改局")
    county("plan", "set", "1", "--year", "2026", "--investment", "100")
    county("problem", "add", "1", "--text", "手续\x0b未批\x07")
    for args, out in ((("problem", "sheet"), "问题清单.xlsx"),
                      (("report", "monthly", "--period", "2026-11"), "通报.xlsx"),
                      (("export", "problems"), "问题.xlsx"),
                      (("template", "--township", "城关镇", "--period", "2026-11"), "模板.xlsx")):
        county(*args, "--out", tmp_path / out)
        book = CalamineWorkbook.from_path(str(tmp_path / out))
        text = "".join(str(cell) for name in book.sheet_names
                       for row in book.get_sheet_by_name(name).to_python() for cell in row)
        assert "\x0b" not in text and "\x07" not in text, out
        assert ("管网" in text) or ("手续" in text), out
