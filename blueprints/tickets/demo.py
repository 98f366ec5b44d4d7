"""Demo tickets: a week of calls at the desk, from closed after a return visit to just registered."""
from models import DepartmentKind
from models.tickets import Satisfaction, Severity, TicketCategory, TicketSource, TicketVisit, VisitMethod

from ..shared.demo import Demo
from .services import create_ticket


def demo(d: Demo) -> None:
    prop, hours = d.garden, d.hours_ago
    lobby, concierge, engineer, supervisor = (d.users[u] for u in ("lobby", "concierge", "engineer", "supervisor"))
    engineering = next(dep for dep in prop.departments if dep.kind is DepartmentKind.ENGINEERING)

    def ticket(at, by, category, text, unit=None, **fields):
        unit = d.unit(unit) if unit else None
        resident = unit.residents[0] if unit and unit.residents else None
        return create_ticket(
            prop, by, at, category=category, description=text, unit=unit,
            caller_name=resident.name if resident else "", caller_phone=resident.phone if resident else "",
            **{"source": TicketSource.PHONE, **fields},
        )

    # Complaints, as every one is visited (a repair is drawn by its number, which changes with the day).
    closed = ticket(hours(150), lobby, TicketCategory.COMPLAINT, "楼道声控灯坏了一周，反映过没人来修", "HY-3-1502",
                    severity=Severity.MINOR)
    closed.dispatch(engineering, engineer, lobby, "", hours(149.5))
    closed.accept(engineer, hours(149))
    closed.complete(engineer, "更换 15 层声控灯，试亮正常", hours(147))
    closed.feed_back(lobby, "已电话告知业主维修完成", hours(146))
    closed.record_visit(
        TicketVisit(property_id=prop.id, method=VisitMethod.PHONE, satisfaction=Satisfaction.SATISFIED,
                    remarks="业主满意", visited_at=hours(120), visitor=supervisor),
        supervisor, rework_hours=24,
    )
    fed_back = ticket(hours(50), lobby, TicketCategory.COMPLAINT, "楼上漏水，卫生间顶棚渗水，第二次反映", "HY-1-302",
                      severity=Severity.MINOR)
    fed_back.dispatch(engineering, engineer, lobby, "请尽快上门查看楼上防水", hours(49.5))
    fed_back.accept(engineer, hours(49))
    fed_back.complete(engineer, "楼上卫生间地漏密封，已修复", hours(28))
    fed_back.feed_back(lobby, "已告知业主，业主表示会观察两天", hours(27))
    working = ticket(hours(20), concierge, TicketCategory.REPAIR, "2号楼 1 单元电梯按钮失灵",
                     location="2号楼电梯厅", source=TicketSource.PATROL)
    working.dispatch(engineering, engineer, concierge, "", hours(19.5))
    working.accept(engineer, hours(19))
    working.add_note(engineer, "已联系电梯维保单位，配件明天到", hours(18))
    enquiry = ticket(hours(4), lobby, TicketCategory.ENQUIRY, "物业费可以用哪些方式缴纳", "HY-2-1201")
    enquiry.answer_at_once("可在前台刷卡、扫码，或在业主小程序缴纳", lobby, hours(4))
    dispatched = ticket(hours(3), lobby, TicketCategory.REPAIR, "客厅插座没电", "HY-4-801")
    dispatched.dispatch(engineering, None, lobby, "", hours(2.5))
    ticket(hours(1), lobby, TicketCategory.COMPLAINT, "楼上装修噪音扰民，中午也在施工", "HY-3-1402",
           severity=Severity.MINOR, source=TicketSource.WALK_IN)
    ticket(hours(0.5), concierge, TicketCategory.COMPLAINT, "地下车库 B 区积水严重，车辆无法通行",
           location="地下车库 B 区", severity=Severity.IMPORTANT, source=TicketSource.PATROL)
