from io import BytesIO

from flask import abort, send_file

from models.attachments import Attachment

from ..shared.modules import platform
from ..shared.permissions import can, get_or_404, require
from ..shared.storage import storage
from . import bp


@bp.get("/<int:attachment_id>")
@require("files.view")
def attachment(attachment_id: int):
    item = get_or_404(Attachment, attachment_id)
    # The record's own permission: a department user may see tickets' photos, not a parcel's signature.
    # Files of a table no module declares are served to no one.
    permission = platform().attachments.get(item.owner_table)
    if permission is None or not can(permission):
        abort(404 if permission is None else 403)
    response = send_file(BytesIO(storage().get(item.storage_key)), mimetype=item.content_type,
                         download_name=item.filename or f"{item.id}.jpg")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response
