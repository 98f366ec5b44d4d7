from io import BytesIO

from flask import send_file

from models.attachments import Attachment

from ..shared.permissions import get_or_404, require
from ..shared.storage import storage
from . import bp


@bp.get("/<int:attachment_id>")
@require("files.view")
def attachment(attachment_id: int):
    item = get_or_404(Attachment, attachment_id)
    response = send_file(BytesIO(storage().get(item.storage_key)), mimetype=item.content_type,
                         download_name=item.filename or f"{item.id}.jpg")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response
