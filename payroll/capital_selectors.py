"""Who reads the interest runs, the losses and the collective account: the treasurer, on the
pages and in the API alike; anyone else is told there is no such thing (404). Each member reads
their own interest and loss entries, explained, on their capital account."""

from django.http import Http404
from django.utils.translation import gettext as _

from coop.models import Member
from coop.models.cooperative import Role
from payroll.capital_interest import interest_runs
from payroll.capital_losses import CollectiveEntry, capital_losses, collective_ledger
from payroll.capital_models import CapitalInterestRun, CapitalLoss


def _treasurer_only(viewer: Member) -> None:
    if not viewer.has_role(Role.TREASURER):
        raise Http404(_("No such page."))


def interest_runs_for(viewer: Member) -> list[CapitalInterestRun]:
    _treasurer_only(viewer)
    return interest_runs(viewer.cooperative)


def capital_losses_for(viewer: Member) -> list[CapitalLoss]:
    _treasurer_only(viewer)
    return capital_losses(viewer.cooperative)


def collective_ledger_for(viewer: Member) -> list[CollectiveEntry]:
    _treasurer_only(viewer)
    return collective_ledger(viewer.cooperative)
