"""Photos attached to records: checked, turned upright, shrunk, stripped of EXIF (location!), stored."""
from __future__ import annotations

import io
import warnings

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import MultipleFileField
from PIL import Image, ImageOps, UnidentifiedImageError
from werkzeug.datastructures import FileStorage
from wtforms import ValidationError

from models import db
from models.attachments import Attachment

from .storage import put_for_transaction

MAX_EDGE = 1600
MAX_BYTES = 15 * 1024 * 1024
MAX_PHOTOS = 6
# A phone photo has up to ~50 megapixels only in its largest mode; 40 keeps every tablet's camera and
# refuses a decompression bomb (a 25 kB PNG of 10000×10000 costs seconds to open) before decoding it.
MAX_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def _uploads(field) -> list[FileStorage]:
    return [f for f in (field.data or []) if isinstance(f, FileStorage) and f.filename]


def valid_photos(form, field) -> None:
    uploads = _uploads(field)
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError(_l("最多上传 %(n)d 张照片", n=MAX_PHOTOS))
    for upload in uploads:
        data = upload.stream.read()
        upload.stream.seek(0)
        if len(data) > MAX_BYTES:
            raise ValidationError(_l("照片「%(name)s」太大（超过 15 MB）", name=upload.filename))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(data)) as image:
                    too_big = image.width * image.height > MAX_PIXELS  # read from the header, nothing decoded
                    if not too_big:
                        image.verify()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            too_big = True
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise ValidationError(_l("「%(name)s」不是图片，请拍照或选择 JPG/PNG 图片", name=upload.filename)) from None
        if too_big:
            raise ValidationError(_l("照片「%(name)s」像素太多（超过 4000 万），请用相机的常规尺寸拍照", name=upload.filename))


def PhotosField(label=_l("照片")):  # noqa: N802 - a field factory, used like a field class
    return MultipleFileField(label, validators=[valid_photos], render_kw={"accept": "image/*", "capture": "environment"})


def save_photos(field, owner) -> list[Attachment]:
    """Store the photos of a validated field as attachments of `owner` (which must have an id)."""
    saved = []
    for upload in _uploads(field):
        with Image.open(upload.stream) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail((MAX_EDGE, MAX_EDGE))
        saved.append(store_image(owner, image, folder="photos", filename=upload.filename, fmt="JPEG"))
    return saved


def store_image(owner, image: Image.Image, *, folder: str, filename: str, fmt: str) -> Attachment:
    """Save `image` (re-encoded: no metadata survives) as an attachment of `owner`."""
    out = io.BytesIO()
    image.save(out, fmt, optimize=True, **({"quality": 85} if fmt == "JPEG" else {}))
    data = out.getvalue()
    suffix = ".jpg" if fmt == "JPEG" else f".{fmt.lower()}"
    attachment = Attachment(
        property_id=owner.property_id,
        owner_table=owner.__tablename__,
        owner_id=owner.id,
        storage_key=put_for_transaction(data, prefix=f"{folder}/{owner.property_id}", suffix=suffix),
        filename=filename[:200],
        content_type=Image.MIME[fmt],
        size=len(data),
        width=image.width,
        height=image.height,
        uploaded_by_id=current_user.id if current_user.is_authenticated else None,
    )
    db.session.add(attachment)
    return attachment
