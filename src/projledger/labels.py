"""Words the ledger shows for its codes, in one place (pure: no database, no settings).

A code stored or written in JSON (``township``, ``invest``, ``新开工``) is shown to people with
the words below; every table, workbook and document takes them from here, so a label is
changed once.
"""

from __future__ import annotations

__all__ = ["RANKING_KIND_WORDS", "CARD_KIND_LABELS", "CARD_KIND_CATEGORIES", "NATURES"]

#: The two rankings of the 逐月排队通报, as a column or sheet names them.
RANKING_KIND_WORDS = {"township": "乡镇", "department": "部门"}

#: Warning-card item kinds as a reason names them (“问题“资金缺口”逾期…”).
CARD_KIND_LABELS = {"problem": "问题", "procedure": "前期手续", "start": "开工", "invest": "投资",
                    "milestone": "节点", "completion": "竣工", "supplement": "容缺补正材料",
                    "simulated_expiry": "模拟审批", "meeting_item": "议定事项", "reply": "解决意见"}

#: The same kinds as the 类别 column of the report's 预警 sheet.
CARD_KIND_CATEGORIES = {**CARD_KIND_LABELS, "simulated_expiry": "模拟审批到期", "reply": "未提解决意见"}

#: 建设性质 of a project or of its year's plan.
NATURES = ("新开工", "续建", "前期")
