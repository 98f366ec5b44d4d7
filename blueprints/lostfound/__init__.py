"""失物招领 and 代为保管: found items registered (offline-capable, photos, valuables counted before a witness
and kept in the safe), lost reports matched against them, claims against ID and signature (valuables after
a supervisor's approval), retention and disposal, items held for owners; the printed forms."""
from flask import Blueprint, url_for
from flask_babel import lazy_gettext as _l

from ..shared.modules import AdminLink, ApprovalKind, DeskStat, Module, NavItem, QuickAction, grant
from ..shared.permissions import A, C, L, S

bp = Blueprint("lostfound", __name__, url_prefix="/lost-found")

from . import demo, handover, held, manage, panels, printing, services, views  # noqa: E402,F401 - views register their routes

module = Module(
    "lostfound", bp, _l("失物招领"),
    permissions={
        "lostfound.view": grant(_l("查看失物、挂失和代为保管物品"), A, S, L, C),
        "lostfound.work": grant(_l("登记失物和挂失、发还失物、代为保管和交还"), S, L, C),
        "lostfound.approve": grant(_l("批准贵重失物发还"), S),
        "lostfound.dispose": grant(_l("处置超过保管期的失物"), S),
        "lostfound.manage": grant(_l("设置失物保管期限"), A),
    },
    nav=[NavItem(_l("失物"), "lostfound.index", "lostfound.view", "/lost-found", _l("前台"))],
    desk=[DeskStat(_l("件失物待领"), panels.in_store, "lostfound.index", "lostfound.view"),
          DeskStat(_l("件代为保管"), panels.held, "lostfound.held_index", "lostfound.view")],
    actions=[QuickAction(_l("失物登记"), "lostfound.new", "lostfound.work"),
             QuickAction(_l("代为保管"), "lostfound.held_new", "lostfound.work")],
    admin=[AdminLink(_l("失物保管期限"), _l("各类失物的保管天数，到期后可处置"), "lostfound.retention", "lostfound.manage")],
    handover=[handover.valuables_in_safe, handover.held_items, handover.past_retention],
    attachments={"found_items": "lostfound.view", "held_items": "lostfound.view"},
    demo=demo.demo,
    field_labels={
        "found_place": _l("拾获地点"), "found_at": _l("拾获时间"), "finder_name": _l("拾获人"),
        "storage_place": _l("存放位置"), "valuable": _l("贵重物品"), "cash_total": _l("现金合计"),
        "retain_until": _l("保管至"), "claimant_name": _l("领取人"), "claimed_at": _l("发还时间"),
        "disposal": _l("处置方式"), "for_name": _l("交给谁"), "collected_at": _l("领取时间"),
        "lost_place": _l("遗失地点"), "lost_on": _l("遗失日期"),
    },
    number_codes={"SW": _l("失物"), "GS": _l("挂失"), "DB": _l("代为保管")},
    approvals=[ApprovalKind(services.APPROVAL_KIND, _l("贵重失物发还"), "lostfound.approve", services.release_decided,
                            lambda approval: url_for("lostfound.detail", item_id=approval.subject_id))],
)
