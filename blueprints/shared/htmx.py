"""htmx helpers: a request is an htmx request only when htmx says so and it is not a history restore."""
from __future__ import annotations

from flask import Response, make_response, redirect, render_template, request
from jinja2_fragments.flask import render_block, render_blocks

# A form that fails validation answers with this status, for full pages and fragments alike.
INVALID = 422


def is_htmx() -> bool:
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render(template: str, block: str | list[str] | None = None, status: int = 200, **context) -> Response:
    """Render the whole page, or only `block` of it (or those blocks, e.g. a row and an out-of-band
    notice) for an htmx request."""
    if block and is_htmx():
        body = render_blocks(template, block, **context) if isinstance(block, list) else render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    return make_response(body, status)


def redirect_to(location: str) -> Response:
    """Go on to `location`: a redirect, or for htmx an HX-Redirect, so that the next page loads whole
    rather than being swapped into the element that asked."""
    if is_htmx():
        response = make_response("", 200)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location)


def add_vary_header(response: Response) -> Response:
    response.vary.add("HX-Request")
    return response
