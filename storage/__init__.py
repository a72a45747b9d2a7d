"""SQLite storage: schema migrations and small repository functions. All SQL lives here."""
