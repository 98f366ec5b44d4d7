"""Security headers on every response: what a page may load and run, and who may frame it."""
from flask import Response

# Scripts only from the app's own files (no inline script or on…= handlers: static/js binds behaviour to
# data- attributes). Inline style attributes stay allowed: the templates use a few and htmx inserts its
# indicator style. Photos preview from blob: and signatures from data: URLs before they are uploaded.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "Permissions-Policy": "geolocation=(), microphone=(), camera=(self)",  # the camera scans QR codes
}


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response
