import re

import sqlalchemy as sa

from models import db
from models.tickets import Ticket


def register_repair(client, **extra) -> Ticket:
    data = {"category": "repair", "location": "3号楼大堂", "description": "大堂灯不亮", "source": "phone", "nature": "normal",
            "caller_name": "张三", "caller_phone": "13812345678"}
    data.update(extra)
    response = client.post_form("/tickets/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.commit()
    return db.session.scalar(sa.select(Ticket).order_by(Ticket.id.desc()))


def step(client, ticket, name, fields=None, version=None):
    """POST one step from the ticket page, with the version the page showed."""
    db.session.refresh(ticket)
    data = {f"{name}-{k}": v for k, v in (fields or {}).items()}
    data[f"{name}-version"] = str(ticket.version if version is None else version)
    data[f"{name}-csrf_token"] = client.csrf_token()
    return client.post(f"/tickets/{ticket.id}/{name.replace('_', '-')}", data=data)


def error_text(response) -> str:
    return " ".join(re.findall(r'class="(?:form-)?error"[^>]*>([^<]+)<', response.get_data(as_text=True)))
