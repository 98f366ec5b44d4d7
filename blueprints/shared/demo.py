"""What `flask demo` hands each module's demo function: the demo company, built before them."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from models import Property, Unit, User, db


@dataclass
class Demo:
    properties: dict[str, Property]  # by code: "HY" (恒宇花园), "HD" (恒宇大厦)
    users: dict[str, User]  # by user name: "admin", "supervisor", "lobby", "concierge", "engineer"
    now: datetime
    rng: random.Random

    @property
    def garden(self) -> Property:
        """The property where the demo's work happens."""
        return self.properties["HY"]

    def hours_ago(self, hours: float) -> datetime:
        return self.now - timedelta(hours=hours)

    def unit(self, archive_no: str) -> Unit:
        return db.session.execute(sa.select(Unit).where(Unit.archive_no == archive_no)).scalar_one()
