"""The report as a PNG: applications received and completed per month, and the working days
each stage took (median, 90th percentile) against its target.

Matplotlib's object API with the Agg canvas, never ``pyplot``: no global figure registry, no
GUI backend, safe to call from the bot's worker thread. Text is set in Sarabun, the Thai font the
project ships for the print pack (``bot/issuance/fonts``), so Thai renders without system
fonts; Thai readers get Buddhist-era years on the month axis. Rendering takes ~0.1-0.3 s: the
caller runs it in a thread (``asyncio.to_thread``) so the event loop keeps serving updates.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before anything imports a GUI backend; the bot has no display

from matplotlib import font_manager
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.i18n import Translator
from bot.reports import labels
from bot.reports.figures import Measure
from bot.reports.service import Report

FONT_DIR = Path(__file__).resolve().parent.parent / "issuance" / "fonts"
FONT_FILE = FONT_DIR / "Sarabun-Regular.ttf"
BOLD_FONT_FILE = FONT_DIR / "Sarabun-Bold.ttf"

# The stages with a duration to draw, in the order a case goes through them.
CHART_MEASURES = (
    Measure.PRELIMINARY,
    Measure.CORRECTION,
    Measure.CONSIDERATION,
    Measure.ISSUANCE,
    Measure.END_TO_END,
)
_RECEIVED, _COMPLETED, _MEDIAN, _P90, _TARGET = (
    "#4C78A8",
    "#54A24B",
    "#4C78A8",
    "#F58518",
    "#E45756",
)


@cache
def _font_family() -> str:
    """Register Sarabun with Matplotlib once; its family name for ``font.family``."""
    font_manager.fontManager.addfont(str(FONT_FILE))
    font_manager.fontManager.addfont(str(BOLD_FONT_FILE))
    return font_manager.FontProperties(fname=str(FONT_FILE)).get_name()


def render_chart(report: Report, t: Translator, *, dpi: int = 120) -> bytes:
    """The chart as PNG bytes (about 1200 x 960 pixels at the default dpi)."""
    family = _font_family()
    with matplotlib.rc_context(
        {"font.family": family, "font.size": 11, "axes.unicode_minus": False}
    ):
        figure = Figure(figsize=(10, 8), dpi=dpi, layout="constrained")
        FigureCanvasAgg(figure)
        monthly_ax, stages_ax = figure.subplots(2, 1, height_ratios=(1, 1.2))
        figure.suptitle(
            f"{t.t('report.title', scope=labels.scope_label(report.province, t))}".removeprefix(
                "📊 "  # Sarabun has no emoji; the title is text only
            )
            + "\n"
            + labels.period_label(report.period, t),
            fontsize=14,
            fontweight="bold",
        )
        _monthly(monthly_ax, report, t)
        _stages(stages_ax, report, t)
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=dpi)
    return out.getvalue()


def _monthly(ax: Axes, report: Report, t: Translator) -> None:
    months = sorted(report.total.monthly)
    x = list(range(len(months)))
    received = [report.total.monthly[m][0] for m in months]
    completed = [report.total.monthly[m][1] for m in months]
    width = 0.38
    bars = ax.bar([i - width / 2 for i in x], received, width, color=_RECEIVED)
    bars2 = ax.bar([i + width / 2 for i in x], completed, width, color=_COMPLETED)
    ax.bar_label(bars, fontsize=9)
    ax.bar_label(bars2, fontsize=9)
    ax.set_xticks(x, [labels.month_axis_label(m, t.lang) for m in months])
    ax.set_ylabel(t.t("report.chart.cases"))
    ax.set_title(t.t("report.chart.monthly"), loc="left")
    ax.legend(
        [bars, bars2],
        [t.t("report.count.received"), t.t("report.count.completed")],
        loc="upper left",
        frameon=False,
    )
    ax.margins(y=0.2)
    ax.spines[["top", "right"]].set_visible(False)


def _stages(ax: Axes, report: Report, t: Translator) -> None:
    stages = [report.total.stages[m] for m in CHART_MEASURES]
    names = [t.t(labels.MEASURE_LABEL[m]) for m in CHART_MEASURES]
    y = list(range(len(CHART_MEASURES)))
    height = 0.38
    medians = [s.median or 0.0 for s in stages]
    p90s = [float(s.p90 or 0) for s in stages]
    bars = ax.barh([i - height / 2 for i in y], medians, height, color=_MEDIAN)
    bars2 = ax.barh([i + height / 2 for i in y], p90s, height, color=_P90)
    ax.bar_label(bars, [labels.days(s.median, t) for s in stages], padding=3, fontsize=9)
    ax.bar_label(bars2, [labels.days(s.p90, t) for s in stages], padding=3, fontsize=9)
    handles: list[Artist] = [bars.patches[0], bars2.patches[0]]
    legend = [t.t("report.chart.median"), t.t("report.chart.p90")]
    for i, stage in enumerate(stages):
        if stage.target is not None:
            line = ax.vlines(stage.target, i - 0.45, i + 0.45, colors=_TARGET, linewidth=2)
            if len(handles) == 2:
                handles.append(line)
                legend.append(t.t("report.chart.target"))
    ax.set_yticks(y, names)
    ax.invert_yaxis()  # first stage at the top
    ax.set_xlabel(t.t("report.chart.days"))
    ax.set_title(t.t("report.chart.stages"), loc="left")
    # Below the axis, where no bar can be: the longest bars reach the right-hand side.
    ax.legend(
        handles, legend, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=3, frameon=False
    )
    ax.margins(x=0.15)
    ax.spines[["top", "right"]].set_visible(False)
