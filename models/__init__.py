"""All models, imported here so that the metadata (and Alembic) sees every table."""
from .audit import AuditAction, AuditEntry  # noqa: F401
from .base import db  # noqa: F401
from .numbering import NumberSequence  # noqa: F401
from .org import Building, CalendarDay, Department, DepartmentKind, Property, Resident, ResidentRelation, Unit  # noqa: F401
from .users import Role, User, UserRole  # noqa: F401
from .attachments import Attachment  # noqa: F401
from .offline import IdempotencyKey  # noqa: F401
from .journal import JournalEvent, ReleasePass, Shift, ShiftCheck  # noqa: F401
from .notifications import Notification  # noqa: F401
from .parcels import Carrier, Parcel, ParcelKind  # noqa: F401
from .visitors import BlockEntry, ExpectedGuest, Visitor  # noqa: F401
from .decoration import Decoration, DecorationStatus, Reinspection, Violation, ViolationKind, ViolationStatus  # noqa: F401
from .tickets import (  # noqa: F401
    CapaStatus,
    CorrectiveAction,
    Nature,
    Satisfaction,
    Severity,
    Ticket,
    TicketCategory,
    TicketError,
    TicketEvent,
    TicketEventKind,
    TicketSettings,
    TicketSource,
    TicketStatus,
    TicketVisit,
    VisitMethod,
)
from .patrols import (  # noqa: F401
    FindingStatus,
    Outcome,
    PatrolCheckpoint,
    PatrolError,
    PatrolFinding,
    PatrolResult,
    PatrolRound,
    PatrolRoute,
    PatrolSchedule,
    RoundStatus,
    RouteKind,
)
