"""The SQL statements the app sends while a block runs: `with recorded_statements() as statements: ...`."""
from contextlib import contextmanager

import sqlalchemy as sa

from models import db


@contextmanager
def recorded_statements(keep=lambda statement, parameters: True):
    """The statements sent, those `keep(statement, parameters)` is true for."""
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if keep(statement, parameters):
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
