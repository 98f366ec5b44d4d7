"""Patrol test data: a route of three checkpoints walked at 09:00 and 15:00, and posting results."""
from __future__ import annotations

import io
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from PIL import Image

from models import Property, db
from models.patrols import PatrolCheckpoint, PatrolResult, PatrolRound, PatrolRoute, PatrolSchedule, RoundStatus
from models.numbering import next_number

SHANGHAI = ZoneInfo("Asia/Shanghai")


def make_route(prop, name="公共区域日常巡查", codes=("A1", "B2", "C3"), times=(time(9), time(15))) -> PatrolRoute:
    route = PatrolRoute(property_id=prop.id, name=name)
    places = ["大堂", "电梯厅", "中心花园", "地下车库", "消防通道"]
    for position, code in enumerate(codes, 1):
        route.checkpoints.append(PatrolCheckpoint(
            property_id=prop.id, position=position, floor="1", place=places[position - 1], code=code,
            checklist=["公共设施完好", "清洁卫生"],
        ))
    for at in times:
        route.schedules.append(PatrolSchedule(property_id=prop.id, at=at))
    db.session.add(route)
    db.session.commit()
    return route


def make_round(prop, route, *, hours_ago=0.5, status=RoundStatus.DUE) -> PatrolRound:
    """A round scheduled a little while ago, its window still open."""
    at = (datetime.now(timezone.utc) - timedelta(hours=hours_ago)).replace(microsecond=0)
    round_ = PatrolRound(property_id=prop.id, number=next_number(prop, "XC", at), route=route, scheduled_for=at,
                         due_by=at + timedelta(hours=2), status=status)
    db.session.add(round_)
    db.session.commit()
    return round_


def device_time(minutes_ago: int) -> str:
    """A moment on the tablet's clock, as the outbox sends it: `minutes_ago` before the test's now."""
    return (datetime.now(timezone.utc) - timedelta(minutes=minutes_ago)).replace(microsecond=0).isoformat()


def local_hhmm(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(SHANGHAI).strftime("%H:%M")


def photo(size=(2000, 1500)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (90, 140, 200)).save(out, "JPEG")
    return out.getvalue()


def post_result(client, round_, checkpoint, outcome="ok", *, code=None, key=None, client_time=None, **fields):
    """One checkpoint's form as the page sends it (fields prefixed cp<id>-), its label scanned unless
    `code` says otherwise; with `key`, as offline.js sends it (idempotency key, device time, JSON answer)."""
    prefix = f"cp{checkpoint.id}-"
    scanned = f"{db.session.get(Property, checkpoint.property_id).code}-{checkpoint.code}"
    data = {f"{prefix}outcome": outcome, f"{prefix}code": scanned if code is None else code}
    data.update({f"{prefix}{name}": value for name, value in fields.items()})
    url = f"/patrols/rounds/{round_.id}/checkpoints/{checkpoint.id}"
    if key is None:
        return client.post_form(url, data)
    headers = {"X-Idempotency-Key": key, "X-Offline-Submit": "1", "X-CSRFToken": client.csrf_token()}
    if client_time:
        headers["X-Client-Time"] = client_time
    return client.post(url, data=data, headers=headers)


def results_of(round_) -> list[PatrolResult]:
    db.session.commit()
    return list(db.session.scalars(sa.select(PatrolResult).where(PatrolResult.round_id == round_.id)))
