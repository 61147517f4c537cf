"""What besides the Python packages shapes a report's PDF: the system libraries
WeasyPrint prints with (Pango, HarfBuzz and whether its subsetter is there,
fontconfig), which of the two font subsetters runs, and the font files a PDF embeds.

All of it is read through ``ctypes`` from the libraries the process loads anyway,
without importing WeasyPrint (1.4 s), so a batch can check its cache quickly.

Font subsetting: WeasyPrint subsets embedded fonts with ``libharfbuzz-subset``
when the library is there and with fontTools otherwise. fontTools writes the
current time into every font it saves unless ``SOURCE_DATE_EPOCH`` is set (see
:mod:`sitrep.render.pdf`); the two subsetters also give different bytes, so the
one used is part of a report's cache key. ``SITREP_FONT_SUBSETTER=fonttools``
forces fontTools (to rebuild on a machine with hb-subset a report built without).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import hashlib
import os
from pathlib import Path

HB_SUBSET = "harfbuzz-subset"
FONTTOOLS = "fontTools"
SUBSETTER_ENV = "SITREP_FONT_SUBSETTER"

# the names WeasyPrint's text/ffi.py tries, in its order
_NAMES = {
    "pango": ("libpango-1.0-0", "pango-1.0-0", "pango-1.0", "libpango-1.0.so.0", "libpango-1.0.dylib", "libpango-1.0-0.dll"),
    "harfbuzz": ("libharfbuzz-0", "harfbuzz", "harfbuzz-0.0", "libharfbuzz.so.0", "libharfbuzz.0.dylib", "libharfbuzz-0.dll"),
    "harfbuzz-subset": ("libharfbuzz-subset-0", "harfbuzz-subset", "harfbuzz-subset-0.0", "libharfbuzz-subset.so.0",
                        "libharfbuzz-subset.0.dylib", "libharfbuzz-subset-0.dll"),
    "fontconfig": ("libfontconfig-1", "fontconfig-1", "fontconfig", "libfontconfig.so.1", "libfontconfig.1.dylib", "libfontconfig-1.dll"),
}


@functools.lru_cache(maxsize=None)
def _library(kind: str):
    """The shared library as WeasyPrint would load it, or None."""
    for name in _NAMES[kind]:
        candidates = [name] if "." in name else [n for n in [ctypes.util.find_library(name)] if n]
        for candidate in candidates:
            try:
                return ctypes.CDLL(candidate)
            except OSError:
                continue
    return None


def _dotted(number: int, step: int = 100) -> str:
    return f"{number // (step * step)}.{number // step % step}.{number % step}"


@functools.lru_cache(maxsize=1)
def _versions() -> tuple[tuple[str, str], ...]:
    out = {}
    pango = _library("pango")
    try:
        out["pango"] = _dotted(pango.pango_version()) if pango else "not found"
    except AttributeError:
        out["pango"] = "unknown"
    harfbuzz = _library("harfbuzz")
    hb_ok = False
    if harfbuzz is None:
        out["harfbuzz"] = "not found"
    else:
        try:
            harfbuzz.hb_version_string.restype = ctypes.c_char_p
            out["harfbuzz"] = harfbuzz.hb_version_string().decode()
            hb_ok = harfbuzz.hb_version_atleast(4, 1, 0) != 0
        except AttributeError:
            out["harfbuzz"] = "unknown"
    # WeasyPrint uses hb-subset only with HarfBuzz >= 4.1.0
    out["harfbuzz_subset"] = "available" if hb_ok and _library("harfbuzz-subset") is not None else "not available"
    fontconfig = _library("fontconfig")
    try:
        out["fontconfig"] = _dotted(fontconfig.FcGetVersion()) if fontconfig else "not found"
    except AttributeError:
        out["fontconfig"] = "unknown"
    return tuple(sorted(out.items()))


def hb_subset_available() -> bool:
    return dict(_versions())["harfbuzz_subset"] == "available"


def font_subsetter(requested: str | None = None) -> str:
    """The subsetter a PDF build will use: ``requested`` (or ``$SITREP_FONT_SUBSETTER``)
    when it can, else hb-subset when available, else fontTools."""
    wanted = (requested or os.environ.get(SUBSETTER_ENV) or "auto").strip().lower()
    if wanted not in ("auto", "fonttools", HB_SUBSET.lower()):
        raise ValueError(f"font subsetter {wanted!r} (from {'the caller' if requested else SUBSETTER_ENV}): "
                         "use fonttools, harfbuzz-subset or auto")
    if wanted == "fonttools":
        return FONTTOOLS
    return HB_SUBSET if hb_subset_available() else FONTTOOLS


def system_libraries(requested_subsetter: str | None = None) -> dict[str, str]:
    """Versions of the libraries that shape the PDF and the font subsetter used."""
    return dict(_versions()) | {"font_subsetter": font_subsetter(requested_subsetter)}


# --- fonts ------------------------------------------------------------------------------------
class _FcFontSet(ctypes.Structure):
    _fields_ = [("nfont", ctypes.c_int), ("sfont", ctypes.c_int), ("fonts", ctypes.POINTER(ctypes.c_void_p))]


def _system_font_files() -> dict[str, list[str]]:
    """family (case-folded) -> font files, from fontconfig's current configuration."""
    fc = _library("fontconfig")
    if fc is None:
        return {}
    try:
        fc.FcConfigGetCurrent.restype = ctypes.c_void_p
        fc.FcConfigGetFonts.restype = ctypes.POINTER(_FcFontSet)
        fc.FcConfigGetFonts.argtypes = [ctypes.c_void_p, ctypes.c_int]
        fc.FcPatternGetString.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_char_p)]
        config = fc.FcConfigGetCurrent()
        fonts = fc.FcConfigGetFonts(config, 0) if config else None  # FcSetSystem
    except AttributeError:
        return {}
    if not fonts:
        return {}
    families: dict[str, list[str]] = {}
    fontset = fonts.contents
    for i in range(fontset.nfont):
        pattern = fontset.fonts[i]
        names = []
        for n in range(8):  # a font may list several family names (localised ones)
            value = ctypes.c_char_p()
            if fc.FcPatternGetString(pattern, b"family", n, ctypes.byref(value)) != 0:
                break
            names.append(value.value.decode("utf-8", "replace"))
        value = ctypes.c_char_p()
        if fc.FcPatternGetString(pattern, b"file", 0, ctypes.byref(value)) != 0:
            continue
        path = value.value.decode("utf-8", "surrogateescape")
        for name in names:
            families.setdefault(name.casefold(), []).append(path)
    return families


@functools.lru_cache(maxsize=256)
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def file_digest(path: str) -> str | None:
    """sha256 of a font file (cached by size and modification time), None if gone."""
    try:
        st = os.stat(path)
        return _file_digest(path, st.st_size, st.st_mtime_ns)
    except OSError:
        return None


_STYLES = {0: "normal", 1: "oblique", 2: "italic"}


def document_fonts(document) -> list[dict]:
    """The fonts a rendered WeasyPrint document embeds: family, style, weight, the
    sha256 of the font data and the file fontconfig holds it in (None for web fonts)."""
    from weasyprint.text.fonts import get_hb_object_data

    files = None
    fonts = {}
    for font in getattr(document, "fonts", {}).values():
        data = get_hb_object_data(font.hb_face)
        digest = hashlib.sha256(data).hexdigest()
        if files is None:
            files = _system_font_files()
        path = next((p for p in files.get(font.family.casefold(), []) if file_digest(p) == digest), None)
        entry = {"family": font.family, "style": _STYLES.get(int(font.style), str(font.style)), "weight": int(font.weight),
                 "sha256": digest, "file": path}
        fonts[(font.family, entry["style"], entry["weight"], digest)] = entry
    return [fonts[k] for k in sorted(fonts)]


def font_label(entry: dict) -> str:
    """'DejaVu Sans bold italic (DejaVuSans-BoldOblique.ttf)'."""
    weight = entry.get("weight")
    parts = [entry.get("family") or "?"]
    if weight and weight != 400:
        parts.append("bold" if weight == 700 else f"weight {weight}")
    if entry.get("style") not in (None, "normal"):
        parts.append(entry["style"])
    name = " ".join(parts)
    return f"{name} ({Path(entry['file']).name})" if entry.get("file") else name
