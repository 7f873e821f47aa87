"""Django admin of payroll. Every write is a service call (audited); nothing is edited in place.

One module per subject, each registering its admins when imported here (Django's admin
autodiscovery imports `payroll.admin`): `money_in` (revenue, expenses), `claims` (members'
expense claims), `policies`, `distributions` (runs, capital entries, documents), `capital`
(interest runs and losses, read-only); `base` is what they share.
"""

from payroll.admin import capital, claims, distributions, money_in, policies

__all__ = ["capital", "claims", "distributions", "money_in", "policies"]
