"""Patrols on the shift handover: recent rounds not yet walked or still being walked, and findings
whose repair the next shift keeps following up."""
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from models import FindingStatus, PatrolFinding, PatrolRound, Property, RoundStatus, db

from ..shared.handover import HandoverItem, handover_source


@handover_source
def rounds_not_walked(shift) -> list[HandoverItem]:
    """Rounds of the last 24 hours and the rest of today still due or being walked: a night shift
    handing over after midnight passes on the round it left at 23:30."""
    prop = db.session.get(Property, shift.property_id)
    zone = prop.zone
    until = shift.handed_over_at or datetime.now(timezone.utc)
    end_of_today = prop.day_range(prop.local_day(until))[1]
    rounds = db.session.scalars(
        sa.select(PatrolRound)
        .where(PatrolRound.property_id == prop.id, PatrolRound.scheduled_for >= until - timedelta(days=1),
               PatrolRound.scheduled_for < end_of_today,
               PatrolRound.status.in_([RoundStatus.DUE, RoundStatus.IN_PROGRESS]))
        .order_by(PatrolRound.scheduled_for)
    )
    return [
        HandoverItem(_("未完成的巡查"), f"{r.scheduled_for.astimezone(zone).strftime('%H:%M')} {r.route.name}（{r.status.label}）",
                     url_for("patrols.round_page", round_id=r.id))
        for r in rounds
    ]


@handover_source
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
