"""Importers: the city's open data files, iCalendar feeds and schema.org Event JSON-LD."""
