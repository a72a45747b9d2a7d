"""The report as one Telegram message: plain text (no HTML), never over Telegram's 4,096
characters. Provinces are listed busiest first until the message is full; the rest are
counted and left to the spreadsheet."""

from __future__ import annotations

from bot import provinces
from bot.i18n import Translator
from bot.reports import labels
from bot.reports.figures import Count, Figures, Measure, StageFigures
from bot.reports.service import Report

TELEGRAM_LIMIT = 4096
"""Telegram counts a message's length in UTF-16 code units (an emoji is two)."""


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _stage_line(measure: Measure, stage: StageFigures, t: Translator) -> str:
    name = t.t(labels.MEASURE_LABEL[measure])
    if stage.count == 0:
        return t.t("report.stage.none", stage=name)
    line = t.t(
        "report.stage.line",
        stage=name,
        count=stage.count,
        median=labels.days(stage.median, t),
        p90=labels.days(stage.p90, t),
    )
    if stage.target is not None and stage.within_target is not None:
        line += ", " + t.t(
            "report.stage.target",
            target=stage.target,
            share=labels.share(stage.within_share, t),
            within=stage.within_target,
            count=stage.count,
        )
    return line


def _province_line(code: str, figures: Figures, t: Translator) -> str:
    preliminary = figures.stages[Measure.PRELIMINARY]
    return t.t(
        "report.province.line",
        province=provinces.name_of(code, t.lang),
        received=figures.counts[Count.RECEIVED],
        completed=figures.counts[Count.COMPLETED],
        median=labels.days(preliminary.median, t),
        share=labels.share(preliminary.within_share, t),
    )


def render_summary(report: Report, t: Translator, limit: int = TELEGRAM_LIMIT) -> str:
    lines = [
        t.t("report.title", scope=labels.scope_label(report.province, t)),
        t.t("report.period.line", period=labels.period_label(report.period, t)),
        t.t("report.generated", when=report.generated_at),
        "",
        t.t("report.counts.heading"),
    ]
    lines += [
        t.t("report.count.line", label=t.t(labels.COUNT_LABEL[c]), count=report.total.counts[c])
        for c in Count
    ]
    lines += ["", t.t("report.stages.heading")]
    lines += [_stage_line(m, report.total.stages[m], t) for m in Measure]
    footer = ["", t.t("report.note")]
    if report.by_province:
        lines += ["", t.t("report.provinces.heading")]
        busiest = sorted(
            report.by_province.items(),
            key=lambda item: (-item[1].counts[Count.RECEIVED], item[0]),
        )
        used = _units("\n".join(lines + footer))
        for shown, (code, figures) in enumerate(busiest):
            line = _province_line(code, figures, t)
            more = t.t("report.provinces.more", count=len(busiest) - shown - 1)
            # Room for this line and, if provinces remain after it, for the "and N more" line.
            tail = _units(more) + 1 if shown + 1 < len(busiest) else 0
            room = limit - used - _units(line) - 1 - tail
            if room < 0:
                lines.append(t.t("report.provinces.more", count=len(busiest) - shown))
                break
            lines.append(line)
            used += _units(line) + 1
    text = "\n".join(lines + footer)
    while _units(text) > limit:  # only with a very small limit: cut, never overflow
        text = text[: len(text) - (_units(text) - limit) - 1] + "…"
    return text
