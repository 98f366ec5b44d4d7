"""Status and kind enumerations: stored as their lowercase value, shown by their Chinese label."""
from __future__ import annotations

import enum

import sqlalchemy as sa
from flask_babel import force_locale
from wtforms.fields.choices import SelectChoice

# The interface languages (blueprints/shared/i18n.py): the source, Simplified Chinese, first.
LANGUAGES = ("zh_CN", "zh_Hant", "en")


def in_every_language(message) -> set[str]:
    """A lazy string as each language shows it: for a value users were told to type in their own language."""
    found = set()
    for language in LANGUAGES:
        with force_locale(language):
            found.add(str(message))
    return found


class LabelledEnum(str, enum.Enum):
    """A string enum whose members carry a translatable label: ``Member = "value", _l("标签")``."""

    def __new__(cls, value: str, label=None):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label if label is not None else value
        return member

    def __str__(self) -> str:
        return self.value

    @classmethod
    def choices(cls) -> list[SelectChoice]:
        return [SelectChoice(m.value, m.label) for m in cls]


def enum_type(enum_cls: type[enum.Enum]) -> sa.Enum:
    """A portable enum column type: a VARCHAR holding the member's value, checked by the database."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )
