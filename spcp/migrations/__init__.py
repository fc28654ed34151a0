"""Alembic schema migrations; ``spcp.db.make_engine`` runs them, there is no alembic.ini."""
