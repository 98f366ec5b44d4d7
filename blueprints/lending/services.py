"""Lending: the catalogue and its stock, lending under a locked counter, returns, the overdue list."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from models import Property, Unit, User, db
from models.lending import (
    Condition, DepositOutcome, LendableItem, LendablePiece, Loan, LoanError, Tracking,
)
from models.numbering import next_number

from ..shared.signatures import save_signature


def due_time(preset: str, custom: datetime | None, now: datetime, zone) -> datetime:
    local = now.astimezone(zone)
    if preset == "2h":
        return now + timedelta(hours=2)
    if preset == "tonight":
        return datetime.combine(local.date(), time(22), zone)
    if preset == "tomorrow":
        return datetime.combine(local.date() + timedelta(days=1), time(12), zone)
    if preset == "3d":
        return now + timedelta(days=3)
    return custom.replace(tzinfo=zone) if custom and custom.tzinfo is None else custom


def lock_item(property_id: int, item_id: int) -> LendableItem | None:
    """The catalogue row, locked until the transaction ends: of two desks lending its last piece, the
    second waits here and then sees none left (SQLite: the write transaction already queues them)."""
    return db.session.scalar(
        sa.select(LendableItem).where(LendableItem.property_id == property_id, LendableItem.id == item_id,
                                      LendableItem.active)
        .with_for_update().execution_options(populate_existing=True)
    )


def free_pieces(item: LendableItem) -> list[LendablePiece]:
    out = sa.select(Loan.piece_id).where(Loan.item_id == item.id, Loan.returned_at.is_(None), Loan.piece_id.is_not(None))
    return list(db.session.scalars(sa.select(LendablePiece).where(
        LendablePiece.item_id == item.id, LendablePiece.active, LendablePiece.id.not_in(out)).order_by(LendablePiece.code)))


def on_hand(item: LendableItem) -> int:
    if item.tracking is Tracking.SERIAL:
        return len(free_pieces(item))
    return item.stock - item.out_count


def lend(prop: Property, item: LendableItem, *, piece_id: int | None, unit: Unit | None, borrower_name: str,
         borrower_phone: str, due_at: datetime, deposit: Decimal, deposit_receipt: str, signature, by: User,
         at: datetime) -> Loan:
    """Lend one of the (locked) item; LoanError when none is left or the due time has passed."""
    if due_at <= at:
        raise LoanError(_("归还时间已过，请选择以后的时间"))
    piece = None
    if item.tracking is Tracking.SERIAL:
        free = free_pieces(item)
        if not free:
            raise LoanError(_("%(name)s 已全部借出，暂无可借", name=item.name))
        piece = next((p for p in free if p.id == piece_id), None) if piece_id else free[0]
        if piece is None:
            raise LoanError(_("该编号已借出，请选择其他编号"))
    else:
        if item.out_count >= item.stock:
            raise LoanError(_("%(name)s 已全部借出，暂无可借", name=item.name))
        item.out_count += 1
    loan = Loan(property_id=prop.id, number=next_number(prop, "JY", at), item=item, piece=piece, unit=unit,
                borrower_name=borrower_name, borrower_phone=borrower_phone, lent_at=at, due_at=due_at, lent_by=by,
                deposit=deposit, deposit_receipt=deposit_receipt)
    try:
        with db.session.begin_nested():
            db.session.add(loan)
            db.session.flush()  # the database has the last word: stock check and one open loan per piece
    except sa.exc.IntegrityError:
        raise LoanError(_("%(name)s 已全部借出，暂无可借", name=item.name)) from None
    loan.signature = save_signature(signature, loan)
    db.session.flush()
    return loan


def take_back(loan: Loan, *, condition: Condition, note: str, outcome: str, kept_reason: str, by: User,
              at: datetime) -> None:
    """The (locked) loan comes back; a counted item's stock is on hand again (unless it was lost)."""
    if loan.returned_at is not None:
        raise LoanError(_("%(n)s 已于 %(t)s 归还，不能重复归还", n=loan.number,
                          t=loan.returned_at.astimezone(loan.lent_at.tzinfo).strftime("%m-%d %H:%M")))
    item = lock_item(loan.property_id, loan.item_id) or loan.item
    if item.tracking is Tracking.COUNTED:
        item.out_count -= 1
        if condition is Condition.LOST:
            item.stock -= 1  # it will not come back to the shelf
    loan.returned_at, loan.returned_by, loan.condition, loan.return_note = at, by, condition, note
    if loan.deposit:
        loan.deposit_outcome = DepositOutcome(outcome)
        loan.deposit_kept_reason = kept_reason if outcome == "kept" else ""
    else:
        loan.deposit_outcome = DepositOutcome.NONE
    db.session.flush()


def open_loans(property_id: int) -> sa.Select:
    return (sa.select(Loan).where(Loan.property_id == property_id, Loan.returned_at.is_(None))
            .order_by(Loan.due_at, Loan.id))


def overdue(property_id: int, now: datetime) -> sa.Select:
    return open_loans(property_id).where(Loan.due_at < now)


@dataclass(frozen=True)
class Stock:
    item: LendableItem
    total: int
    on_hand: int


def stock(property_id: int) -> list[Stock]:
    items = db.session.scalars(sa.select(LendableItem).where(LendableItem.property_id == property_id, LendableItem.active)
                               .order_by(LendableItem.kind, LendableItem.name))
    result = []
    for item in items:
        total = len([p for p in item.pieces if p.active]) if item.tracking is Tracking.SERIAL else item.stock
        result.append(Stock(item, total, on_hand(item)))
    return result
