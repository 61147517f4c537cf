"""Briefing tables: the store's records shaped into what each report section shows."""
