"""Where uploaded files (photos, import files, signatures) live: one interface, chosen by configuration.

`LocalStorage` keeps files under a directory (the instance folder by default). Several app hosts share
it through a network mount, or swap in an object store by implementing the same four methods.
"""
from __future__ import annotations

import secrets
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from models import db

# Session.info key: the files written for rows of the session's current transaction.
_WRITTEN = "frontdesk_files_written"


class LocalStorage:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise KeyError(key)
        return path

    def put(self, data: bytes, *, prefix: str, suffix: str = "") -> str:
        """Store `data` under a new random key and return the key."""
        key = f"{prefix}/{secrets.token_hex(16)}{suffix}"
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return key

    def put_at(self, key: str, data: bytes) -> None:
        """Store `data` under a key given before (restoring a backup)."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise KeyError(key) from None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def storage() -> LocalStorage:
    return current_app.extensions["storage"]


def put_for_transaction(data: bytes, *, prefix: str, suffix: str = "") -> str:
    """Store a file that a row of the current transaction refers to. Should the transaction roll back
    (a validation error after the upload, a concurrent duplicate, a crash), the file goes with it."""
    store = storage()
    key = store.put(data, prefix=prefix, suffix=suffix)
    db.session.info.setdefault(_WRITTEN, []).append((store, key))
    return key


@sa.event.listens_for(Session, "after_commit")
def _keep_written_files(session: Session) -> None:
    session.info.pop(_WRITTEN, None)


@sa.event.listens_for(Session, "after_rollback")
def _remove_written_files(session: Session) -> None:
    for store, key in session.info.pop(_WRITTEN, []):
        store.delete(key)


def init_storage(app) -> None:
    app.extensions["storage"] = LocalStorage(app.config["STORAGE_DIR"])
