"""钥匙管理: the key register (治理清单, tag labels), loans and returns against signatures, supervisor
approval for the classes that need it, owners' authorisations for entrusted keys, overdue alarms,
stock-takes (盘点) and the printed 钥匙借用登记表."""
from flask import Blueprint, url_for
from flask_babel import lazy_gettext as _l

from ..shared.modules import AdminLink, ApprovalKind, DeskStat, Module, NavItem, Panel, QuickAction, Setting, UnitRecord, grant
from ..shared.permissions import A, C, L, S

bp = Blueprint("keys", __name__, url_prefix="/keys")

from . import cli, counts, demo, handover, panels, printing, services, views  # noqa: E402,F401 - views register their routes

module = Module(
    "keys", bp, _l("钥匙"),
    permissions={
        "keys.view": grant(_l("查看钥匙清单和借用记录"), A, S, L, C),
        "keys.work": grant(_l("钥匙借出、归还，登记业主授权"), S, L, C),
        "keys.manage": grant(_l("管理钥匙清单（登记、修改钥匙）"), A, S),
        "keys.approve": grant(_l("审批需授权类钥匙的借用"), S),
        "keys.count": grant(_l("钥匙盘点"), S, C),
    },
    nav=[NavItem(_l("钥匙"), "keys.index", "keys.view", "/keys", _l("前台"))],
    panels=[Panel("keys/_panel.html", panels.overdue, permission="keys.view", order=40)],
    desk=[DeskStat(_l("把钥匙借出"), panels.out, "keys.index", "keys.view", {"state": "out"}),
          DeskStat(_l("把钥匙超时未还"), panels.overdue_count, "keys.index", "keys.view", {"state": "overdue"})],
    actions=[QuickAction(_l("钥匙借出"), "keys.issue_key", "keys.work"),
             QuickAction(_l("钥匙归还"), "keys.return_key", "keys.work")],
    admin=[AdminLink(_l("钥匙"), _l("钥匙牌号、类别、开启部位、钥匙柜和挂钩，打印治理清单和钥匙牌"), "keys.index", "keys.manage")],
    handover=[handover.keys_out],
    attachments={"key_loans": "keys.view", "key_authorisations": "keys.view"},
    demo=demo.demo,
    field_labels={
        "tag": _l("钥匙牌号"), "key_class": _l("类别"), "opens": _l("开启部位"), "cabinet": _l("钥匙柜"),
        "hook": _l("挂钩位"), "copies": _l("把数"), "borrower_name": _l("借用人"), "expected_return_at": _l("预计归还"),
        "valid_until": _l("授权截止日期"), "persons": _l("可领用人"),
    },
    number_codes={"YJ": _l("钥匙借用"), "YP": _l("钥匙盘点")},
    settings={
        "KEYS_APPROVAL_CLASSES": Setting(["plant", "fire"], "key classes whose loans need a supervisor's approval"),
        "KEYS_GRACE_MINUTES": Setting({"default": 15}, "minutes past due before the supervisor is told, by class"),
    },
    commands=[cli.notify_overdue_command],
    unit_records=[UnitRecord("keys/_unit_record.html", services.unit_record, "keys.view")],
    approvals=[ApprovalKind(services.APPROVAL_KIND, _l("钥匙借用"), "keys.approve", services.request_decided,
                            lambda approval: url_for("keys.request_page", request_id=approval.subject_id))],
)
