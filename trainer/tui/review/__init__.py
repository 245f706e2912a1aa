"""The team lead's review app: sessions, one session, trends, notes."""
