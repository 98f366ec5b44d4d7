import base64
import io

from PIL import Image, ImageDraw


def signature_url() -> str:
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(40, 150), (200, 60), (360, 140), (560, 50)], fill=(17, 17, 17, 255), width=5)
    out = io.BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def photo(name="photo.jpg") -> tuple[io.BytesIO, str]:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (200, 30, 30)).save(out, "JPEG")
    out.seek(0)
    return out, name


def at_once(app, client, n, request) -> list[int]:
    """`request(other_client, token, i)` from n clients of the same session, released together."""
    import threading

    token, cookie = client.csrf_token(), client.get_cookie("frontdesk_session")
    statuses, start = [], threading.Barrier(n)

    def run(i):
        other = app.test_client()
        other.set_cookie("frontdesk_session", cookie.value)
        start.wait()
        statuses.append(request(other, token, i).status_code)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses
