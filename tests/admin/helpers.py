"""Helpers of the admin tests: fresh row counts and what a re-rendered form shows."""
from __future__ import annotations

import html
import re

import sqlalchemy as sa

from models import db


def count(model, **filters) -> int:
    """How many rows of `model` match; reads afresh, after whatever the last request committed."""
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).filter_by(**filters))


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def field_errors(response, field_id: str) -> list[str]:
    """The error messages shown beside one form field (see templates/_form.html)."""
    page = response.get_data(as_text=True)
    block = re.search(rf'<div class="field[^"]*" id="field-{field_id}">(.*?)</div>', page, re.S)
    assert block, f"no field {field_id} on the page"
    return [html.unescape(m) for m in re.findall(r'<p class="error"[^>]*>(.*?)</p>', block.group(1))]


def input_value(response, name: str) -> str | None:
    """The value a text input of the re-rendered form carries."""
    page = response.get_data(as_text=True)
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', page)
    if not tag:
        return None
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return html.unescape(value.group(1)) if value else ""


def flashes(response) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'<p class="flash[^"]*">(.*?)</p>', response.get_data(as_text=True))]


def follow(client, response):
    """The page a redirect leads to (the test client's follow_redirects bypasses the per-request context)."""
    assert response.status_code == 302, response.get_data(as_text=True)
    return client.get(response.headers["Location"])
