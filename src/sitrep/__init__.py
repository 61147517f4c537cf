"""sitrep: reproducible, sourced situation briefings from a corpus of news articles."""

__version__ = "0.1.0"
