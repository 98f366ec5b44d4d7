"""The models every module shares: the organisation, users, audit, numbering, attachments, the offline
store and notifications. A module's own models live in `models/<module>.py` and are imported from there
(its blueprint imports them, so the metadata and Alembic see every table of an app's modules)."""
from . import clock  # noqa: F401
from .audit import AuditAction, AuditEntry  # noqa: F401
from .base import db  # noqa: F401
from .numbering import NumberSequence  # noqa: F401
from .org import Building, CalendarDay, Department, DepartmentKind, IdType, Property, Resident, ResidentRelation, Unit  # noqa: F401
from .users import LoginFailure, LoginSession, Role, User, UserRole  # noqa: F401
from .attachments import Attachment  # noqa: F401
from .offline import IdempotencyKey  # noqa: F401
from .notifications import Notification  # noqa: F401
from .resident_messages import ResidentMessage  # noqa: F401
