"""The demo's key cabinet: about thirty keys in every class, a plant-room key waiting for approval, an
entrusted unit key with its owner's authorisation and a key out past its time."""
import sqlalchemy as sa

from blueprints.keys.services import overdue_loans
from models import Property, clock, db
from models.approvals import Approval
from models.keys import Key, KeyAuthorisation, KeyClass, KeyRequest, RequestStatus

from ..admin.test_demo_command import run_demo


def test_the_demo_has_a_cabinet_with_a_request_an_authorisation_and_a_key_overdue(app):
    run_demo(app)
    garden = db.session.scalar(sa.select(Property).where(Property.code == "HY"))
    keys = db.session.scalars(sa.select(Key).where(Key.property_id == garden.id)).all()
    assert 25 <= len(keys) <= 35 and {k.key_class for k in keys} == set(KeyClass)
    [req] = db.session.scalars(sa.select(KeyRequest)).all()
    assert req.key.key_class is KeyClass.PLANT and req.status is RequestStatus.PENDING
    assert db.session.scalar(sa.select(Approval).where(Approval.kind == "keys.loan")).pending
    [authorisation] = db.session.scalars(sa.select(KeyAuthorisation)).all()
    assert authorisation.key.key_class is KeyClass.ENTRUSTED and authorisation.names == ["李阿姨", "张小明"]
    with app.test_request_context():
        [late] = overdue_loans(garden.id, clock.now())
    assert late.key.tag == "G-07" and late.signature is not None
