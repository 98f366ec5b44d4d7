"""`flask backup` while the desk keeps writing, then `flask restore`: every record acknowledged before
the backup is back with its photo, and the number counters go on without issuing a number twice."""
import io
import threading
import time

import sqlalchemy as sa

from blueprints.shared.storage import storage
from models import Attachment, Role, db
from models.tickets import Ticket

from ..tickets.test_register import photo_bytes


def report(client, n: int):
    data = {"category": "repair", "location": "3号楼大堂", "description": f"灯不亮 {n}", "source": "phone",
            "nature": "normal", "photos": [(io.BytesIO(photo_bytes((320, 240))), f"{n}.jpg")],
            "save_anyway": "y"}  # alike on purpose: not duplicates to warn of
    return client.post("/tickets/new", data=data, headers={"X-CSRFToken": client.csrf_token()})


def numbers() -> set[str]:
    db.session.commit()
    return set(db.session.scalars(sa.select(Ticket.number)))


def test_a_backup_taken_while_writing_restores_every_acknowledged_ticket_and_photo(app, client, prop, login_as,
                                                                                    tmp_path):
    login_as(Role.CONCIERGE)
    acknowledged: list[tuple[float, int]] = []  # (when the desk was told it was saved, n)
    stop = threading.Event()

    def desk():
        n = 0
        while not stop.is_set() and n < 200:
            n += 1
            assert report(client, n).status_code == 302
            acknowledged.append((time.monotonic(), n))

    writer = threading.Thread(target=desk)
    writer.start()
    while len(acknowledged) < 5:
        assert writer.is_alive(), "the desk stopped writing"
        time.sleep(0.05)
    started = time.monotonic()
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "backups")])
    finished = time.monotonic()
    while len(acknowledged) < len([a for a in acknowledged if a[0] <= finished]) + 3:
        assert writer.is_alive(), "the desk stopped writing"
        time.sleep(0.05)  # the desk goes on after the backup too
    stop.set()
    writer.join()
    assert result.exit_code == 0, result.output
    before = {n for at, n in acknowledged if at <= started}
    after = {n for at, n in acknowledged if at > finished}
    assert before and after

    (backup_dir,) = (tmp_path / "backups").iterdir()
    restored = app.test_cli_runner().invoke(args=["restore", str(backup_dir), "--yes"])
    assert restored.exit_code == 0, restored.output

    db.session.remove()
    descriptions = set(db.session.scalars(sa.select(Ticket.description)))
    assert {f"灯不亮 {n}" for n in before} <= descriptions
    assert not {f"灯不亮 {n}" for n in after} & descriptions
    for attachment in db.session.scalars(sa.select(Attachment)):
        assert storage().get(attachment.storage_key)[:2] == b"\xff\xd8"  # a JPEG, there
    kept = numbers()
    assert report(client, 999).status_code == 302
    assert len(numbers() - kept) == 1  # a new number, none issued twice


def test_a_backup_of_another_database_kind_is_refused(app, tmp_path):
    backup_dir = tmp_path / "b"
    backup_dir.mkdir()
    other = "postgresql" if db.engine.dialect.name == "sqlite" else "sqlite"
    (backup_dir / "manifest.json").write_text(f'{{"database": "{other}", "created_at": "x", "files": 0}}')
    result = app.test_cli_runner().invoke(args=["restore", str(backup_dir), "--yes"])
    assert result.exit_code != 0 and "this app uses" in result.output
