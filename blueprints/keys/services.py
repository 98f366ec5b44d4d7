"""Key operations: finding a key by its tag, issuing it (after approval for the classes that need one,
within the owner's authorisation for entrusted keys), taking it back, overdue loans, the lists."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import contains_eager

from models import Property, Unit, User, clock, db
from models.approvals import Approval, ApprovalStatus
from models.keys import (
    Borrower, Key, KeyAuthorisation, KeyClass, KeyLoan, KeyRefused, KeyRequest, KeyStatus, RequestStatus,
)
from models.notifications import notify
from models.numbering import next_number

from ..approvals.services import latest_for, request_approval
from ..shared.forms import compact
from ..shared.lists import ListFilter
from ..shared.localtime import local
from ..shared.permissions import current_property, scoped, supervisor_ids
from ..shared.signatures import SignatureField, save_signature
from ..shared.units import unit_term

APPROVAL_KIND = "keys.loan"
# Keys as the register lists them: by class in the order the classes are declared, then tag (P-2 before P-10).
REGISTER_ORDER = (sa.case({c: n for n, c in enumerate(KeyClass)}, value=Key.key_class), sa.func.length(Key.tag), Key.tag)


def approval_classes() -> set[KeyClass]:
    return {KeyClass(c) for c in current_app.config["KEYS_APPROVAL_CLASSES"]}


def needs_approval(key: Key) -> bool:
    return key.key_class in approval_classes()


def grace(key_class: KeyClass) -> timedelta:
    minutes = current_app.config["KEYS_GRACE_MINUTES"]
    return timedelta(minutes=int(minutes.get(key_class.value, minutes.get("default", 15))))


def tag_of(scanned: str) -> str:
    """The tag in what was scanned or typed: the label's QR holds "<property code>-K-<tag>"."""
    text = compact(scanned)
    if "-K-" in text:
        text = text.split("-K-", 1)[1]
    return text


def label_content(prop: Property, key: Key) -> str:
    return f"{prop.code}-K-{key.tag}"


def find_key(property_id: int, scanned: str) -> Key | None:
    tag = tag_of(scanned)
    return db.session.scalar(sa.select(Key).where(Key.property_id == property_id, Key.tag == tag)) if tag else None


def open_loan(key: Key) -> KeyLoan | None:
    return db.session.scalar(sa.select(KeyLoan).where(KeyLoan.key_id == key.id, KeyLoan.returned_at.is_(None)))


def open_request(key: Key) -> KeyRequest | None:
    return db.session.scalar(
        sa.select(KeyRequest).where(KeyRequest.key_id == key.id,
                                    KeyRequest.status.in_([RequestStatus.PENDING, RequestStatus.APPROVED]))
        .order_by(KeyRequest.id.desc()).limit(1)
    )


def lock_key(key: Key) -> Key:
    """The key's row, locked until the transaction ends (PostgreSQL; SQLite writers queue anyway)."""
    return db.session.scalars(
        sa.select(Key).where(Key.id == key.id).with_for_update().execution_options(populate_existing=True)
    ).one()


def _out_error(loan: KeyLoan) -> KeyRefused:
    return KeyRefused(_("钥匙 %(tag)s 已于 %(t)s 借给 %(who)s（%(n)s），尚未归还，不能重复借出", tag=loan.key.tag,
                        t=local(loan.issued_at, "%m-%d %H:%M"), who=loan.borrower, n=loan.number))


def ensure_lendable(key: Key) -> None:
    if key.status is not KeyStatus.ACTIVE:
        raise KeyRefused(_("钥匙 %(tag)s 状态为「%(s)s」，不能借出", tag=key.tag, s=key.status.label))
    if loan := open_loan(key):
        raise _out_error(loan)


def current_authorisation(key: Key, name: str, at: datetime) -> KeyAuthorisation:
    """The owner's authorisation that lets `name` have this entrusted key now, or a refusal saying why."""
    authorisations = list(db.session.scalars(
        sa.select(KeyAuthorisation).where(KeyAuthorisation.key_id == key.id, KeyAuthorisation.revoked_at.is_(None))
        .order_by(KeyAuthorisation.valid_until.desc())
    ))
    day = db.session.get(Property, key.property_id).local_day(at)
    for authorisation in authorisations:
        if authorisation.allows(name, day):
            return authorisation
    if not authorisations:
        raise KeyRefused(_("钥匙 %(tag)s 是业主委托钥匙，尚无业主书面授权，不能借出", tag=key.tag))
    named = [a for a in authorisations if name.strip() in a.names]
    if named:
        raise KeyRefused(_("%(who)s 的授权已于 %(d)s 到期，不能借出；请业主重新授权", who=name,
                           d=named[0].valid_until.isoformat()))
    raise KeyRefused(_("%(who)s 不在业主授权的领用人中（授权：%(names)s），不能借出", who=name,
                       names="、".join(authorisations[0].names)))


@dataclass
class LoanDetails:
    """What the desk types for a loan or a request."""

    borrower_kind: object
    borrower_name: str
    company: str
    id_type: object
    id_number: str
    phone: str
    purpose: str
    expected_return_at: datetime
    shift_ends_at: datetime | None = None

    def apply(self, record: Borrower) -> None:
        for name, value in vars(self).items():
            setattr(record, name, value)

    @classmethod
    def of(cls, record: Borrower) -> LoanDetails:
        return cls(**{name: getattr(record, name) for name in cls.__dataclass_fields__})


def issue(key: Key, details: LoanDetails, *, signature: SignatureField, by: User, at: datetime,
          request: KeyRequest | None = None) -> KeyLoan:
    """Hand the key out; refused when it is out, needs an approval not given, or is an entrusted key the
    owner has not authorised for this person now. The unique index decides between two desks."""
    key = lock_key(key)
    ensure_lendable(key)
    if needs_approval(key) and (request is None or request.status is not RequestStatus.APPROVED):
        raise KeyRefused(_("%(cls)s钥匙须经主管审批后才能借出，请先提交借用申请", cls=key.key_class.label))
    authorisation = None
    if key.key_class is KeyClass.ENTRUSTED:
        authorisation = current_authorisation(key, details.borrower_name, at)
    loan = KeyLoan(property_id=key.property_id, number=next_number(db.session.get(Property, key.property_id), "YJ", at), key=key, request=request,
                   authorisation=authorisation, issued_at=at, issued_by=by)
    details.apply(loan)
    try:
        with db.session.begin_nested():
            db.session.add(loan)
            db.session.flush()
    except sa.exc.IntegrityError:
        db.session.expire_all()
        if other := open_loan(key):
            raise _out_error(other) from None
        raise
    loan.signature = save_signature(signature, loan)
    if request is not None:
        request.status = RequestStatus.ISSUED
    db.session.flush()
    return loan


def take_back(loan: KeyLoan, *, returned_by: str, signature: SignatureField, by: User, at: datetime) -> None:
    if loan.returned_at is not None:
        raise KeyRefused(_("钥匙 %(tag)s 已于 %(t)s 归还，不能重复归还", tag=loan.key.tag, t=local(loan.returned_at, "%m-%d %H:%M")))
    loan.return_signature = save_signature(signature, loan)
    loan.returned_at, loan.returned_by_name, loan.received_by = at, returned_by or loan.borrower_name, by
    db.session.flush()


def lock_loan(loan_id: int, property_id: int) -> KeyLoan | None:
    return db.session.scalars(
        sa.select(KeyLoan).where(KeyLoan.id == loan_id, KeyLoan.property_id == property_id).with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()


def ask(key: Key, details: LoanDetails, *, by: User, at: datetime) -> KeyRequest:
    """Ask a supervisor to approve a loan of a key whose class needs it."""
    ensure_lendable(key)
    if (waiting := open_request(key)) is not None:
        raise KeyRefused(_("钥匙 %(tag)s 已有 %(who)s 的借用申请（%(s)s），请勿重复申请", tag=key.tag,
                           who=waiting.borrower, s=waiting.status.label))
    request = KeyRequest(property_id=key.property_id, key=key, status=RequestStatus.PENDING, requested_by=by,
                         requested_at=at)
    details.apply(request)
    db.session.add(request)
    db.session.flush()
    request_approval(APPROVAL_KIND, request, by=by, at=at, summary=request_summary(request), reason=request.purpose)
    return request


def request_summary(request: KeyRequest) -> str:
    return _("借用钥匙 %(tag)s %(opens)s：%(who)s，%(purpose)s，预计 %(t)s 归还", tag=request.key.tag,
             opens=request.key.opens, who=request.borrower, purpose=request.purpose,
             t=local(request.expected_return_at, "%m-%d %H:%M"))


def request_decided(approval: Approval) -> None:
    request = db.session.get(KeyRequest, approval.subject_id)
    if request is None or request.status is not RequestStatus.PENDING:
        return
    request.status = RequestStatus.APPROVED if approval.status is ApprovalStatus.APPROVED else RequestStatus.REFUSED


def approval_of(request: KeyRequest) -> Approval | None:
    return latest_for(request)


def cancel_request(request: KeyRequest) -> None:
    if not request.open:
        raise KeyRefused(_("该申请%(s)s，不能撤销", s=request.status.label))
    request.status = RequestStatus.CANCELLED  # a decision still to come changes nothing (request_decided)
    db.session.flush()


# --- Overdue -------------------------------------------------------------------------------------------

def open_loans(property_id: int) -> list[KeyLoan]:
    return list(db.session.scalars(
        sa.select(KeyLoan).join(KeyLoan.key).where(KeyLoan.property_id == property_id, KeyLoan.returned_at.is_(None))
        .options(contains_eager(KeyLoan.key)).order_by(KeyLoan.issued_at, KeyLoan.id)
    ))


def overdue_loans(property_id: int, now: datetime | None = None, *, with_grace: bool = False) -> list[KeyLoan]:
    now = now or clock.now()
    return [loan for loan in open_loans(property_id)
            if loan.overdue(now, grace(loan.key.key_class) if with_grace else timedelta(0))]


def notify_overdue(prop: Property, now: datetime) -> list[KeyLoan]:
    """Tell the supervisors of each loan overdue beyond its class's grace, once per loan."""
    told = []
    for loan in overdue_loans(prop.id, now, with_grace=True):
        if loan.overdue_notified_at is not None:
            continue
        notify(supervisor_ids(prop.id), prop.id,
               _("钥匙超时未还：%(tag)s %(opens)s，%(who)s 借用，应于 %(t)s 归还", tag=loan.key.tag, opens=loan.key.opens,
                 who=loan.borrower, t=local(loan.due_at, "%m-%d %H:%M")),
               url_for("keys.loan", loan_id=loan.id))
        loan.overdue_notified_at = now
        told.append(loan)
    db.session.flush()
    return told


# --- Lists ---------------------------------------------------------------------------------------------

KEY_STATES = ("", "in", "out", "overdue", "lost", "retired")


@dataclass
class KeyFilter(ListFilter):
    key_class: str = ""
    state: str = ""

    params = {"key_class": "class"}

    def select(self) -> sa.Select:
        return self.apply(scoped(Key).outerjoin(Key.unit).options(contains_eager(Key.unit)).order_by(*REGISTER_ORDER))

    def where(self, stmt: sa.Select) -> sa.Select:
        if self.key_class in {c.value for c in KeyClass}:
            stmt = stmt.where(Key.key_class == KeyClass(self.key_class))
        out = sa.select(KeyLoan.key_id).where(KeyLoan.returned_at.is_(None))
        if self.state == "in":
            stmt = stmt.where(Key.status == KeyStatus.ACTIVE, Key.id.not_in(out))
        elif self.state in ("out", "overdue"):
            stmt = stmt.where(Key.id.in_(out))
            if self.state == "overdue":
                stmt = stmt.where(Key.id.in_([loan.key_id for loan in overdue_loans(current_property().id)]))
        elif self.state in ("lost", "retired"):
            stmt = stmt.where(Key.status == KeyStatus(self.state))
        if self.q:
            q = self.q.strip()
            stmt = stmt.where(sa.or_(
                Key.tag.icontains(compact(tag_of(q)), autoescape=True),
                Key.opens.icontains(q, autoescape=True),
                Key.floor.icontains(q, autoescape=True),
                Key.hook.icontains(q, autoescape=True),
                Unit.archive_no.icontains(unit_term(q), autoescape=True),
            ))
        return stmt


@dataclass
class LoanFilter(ListFilter):
    """The movements of keys: searchable by key, person, unit and date."""

    day_from: date | None = None
    day_to: date | None = None
    state: str = ""

    params = {"day_from": "from", "day_to": "to"}

    def select(self) -> sa.Select:
        return self.apply(scoped(KeyLoan).join(KeyLoan.key).outerjoin(Key.unit)
                          .order_by(KeyLoan.issued_at.desc(), KeyLoan.id.desc()))

    def where(self, stmt: sa.Select) -> sa.Select:
        prop = current_property()
        if self.day_from:
            stmt = stmt.where(KeyLoan.issued_at >= prop.day_range(self.day_from)[0])
        if self.day_to:
            stmt = stmt.where(KeyLoan.issued_at < prop.day_range(self.day_to)[1])
        if self.state == "out":
            stmt = stmt.where(KeyLoan.returned_at.is_(None))
        elif self.state == "returned":
            stmt = stmt.where(KeyLoan.returned_at.is_not(None))
        if self.q:
            q = self.q.strip()
            stmt = stmt.where(sa.or_(
                Key.tag.icontains(compact(tag_of(q)), autoescape=True),
                Key.opens.icontains(q, autoescape=True),
                KeyLoan.borrower_name.icontains(q, autoescape=True),
                KeyLoan.company.icontains(q, autoescape=True),
                KeyLoan.number.icontains(q, autoescape=True),
                Unit.archive_no.icontains(unit_term(q), autoescape=True),
            ))
        return stmt


def unit_record(unit: Unit) -> dict:
    """The unit's entrusted keys, their authorisations and every use of them, newest first: what the
    unit's archive page shows of the keys."""
    keys = list(db.session.scalars(sa.select(Key).where(Key.unit_id == unit.id).order_by(Key.tag)))
    authorisations = {key.id: [] for key in keys}
    for authorisation in db.session.scalars(
            sa.select(KeyAuthorisation).where(KeyAuthorisation.key_id.in_(authorisations))
            .order_by(KeyAuthorisation.id.desc())):
        authorisations[authorisation.key_id].append(authorisation)
    uses = list(db.session.scalars(
        sa.select(KeyLoan).join(KeyLoan.key).where(Key.unit_id == unit.id).order_by(KeyLoan.issued_at.desc())
    )) if keys else []
    return {"entrusted": keys, "authorisations": authorisations, "uses": uses}
