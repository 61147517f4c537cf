"""Article metadata and the article record, validated with pydantic.

An article's id is a hash of its normalised text, so the same story saved twice
(or under another name) gets the same id and is stored once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sitrep.ingest.errors import ArticleError

_INVISIBLES = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u202a\u202b\u202c\u202d\u202e"))
_WS = re.compile(r"\s+")
WEB_SCHEMES = ("http", "https")
_URL_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")


def clean_name(text: str) -> str:
    """A title or outlet name as shown to readers: without invisible formatting
    characters (bidirectional overrides and isolates, zero-width spaces and joiners,
    soft hyphens: Unicode category Cf) that can reorder or hide what a reader sees,
    control characters and line breaks as spaces, runs of space collapsed."""
    out = []
    for ch in text:
        kind = unicodedata.category(ch)
        if kind == "Cf" or ch == "\x00":
            continue
        out.append(" " if kind in ("Cc", "Zl", "Zp") else ch)
    return _WS.sub(" ", "".join(out)).strip()


def is_web_url(url) -> bool:
    """Whether ``url`` is an absolute http(s) link with a host (the only kind sitrep
    turns into a link): ``javascript:``, ``data:``, ``file:`` and relative urls are not."""
    if not isinstance(url, str) or not url or _URL_CONTROLS.search(url) or url != url.strip():
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


def normalise_text(text: str) -> str:
    """Text as compared for identity: NFKC, no invisible marks, collapsed space, casefolded."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLES)
    return _WS.sub(" ", text).strip().casefold()


def article_id(text: str) -> str:
    """Stable 16-hex-digit id of an article body (sha256 of the normalised text)."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()[:16]


class ArticleMeta(BaseModel):
    """Metadata an article may carry (front matter, JSONL fields or a sidecar)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    title: str | None = None
    source: str | None = Field(default=None, description="outlet or agency")
    url: str | None = None
    published: dt.date | None = None
    language: str | None = None  # as given; None: detected from the text at ingest

    @field_validator("source", "title", "url", mode="before")
    @classmethod
    def _blank_is_none(cls, value):
        if value is None:
            return None
        if isinstance(value, (list, tuple, set, dict, bytes)):
            raise ValueError(f"must be text, not a {type(value).__name__}")
        value = clean_name(str(value))
        if value.lower() in {"", "unknown", "none", "null", "n/a"}:
            return None
        return value

    @field_validator("published", mode="before")
    @classmethod
    def _date_only(cls, value):
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, str) and len(value) > 10 and value[10] in "T ":
            value = value[:10]
        if isinstance(value, str) and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError as err:  # 2026-02-31: say so plainly
                raise ValueError(f"no such calendar date: {value.strip()} ({err})") from None
        return value

    @field_validator("language", mode="before")
    @classmethod
    def _language_code(cls, value):
        if value is None or str(value).strip() == "":
            return None
        code = str(value).strip().lower().replace("_", "-")
        if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})*", code):
            raise ValueError(f"not a language code (ISO 639, e.g. 'en'): {value!r}")
        return code


def validate_meta(raw: dict, path: str, line: int | None = None, *, warnings: list[str] | None = None,
                  where: dict[str, tuple[str, int | None]] | None = None) -> ArticleMeta:
    """An :class:`ArticleMeta` from a mapping, or an :class:`ArticleError` naming the field.

    ``where`` maps a field to the (file, line) it was read from, so an error names
    the line of the bad field. A ``url`` that is not an http(s) link is dropped, with
    a message added to ``warnings``.
    """
    if not isinstance(raw, dict):
        raise ArticleError(path, f"metadata must be a mapping, got {type(raw).__name__}", line)
    try:
        meta = ArticleMeta.model_validate(raw)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(x) for x in first["loc"]) or "metadata"
        value = _short(first.get("input"))
        message = first["msg"].removeprefix("Value error, ")
        at_path, at_line = (where or {}).get(field, (path, line))
        raise ArticleError(at_path, f"bad metadata field '{field}' ({value}): {message}", at_line) from None
    if meta.url is not None and not is_web_url(meta.url):
        if warnings is not None:
            at_path, at_line = (where or {}).get("url", (path, line))
            shown = f"{at_path}:{at_line}" if at_line is not None else at_path
            warnings.append(f"{shown}: url dropped, not an http(s) link: {_short(meta.url)}")
        meta = meta.model_copy(update={"url": None})
    return meta


def _short(value, limit: int = 80) -> str:
    """``repr(value)`` cut to ``limit`` characters (a bad field may be huge)."""
    if isinstance(value, (list, tuple, set, dict)):
        return f"a {type(value).__name__}"
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


class Article(BaseModel):
    """One article as read from disk, before extraction."""

    model_config = ConfigDict(frozen=True)

    id: str
    path: str
    line: int | None = None
    text: str
    meta: ArticleMeta
    file_sha256: str
    format: str
    warnings: tuple[str, ...] = ()

    @field_validator("text")
    @classmethod
    def _no_nul(cls, value: str) -> str:
        """NUL characters never reach the store (readers remove them and say so)."""
        return value.replace("\x00", "")

    @property
    def n_words(self) -> int:
        return len(self.text.split())
