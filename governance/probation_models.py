"""The proposals drafted at the end of a probation: one per member and end date."""

from django.db import models

from coop.models import Member


class ProbationReview(models.Model):
    """That the membership proposal to admit a member at the end of their probation was drafted
    (governance.services.probation): once per member and end date, so a retried task or a second
    sweep never drafts it twice, and a probation the secretary extended gets a new one."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    ends_on = models.DateField()
    # The draft may be deleted by its author: the review stays, and is not drafted again.
    proposal = models.ForeignKey(
        "governance.Proposal", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    drafted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "ends_on"], name="probation_review_once")
        ]

    def __str__(self) -> str:
        return f"review of {self.member_id} on {self.ends_on}"
