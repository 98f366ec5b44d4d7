"""Bulk loading past the ORM, for the bench data's steps: COPY on PostgreSQL, executemany on SQLite; the ids'
sequences, the number counters and the planner's statistics set afterwards."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

import sqlalchemy as sa


def sqlite_value(value):
    """What SQLAlchemy's SQLite dialect stores: naive UTC datetimes, dates and times as text, booleans as 0/1."""
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M:%S.%f")
    if isinstance(value, bool):
        return int(value)
    return value


def bulk_insert(connection: sa.Connection, table: str, columns: list[str], rows) -> None:
    """`rows` (tuples in the order of `columns`; JSON as text) into `table`, in the connection's transaction:
    COPY on PostgreSQL, executemany on SQLite. Ids given in the rows: `reset_ids` afterwards."""
    driver = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        with driver.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        driver.cursor().executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            (tuple(map(sqlite_value, row)) for row in rows),
        )


def first_free_id(connection: sa.Connection, table: str) -> int:
    return connection.scalar(sa.text(f"SELECT coalesce(max(id), 0) + 1 FROM {table}"))


def reset_ids(connection: sa.Connection, *tables: str) -> None:
    """After rows went in with their ids: PostgreSQL's sequences go on after the highest."""
    if connection.dialect.name == "postgresql":
        for table in tables:
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )


def number_counters(connection: sa.Connection, property_id: int, form_type: str) -> dict[date, int]:
    """The last number issued of `form_type` on each day (models/numbering.py's counters)."""
    rows = connection.execute(sa.text(
        "SELECT period, last_value FROM number_sequences WHERE property_id = :p AND form_type = :t"
    ), {"p": property_id, "t": form_type})
    return {datetime.strptime(period, "%Y%m%d").date(): last for period, last in rows}


def save_number_counters(connection: sa.Connection, property_id: int, form_type: str,
                         counters: dict[date, int]) -> None:
    """Set the counters of `form_type` to the last numbers issued, as `next_number` would have left them."""
    known = number_counters(connection, property_id, form_type)
    changed, added = [], []
    for day, last in sorted(counters.items()):
        if known.get(day) != last:
            (changed if day in known else added).append(
                {"p": property_id, "t": form_type, "period": f"{day:%Y%m%d}", "last": last})
    if changed:
        connection.execute(sa.text(
            "UPDATE number_sequences SET last_value = :last "
            "WHERE property_id = :p AND form_type = :t AND period = :period"
        ), changed)
    if added:
        connection.execute(sa.text(
            "INSERT INTO number_sequences (property_id, form_type, period, last_value) VALUES (:p, :t, :period, :last)"
        ), added)


def analyze(engine: sa.Engine, *tables: str) -> None:
    """Statistics for the planner (and on PostgreSQL the visibility map) after a bulk load."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in tables:
                connection.exec_driver_sql(f"VACUUM ANALYZE {table}")
    else:
        with engine.begin() as connection:
            for table in tables:
                connection.exec_driver_sql(f"ANALYZE {table}")
