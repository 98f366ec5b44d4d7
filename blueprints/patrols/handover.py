"""Patrols on the shift handover: recent rounds not yet walked or still being walked, and findings
whose repair the next shift keeps following up."""
from datetime import timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from models import Property, clock, db
from models.patrols import FindingStatus, PatrolFinding, RoundStatus

from ..shared.handover import HandoverItem
from ..shared.localtime import local
from .services import rounds_of


def rounds_not_walked(shift) -> list[HandoverItem]:
    """Rounds of the last 24 hours still due or being walked: a night shift handing over after midnight
    passes on the round it left at 23:30; rounds still to come are not handed over."""
    prop = db.session.get(Property, shift.property_id)
    until = shift.handed_over_at or clock.now()
    today = prop.local_day(until)
    return [
        HandoverItem(_("未完成的巡查"), f"{local(r.scheduled_for, '%H:%M')} {r.route.name}（{r.status.label}）",
                     url_for("patrols.round_page", round_id=r.id) if r.id else url_for("patrols.index", date=prop.local_day(r.scheduled_for)))
        for r in rounds_of(prop, today - timedelta(days=1), today)
        # rounds whose time has come (their window open or passed): the 22:00 round is no news at 03:50
        if until - timedelta(days=1) <= r.scheduled_for <= until and r.status in (RoundStatus.DUE, RoundStatus.IN_PROGRESS)
    ]


def open_findings(shift) -> list[HandoverItem]:
    findings = db.session.scalars(
        sa.select(PatrolFinding)
        .where(PatrolFinding.property_id == shift.property_id, PatrolFinding.status == FindingStatus.OPEN)
        .order_by(PatrolFinding.id)
    )
    return [
        HandoverItem(_("待整改的巡查发现"),
                     f"{f.checkpoint.name}：{f.result.note[:40]} → {f.ticket.number}（{f.ticket.status.label}）",
                     url_for("tickets.detail", ticket_id=f.ticket_id))
        for f in findings
    ]
