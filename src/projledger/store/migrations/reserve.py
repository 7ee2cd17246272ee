"""Reserve library (储备库) and plan-lifecycle schema.

- ``reserve_entries``: one row per project per library tier (综合 / 行业 / 产业链 / 乡镇).  A
  project may sit in several at once — a township's project accepted by its department after
  初核 is in both the 乡镇 and the 行业 library, and the 综合 library is *selected from* the
  行业 libraries (择优生成), not moved out of them.  ``unit_id`` is the library's owner: the
  department (行业), chain office (产业链) or township (乡镇); NULL for 综合.  Leaving the
  reserve (列入年度计划, 退库, 终止) sets ``left_on``/``left_reason``; the row stays so the
  history and ``reserve check --all-units`` know which libraries exist.
- ``reserve_info``: what the reserve sheets carry per project (项目来源, 目前进展情况,
  未来三年预计投资).
- ``reserve_reviews``: 初核 (and 链长审核) results with reviewer unit and date.
- ``reserve_promotions``: promotion history (乡镇 → 行业 → 综合, → 产业链).
- ``stage_transitions``: every explicit stage change with its event and reason (终止/退库
  reasons live here); the audit trail has the row-level before/after as well.
- ``post_evaluations``: 后评价 inputs, derived ratios and the tier.
- ``plan_adjustments``: 动态调整 swaps made by ``plan adjust`` (who left, who came in).

Money columns are integers of 0.01 万元; ratios are exact decimal text.
"""

from __future__ import annotations

from sqlite_utils.migrations import Migrations

migrations = Migrations("projledger.reserve")


@migrations()
def m001_reserve(db):
    db.executescript(
        """
        CREATE TABLE reserve_entries (
            id INTEGER PRIMARY KEY,
            project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
            tier TEXT NOT NULL CHECK (tier IN ('综合','行业','产业链','乡镇')),
            unit_id INTEGER REFERENCES units(id),
            entered_on TEXT NOT NULL,
            entered_via TEXT NOT NULL,
            left_on TEXT,
            left_reason TEXT,
            UNIQUE (project_id, tier)
        );
        CREATE INDEX idx_reserve_entries_tier_unit ON reserve_entries(tier, unit_id);

        CREATE TABLE reserve_info (
            project_id INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
            source TEXT,
            progress TEXT,
            next3_investment INTEGER CHECK (next3_investment IS NULL OR next3_investment >= 0)
        );

        CREATE TABLE reserve_reviews (
            id INTEGER PRIMARY KEY,
            project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
            target_tier TEXT NOT NULL CHECK (target_tier IN ('综合','行业','产业链')),
            result TEXT NOT NULL CHECK (result IN ('通过','不通过')),
            reviewer_unit_id INTEGER REFERENCES units(id),
            reviewed_on TEXT NOT NULL,
            opinion TEXT
        );
        CREATE INDEX idx_reserve_reviews_project ON reserve_reviews(project_id);

        CREATE TABLE reserve_promotions (
            id INTEGER PRIMARY KEY,
            project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
            from_tier TEXT,
            to_tier TEXT NOT NULL,
            unit_id INTEGER REFERENCES units(id),
            promoted_on TEXT NOT NULL,
            review_id INTEGER REFERENCES reserve_reviews(id)
        );
        CREATE INDEX idx_reserve_promotions_project ON reserve_promotions(project_id);

        CREATE TABLE stage_transitions (
            id INTEGER PRIMARY KEY,
            project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
            happened_on TEXT NOT NULL,
            from_stage TEXT,
            to_stage TEXT NOT NULL,
            event TEXT NOT NULL,
            year INTEGER,
            reason TEXT
        );
        CREATE INDEX idx_stage_transitions_project ON stage_transitions(project_id);

        CREATE TABLE post_evaluations (
            id INTEGER PRIMARY KEY,
            project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
            evaluated_on TEXT NOT NULL,
            area_mu TEXT NOT NULL,
            output INTEGER NOT NULL CHECK (output >= 0),
            tax INTEGER NOT NULL CHECK (tax >= 0),
            energy TEXT NOT NULL,
            output_per_mu TEXT NOT NULL,
            tax_per_mu TEXT NOT NULL,
            energy_per_output TEXT,
            tier TEXT NOT NULL CHECK (tier IN ('优先扶持','重点扶持','一般')),
            note TEXT,
            UNIQUE (project_id, evaluated_on)
        );

        CREATE TABLE plan_adjustments (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL,
            quarter INTEGER NOT NULL CHECK (quarter BETWEEN 1 AND 4),
            project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
            action TEXT NOT NULL CHECK (action IN ('drop','add')),
            investment INTEGER NOT NULL,
            department_id INTEGER REFERENCES units(id),
            adjusted_on TEXT NOT NULL,
            reason TEXT
        );
        CREATE INDEX idx_plan_adjustments_year ON plan_adjustments(year, quarter);
        """
    )
