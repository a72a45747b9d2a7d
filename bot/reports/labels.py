"""Words and numbers of a report as a reader sees them, shared by the summary, chart and workbook.

Every word comes from the ``report.*`` catalog entries (``locales/*/LC_MESSAGES/reports.po``);
years are Buddhist era for Thai readers (``bot.dates``).
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from babel import Locale

from bot import dates, provinces
from bot.i18n import N_, MsgId, Translator
from bot.reports.figures import Count, Measure
from bot.reports.periods import Period, PeriodKind

COUNT_LABEL: dict[Count, MsgId] = {
    Count.RECEIVED: N_("report.count.received"),
    Count.COMPLETED: N_("report.count.completed"),
    Count.RETURNED: N_("report.count.returned"),
    Count.NOT_APPROVED: N_("report.count.not_approved"),
    Count.WITHDRAWN: N_("report.count.withdrawn"),
    Count.ABANDONED: N_("report.count.abandoned"),
}

MEASURE_LABEL: dict[Measure, MsgId] = {
    Measure.PRELIMINARY: N_("report.measure.preliminary"),
    Measure.CORRECTION: N_("report.measure.correction"),
    Measure.CONSIDERATION: N_("report.measure.consideration"),
    Measure.ISSUANCE: N_("report.measure.issuance"),
    Measure.END_TO_END: N_("report.measure.end_to_end"),
}


@cache
def _months(lang: str, width: str) -> dict[int, str]:
    names = Locale.parse(lang).months["format"][width]
    return {m: str(names[m]) for m in range(1, 13)}


def year(day: dt.date, lang: str) -> int:
    return day.year + dates.BUDDHIST_ERA_OFFSET if lang == "th" else day.year


def month_name(day: dt.date, lang: str, *, short: bool = False) -> str:
    return _months(lang, "abbreviated" if short else "wide")[day.month]


def month_axis_label(day: dt.date, lang: str) -> str:
    """A month on a chart axis: ``ธ.ค. 69`` / ``Dec 26`` (two-digit Buddhist-era year in Thai,
    as Thai officers write it)."""
    return f"{month_name(day, lang, short=True)} {year(day, lang) % 100:02d}"


def period_label(period: Period, t: Translator) -> str:
    lang = t.lang
    if period.kind in (PeriodKind.THIS_MONTH, PeriodKind.LAST_MONTH):
        return t.t(
            "report.period.month",
            month=month_name(period.first, lang),
            year=year(period.first, lang),
        )
    if period.kind is PeriodKind.FISCAL_YEAR:
        return t.t(
            "report.period.fiscal_year",
            year=year(period.last, lang),
            first=period.first,
            last=period.last,
        )
    return t.t("report.period.range", first=period.first, last=period.last)


def scope_label(province: str | None, t: Translator) -> str:
    if province is None:
        return t.t("report.scope.all")
    return t.t("report.scope.province", province=provinces.name_of(province, t.lang))


def days(value: float | None, t: Translator) -> str:
    """Working days: ``3``, ``2.5``; a dash when there is nothing to measure."""
    if value is None:
        return t.t("report.none")
    return f"{value:.1f}".removesuffix(".0")


def share(value: float | None, t: Translator) -> str:
    if value is None:
        return t.t("report.none")
    return f"{round(value * 100)}%"
