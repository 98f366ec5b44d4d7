"""The request as the app reads it: control characters (a NUL from a barcode scanner or a paste, which
PostgreSQL refuses and SQLite keeps) are taken out of every form field and query argument, in one place,
before any view, form or search sees them. Tab and line breaks stay."""
import re

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_controls(value):
    return CONTROL.sub("", value) if isinstance(value, str) else value


class ControlFreeMultiDict(ImmutableMultiDict):
    def __init__(self, mapping=None):
        pairs = MultiDict(mapping).items(multi=True)
        super().__init__([(without_controls(key), without_controls(value)) for key, value in pairs])


class CleanRequest(Request):
    parameter_storage_class = ControlFreeMultiDict
