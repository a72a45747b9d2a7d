"""The officer queries: the bucket column agrees with the workflow, pages and counts read an index
in order (no sort of every case, so they stay fast at 100,000 cases), search is literal."""

from __future__ import annotations

import pytest

from bot.testing.clock import ManualClock
from bot.workflow import BUCKET_OF, Bucket, Status
from storage import queue as queue_repo
from storage.db import Database
from tests.conftest import World


async def plan(db: Database, sql: str, params: tuple[object, ...]) -> str:
    rows = await db.fetchall(f"EXPLAIN QUERY PLAN {sql}", params)
    return "\n".join(str(r["detail"]) for r in rows)


async def test_the_bucket_column_matches_the_workflow_for_every_status(
    db: Database, world: World, clock: ManualClock
) -> None:
    now = clock().isoformat()
    async with db.transaction() as conn:
        for n, status in enumerate(Status):
            await conn.execute(
                "INSERT INTO cases (tracking_no, foundation_id, province, status, created_by,"
                " created_at, updated_at) VALUES (?, ?, '50', ?, ?, ?, ?)",
                (f"T{n}", world.foundation_id, status.value, world.member, now, now),
            )
    rows = await db.fetchall("SELECT status, bucket FROM cases")
    assert {Status(r["status"]): Bucket(r["bucket"]) for r in rows} == BUCKET_OF


@pytest.mark.parametrize("province", ["50", None])
async def test_pages_and_counts_read_an_index_in_submission_order(
    db: Database, province: str | None
) -> None:
    where = "c.province = ? AND " if province else ""
    params: tuple[object, ...] = (province,) if province else ()
    # As storage.queue.bucket_page: the page's ids from the index in order, then those rows.
    page_sql = (
        "SELECT c.id FROM cases c JOIN foundations f ON f.id = c.foundation_id"
        " LEFT JOIN users u ON u.id = c.claimed_by"
        f" WHERE c.id IN (SELECT c.id FROM cases c WHERE {where}c.bucket = ?"
        " ORDER BY c.submitted_at, c.id LIMIT 9 OFFSET 8) ORDER BY c.submitted_at, c.id"
    )
    rows = await db.fetchall(f"EXPLAIN QUERY PLAN {page_sql}", (*params, "waiting_for_officer"))
    index = "cases_bucket_queue" if province else "cases_bucket_queue_all"
    picks = [r for r in rows if f"INDEX {index} (" in r["detail"]]
    assert len(picks) == 1, [r["detail"] for r in rows]
    # The subquery walks the index in order; only the page's few rows are sorted, outside it.
    subquery = picks[0]["parent"]
    assert not any("TEMP B-TREE" in r["detail"] for r in rows if r["parent"] == subquery)
    count_sql = f"SELECT COUNT(*) FROM cases c WHERE {where}c.status IN (?, ?)"
    assert "COVERING INDEX" in await plan(db, count_sql, (*params, "returned", "completed"))
    by_status = "SELECT status, COUNT(*) FROM cases" + (" WHERE province = ?" if province else "")
    detail = await plan(db, by_status + " GROUP BY status", params)
    assert "COVERING INDEX" in detail and "TEMP B-TREE" not in detail


def test_search_terms_are_literal() -> None:
    assert queue_repo.like_pattern("50%_off\\") == "%50\\%\\_off\\\\%"
