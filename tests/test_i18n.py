"""Catalogs, translation, language choice, and dates as Thai and English readers see them."""

from __future__ import annotations

import ast
import datetime as dt
import logging
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot import dates
from bot.i18n import (
    SUPPORTED_LANGUAGES,
    CatalogError,
    Catalogs,
    MsgId,
    catalog_files,
    catalog_path,
    choose_language,
    decode_params,
    encode_params,
    load_catalogs,
    placeholders,
)
from bot.i18n_marker import N_
from bot.workflow import (
    ACTION_LABEL,
    BUCKET_LABEL,
    STATUS_LABEL,
    Action,
    Actor,
    Bucket,
    CaseFacts,
    CaseRef,
    Role,
    Status,
    WorkflowError,
    check,
)

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
CODE_DIRS = ("bot", "handlers", "storage")
KEYWORDS: dict[str, None] = {"_": None, "N_": None, "t": None, "gettext": None}
UTC = dt.UTC


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return load_catalogs(LOCALES)


# --- What the code uses ----------------------------------------------------------------------


@dataclass(frozen=True)
class Use:
    msg_id: str
    where: str
    # Parameter names passed at this call site; None when unknown (a bare marker, or **params).
    params: frozenset[str] | None


def _babel_ids() -> dict[str, str]:
    found: dict[str, str] = {}
    for directory in CODE_DIRS:
        path = ROOT / directory
        if not path.is_dir():
            continue
        for filename, lineno, message, _comments, _context in extract_from_dir(
            path, keywords=KEYWORDS, comment_tags=()
        ):
            msg_id = message if isinstance(message, str) else message[0]
            if msg_id:
                found.setdefault(msg_id, f"{directory}/{filename}:{lineno}")
    return found


def _callee(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _literal_id(node: ast.expr) -> str | None:
    """The id of ``t("id")`` / ``N_("id")`` / ``_("id")``; None for anything else."""
    if (
        isinstance(node, ast.Call)
        and _callee(node) in KEYWORDS
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        return node.args[0].value
    return None


def _kwargs(node: ast.Call) -> frozenset[str] | None:
    if any(k.arg is None for k in node.keywords):
        return None  # **params: cannot tell statically
    return frozenset(k.arg for k in node.keywords if k.arg is not None)


def _ast_uses() -> Iterator[Use]:
    """Calls named t/_/N_/gettext with a literal first argument, and what they are passed.

    ``translator.t("id", count=3)`` passes ``count``. A marked id handed straight to a class,
    as in ``PreconditionFailed(N_("error.x"), count=n)``, is passed that class's keywords.
    """
    for directory in CODE_DIRS:
        for path in sorted((ROOT / directory).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            where_file = path.relative_to(ROOT).as_posix()
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                where = f"{where_file}:{node.lineno}"
                own = _literal_id(node)
                if own is not None:
                    direct = _callee(node) in ("t", "_", "gettext")
                    yield Use(own, where, _kwargs(node) if direct else None)
                callee = _callee(node)
                if node.args and callee and callee[:1].isupper():
                    wrapped = _literal_id(node.args[0])
                    if wrapped is not None:
                        yield Use(wrapped, where, _kwargs(node))


def _used_ids() -> dict[str, str]:
    ids = _babel_ids()
    for use in _ast_uses():
        ids.setdefault(use.msg_id, use.where)
    return ids


def test_babel_extracts_method_calls_named_t(tmp_path: Path) -> None:
    """The completeness test relies on Babel seeing ``translator.t("id")`` as keyword ``t``."""
    (tmp_path / "sample.py").write_text(
        'def f(translator):\n    return translator.t(\n        "x.method", count=1\n    )\n'
        'N_("x.marker")\n',
        encoding="utf-8",
    )
    found = {m for _f, _l, m, _c, _x in extract_from_dir(tmp_path, keywords=KEYWORDS)}
    assert found == {"x.method", "x.marker"}


def test_ast_scan_agrees_with_babel() -> None:
    babel_ids = set(_babel_ids())
    ast_ids = {use.msg_id for use in _ast_uses()}
    assert ast_ids - babel_ids == set(), "ids Babel's extractor missed"


def test_code_finds_the_workflow_ids() -> None:
    used = _used_ids()
    assert "status.awaiting_check" in used
    assert "action.documents_complete" in used
    assert "error.missing_required_documents" in used


# --- Catalog content -------------------------------------------------------------------------


def test_every_id_the_code_uses_is_translated_in_both_languages(catalogs: Catalogs) -> None:
    used = _used_ids()
    missing = {
        lang: sorted(
            f"{msg_id} ({where})"
            for msg_id, where in used.items()
            if not catalogs.messages(lang).get(msg_id, "").strip()
        )
        for lang in SUPPORTED_LANGUAGES
    }
    assert missing == {lang: [] for lang in SUPPORTED_LANGUAGES}


def test_every_label_of_the_workflow_is_translated(catalogs: Catalogs) -> None:
    # ACTION_LABEL is built with an f-string, which extraction cannot see; check the values too.
    labels = [*STATUS_LABEL.values(), *BUCKET_LABEL.values(), *ACTION_LABEL.values()]
    assert len(STATUS_LABEL) == len(Status)
    assert len(BUCKET_LABEL) == len(Bucket)
    assert len(ACTION_LABEL) == len(Action)
    for lang in SUPPORTED_LANGUAGES:
        assert [m for m in labels if m not in catalogs.message_ids(lang)] == []


def test_placeholders_match_between_languages(catalogs: Catalogs) -> None:
    th, en = catalogs.messages("th"), catalogs.messages("en")
    assert th.keys() == en.keys()
    mismatched = {
        msg_id: (sorted(placeholders(th[msg_id])), sorted(placeholders(en[msg_id])))
        for msg_id in th
        if placeholders(th[msg_id]) != placeholders(en[msg_id])
    }
    assert mismatched == {}


def test_call_sites_pass_every_placeholder(catalogs: Catalogs) -> None:
    """``{status}`` and ``{count}`` are filled exactly as the code passes them."""
    th = catalogs.messages("th")
    problems = [
        f"{use.where}: {use.msg_id} needs {sorted(placeholders(th[use.msg_id]) - use.params)}"
        for use in _ast_uses()
        if use.params is not None
        and use.msg_id in th
        and not placeholders(th[use.msg_id]) <= use.params
    ]
    assert problems == []


def test_workflow_errors_use_the_expected_placeholders(catalogs: Catalogs) -> None:
    en = catalogs.messages("en")
    assert placeholders(en["error.wrong_status"]) == {"status"}
    assert placeholders(en["error.case_closed"]) == {"status"}
    assert placeholders(en["error.missing_required_documents"]) == {"count"}
    assert placeholders(en["error.not_allowed"]) == frozenset()


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_catalog_file_has_no_fuzzy_entries_and_proper_header(lang: str) -> None:
    for path in catalog_files(LOCALES, lang):
        catalog = read_po(BytesIO(path.read_bytes()), abort_invalid=True)
        assert not catalog.fuzzy
        assert [m.id for m in catalog if m.id and m.fuzzy] == []
        headers = dict(catalog.mime_headers)
        assert headers["Language"] == lang
        assert "charset=utf-8" in headers["Content-Type"].lower()
        assert headers["Plural-Forms"].startswith("nplurals=")
        assert not list(path.parent.glob("*.mo")), "catalogs are compiled in memory, not kept"


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_every_entry_explains_itself_to_translators(lang: str) -> None:
    for path in catalog_files(LOCALES, lang):
        catalog = read_po(BytesIO(path.read_bytes()))
        assert [m.id for m in catalog if m.id and not m.auto_comments] == [], path


def test_feature_catalogs_merge_and_refuse_duplicate_ids(tmp_path: Path) -> None:
    for lang in SUPPORTED_LANGUAGES:
        _write(tmp_path, lang, _GOOD[lang])
        extra = catalog_path(tmp_path, lang).with_name("feature.po")
        extra.write_text(_header(lang) + 'msgid "feature.x"\nmsgstr "X"\n', encoding="utf-8")
    loaded = load_catalogs(tmp_path)
    assert loaded.for_language("en").t("feature.x") == "X"
    assert loaded.for_language("th").has("test.when")
    extra = catalog_path(tmp_path, "th").with_name("other.po")
    extra.write_text(_header("th") + 'msgid "feature.x"\nmsgstr "Y"\n', encoding="utf-8")
    with pytest.raises(CatalogError, match="already defined"):
        load_catalogs(tmp_path)


def test_messages_are_plain_text_safe_for_telegram_html(catalogs: Catalogs) -> None:
    unsafe = {
        (lang, msg_id)
        for lang in SUPPORTED_LANGUAGES
        for msg_id, text in catalogs.messages(lang).items()
        if re.search(r"[<>&]", text) or re.search(r"(\*\*|__|`)", text)
    }
    assert unsafe == set()


def test_thai_labels_are_the_ones_officers_know(catalogs: Catalogs) -> None:
    th = catalogs.for_language("th")
    expected = {
        "status.awaiting_check": "รอตรวจสอบเบื้องต้น",
        "status.awaiting_correction": "รอแก้ไขเพื่อตรวจสอบเบื้องต้น",
        "status.awaiting_recheck": "รอตรวจสอบเบื้องต้นหลังการแก้ไข",
        "status.completed": "เสร็จสิ้น",
        "status.returned": "คืนเรื่อง",
        "bucket.waiting_for_officer": "รอเจ้าหน้าที่ดำเนินการ",
        "bucket.waiting_for_applicant": "รอผู้ยื่นดำเนินการ",
        "bucket.completed": "ดำเนินการเสร็จสิ้น",
        "action.request_correction": "ให้ผู้ยื่นดำเนินการเพิ่มเติม",
        "action.return_not_eligible": "คืนเรื่อง",
        "action.documents_complete": "แบบฟอร์มเอกสารครบถ้วน",
        "action.approve": "อนุญาต",
    }
    assert {k: th.t(k) for k in expected} == expected


def test_bot_wiring_ids_exist(catalogs: Catalogs) -> None:
    wiring = [
        "common.something_went_wrong",
        "common.cancelled",
        "common.nothing_to_cancel",
        "common.unknown_command",
        "common.stale_button",
        "common.conflict",
        "language.choose",
        "language.saved",
        "language.button_th",
        "language.button_en",
        "start.welcome_new",
        "start.welcome_member",
        "start.welcome_officer",
        "start.welcome_admin",
        "help.member",
        "help.officer",
        "help.admin",
        "help.new",
        "command.start",
        "command.help",
        "command.language",
        "command.cancel",
    ]
    for lang in SUPPORTED_LANGUAGES:
        assert [m for m in wiring if m not in catalogs.message_ids(lang)] == []
    th, en = catalogs.for_language("th"), catalogs.for_language("en")
    for msg_id in ("language.button_th", "language.button_en"):
        assert th.t(msg_id) == en.t(msg_id)
    assert th.t("language.button_th") == "ภาษาไทย"
    assert en.t("language.button_en") == "English"
    for role in ("member", "officer", "admin"):
        assert placeholders(catalogs.messages("en")[f"start.welcome_{role}"]) == {"name"}
        assert "Somchai" in en.t(f"start.welcome_{role}", name="Somchai")
        assert "สมชาย" in th.t(f"start.welcome_{role}", name="สมชาย")
    for lang in SUPPORTED_LANGUAGES:
        tr = catalogs.for_language(lang)
        for command in ("start", "help", "language", "cancel"):
            assert f"/{command}" in tr.t("help.new")
            text = tr.t(f"command.{command}")
            assert 1 <= len(text) <= 256 and "\n" not in text


def test_unused_catalog_ids_are_listed_not_failed(catalogs: Catalogs) -> None:
    unused = sorted(catalogs.message_ids("en") - set(_used_ids()))
    if unused:
        warnings.warn(
            f"{len(unused)} catalog ids are not used by code yet: {', '.join(unused)}",
            stacklevel=1,
        )


# --- Translating -----------------------------------------------------------------------------


def test_translates_each_language(catalogs: Catalogs) -> None:
    assert catalogs.for_language("th").t("status.awaiting_check") == "รอตรวจสอบเบื้องต้น"
    assert catalogs.for_language("en").t("status.awaiting_check") == "Awaiting preliminary check"
    assert catalogs.for_language("th").lang == "th"
    assert catalogs.for_language("en") is catalogs.for_language("en")


def test_unknown_language_is_refused(catalogs: Catalogs) -> None:
    with pytest.raises(ValueError, match="fr"):
        catalogs.for_language("fr")


def test_msgid_params_are_translated_first(catalogs: Catalogs) -> None:
    label = STATUS_LABEL[Status.AWAITING_CHECK]
    assert isinstance(label, MsgId)
    th = catalogs.for_language("th").t("error.wrong_status", status=label)
    en = catalogs.for_language("en").t("error.wrong_status", status=label)
    assert "รอตรวจสอบเบื้องต้น" in th and "status." not in th
    assert "Awaiting preliminary check" in en and "status." not in en
    # A plain string is the person's own text: shown as given, never looked up.
    plain = catalogs.for_language("en").t("error.wrong_status", status="status.completed")
    assert "status.completed" in plain


def test_workflow_error_renders_in_the_readers_language(catalogs: Catalogs) -> None:
    member = Actor(user_id=1, role=Role.MEMBER, foundation_id=7)
    closed = CaseRef(status=Status.RETURNED, foundation_id=7, province="Chiang Mai")
    with pytest.raises(WorkflowError) as caught:
        check(Action.SUBMIT, member, closed)
    th = catalogs.for_language("th").t(caught.value.msg_id, **caught.value.params)
    assert "คืนเรื่อง" in th

    draft = CaseRef(status=Status.DRAFT, foundation_id=7, province="Chiang Mai")
    with pytest.raises(WorkflowError) as caught:
        check(Action.SUBMIT, member, draft, CaseFacts(missing_required=3))
    en = catalogs.for_language("en").t(caught.value.msg_id, **caught.value.params)
    assert "3" in en and "{" not in en


def test_missing_id_is_visible_and_logged_once(
    catalogs: Catalogs, caplog: pytest.LogCaptureFixture
) -> None:
    tr = catalogs.for_language("en")
    with caplog.at_level(logging.WARNING, logger="bot.i18n"):
        assert tr.t("no.such.id.for.this.test") == "no.such.id.for.this.test"
        assert tr.t("no.such.id.for.this.test") == "no.such.id.for.this.test"
    assert sum("no.such.id.for.this.test" in r.getMessage() for r in caplog.records) == 1


def test_missing_param_is_visible(catalogs: Catalogs, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.i18n"):
        text = catalogs.for_language("en").t("start.welcome_member")
    assert "{name}" in text
    assert any("name" in r.getMessage() for r in caplog.records)


# --- Choosing the language -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("saved", "telegram_code", "default", "expected"),
    [
        (None, None, "th", "th"),
        (None, None, "en", "en"),
        (None, "en", "th", "en"),
        (None, "en-US", "th", "en"),
        (None, "EN", "th", "en"),
        (None, "en_GB", "th", "en"),
        (None, "th", "en", "th"),
        (None, "th-TH", "en", "th"),
        (None, "fr", "th", "th"),
        (None, "zh-hans", "en", "en"),
        (None, "", "en", "en"),
        ("th", "en-US", "en", "th"),
        ("en", "th", "th", "en"),
        ("fr", "en", "th", "en"),  # a saved value we no longer support is skipped
        ("", "th", "en", "th"),
    ],
)
def test_choose_language(
    saved: str | None, telegram_code: str | None, default: str, expected: str
) -> None:
    assert choose_language(saved, telegram_code, default) == expected


def test_choose_language_refuses_an_unsupported_default() -> None:
    with pytest.raises(ValueError, match="fr"):
        choose_language(None, "de", "fr")


# --- Dates -----------------------------------------------------------------------------------

DAY = dt.date(2026, 11, 26)  # a Thursday


def test_thai_dates_use_the_buddhist_era_and_cldr_month_names() -> None:
    assert dates.format_date(DAY, "th") == "26 พฤศจิกายน 2569"
    assert dates.format_date_short(DAY, "th") == "26 พ.ย. 2569"
    assert dates.format_date(dt.date(2027, 1, 5), "th") == "5 มกราคม 2570"


def test_english_dates_are_gregorian() -> None:
    assert dates.format_date(DAY, "en") == "26 November 2026"
    assert dates.format_date_short(DAY, "en") == "26 Nov 2026"


def test_datetimes_are_shown_in_bangkok() -> None:
    afternoon = dt.datetime(2026, 11, 26, 8, 30, tzinfo=UTC)
    assert dates.format_datetime(afternoon, "th") == "26 พฤศจิกายน 2569 เวลา 15:30 น."
    assert dates.format_datetime(afternoon, "en") == "26 November 2026, 15:30"
    assert dates.format_time(afternoon, "th") == "15:30 น."
    assert dates.format_time(afternoon, "en") == "15:30"


def test_late_utc_evening_is_the_next_day_in_bangkok() -> None:
    evening = dt.datetime(2026, 11, 26, 20, 0, tzinfo=UTC)
    assert dates.format_datetime(evening, "th") == "27 พฤศจิกายน 2569 เวลา 03:00 น."
    assert dates.format_date(evening, "th") == "27 พฤศจิกายน 2569"
    assert dates.format_date_short(evening, "en") == "27 Nov 2026"
    # Across the new year the Buddhist year changes with the Bangkok date.
    new_year = dt.datetime(2026, 12, 31, 17, 0, tzinfo=UTC)
    assert dates.format_date(new_year, "th") == "1 มกราคม 2570"
    # Another zone when asked.
    assert dates.format_date(evening, "en", tz=ZoneInfo("UTC")) == "26 November 2026"


def test_weekday_form_for_appointments() -> None:
    assert dates.format_date_weekday(DAY, "th") == "วันพฤหัสบดีที่ 26 พฤศจิกายน 2569"
    assert dates.format_date_weekday(DAY, "en") == "Thursday, 26 November 2026"
    pickup = dt.datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    assert dates.format_datetime_weekday(pickup, "th") == "วันพฤหัสบดีที่ 26 พฤศจิกายน 2569 เวลา 10:00 น."
    assert dates.format_datetime_weekday(pickup, "en") == "Thursday, 26 November 2026, 10:00"


@pytest.mark.parametrize(
    "formatter",
    [
        dates.format_datetime,
        dates.format_datetime_weekday,
        dates.format_time,
        dates.format_date,
        dates.format_date_short,
        dates.format_date_weekday,
    ],
)
def test_naive_datetime_is_an_error(formatter: Callable[..., str]) -> None:
    naive = dt.datetime(2026, 11, 26, 15, 30)
    with pytest.raises(dates.NaiveDatetimeError, match="naive"):
        formatter(naive, "th")


def test_translator_formats_dates_in_its_language(catalogs: Catalogs) -> None:
    th, en = catalogs.for_language("th"), catalogs.for_language("en")
    moment = dt.datetime(2026, 11, 26, 20, 0, tzinfo=UTC)
    assert th.datetime(moment) == "27 พฤศจิกายน 2569 เวลา 03:00 น."
    assert en.datetime(moment) == "27 November 2026, 03:00"
    assert th.date(DAY) == "26 พฤศจิกายน 2569"
    assert th.date_short(DAY) == "26 พ.ย. 2569"
    assert en.date_weekday(DAY) == "Thursday, 26 November 2026"
    with pytest.raises(ValueError):
        th.datetime(dt.datetime(2026, 11, 26, 15, 30))


# --- A catalog of our own, for formatting and for broken files --------------------------------

_PLURALS = {"th": "nplurals=1; plural=0;", "en": "nplurals=2; plural=(n != 1);"}


def _header(lang: str) -> str:
    return (
        'msgid ""\nmsgstr ""\n'
        f'"Language: {lang}\\n"\n'
        '"MIME-Version: 1.0\\n"\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Content-Transfer-Encoding: 8bit\\n"\n'
        f'"Plural-Forms: {_PLURALS[lang]}\\n"\n\n'
    )


def _write(root: Path, lang: str, body: str, header: str | None = None) -> Path:
    path = catalog_path(root, lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text((header if header is not None else _header(lang)) + body, encoding="utf-8")
    return path


_GOOD = {
    "th": 'msgid "test.when"\nmsgstr "นัดหมาย {when} ({when:short}) สถานะ {status}"\n',
    "en": 'msgid "test.when"\nmsgstr "Appointment {when} ({when:short}) status {status}"\n',
}


def test_date_params_render_in_the_readers_language(tmp_path: Path) -> None:
    for lang, body in _GOOD.items():
        _write(tmp_path, lang, body)
    own = load_catalogs(tmp_path)
    # Our catalog lacks status ids: the label then shows as its id, visibly.
    when = dt.datetime(2026, 11, 26, 20, 0, tzinfo=UTC)
    assert own.for_language("th").t("test.when", when=when, status="x") == (
        "นัดหมาย 27 พฤศจิกายน 2569 เวลา 03:00 น. (27 พ.ย. 2569) สถานะ x"
    )
    assert own.for_language("en").t("test.when", when=when, status="x") == (
        "Appointment 27 November 2026, 03:00 (27 Nov 2026) status x"
    )
    assert own.for_language("en").t("test.when", when=DAY, status="x") == (
        "Appointment 26 November 2026 (26 Nov 2026) status x"
    )


def test_params_round_trip_through_json_and_render_later(catalogs: Catalogs) -> None:
    params: dict[str, object] = {
        "status": N_("status.awaiting_correction"),
        "day": DAY,
        "when": dt.datetime(2026, 11, 26, 20, 0, tzinfo=UTC),
        "local": dt.datetime(2026, 11, 27, 3, 0, tzinfo=ZoneInfo("Asia/Bangkok")),
        "count": 3,
        "ratio": 1.5,
        "name": 'มูลนิธิ "ตัวอย่าง" {not a placeholder}',
        "plain": "status.completed",
        "flag": True,
        "nothing": None,
    }
    text = encode_params(params)
    assert '{"$msg": "status.awaiting_correction"}' in text
    assert '"$date": "2026-11-26"' in text and '"$datetime"' in text
    back = decode_params(text)
    assert back == params
    assert isinstance(back["status"], MsgId)
    assert not isinstance(back["plain"], MsgId)
    assert type(back["day"]) is dt.date
    assert isinstance(back["when"], dt.datetime)
    assert back["when"] == back["local"]
    rendered = catalogs.for_language("th").t("error.wrong_status", **back)
    assert "รอแก้ไขเพื่อตรวจสอบเบื้องต้น" in rendered


def test_params_that_cannot_wait_in_the_database_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        encode_params({"when": dt.datetime(2026, 11, 26, 15, 30)})
    with pytest.raises(TypeError, match="items"):
        encode_params({"items": {1, 2}})
    with pytest.raises(ValueError, match="unknown tag"):
        decode_params('{"x": {"$what": "y"}}')
    with pytest.raises(ValueError, match="JSON object"):
        decode_params("[1, 2]")


_BROKEN: dict[str, tuple[str, str]] = {
    "syntax": ('msgid "a.b"\nmsgstr "x"\nthis is not po\n', "not a keyword"),
    "unterminated": ('msgid "a.b"\nmsgstr "x\n', "malformed string"),
    "missing msgstr": ('msgid "a.b"\n\nmsgid "c.d"\nmsgstr "y"\n', "missing msgstr"),
    "fuzzy": ('#, fuzzy\nmsgid "a.b"\nmsgstr "x"\n', "fuzzy"),
    "empty": ('msgid "a.b"\nmsgstr ""\n', "no translation"),
    "duplicate": ('msgid "a.b"\nmsgstr "x"\n\nmsgid "a.b"\nmsgstr "y"\n', "duplicate"),
    "bad placeholder": ('msgid "a.b"\nmsgstr "x {oops"\n', "placeholder"),
    "positional": ('msgid "a.b"\nmsgstr "x {}"\n', "positional"),
    "plural": (
        'msgid "a.b"\nmsgid_plural "a.b"\nmsgstr[0] "x"\nmsgstr[1] "y"\n',
        "plural",
    ),
}


@pytest.mark.parametrize("case", sorted(_BROKEN))
def test_broken_catalog_is_refused_naming_the_file(tmp_path: Path, case: str) -> None:
    body, reason = _BROKEN[case]
    _write(tmp_path, "en", 'msgid "a.b"\nmsgstr "fine"\n')
    broken = _write(tmp_path, "th", body)
    with pytest.raises(CatalogError, match=reason) as caught:
        load_catalogs(tmp_path)
    assert str(broken) in str(caught.value)


def test_fuzzy_header_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "en", 'msgid "a.b"\nmsgstr "fine"\n')
    path = _write(tmp_path, "th", 'msgid "a.b"\nmsgstr "ดี"\n', "#, fuzzy\n" + _header("th"))
    with pytest.raises(CatalogError, match="fuzzy") as caught:
        load_catalogs(tmp_path)
    assert str(path) in str(caught.value)


def test_wrong_language_header_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "en", 'msgid "a.b"\nmsgstr "fine"\n')
    path = _write(tmp_path, "th", 'msgid "a.b"\nmsgstr "fine"\n', _header("en"))
    with pytest.raises(CatalogError, match="Language") as caught:
        load_catalogs(tmp_path)
    assert str(path) in str(caught.value)


def test_missing_catalog_file_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "en", 'msgid "a.b"\nmsgstr "fine"\n')
    with pytest.raises(CatalogError, match=re.escape(str(catalog_path(tmp_path, "th")))):
        load_catalogs(tmp_path)


def test_id_in_one_language_only_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "en", 'msgid "a.b"\nmsgstr "fine"\n\nmsgid "c.d"\nmsgstr "more"\n')
    th = _write(tmp_path, "th", 'msgid "a.b"\nmsgstr "ดี"\n')
    with pytest.raises(CatalogError, match=re.escape("c.d")) as caught:
        load_catalogs(tmp_path)
    assert str(th) in str(caught.value)


def test_placeholder_mismatch_between_languages_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "th", 'msgid "a.b"\nmsgstr "มี {count} รายการ"\n')
    en = _write(tmp_path, "en", 'msgid "a.b"\nmsgstr "{total} items"\n')
    with pytest.raises(CatalogError, match="placeholders") as caught:
        load_catalogs(tmp_path)
    assert str(en) in str(caught.value)


def test_placeholders_helper() -> None:
    assert placeholders("a {x} b {y:short} {x} {{literal}}") == {"x", "y"}
    with pytest.raises(ValueError):
        placeholders("a {")


def test_per_language_texts_round_trip_and_show_the_readers_language(catalogs: Catalogs) -> None:
    foundation = {"th": "มูลนิธิตัวอย่าง", "en": "Example Foundation"}
    text = encode_params({"foundation": foundation, "tracking_no": "C-1", "volunteer": "Anna"})
    assert '"$lang"' in text
    back = decode_params(text)
    assert back["foundation"] == foundation
    th = catalogs.for_language("th").t("notify.officer.new_case", **back)
    en = catalogs.for_language("en").t("notify.officer.new_case", **back)
    assert "มูลนิธิตัวอย่าง" in th and "Example Foundation" not in th
    assert "Example Foundation" in en
    # No English name: the Thai one rather than nothing.
    only_thai = {**back, "foundation": {"th": "มูลนิธิตัวอย่าง", "en": ""}}
    assert "มูลนิธิตัวอย่าง" in catalogs.for_language("en").t("notify.officer.new_case", **only_thai)
    with pytest.raises(TypeError):
        encode_params({"x": {"fr": "non"}})


def test_none_param_shows_as_nothing(catalogs: Catalogs) -> None:
    text = catalogs.for_language("en").t(
        "notify.member.withdrawn", tracking_no="C-1", volunteer="Anna", reason=None
    )
    assert "None" not in text and text.endswith("Reason: ")


def test_pickup_notification_shows_the_appointment_with_weekday(catalogs: Catalogs) -> None:
    when = dt.datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    params = decode_params(
        encode_params(
            {
                "tracking_no": "C-1",
                "volunteer": "Anna",
                "when": when,
                "place": "ห้อง 201",
                "note": "",
            }
        )
    )
    th = catalogs.for_language("th").t("notify.member.pickup_scheduled", **params)
    en = catalogs.for_language("en").t("notify.member.pickup_scheduled", **params)
    assert "วันพฤหัสบดีที่ 26 พฤศจิกายน 2569 เวลา 10:00 น." in th
    assert "Thursday, 26 November 2026, 10:00" in en
