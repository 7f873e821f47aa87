"""Django admin of payroll. Every write is a service call (audited); nothing is edited in place.

One module per subject, each registering its admins when imported here (Django's admin
autodiscovery imports `payroll.admin`): `money_in` (revenue, expenses), `claims` (members'
expense claims), `policies`, `distributions` (runs, capital entries, documents),
`settlements` (departed members' payouts); `base` is what they share.
"""

from payroll.admin import claims, distributions, money_in, policies, settlements

__all__ = ["claims", "distributions", "money_in", "policies", "settlements"]
