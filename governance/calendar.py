"""The iCalendar feed of a member's voting deadlines (RFC 5545), written by hand: a few lines of
text do not need a dependency."""

import datetime
from collections.abc import Callable

from django.utils.translation import gettext as _

from coop.models import Member
from governance.models import Proposal, State


def ics_escape(text: str) -> str:
    """TEXT value escaping of RFC 5545 §3.3.11: backslash, semicolon, comma and newlines."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def ics_fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character."""
    parts: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, 74  # a continuation line starts with one space
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _ics_time(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar_document(
    member: Member, proposals: list[Proposal], link: Callable[[Proposal], str], host: str
) -> str:
    """The iCalendar text: an event at each open proposal's voting deadline (and opening)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Cooperage//Proposals//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{ics_escape(member.cooperative.name + ' — ' + _('votes'))}",
        f"X-WR-TIMEZONE:{member.cooperative.time_zone}",
    ]
    for proposal in proposals:
        url = link(proposal)
        moments = [("closes", _("Vote closes"), proposal.closes_at)]
        if proposal.state == State.DISCUSSION:
            moments.insert(0, ("opens", _("Voting opens"), proposal.opens_at))
        if proposal.i_voted:
            note = _("You have voted.")
        elif proposal.state == State.VOTING and proposal.i_am_eligible:
            note = _("You have not voted yet.")
        else:
            note = ""
        for key, label, moment in moments:
            description = "\n".join(filter(None, [proposal.title, note, url]))
            lines += [
                "BEGIN:VEVENT",
                f"UID:proposal-{proposal.pk}-{key}@{host}",
                f"DTSTAMP:{_ics_time(proposal.updated_at)}",
                f"DTSTART:{_ics_time(moment)}",
                f"SUMMARY:{ics_escape(f'{label}: {proposal.title}')}",
                f"DESCRIPTION:{ics_escape(description)}",
                f"URL:{url}",
                "TRANSP:TRANSPARENT",
                "END:VEVENT",
            ]
    lines.append("END:VCALENDAR")
    return "".join(ics_fold(line) + "\r\n" for line in lines)
