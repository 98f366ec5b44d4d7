"""The day's 来访登记表 on paper: a busy lobby's rows one line each at 9 pt, at least 25 to an A4 page, under the
column headers repeated on every page (issue 16)."""
from datetime import timedelta

import sqlalchemy as sa

from blueprints.visitors.services import sign_in
from models import Unit, clock, db

from ..pdf import assert_register_pages
from .test_visitors import GOOD_ID, desk  # noqa: F401 - the fixture


def test_sixty_visitors_fit_three_pages_under_the_header_on_each(app, client, desk, prop, tmp_path):
    unit = db.session.scalar(sa.select(Unit))
    start = prop.day_range(prop.local_day(clock.now()) - timedelta(days=1))[0]
    with app.test_request_context():
        for n in range(60):
            at = start + timedelta(hours=8, minutes=10 * n)
            visit = sign_in(prop, by=desk, at=at, unit=unit, name=f"刘备{n:02d}", id_number=GOOD_ID,
                            phone="13812345678", host_name="周建国", party_size=2, plate="皖A12345", pass_no=f"V{n:03d}")
            visit.signed_out_at = at + timedelta(minutes=45)
    client.login("desk")
    pdf = client.get(f"/visitors/day.pdf?date={prop.local_day(start).isoformat()}").data
    pages = assert_register_pages(pdf, tmp_path, header="证件号码", row=r"刘备\d\d", rows=60)
    assert len(pages) == 3
