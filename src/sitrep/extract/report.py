"""The extraction JSON of ``sitrep extract --json`` (shape fixed by CONTRACT.md)."""

from __future__ import annotations

from pathlib import Path

from sitrep import __version__
from sitrep.extract.pipeline import Extractor, shared_extractor
from sitrep.ingest import ArticleError, discover_files, read_articles


def extraction_json(paths: list[Path], extractor: Extractor | None = None) -> tuple[dict, list[str]]:
    """(document, skipped problems) for the articles in ``paths``."""
    extractor = extractor or shared_extractor()
    articles, skipped = [], []
    for path in discover_files(paths):
        try:
            articles.extend(read_articles(path))
        except ArticleError as err:
            skipped.append(str(err))
    out = []
    for article in articles:
        ex = extractor.extract(article.text, published=article.meta.published, language=article.meta.language)
        used = sorted({m.actor for m in ex.mentions} | {e.source for e in ex.events if e.source} | {e.target for e in ex.events if e.target}
                      | {s.speaker for s in ex.statements} | {s.target for s in ex.statements if s.target})
        out.append({
            "id": article.id,
            "path": article.path if article.line is None else f"{article.path}:{article.line}",
            "title": article.meta.title,
            "published": article.meta.published.isoformat() if article.meta.published else None,
            "source": article.meta.source,
            "language": ex.language,
            "sentences": [{"index": s.index, "start": s.start, "end": s.end, "text": s.text} for s in ex.sentences],
            "actors": [extractor.actor_json(a) for a in used],
            "mentions": [{"actor": m.actor, "sentence": m.sentence, "start": m.start, "end": m.end, "text": m.text} for m in ex.mentions],
            "events": [
                {"source": e.source, "target": e.target, "code": e.code, "label": e.label, "goldstein": e.goldstein,
                 "quad_class": e.quad_class, "sentence": e.sentence, "evidence": e.evidence, "confidence": e.confidence,
                 "rule": e.rule, "event_date": e.event_date.isoformat() if e.event_date else None,
                 "date_basis": e.date_basis}
                for e in ex.events
            ],
            "statements": [
                {"speaker": s.speaker, "target": s.target, "stance": s.stance, "sentence": s.sentence, "text": s.text,
                 "confidence": s.confidence, "rule": s.rule}
                for s in ex.statements
            ],
            "figures": [
                {"kind": f.kind, "value": f.value, "qualifier": f.qualifier, "sentence": f.sentence, "text": f.phrase,
                 "according_to": f.according_to, "event_date": f.event_date.isoformat() if f.event_date else None}
                for f in ex.figures
            ],
            "unknown_actors": ex.unknown_actors,
        })
    return {"sitrep_version": __version__, "articles": out}, skipped
