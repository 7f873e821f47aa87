"""Who reads the books' pages: every current member of the co-op (404 to anyone else). The
pages only read; the journal is written by the money events."""

from coop.access import membership as membership  # every co-op page's first question
from coop.models import Member
from coop.models.cooperative import Role


def context(member: Member, section: str, **extra) -> dict:
    return {
        "member": member,
        "cooperative": member.cooperative,
        "currency": member.cooperative.currency,
        "is_treasurer": member.has_role(Role.TREASURER),
        "section": section,  # books/_subnav.html
        **extra,
    }
