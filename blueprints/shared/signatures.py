"""Signatures drawn on the desk's screen (static/js/signature.js, the `signature_field` macro): a PNG
data URL in a hidden input, checked here and stored as an attachment of the record signed for —
a parcel collected, lost property handed back, a key lent."""
from __future__ import annotations

import base64
import binascii
import io
import warnings

from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError
from wtforms import HiddenField, ValidationError
from wtforms.validators import StopValidation

from models.attachments import Attachment

from .photos import store_image

DATA_URL_PREFIX = "data:image/png;base64,"
MAX_BYTES = 500 * 1024
MAX_EDGE = 4096  # a tablet's signing box at 3x pixel density is about 2,400 px wide
INK_LEVEL = 200  # on white, a pixel darker than this grey is ink
MIN_STROKE = 12  # pixels: a stray tap is not a signature
STORED_EDGE = 1200


def _on_white(image: Image.Image) -> Image.Image:
    """The drawing flattened on white paper, in greys (the canvas exports a transparent background)."""
    paper = Image.new("RGBA", image.size, (255, 255, 255, 255))
    paper.alpha_composite(image.convert("RGBA"))
    return paper.convert("L")


def decode_signature(data_url: str) -> Image.Image:
    """The signature in `data_url` flattened on white; ValidationError when it is not a drawn PNG."""
    unreadable = ValidationError(_l("签名无法识别，请清除后重新签名"))
    if not data_url.startswith(DATA_URL_PREFIX):
        raise unreadable
    encoded = data_url.removeprefix(DATA_URL_PREFIX)
    if len(encoded) > (MAX_BYTES + 2) // 3 * 4:
        raise ValidationError(_l("签名图片太大，请清除后重新签名"))
    try:
        png = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise unreadable from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(png), formats=["PNG"]) as image:
                flat = _on_white(image) if max(image.size) <= MAX_EDGE else None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise unreadable from None
    if flat is None:
        raise ValidationError(_l("签名图片太大，请清除后重新签名"))
    ink = flat.point(lambda level: 255 if level < INK_LEVEL else 0).getbbox()
    if ink is None:
        raise ValidationError(_l("签名为空，请在框内签名"))
    left, top, right, bottom = ink
    if max(right - left, bottom - top) < MIN_STROKE:
        raise ValidationError(_l("签名太小，请在框内签全名"))
    return flat


class SignatureField(HiddenField):
    """A signature drawn on screen. After validation `image` holds it (flattened on white), or None
    when nothing was drawn and the field is optional. A form that needs a signature only sometimes
    sets `field.required` before validating."""

    def __init__(self, label=None, validators=None, *, required: bool = True, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required = required
        self.image: Image.Image | None = None

    @property
    def required(self) -> bool:
        return bool(self.flags.required)

    @required.setter
    def required(self, value: bool) -> None:
        self.flags.required = value

    def pre_validate(self, form) -> None:
        self.image = None
        if not self.data:
            if self.required:
                raise StopValidation(_l("请在框内签名"))
            return
        self.image = decode_signature(self.data)


def save_signature(field: SignatureField, owner) -> Attachment | None:
    """Store the validated signature of `field` as an attachment of `owner` (which must have an id).

    The PNG is drawn anew, so nothing but the pixels is kept (a data URL may carry text chunks).
    """
    if field.image is None:
        return None
    image = field.image.copy()
    image.thumbnail((STORED_EDGE, STORED_EDGE))
    return store_image(owner, image, folder="signatures", filename="signature.png", fmt="PNG")
