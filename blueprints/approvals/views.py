"""审批: the requests waiting for me, those I made, and one request with its decision, tablet-sized."""
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models import clock, db
from models.approvals import Approval

from ..auth.sessions import password_confirmed
from ..shared.htmx import INVALID, render
from ..shared.permissions import current_property, get_or_404, require, scoped
from . import bp
from .forms import DecisionForm
from .services import ApprovalError, asked_by, decide, kind_of, may_decide, waiting_for


@bp.get("/")
@require("approvals.view")
def index():
    prop = current_property()
    return render(
        "approvals/index.html",
        waiting=db.session.scalars(waiting_for(current_user, prop.id)).all(),
        mine=db.session.scalars(asked_by(current_user, prop.id).limit(30)).all(),
        decided=db.session.scalars(
            scoped(Approval).where(Approval.decided_by_id == current_user.id)
            .order_by(Approval.decided_at.desc()).limit(30)
        ).all(),
        kind_of=kind_of,
    )


def render_detail(approval: Approval, form=None, status=200):
    return render("approvals/detail.html", approval=approval, kind=kind_of(approval),
                  form=form or DecisionForm(formdata=None), may_decide=may_decide(approval, current_user), status=status)


@bp.get("/<int:approval_id>")
@require("approvals.view")
def detail(approval_id: int):
    return render_detail(get_or_404(Approval, approval_id))


@bp.post("/<int:approval_id>/decide")
@require("approvals.view")
@password_confirmed
def decide_view(approval_id: int):
    # Locked until the request ends: of two approvers at once, the second sees the first one's decision.
    approval = db.first_or_404(scoped(Approval).where(Approval.id == approval_id).with_for_update()
                               .execution_options(populate_existing=True))
    if approval.pending and not may_decide(approval, current_user) and approval.requested_by_id != current_user.id:
        abort(403)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            decide(approval, approve=form.decision.data == "approve", note=form.note.data or "", by=current_user,
                   at=clock.now())
        except ApprovalError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("%(status)s：%(s)s", status=approval.status.label, s=approval.summary), "success")
            return redirect(request.form.get("next") or url_for("approvals.index"))
    return render_detail(approval, form, status=INVALID)
