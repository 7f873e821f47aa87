"""Invitations: an admin asks a person by e-mail to join the co-op; the link carries a secret."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from coop import clock
from coop.models.cooperative import Cooperative, Member, Role


class InvitationState(models.TextChoices):
    PENDING = "pending", _("pending")
    EXPIRED = "expired", _("expired")
    ACCEPTED = "accepted", _("accepted")
    REVOKED = "revoked", _("revoked")


class Invitation(models.Model):
    """One invitation to one e-mail address. Only the SHA-256 of the link's token is stored:
    whoever reads the database (or a backup) cannot accept an invitation with it."""

    State = InvitationState

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    roles = models.JSONField(_("roles"), default=list, blank=True)
    invited_by = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("the membership the accepted invitation created"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            # One open invitation per address and co-op: a second one is a resend.
            models.UniqueConstraint(
                "cooperative",
                Lower("email"),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_email",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_not_accepted_and_revoked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.cooperative.slug}"

    @property
    def state(self) -> str:
        if self.accepted_at is not None:
            return InvitationState.ACCEPTED
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if self.expires_at <= clock.now():
            return InvitationState.EXPIRED
        return InvitationState.PENDING

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(role).label) for role in self.roles if role in Role.values]

    def get_state_display(self) -> str:
        return str(InvitationState(self.state).label)

    @property
    def is_open(self) -> bool:
        """Neither accepted nor revoked: it can be resent or revoked (even when expired)."""
        return self.accepted_at is None and self.revoked_at is None
