"""Reading article files into validated :class:`Article` records.

First stage of the data flow: files on disk -> ``Article`` objects. Nothing here
touches the store or the extraction rules.
"""

from sitrep.ingest.errors import ArticleError
from sitrep.ingest.metadata import Article, ArticleMeta, article_id
from sitrep.ingest.readers import SUPPORTED_SUFFIXES, discover_files, read_articles

__all__ = [
    "Article",
    "ArticleError",
    "ArticleMeta",
    "SUPPORTED_SUFFIXES",
    "article_id",
    "discover_files",
    "read_articles",
]
