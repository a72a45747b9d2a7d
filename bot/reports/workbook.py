"""The report as an ``.xlsx``: a figures sheet, a sheet per province when asked for, and one row
per application.

openpyxl rather than XlsxWriter: one library both writes the file here and reads it back in the
tests (the brief's check is that the file opens with openpyxl), and its write-only mode streams
rows, so a fiscal year over every province (tens of thousands of rows) does not hold a cell
object per value. XlsxWriter writes a little faster but cannot read, so it would have meant two
dependencies for one file format.

What is left out on purpose: internal notes and comments are never read for a report; passport
numbers are in the case list only when the reader is an admin (``Report.with_passports``).
Days are plain ``date`` cells (Excel shows them in the reader's locale); durations are working
days as whole numbers.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from bot import provinces
from bot.i18n import Translator
from bot.reports import labels
from bot.reports.figures import Count, Figures, Measure
from bot.reports.service import Report, ReportCase
from bot.workflow import STATUS_LABEL

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BOLD = Font(bold=True)
_INVALID_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})


def _sheet_title(text: str) -> str:
    # Excel refuses these characters and more than 31 of them in a sheet name.
    return text.translate(_INVALID_SHEET_CHARS)[:31]


def _header(sheet: WriteOnlyWorksheet, titles: Sequence[str]) -> list[Cell]:
    cells: list[Cell] = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = _BOLD
        cells.append(cell)
    return cells


def _figure_rows(figures: Figures, t: Translator) -> Iterable[list[object]]:
    for count in Count:
        yield [t.t(labels.COUNT_LABEL[count]), figures.counts[count]]
    yield []
    for measure in Measure:
        stage = figures.stages[measure]
        yield [
            t.t(labels.MEASURE_LABEL[measure]),
            stage.count,
            stage.median,
            stage.p90,
            stage.target,
            stage.within_target,
            None if stage.within_share is None else round(stage.within_share, 4),
        ]


def render_workbook(report: Report, cases: Sequence[ReportCase], t: Translator) -> bytes:
    """The spreadsheet of ``report`` with its case list (``ReportService.case_list``)."""
    book = Workbook(write_only=True)
    _figures_sheet(book, report, t)
    if report.by_province:
        _provinces_sheet(book, report, t)
    _cases_sheet(book, report, cases, t)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _figures_sheet(book: Workbook, report: Report, t: Translator) -> None:
    figures_sheet = book.create_sheet(_sheet_title(t.t("report.sheet.figures")))
    figures_sheet.append([t.t("report.title", scope=labels.scope_label(report.province, t))])
    figures_sheet.append([t.t("report.period.line", period=labels.period_label(report.period, t))])
    figures_sheet.append([t.t("report.generated", when=report.generated_at)])
    figures_sheet.append([])
    figures_sheet.append(
        _header(
            figures_sheet,
            [
                t.t("report.col.measure"),
                t.t("report.col.count"),
                t.t("report.col.median"),
                t.t("report.col.p90"),
                t.t("report.col.target"),
                t.t("report.col.within"),
                t.t("report.col.share"),
            ],
        )
    )
    for row in _figure_rows(report.total, t):
        figures_sheet.append(row)
    figures_sheet.append([])
    figures_sheet.append([t.t("report.note")])


def _provinces_sheet(book: Workbook, report: Report, t: Translator) -> None:
    sheet = book.create_sheet(_sheet_title(t.t("report.sheet.provinces")))
    columns = [t.t("report.col.province")]
    columns += [t.t(labels.COUNT_LABEL[c]) for c in Count]
    for measure in Measure:
        name = t.t(labels.MEASURE_LABEL[measure])
        columns += [
            f"{name}: {t.t('report.col.median')}",
            f"{name}: {t.t('report.col.p90')}",
            f"{name}: {t.t('report.col.share')}",
        ]
    sheet.append(_header(sheet, columns))
    for code, figures in report.by_province.items():
        line: list[object] = [provinces.name_of(code, t.lang)]
        line += [figures.counts[c] for c in Count]
        for measure in Measure:
            stage = figures.stages[measure]
            share = stage.within_share
            line += [stage.median, stage.p90, None if share is None else round(share, 4)]
        sheet.append(line)


def _cases_sheet(
    book: Workbook, report: Report, case_list: Sequence[ReportCase], t: Translator
) -> None:
    cases = book.create_sheet(_sheet_title(t.t("report.sheet.cases")))
    columns = [
        t.t("report.col.tracking_no"),
        t.t("report.col.receipt_no"),
        t.t("report.col.province"),
        t.t("report.col.foundation"),
        t.t("report.col.volunteer"),
    ]
    if report.with_passports:
        columns.append(t.t("report.col.passport_no"))
    columns += [
        t.t("report.col.status"),
        t.t("report.col.submitted"),
        t.t("report.col.closed"),
        *(t.t(labels.MEASURE_LABEL[m]) for m in Measure),
        t.t("report.col.correction_rounds"),
    ]
    cases.append(_header(cases, columns))
    status_names = {s: t.t(label) for s, label in STATUS_LABEL.items()}
    province_names: dict[str, str] = {}
    for case in case_list:
        province = province_names.get(case.province)
        if province is None:
            province = province_names[case.province] = provinces.name_of(case.province, t.lang)
        times = case.times
        row: list[object] = [
            case.tracking_no,
            case.receipt_no,
            province,
            case.foundation.get(t.lang) or case.foundation.get("th") or "",
            case.volunteer_name,
        ]
        if report.with_passports:
            row.append(case.passport_no)
        row += [
            status_names[case.status],
            times.submitted,
            times.closed,
            times.preliminary.days if times.preliminary else None,
            times.correction_days(),
            times.consideration.days if times.consideration else None,
            times.issuance.days if times.issuance else None,
            times.end_to_end.days if times.end_to_end else None,
            len(times.corrections),
        ]
        cases.append(row)
