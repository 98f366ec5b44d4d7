import threading
from datetime import date

import pytest
import sqlalchemy as sa

from models import NumberSequence, db
from models.numbering import next_number


def test_numbers_count_up_per_property_form_and_day(make, prop):
    other = make.property("HD", "恒宇大厦")
    day = date(2026, 11, 22)
    assert next_number(prop, "TK", day) == "HY-TK-20261122-0001"
    assert next_number(prop, "TK", day) == "HY-TK-20261122-0002"
    assert next_number(prop, "FX", day) == "HY-FX-20261122-0001"
    assert next_number(other, "TK", day) == "HD-TK-20261122-0001"
    assert next_number(prop, "TK", date(2026, 11, 23)) == "HY-TK-20261123-0001"


def test_a_rolled_back_number_is_issued_again_so_there_are_no_gaps(make, prop):
    day = date(2026, 11, 22)
    next_number(prop, "TK", day)
    db.session.commit()
    assert next_number(prop, "TK", day).endswith("-0002")
    db.session.rollback()
    assert next_number(prop, "TK", day).endswith("-0002")


def test_concurrent_requests_get_distinct_gap_free_numbers(app, make, prop):
    day = date(2026, 11, 22)
    prop_id = prop.id
    issued, errors = [], []
    start = threading.Barrier(20)

    def worker():
        # As inside a POST request, which is where numbers are issued.
        with app.test_request_context("/", method="POST"):
            try:
                start.wait()
                from models import Property

                number = next_number(db.session.get(Property, prop_id), "TK", day)
                db.session.commit()
                issued.append(number)
            except Exception as exc:  # reported below
                errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db.session.commit()  # end this session's snapshot, to see the threads' commits
    assert sorted(issued) == [f"HY-TK-20261122-{n:04d}" for n in range(1, 21)]
    assert db.session.scalar(sa.select(NumberSequence.last_value)) == 20


@pytest.mark.parametrize("form_type", ["TK", "FX"])
def test_numbers_have_four_digits_and_the_property_code(make, prop, form_type):
    number = next_number(prop, form_type, date(2026, 1, 5))
    assert number.split("-") == ["HY", form_type, "20260105", "0001"]
