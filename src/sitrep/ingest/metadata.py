"""Article metadata and the article record, validated with pydantic.

An article's id is a hash of its normalised text, so the same story saved twice
(or under another name) gets the same id and is stored once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sitrep.ingest.errors import ArticleError

_INVISIBLES = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u202a\u202b\u202c\u202d\u202e"))
_WS = re.compile(r"\s+")


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
    language: str = "en"

    @field_validator("source", "title", "url", mode="before")
    @classmethod
    def _blank_is_none(cls, value):
        if value is None:
            return None
        value = str(value).strip()
        if value.lower() in {"", "unknown", "none", "null", "n/a"}:
            return None
        return value

    @field_validator("published", mode="before")
    @classmethod
    def _date_only(cls, value):
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, str) and len(value) > 10 and value[10] in "T ":
            return value[:10]
        return value

    @field_validator("language", mode="before")
    @classmethod
    def _language_code(cls, value):
        if value is None or str(value).strip() == "":
            return "en"
        code = str(value).strip().lower().replace("_", "-")
        if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})*", code):
            raise ValueError(f"not a language code (ISO 639, e.g. 'en'): {value!r}")
        return code


def validate_meta(raw: dict, path: str, line: int | None = None) -> ArticleMeta:
    """An :class:`ArticleMeta` from a mapping, or an :class:`ArticleError` naming the field."""
    if not isinstance(raw, dict):
        raise ArticleError(path, f"metadata must be a mapping, got {type(raw).__name__}", line)
    try:
        return ArticleMeta.model_validate(raw)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(x) for x in first["loc"]) or "metadata"
        value = first.get("input")
        raise ArticleError(path, f"bad metadata field '{field}' ({value!r}): {first['msg']}", line) from None


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

    @property
    def n_words(self) -> int:
        return len(self.text.split())
