"""The core domain's models: users, co-ops and members, clients, projects, hours, audit events."""

from coop.models.audit import AuditEvent
from coop.models.cooperative import Cooperative, Member, MemberStatusChange
from coop.models.invitations import Invitation
from coop.models.users import User
from coop.models.work import (
    Client,
    PeriodLock,
    Project,
    RunningTimer,
    TimeEntry,
    TimeEntryMonthCount,
    VatTreatment,
)

__all__ = [
    "AuditEvent",
    "Client",
    "Cooperative",
    "Invitation",
    "Member",
    "MemberStatusChange",
    "PeriodLock",
    "Project",
    "RunningTimer",
    "TimeEntry",
    "TimeEntryMonthCount",
    "User",
    "VatTreatment",
]
