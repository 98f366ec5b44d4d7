"""Likely duplicates, warned of before saving: the same repair registered twice a minute apart, a visitor
signed in while the last visit is still open.

A create form mixes in `WarnsOfDuplicates` and ends its `validate()` with `no_likely_duplicates()`. When
everything else is valid and `find_duplicates()` returns records, the form comes back (422, nothing
saved, everything typed kept) with those records and a form error; the `duplicates` macro in
templates/_form.html lists them with the module's own choices (open it, add this to it) and a
「仍然登记」button that sends the form again with `save_anyway`. The list sits in an element that
static/js/offline.js refreshes from the server's answer, so offline-capable forms show it too.
"""
from __future__ import annotations

import difflib
import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField

# How alike two descriptions must be (difflib's ratio, 0–1) to count as "the same thing".
SIMILAR = 0.5


def similar(a: str, b: str) -> bool:
    """Two short texts about the same thing: alike by characters (Chinese has no words to split on),
    or one contained in the other ("漏水" / "厨房漏水")."""
    a, b = (re.sub(r"[\W_]+", "", t.lower()) for t in (a, b))
    if not a or not b:
        return False
    return a in b or b in a or difflib.SequenceMatcher(None, a, b).ratio() >= SIMILAR


class WarnsOfDuplicates:
    """For a FlaskForm that defines `find_duplicates()`: the records likely to be what is being entered
    again (the form's own query, by what was typed)."""

    save_anyway = BooleanField()
    duplicate_message = _l("可能与已有记录重复，请先核对下方记录")
    duplicates: tuple = ()

    def no_likely_duplicates(self) -> bool:
        if self.save_anyway.data:
            return True
        self.duplicates = self.find_duplicates()
        if self.duplicates:
            self.form_errors.append(self.duplicate_message)
            return False
        return True
