import io

from PIL import Image

from ..parcels.test_parcels import at_once, signature_url  # noqa: F401 - one version of each, shared


def photo(name="photo.jpg") -> tuple[io.BytesIO, str]:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (200, 30, 30)).save(out, "JPEG")
    out.seek(0)
    return out, name
