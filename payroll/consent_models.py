"""A member's consent to take written notices of allocation into account (United States).

Internal Revenue Code §1388(c)(2): a written notice of allocation is *qualified* (the member
is taxed on its stated amount in the year it is received, the co-op deducts it) only if the
member has consented to take it into account, in one of three ways: (A) in writing, (B) by
the co-op's bylaws, which the member's membership accepts after being told of them, or (C) by
endorsing and cashing a qualified check paid as part of the allocation. A written consent may be
revoked, for the years after the revocation; a bylaws consent ends with membership.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coop.models import Cooperative, Member


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("in writing (§1388(c)(2)(A))")
    BYLAWS = "bylaws", _("by the bylaws (§1388(c)(2)(B))")
    QUALIFIED_CHECK = "qualified_check", _("by a qualified check (§1388(c)(2)(C))")


class AllocationConsent(models.Model):
    Method = ConsentMethod

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="allocation_consents")
    method = models.CharField(
        _("how the member consented"), max_length=16, choices=ConsentMethod.choices
    )
    given_on = models.DateField(_("given on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["member_id", "given_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(withdrawn_on__isnull=True),
                name="one_standing_consent_per_member",
            ),
            models.CheckConstraint(
                condition=Q(method__in=ConsentMethod.values), name="allocation_consent_method_valid"
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="allocation_consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} consented {self.method} on {self.given_on}"

    def stands_on(self, day) -> bool:
        return self.given_on <= day and (self.withdrawn_on is None or self.withdrawn_on > day)
