"""The absolute limits of a proposal, whatever the bylaws say: a voting window that ends in the
future and within a year, and a ballot short enough for a person to read.

The bylaws' floors (how short a vote may be, how low a quorum) are a separate, per-co-op rule;
these limits keep out what no co-op means: a vote closing in the year 9999 or in the past, or a
ballot of 10,000 options. docs/governance.md and docs/api.md state them.
"""

import datetime
from typing import Any

from django.utils.translation import gettext as _

from coop.errors import InvalidInput

# Voting closes at most this long after the proposal is drafted or changed.
MAX_VOTING_AHEAD = datetime.timedelta(days=366)
MAX_OPTIONS = 100
MAX_OPTION_LENGTH = 200


def check_limits(data: dict[str, Any], now: datetime.datetime) -> None:
    """Refuse a draft's terms that break an absolute limit, naming the field (a 400)."""
    options = data.get("options") or []
    if isinstance(options, list) and len(options) > MAX_OPTIONS:
        raise InvalidInput(
            _("A proposal has %(limit)s options at most.") % {"limit": MAX_OPTIONS},
            field="options",
        )
    if isinstance(options, list) and any(
        isinstance(option, str) and len(option.strip()) > MAX_OPTION_LENGTH for option in options
    ):
        raise InvalidInput(
            _("An option has %(limit)s characters at most.") % {"limit": MAX_OPTION_LENGTH},
            field="options",
        )
    closes_at = data.get("closes_at")
    if closes_at is None:
        return
    if closes_at <= now:
        raise InvalidInput(_("Voting would close in the past."), field="closes_at")
    if closes_at > now + MAX_VOTING_AHEAD:
        raise InvalidInput(
            _("Voting closes within a year from now at the latest."), field="closes_at"
        )
