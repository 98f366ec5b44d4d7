from zoneinfo import ZoneInfo

import sqlalchemy as sa

from models import Role, db

from ..pdf import assert_cjk_font_embedded_as_subset, pdf_text
from .helpers import register_repair


def test_ticket_forms_print_in_chinese(client, make, prop, login_as, tmp_path):
    unit = make.unit(prop, "3", "1502")
    make.resident(unit, "张三", phone="13812345678")
    login_as(Role.LOBBY)
    ticket = register_repair(client, unit="3-1502", location="", description="厨房水龙头漏水")
    record = client.get(f"/tickets/{ticket.id}/record.pdf")
    text = pdf_text(record.data)
    assert "客户意见处理记录表" in text and ticket.number in text and "厨房水龙头漏水" in text and "登记" in text
    assert_cjk_font_embedded_as_subset(record.data, tmp_path)
    order = pdf_text(client.get(f"/tickets/{ticket.id}/work-order.pdf").data)
    assert "维修单" in order and "维修人员签字" in order and "业主签字" in order and "HY-3-1502" in order
    day = ticket.received_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d")
    register = pdf_text(client.get(f"/tickets/register.pdf?date={day}").data)
    assert "客户信息登记表" in register and ticket.number in register


def test_only_repairs_have_a_work_order(client, prop, login_as):
    login_as(Role.LOBBY)
    ticket = register_repair(client, category="help")
    assert client.get(f"/tickets/{ticket.id}/work-order.pdf").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(type(ticket))) == 1
