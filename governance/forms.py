"""Forms of the proposal pages: they parse what a member typed; the services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coop.clock import today_in
from coop.forms import DateField, DateTimeLocalInput
from coop.models import Member
from coop.models.cooperative import MemberStatus
from governance.actions.registry import available
from governance.bylaws_form_checks import ShareSetting
from governance.models import Kind, Method


class ProposalForm(forms.Form):
    """The terms of a draft. Quorum and threshold left as prefilled are the bylaws floors of the
    kind; the service refuses anything looser than the floors, naming the field."""

    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Proposal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Markdown: **bold**, *italic*, lists, links, tables. HTML is removed."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    method = forms.ChoiceField(label=_("Decision method"), choices=Method.choices)
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One per line, for approval, score and ranked methods. Leave empty for agree / "
            "disagree methods: members answer the proposal itself."
        ),
    )
    seats = forms.IntegerField(
        label=_("Seats"),
        min_value=1,
        initial=1,
        help_text=_("How many options are elected: STV only; every other method elects one."),
    )
    # Typed as the page's language writes numbers ("0,5" in German and Spanish) or as "1/2".
    quorum = ShareSetting(
        label=_("Quorum"),
        max_length=20,
        required=False,
        help_text=_(
            'The share of eligible members who must vote (abstaining counts), as "1/2" or "0.5".'
        ),
    )
    threshold = ShareSetting(
        label=_("Threshold"),
        max_length=20,
        required=False,
        help_text=_(
            "The share of agree among agree + disagree + block that a supermajority needs, as "
            '"2/3" or "0.75". Left as prefilled, both are the bylaws floors of the kind: you may '
            "ask for more, never less."
        ),
    )
    # What quorum and threshold were prefilled with, and for which kind and method.
    prefill = forms.CharField(required=False, widget=forms.HiddenInput)
    secret = forms.BooleanField(
        label=_("Secret ballot"),
        required=False,
        help_text=_(
            "Members, the published results and anyone reading the database or its backups "
            "cannot tell who voted what: ballots stay sealed until voting closes, then are kept "
            "in a random order. Each voter gets a receipt code to find their ballot. Only whoever "
            "runs the server and holds its secret key could see who cast which ballot while "
            "voting is open. Secret ballots are final and cannot be delegated."
        ),
    )
    allow_early_close = forms.BooleanField(
        label=_("Close early when every eligible member has voted"), required=False, initial=True
    )
    show_results_while_voting = forms.BooleanField(
        label=_("Show the running count to members who have voted"),
        required=False,
        help_text=_(
            "Open ballots only. Members who have not voted yet never see it, so that it does not "
            "sway their vote; without it, everyone sees the count when voting closes."
        ),
    )
    discussion_starts_at = forms.DateTimeField(
        label=_("Discussion starts"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=_(
            "Optional; the discussion opens when you press “Open”, and that moment is recorded "
            "here. The bylaws set its minimum length, until voting opens."
        ),
    )
    opens_at = forms.DateTimeField(
        label=_("Voting opens"),
        widget=DateTimeLocalInput(),
        help_text=_("Until then the proposal is in discussion. A time already past: at once."),
    )
    closes_at = forms.DateTimeField(label=_("Voting closes"), widget=DateTimeLocalInput())
    action = forms.ChoiceField(
        label=_("When it passes, carry out"),
        required=False,
        help_text=_("The action runs when voting closes with “passed”; its effect is audited."),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [
            ("", _("nothing: the decision is recorded")),
            *((action.name, action.description) for action in available()),
        ]

    def clean_options(self) -> list[str]:
        lines = self.cleaned_data.get("options", "").splitlines()
        return [line.strip() for line in lines if line.strip()]

    def _prefilled(self) -> dict[str, str]:
        parts = (self.cleaned_data.get("prefill") or "").split("|")
        if len(parts) != 4:
            return {}
        return dict(zip(("kind", "method", "quorum", "threshold"), parts, strict=True))

    def terms(self) -> dict[str, Any]:
        """Keyword arguments for `create_proposal` / `update_draft`.

        A quorum or threshold left exactly as prefilled for another kind or method is sent
        empty, so that the service applies the bylaws floors of the kind (and at least 2/3 for a
        supermajority) instead of carrying over the floors of the kind first shown.
        """
        data = dict(self.cleaned_data)
        prefill = self._prefilled()
        data.pop("prefill", None)
        moved = prefill and (prefill["kind"], prefill["method"]) != (data["kind"], data["method"])
        for term in ("quorum", "threshold"):
            value = data[term].strip()
            if moved and value == prefill[term]:
                value = ""
            data[term] = value or None
        return data

    @staticmethod
    def prefill_for(kind: str, method: str, quorum: str, threshold: str) -> str:
        return "|".join((kind, method, quorum, threshold))


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown works here too."),
    )


class DelegationForm(forms.Form):
    delegate = forms.ModelChoiceField(
        label=_("Delegate my vote to"), queryset=Member.objects.none()
    )
    kind = forms.ChoiceField(
        label=_("For"),
        required=False,
        choices=[("", _("every kind of proposal")), *Kind.choices],
        help_text=_("A delegation for one kind beats a general one for proposals of that kind."),
    )

    def __init__(self, *args: Any, member: Member, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["delegate"]
        field.queryset = (
            Member.objects.filter(
                cooperative_id=member.cooperative_id,
                status__in=[MemberStatus.ACTIVE, MemberStatus.PROBATIONARY],
            )
            .exclude(pk=member.pk)
            .select_related("user")
            .order_by("user__full_name", "user__email")
        )
        field.label_from_instance = lambda other: other.display_name


class RegisterForm(forms.Form):
    """The period of the register of decisions: this year so far unless chosen."""

    first = DateField(label=_("From"))
    last = DateField(label=_("To"))

    def __init__(self, *args, cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        today = today_in(cooperative)
        self.fields["first"].initial = today.replace(month=1, day=1)
        self.fields["last"].initial = today

    def clean(self):
        data = super().clean()
        if data.get("first") and data.get("last") and data["first"] > data["last"]:
            self.add_error("first", _("The first day comes after the last."))
        return data
