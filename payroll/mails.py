"""The e-mails payroll's tasks send, each in its reader's language: a member's payslip is
ready, a month's draft distribution is ready for the treasurers, a distribution policy changed.

`payroll.tasks` decides when (once, under a row lock); this module says what.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import translation

from coop.models import Member
from coop.money import format_money
from coop.months import month_label
from payroll import presenters
from payroll.models import Distribution, DistributionPolicy


def site_link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def payslip_ready(distribution: Distribution, member: Member, payslip_id: int) -> None:
    """The "payslip ready" e-mail, in the member's language, as the payslip itself."""
    link = site_link(f"/c/{distribution.cooperative.slug}/money/distributions/{distribution.pk}/")
    host = urlsplit(site_link("/")).hostname or "cooperage.invalid"
    with translation.override(member.reading_language):
        label = month_label(distribution.month)
        subject = translation.gettext("[%(coop)s] Your payslip for %(month)s") % {
            "coop": distribution.cooperative.name,
            "month": label,
        }
        body = translation.gettext("Your payslip for %(month)s is ready: %(link)s") % {
            "month": label,
            "link": link,
        }
    EmailMessage(
        subject,
        body + "\n",
        settings.DEFAULT_FROM_EMAIL,
        [member.user.email],
        headers={"Message-ID": f"<payslip-{payslip_id}@{host}>"},
    ).send(fail_silently=False)


def draft_ready(distribution: Distribution) -> None:
    """E-mail each treasurer, in their language, that the month's draft is ready to review."""
    treasurers = list(
        Member.objects.filter(cooperative=distribution.cooperative, is_treasurer=True)
        .exclude(status="departed")
        .select_related("user")
        .order_by("pk")
    )
    link = site_link(f"/c/{distribution.cooperative.slug}/money/distributions/{distribution.pk}/")
    messages = []
    for treasurer in treasurers:
        with translation.override(treasurer.reading_language):
            values = {
                "coop": distribution.cooperative.name,
                "month": month_label(distribution.month),
                "surplus": format_money(distribution.surplus, distribution.currency),
                "link": link,
            }
            subject = (
                translation.gettext("[%(coop)s] The draft distribution of %(month)s is ready")
                % values
            )
            body = (
                translation.gettext(
                    "The draft distribution of %(month)s is computed: surplus %(surplus)s. Review "
                    "it, recompute it after late entries, and approve it:\n%(link)s"
                )
                % values
            )
        messages.append(
            EmailMessage(subject, body + "\n", settings.DEFAULT_FROM_EMAIL, [treasurer.user.email])
        )
    if messages:
        get_connection().send_messages(messages)


def policy_changed(policy: DistributionPolicy, members: list[Member]) -> list[EmailMessage]:
    """What a newly adopted distribution policy changed, an e-mail to each member in their
    language, with the link to every version and the rules."""
    cooperative = policy.cooperative
    link = site_link(reverse("money-policies", args=[cooperative.slug]))
    messages = []
    for member in members:
        with translation.override(member.reading_language):
            notice = presenters.policy_notice(policy, cooperative.currency)
            subject = translation.gettext(
                "[%(coop)s] The distribution policy changed (version %(version)s)"
            ) % {"coop": cooperative.name, "version": policy.version}
            body = translation.gettext(
                "%(coop)s adopted version %(version)s of its distribution policy. It applies "
                "to the distributions drafted from now on. What changed:\n\n%(changes)s\n\n"
                "Every version, and the rules: %(link)s"
            ) % {
                "coop": cooperative.name,
                "version": policy.version,
                "changes": "\n".join(f"- {change}" for change in notice["changes"]),
                "link": link,
            }
        messages.append(
            EmailMessage(subject, body + "\n", settings.DEFAULT_FROM_EMAIL, [member.user.email])
        )
    return messages
