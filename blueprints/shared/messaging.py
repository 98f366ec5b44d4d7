"""The one way to tell a resident something (models/resident_messages.py): a module queues a message
about one of its records; the configured channel delivers it.

`RESIDENT_MESSAGE_CHANNEL` chooses the channel:

- ``"desk"`` (the default): nothing is sent by the app. The message waits on the lobby's 待通知 list with
  the number to call and the text to say, until someone marks it 已通知 (by phone or WeChat).
- ``"package.module:Sender"``: an SMS provider. ``Sender()`` is made once per delivery run and its
  ``send(phone, text)`` called for each message; it returns when the provider has taken the message
  and raises (any exception, its text kept on the message) when not. A failed message goes back on the
  desk's list. `flask messages-send` delivers, from cron, outside any user's request, so a request that
  fails never leaves a message sent for a record that was not kept.
"""
from __future__ import annotations

import importlib
from datetime import date, datetime
from typing import Protocol

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from models import Property, Resident, Unit, User, clock, db
from models.resident_messages import (
    OPEN_STATUSES,
    MessageReason,
    MessageStatus,
    NotifiedVia,
    ResidentMessage,
)

DESK = "desk"


class Sender(Protocol):
    def send(self, phone: str, text: str) -> None:
        """Hand one text message to the provider; raise when it was not taken."""


def channel_name() -> str:
    return current_app.config.get("RESIDENT_MESSAGE_CHANNEL") or DESK


def load_sender(name: str) -> Sender:
    module_name, _sep, class_name = name.partition(":")
    if not class_name:
        raise RuntimeError(f"RESIDENT_MESSAGE_CHANNEL must be {DESK!r} or 'package.module:Class', not {name!r}")
    return getattr(importlib.import_module(module_name), class_name)()


def queue(prop: Property, *, subject, reason: MessageReason, unit: Unit, resident: Resident | None,
          recipient_name: str, text: str, link: str, day: date) -> ResidentMessage | None:
    """Queue a message about `subject` (a record with `__tablename__` and `id`), at most one per reason and
    day; None when that day's message is already there (a cron run repeated, two desks at once)."""
    existing = db.session.scalar(sa.select(ResidentMessage.id).where(
        ResidentMessage.subject_table == subject.__tablename__, ResidentMessage.subject_id == subject.id,
        ResidentMessage.reason == reason, ResidentMessage.queued_on == day))
    if existing is not None:
        return None
    message = ResidentMessage(
        property_id=prop.id, unit=unit, resident=resident, recipient_name=recipient_name,
        phone=resident.phone if resident else "", text=text, reason=reason, subject_table=subject.__tablename__,
        subject_id=subject.id, link=link, queued_on=day, status=MessageStatus.PENDING,
    )
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except sa.exc.IntegrityError:
        return None  # the same message queued at this very moment by another process
    return message


def open_messages_of(subject) -> list[ResidentMessage]:
    return list(db.session.scalars(sa.select(ResidentMessage).where(
        ResidentMessage.subject_table == subject.__tablename__, ResidentMessage.subject_id == subject.id,
        ResidentMessage.status.in_(OPEN_STATUSES))))


def cancel_open(subject, at: datetime) -> int:
    """Messages about `subject` not yet told are no longer needed (the parcel was collected)."""
    messages = open_messages_of(subject)
    for message in messages:
        message.status, message.handled_at = MessageStatus.CANCELLED, at
    db.session.flush()
    return len(messages)


class MessageError(ValueError):
    """A step the message's state refuses; the text is for the user, in Chinese."""


def mark_notified(message: ResidentMessage, *, via: NotifiedVia, by: User, at: datetime) -> None:
    if not message.is_open:
        raise MessageError(_("这条通知的状态是「%(status)s」，无需再标记", status=message.status.label))
    message.status, message.via, message.handled_by, message.handled_at = MessageStatus.NOTIFIED, via, by, at
    db.session.flush()


def send_pending(property_id: int, sender: Sender) -> tuple[int, int]:
    """Send the property's pending messages through `sender`: (sent, failed)."""
    messages = db.session.scalars(
        sa.select(ResidentMessage).where(ResidentMessage.property_id == property_id,
                                         ResidentMessage.status == MessageStatus.PENDING)
        .order_by(ResidentMessage.created_at, ResidentMessage.id).with_for_update(skip_locked=True)
    ).all()
    sent = failed = 0
    for message in messages:
        try:
            sender.send(message.phone, message.text)
        except Exception as error:  # noqa: BLE001 - whatever the provider raises, the desk calls instead
            message.status, message.error = MessageStatus.FAILED, str(error)[:300]
            failed += 1
        else:
            message.status, message.via = MessageStatus.SENT, NotifiedVia.SMS
            sent += 1
        message.handled_at = clock.now()
    db.session.flush()
    return sent, failed
