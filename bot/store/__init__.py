"""The gateway's own records about people (SQLite by default, PostgreSQL in production)."""
