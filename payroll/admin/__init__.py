"""Django admin of payroll. Every write is a service call (audited); nothing is edited in place.

One module per subject, each registering its admins when imported here (Django's admin
autodiscovery imports `payroll.admin`): `money_in` (revenue, expenses), `claims` (members'
expense claims), `policies`, `distributions` (runs, capital entries, documents), `capital`
(interest runs and losses, read-only), `consents` (members' consents to US notices of
allocation), `shares` (the register of members and shares), `settlements` (departed members'
payouts); `base` is what they share.
"""

from payroll.admin import (
    capital,
    claims,
    consents,
    distributions,
    money_in,
    policies,
    settlements,
    shares,
)

__all__ = [
    "capital",
    "claims",
    "consents",
    "distributions",
    "money_in",
    "policies",
    "settlements",
    "shares",
]
