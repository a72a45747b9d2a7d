"""Translations: gettext ``.po`` catalogs with symbolic ids, compiled in memory at start-up.

``locales/<lang>/LC_MESSAGES/messages.po`` holds ids such as ``status.awaiting_check``; there are
no committed ``.mo`` files to go stale. ``load_catalogs`` reads and checks every catalog and
refuses to start on any problem (syntax, fuzzy or empty entries, ids present in one language only,
placeholders that differ between languages), naming the file.

    catalogs = load_catalogs(settings.locales_dir, tz=settings.tz)
    tr = catalogs.for_language(choose_language(saved, user.language_code, "th"))
    tr.t("error.wrong_status", status=STATUS_LABEL[case.status])

Message templates use ``str.format`` placeholders (``{name}``). Parameters are shown as follows:

- a ``MsgId`` (what ``N_`` returns) is translated first;
- a ``datetime`` (aware) is shown in the reader's language and zone; ``{when:date}``,
  ``{when:short}``, ``{when:weekday}``, ``{when:weekday_time}`` and ``{when:time}`` pick a form;
- a ``date`` likewise, with ``{day:short}`` and ``{day:weekday}``;
- a per-language text ``{"th": "...", "en": "..."}`` (a foundation's names) shows the reader's
  language, or another one when that is empty;
- ``None`` shows as nothing; anything else as ``format`` would.

Templates and parameters are not HTML-escaped here: a caller that sends with HTML parse mode
escapes the person-supplied values (names, comments) it passes in.

Notifications queued in the database keep their parameters as JSON (``encode_params`` /
``decode_params``) so that they render later, in the recipient's language.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any, Final, TypeVar

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.support import Translations

from bot import dates
from bot.config import SUPPORTED_LANGUAGES, Language
from bot.i18n_marker import N_, MsgId

__all__ = [
    "N_",
    "SUPPORTED_LANGUAGES",
    "CatalogError",
    "Catalogs",
    "Language",
    "MsgId",
    "Translator",
    "catalog_files",
    "catalog_path",
    "choose_language",
    "decode_params",
    "encode_params",
    "load_catalogs",
    "placeholders",
]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

DOMAIN: Final = "messages"


class CatalogError(Exception):
    """A catalog that cannot be used; the message names the file (and line when known)."""


def catalog_path(locales_dir: Path, lang: str) -> Path:
    """The main catalog of a language (general messages)."""
    return locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalog_files(locales_dir: Path, lang: str) -> list[Path]:
    """Every ``.po`` file of a language: ``messages.po`` plus one per feature (``officer.po``...).

    Features keep their messages in their own file so that work on two features never edits
    the same catalog; the files are merged at load time and an id may live in one file only.
    """
    return sorted(catalog_path(locales_dir, lang).parent.glob("*.po"))


def placeholders(template: str) -> frozenset[str]:
    """The ``{names}`` a template uses (``{when:short}`` counts as ``when``).

    Raises ``ValueError`` on a malformed template such as a lone ``{``.
    """
    names: set[str] = set()
    for _literal, field_name, spec, _conversion in string.Formatter().parse(template):
        if field_name is None:
            continue
        if field_name == "" or field_name.isdigit():
            raise ValueError("positional placeholders ({} or {0}) are not allowed; name them")
        names.add(re.split(r"[.\[]", field_name, maxsplit=1)[0])
        if spec:
            names |= placeholders(spec)
    return frozenset(names)


# --- Reading and checking a .po file ---------------------------------------------------------

_KEYWORD_RE = re.compile(r"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(.*)$")
_QUOTED_RE = re.compile(r'^"(?:[^"\\]|\\[\\"nt])*"$')


def _lint_po_text(text: str, where: str) -> None:
    """Catch what Babel's reader lets through: unterminated strings, bad escapes, duplicates."""
    seen: dict[tuple[str | None, str], int] = {}
    keyword: str | None = None
    parts: list[str] = []
    context: str | None = None
    msgid_line = 0

    def finish() -> None:
        nonlocal context
        if keyword == "msgctxt":
            context = "".join(parts)
        elif keyword == "msgid":
            key = (context, "".join(parts))
            context = None
            if key in seen:
                raise CatalogError(
                    f"{where}:{msgid_line}: duplicate msgid {key[1]!r} (first on line {seen[key]})"
                )
            seen[key] = msgid_line

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _KEYWORD_RE.match(line)
        quoted = match.group(2) if match else line
        if not _QUOTED_RE.match(quoted):
            if match or line.startswith('"'):
                raise CatalogError(
                    f"{where}:{number}: malformed string {quoted!r} "
                    '(unterminated, unescaped " or unknown \\ escape)'
                )
            raise CatalogError(f"{where}:{number}: not a keyword or quoted string: {line!r}")
        if match:
            finish()
            keyword, parts = match.group(1), []
            msgid_line = number if keyword == "msgid" else msgid_line
        elif keyword is None:
            raise CatalogError(f"{where}:{number}: string {line!r} follows no keyword")
        parts.append(quoted[1:-1])
    finish()


def _read_catalog(path: Path, lang: str) -> Catalog:
    where = str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CatalogError(f"{where}: cannot read catalog: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CatalogError(f"{where}: not valid UTF-8 (byte {error.start})") from None
    _lint_po_text(text, where)
    try:
        catalog = read_po(BytesIO(data), locale=lang, domain=DOMAIN, abort_invalid=True)
    except (PoFileError, ValueError) as error:
        raise CatalogError(f"{where}: cannot parse catalog: {error}") from None

    problems: list[str] = []
    header_language = dict(catalog.mime_headers).get("Language")
    if header_language != lang:
        problems.append(f'header "Language: {header_language}" does not match folder {lang!r}')
    if catalog.charset.lower() != "utf-8":
        problems.append(f"charset is {catalog.charset!r}, expected UTF-8")
    if catalog.fuzzy:
        problems.append("the header is marked fuzzy; review it and remove the fuzzy flag")
    for message in catalog:
        if not message.id:
            continue  # the header entry
        label = f"msgid {message.id!r}"
        if message.pluralizable:
            problems.append(
                f"{label}: plural entries are not supported; write 'Label: {{count}}' instead"
            )
            continue
        if message.fuzzy:
            problems.append(f"{label} is fuzzy: review the translation and remove '#, fuzzy'")
        if not isinstance(message.string, str) or not message.string.strip():
            problems.append(f"{label} has no translation")
            continue
        try:
            placeholders(message.string)
        except ValueError as error:
            problems.append(f"{label}: bad placeholder syntax: {error}")
    if problems:
        raise CatalogError(f"{where}: " + "; ".join(problems))
    return catalog


def _merge(into: Catalog, into_path: Path, extra: Catalog, extra_path: Path) -> None:
    for message in extra:
        if not message.id:
            continue
        if message.id in into:
            raise CatalogError(
                f"{extra_path}: msgid {message.id!r} is already defined in {into_path.parent}"
            )
        into[message.id] = message


def _compile(catalog: Catalog) -> Translations:
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


# --- Catalogs and translators ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Entry:
    path: Path
    catalog: Catalog
    translations: Translations
    ids: frozenset[str]


@dataclass(slots=True)
class Catalogs:
    """Every language's compiled catalog; ``for_language`` hands out the translator."""

    _entries: dict[Language, _Entry]
    tz: _dt.tzinfo = dates.BANGKOK
    _translators: dict[Language, Translator] = field(default_factory=dict)
    _warned: set[tuple[str, str]] = field(default_factory=set)

    @property
    def languages(self) -> tuple[Language, ...]:
        return tuple(self._entries)

    def for_language(self, lang: str) -> Translator:
        """The translator for ``lang`` ("th"/"en"); ``ValueError`` for a language we lack."""
        for key, entry in self._entries.items():
            if key == lang:
                translator = self._translators.get(key)
                if translator is None:
                    translator = Translator(key, entry.translations, self)
                    self._translators[key] = translator
                return translator
        raise ValueError(f"no catalog for language {lang!r}; have {self.languages}")

    def message_ids(self, lang: str) -> frozenset[str]:
        return self.for_language(lang).ids

    def messages(self, lang: str) -> dict[str, str]:
        """``{id: template}`` as loaded, for checks and tests."""
        entry = self._entries[self.for_language(lang).lang]
        return {str(m.id): str(m.string) for m in entry.catalog if m.id}

    def path(self, lang: str) -> Path:
        return self._entries[self.for_language(lang).lang].path

    def _warn_missing(self, lang: str, msg_id: str) -> None:
        if (lang, msg_id) not in self._warned:
            self._warned.add((lang, msg_id))
            logger.warning("message id %r is missing from the %s catalog", msg_id, lang)


def load_catalogs(
    locales_dir: Path,
    *,
    languages: tuple[Language, ...] = SUPPORTED_LANGUAGES,
    tz: _dt.tzinfo = dates.BANGKOK,
) -> Catalogs:
    """Read, check and compile ``<locales_dir>/<lang>/LC_MESSAGES/messages.po`` for each language.

    Raises ``CatalogError`` naming the file on any problem; nothing falls back silently.
    """
    entries: dict[Language, _Entry] = {}
    for lang in languages:
        path = catalog_path(locales_dir, lang)
        catalog = _read_catalog(path, lang)
        for extra in catalog_files(locales_dir, lang):
            if extra != path:
                _merge(catalog, path, _read_catalog(extra, lang), extra)
        ids = frozenset(str(m.id) for m in catalog if m.id)
        entries[lang] = _Entry(path, catalog, _compile(catalog), ids)

    # Every language must carry the same ids with the same placeholders.
    all_ids = frozenset().union(*(e.ids for e in entries.values()))
    for entry in entries.values():
        missing = sorted(all_ids - entry.ids)
        if missing:
            raise CatalogError(f"{entry.path}: missing ids present in other languages: {missing}")
    if len(entries) > 1:
        first_lang, first = next(iter(entries.items()))
        for entry in list(entries.values())[1:]:
            for msg_id in sorted(all_ids):
                ours = placeholders(str(entry.catalog[msg_id].string))
                theirs = placeholders(str(first.catalog[msg_id].string))
                if ours != theirs:
                    raise CatalogError(
                        f"{entry.path}: msgid {msg_id!r} uses placeholders {sorted(ours)} but "
                        f"the {first_lang} catalog uses {sorted(theirs)}"
                    )
    return Catalogs(entries, tz)


def _is_per_language(value: object) -> bool:
    """A text the caller gives in several languages: ``{"th": "...", "en": "..."}``."""
    return (
        isinstance(value, Mapping)
        and bool(value)
        and all(key in SUPPORTED_LANGUAGES and isinstance(v, str) for key, v in value.items())
    )


def _pick_language(value: Mapping[str, str], lang: str) -> str:
    """The reader's language; if that text is empty (say, no English name), another one."""
    if value.get(lang):
        return value[lang]
    return next((text for text in value.values() if text), "")


class _Missing:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class _Formatter(string.Formatter):
    def __init__(self, translator: Translator, msg_id: str) -> None:
        self._translator = translator
        self._msg_id = msg_id

    def get_value(self, key: int | str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        if isinstance(key, int) or key not in kwargs:
            logger.warning("message %r: no value for placeholder {%s}", self._msg_id, key)
            return _Missing(str(key))
        return kwargs[key]

    def format_field(self, value: Any, format_spec: str) -> str:
        tr = self._translator
        if isinstance(value, _Missing):
            return "{" + value.name + "}"
        if value is None:
            return ""
        if isinstance(value, MsgId):
            return format(tr.t(value), format_spec)
        if _is_per_language(value):
            return format(_pick_language(value, tr.lang), format_spec)
        if isinstance(value, _dt.datetime):
            forms = {
                "": tr.datetime,
                "date": tr.date,
                "short": tr.date_short,
                "weekday": tr.date_weekday,
                "weekday_time": tr.datetime_weekday,
                "time": tr.time,
            }
            if format_spec not in forms:
                raise ValueError(f"unknown datetime form {format_spec!r}; use one of {list(forms)}")
            return forms[format_spec](value)
        if isinstance(value, _dt.date):
            day_forms = {"": tr.date, "short": tr.date_short, "weekday": tr.date_weekday}
            if format_spec not in day_forms:
                raise ValueError(f"unknown date form {format_spec!r}; use one of {list(day_forms)}")
            return day_forms[format_spec](value)
        return str(super().format_field(value, format_spec))


class Translator:
    """One language's messages, dates and times. Get it from ``Catalogs.for_language``."""

    __slots__ = ("_catalogs", "_translations", "ids", "lang")

    def __init__(self, lang: Language, translations: Translations, catalogs: Catalogs) -> None:
        self.lang: Language = lang
        self._translations = translations
        self._catalogs = catalogs
        self.ids: frozenset[str] = catalogs._entries[lang].ids

    @property
    def tz(self) -> _dt.tzinfo:
        return self._catalogs.tz

    def has(self, msg_id: str) -> bool:
        return msg_id in self.ids

    def t(self, msg_id: str, /, **params: object) -> str:
        """The message in this language, its ``{placeholders}`` filled from ``params``.

        A missing id comes back as the id itself (and is logged once), never as empty text.
        """
        if msg_id not in self.ids:
            self._catalogs._warn_missing(self.lang, msg_id)
            return str(msg_id)
        template = self._translations.gettext(msg_id)
        try:
            return _Formatter(self, msg_id).vformat(template, (), params)
        except (AttributeError, IndexError, KeyError, TypeError, ValueError) as error:
            logger.warning("message %r could not be formatted: %r", msg_id, error)
            return template

    def __call__(self, msg_id: str, /, **params: object) -> str:
        return self.t(msg_id, **params)

    def pick(self, th: _T, en: _T) -> _T:
        """Of data kept in both languages (an office's name, its signer's title), this one's."""
        return th if self.lang == "th" else en

    # Dates and times, in this language and the catalogs' zone.
    def date(self, day: _dt.date) -> str:
        return dates.format_date(day, self.lang, self.tz)

    def date_short(self, day: _dt.date) -> str:
        return dates.format_date_short(day, self.lang, self.tz)

    def date_weekday(self, day: _dt.date) -> str:
        return dates.format_date_weekday(day, self.lang, self.tz)

    def time(self, moment: _dt.datetime) -> str:
        return dates.format_time(moment, self.lang, self.tz)

    def datetime(self, moment: _dt.datetime) -> str:
        return dates.format_datetime(moment, self.lang, self.tz)

    def datetime_weekday(self, moment: _dt.datetime) -> str:
        return dates.format_datetime_weekday(moment, self.lang, self.tz)

    def __repr__(self) -> str:
        return f"Translator({self.lang!r})"


# --- Choosing the language -------------------------------------------------------------------


def _supported(code: str | None) -> Language | None:
    if not code:
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    for lang in SUPPORTED_LANGUAGES:
        if base == lang:
            return lang
    return None


def choose_language(saved: str | None, telegram_code: str | None, default: str) -> Language:
    """The person's saved choice, else Telegram's ``language_code`` if we have it, else default.

    ``telegram_code`` may be "th", "th-TH", "en-US", "EN"...; an unsupported saved value (say a
    language dropped since) is skipped rather than trusted.
    """
    chosen = _supported(saved) or _supported(telegram_code) or _supported(default)
    if chosen is None:
        raise ValueError(f"default language {default!r} is not one of {SUPPORTED_LANGUAGES}")
    return chosen


# --- Parameters that wait in the database ----------------------------------------------------

_MSG: Final = "$msg"
_DATE: Final = "$date"
_DATETIME: Final = "$datetime"
_LANG: Final = "$lang"


def _encode_value(name: str, value: object) -> object:
    if isinstance(value, MsgId):
        return {_MSG: str(value)}
    if isinstance(value, _dt.datetime):
        # Refuse now rather than render a wrong time when the message is finally sent.
        dates.to_local(value, _dt.UTC)
        return {_DATETIME: value.isoformat()}
    if isinstance(value, _dt.date):
        return {_DATE: value.isoformat()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if _is_per_language(value):
        assert isinstance(value, Mapping)
        return {_LANG: dict(value)}
    raise TypeError(
        f"message parameter {name!r} has type {type(value).__name__}; use str, int, float, "
        'bool, None, MsgId, date, aware datetime or a per-language {"th": ..., "en": ...}'
    )


def encode_params(params: Mapping[str, object]) -> str:
    """JSON text for ``params`` that ``decode_params`` turns back into equal values.

    ``MsgId`` becomes ``{"$msg": id}``, dates ``{"$date": iso}``, datetimes
    ``{"$datetime": iso}``, per-language texts ``{"$lang": {"th": ..., "en": ...}}`` (decoded
    back to a plain dict); plain strings stay strings, so nothing is ambiguous.
    """
    encoded: dict[str, object] = {}
    for name, value in params.items():
        if not isinstance(name, str):
            raise TypeError(f"message parameter names must be str, not {type(name).__name__}")
        encoded[name] = _encode_value(name, value)
    return json.dumps(encoded, ensure_ascii=False, sort_keys=True, allow_nan=False)


def _decode_value(name: str, value: object) -> object:
    if isinstance(value, dict):
        if len(value) != 1:
            raise ValueError(f"parameter {name!r}: unexpected object {value!r}")
        ((tag, raw),) = value.items()
        if tag == _LANG:
            if not _is_per_language(raw):
                raise ValueError(f"parameter {name!r}: {tag} needs {{language: text}}, got {raw!r}")
            assert isinstance(raw, dict)
            return dict(raw)
        if not isinstance(raw, str):
            raise ValueError(f"parameter {name!r}: {tag} needs a string, got {raw!r}")
        if tag == _MSG:
            return MsgId(raw)
        if tag == _DATE:
            return _dt.date.fromisoformat(raw)
        if tag == _DATETIME:
            moment = _dt.datetime.fromisoformat(raw)
            dates.to_local(moment, _dt.UTC)
            return moment
        raise ValueError(f"parameter {name!r}: unknown tag {tag!r}")
    if isinstance(value, list):
        raise ValueError(f"parameter {name!r}: lists are not message parameters")
    return value


def decode_params(text: str) -> dict[str, object]:
    """The parameters ``encode_params`` stored; ``ValueError`` on anything else."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError(f"message parameters must be a JSON object, not {type(data).__name__}")
    return {str(name): _decode_value(str(name), value) for name, value in data.items()}
