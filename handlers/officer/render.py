"""Texts and keyboards of the dashboard, the queues, search results and shared pieces.

Plain text only (no parse mode): names, reasons and comments people typed are shown as typed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import Button
from bot.checklist import Checklist
from bot.i18n import Translator
from bot.kernel.inputs import CERTIFICATE_ITEM
from bot.services.officers import (
    OFFICE_BUCKETS,
    PAGE_SIZE,
    Dashboard,
    QueueItem,
    QueuePage,
    SearchResult,
)
from bot.workflow import BUCKET_LABEL, STATUS_LABEL, Bucket, Role, statuses_in
from handlers.officer.buttons import Officers, OpenCase, Queue, ShowDashboard
from handlers.replies import province_name
from storage.models import User

MAX_TEXT = 4096


def button(text: str, pressed: Button) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=pressed.pack())


def rows_of(
    buttons: Sequence[InlineKeyboardButton], width: int
) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]


def province_label(code: str | None, t: Translator) -> str:
    return t.t("officer.scope.all") if code is None else province_name(code, t)


def item_name(checklist: Checklist, item: str, t: Translator) -> str:
    if item == CERTIFICATE_ITEM:
        return t.t("officer.item.certificate")
    found = checklist.get(item)
    return t.pick(th=found.name_th, en=found.name_en) if found else item


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def pager(
    t: Translator, page: int, pages: int, at: Callable[[int], Button]
) -> list[InlineKeyboardButton]:
    """Previous / next buttons for page ``page`` (0-based) of ``pages``; ``at`` makes the
    button of a page."""
    nav: list[InlineKeyboardButton] = []
    if page > 0:
        nav.append(button(t.t("officer.button.previous"), at(page - 1)))
    if page + 1 < pages:
        nav.append(button(t.t("officer.button.next"), at(page + 1)))
    return nav


# ----- dashboard ----------------------------------------------------------------------------


def dashboard_text(t: Translator, board: Dashboard) -> str:
    lines = [t.t("officer.dashboard.title", scope=province_label(board.province, t))]
    for bucket in OFFICE_BUCKETS:
        lines.append(
            t.t("officer.dashboard.bucket", bucket=BUCKET_LABEL[bucket], count=board.total(bucket))
        )
        if bucket is Bucket.WAITING_FOR_OFFICER:
            for status in statuses_in(bucket):
                lines.append(
                    t.t(
                        "officer.dashboard.status",
                        status=STATUS_LABEL[status],
                        count=board.counts.get(status, 0),
                    )
                )
    return "\n".join(lines)


def dashboard_markup(t: Translator, board: Dashboard, user: User) -> InlineKeyboardMarkup:
    rows = [
        [
            button(
                t.t("officer.button.bucket", bucket=BUCKET_LABEL[b], count=board.total(b)),
                Queue(bucket=b.value, page=0),
            )
        ]
        for b in OFFICE_BUCKETS
    ]
    rows.append([button(t.t("officer.button.refresh"), ShowDashboard())])
    if user.role is Role.ADMIN:
        rows.append([button(t.t("officer.button.officers"), Officers(page=0))])
    return InlineKeyboardMarkup(rows)


# ----- lists of cases -----------------------------------------------------------------------


def item_text(t: Translator, number: int, item: QueueItem) -> str:
    row = item.row
    if row.closed_at is not None:
        waiting = t.t("officer.queue.closed", day=row.closed_at)
    else:
        waiting = t.t("officer.queue.days", days=item.days_waiting or 0)
    if row.claimed_by is None:
        claimed = t.t("officer.queue.unclaimed")
    else:
        claimed = t.t("officer.queue.claimed_by", name=row.claimer_name or str(row.claimed_by))
    return t.t(
        "officer.queue.row",
        number=number,
        tracking_no=row.tracking_no,
        foundation=t.pick(th=row.foundation_th, en=row.foundation_en or row.foundation_th),
        volunteer=row.volunteer_name,
        status=STATUS_LABEL[row.status],
        waiting=waiting,
        claimed=claimed,
    )


def case_buttons(items: Iterable[QueueItem], first: int) -> list[list[InlineKeyboardButton]]:
    buttons = [
        button(f"{n}. {item.row.tracking_no}", OpenCase(case=item.row.id))
        for n, item in enumerate(items, first)
    ]
    return rows_of(buttons, 2)


def queue_text(t: Translator, page: QueuePage) -> str:
    head = t.t(
        "officer.queue.title",
        bucket=BUCKET_LABEL[page.bucket],
        page=page.page + 1,
        pages=page.pages,
        total=page.total,
    )
    if not page.items:
        return head + "\n\n" + t.t("officer.queue.empty")
    first = page.page * PAGE_SIZE + 1
    body = [item_text(t, n, item) for n, item in enumerate(page.items, first)]
    return head + "\n\n" + "\n\n".join(body)


def queue_markup(t: Translator, page: QueuePage) -> InlineKeyboardMarkup:
    rows = case_buttons(page.items, page.page * PAGE_SIZE + 1)
    bucket = page.bucket.value
    nav = pager(t, page.page, page.pages, lambda n: Queue(bucket=bucket, page=n))
    if nav:
        rows.append(nav)
    rows.append([button(t.t("officer.button.dashboard"), ShowDashboard())])
    return InlineKeyboardMarkup(rows)


def search_text(t: Translator, result: SearchResult) -> str:
    if not result.items:
        return t.t("officer.find.none", term=result.term)
    head = t.t("officer.find.title", term=result.term, count=len(result.items))
    body = [item_text(t, n, item) for n, item in enumerate(result.items, 1)]
    if result.more:
        body.append(t.t("officer.find.more", count=len(result.items)))
    return "\n\n".join([head, *body])
