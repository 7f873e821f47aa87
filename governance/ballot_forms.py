"""The ballot forms of the proposal page, one per kind of ballot: an answer (with a reason for a
block), approvals, scores, or a ranking. They parse what a member chose; the services decide.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from governance.methods.options import MAX_SCORE
from governance.models import BLOCK_VETOES, Method, Proposal


def ordinal(number: int) -> str:
    """1 → "1st", 2 → "2nd", 11 → "11th", 23 → "23rd"; in Spanish "1.ª", in German "1."."""
    if 10 <= number % 100 <= 20:
        suffix = pgettext("ordinal suffix", "th")
    else:
        suffix = {
            1: pgettext("ordinal suffix", "st"),
            2: pgettext("ordinal suffix", "nd"),
            3: pgettext("ordinal suffix", "rd"),
        }.get(number % 10) or pgettext("ordinal suffix", "th")
    return f"{number}{suffix}"


# The abstention's value among a single choice's radio buttons: no option is empty (drafting
# refuses one), so it names no option.
ABSTAIN = ""


class BallotForm(forms.Form):
    """A ballot for one proposal; `ballot()` gives what `cast_vote` takes."""

    def __init__(self, *args: Any, proposal: Proposal, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.proposal = proposal

    def ballot(self) -> dict[str, Any]:
        raise NotImplementedError


class ChoiceBallotForm(BallotForm):
    choice = forms.ChoiceField(label=_("Your answer"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, proposal: Proposal, **kwargs: Any):
        super().__init__(*args, proposal=proposal, **kwargs)
        choices = [
            ("agree", _("Agree")),
            ("abstain", _("Abstain — counts for the quorum, not for a side")),
            ("disagree", _("Disagree")),
        ]
        # A block is offered only where it vetoes; under a majority it would be a "no" twice.
        if proposal.method in BLOCK_VETOES:
            block = _("Block — a reasoned objection: the proposal cannot pass")
            self.fields["reason"].help_text = _("Required for a block: say why.")
            choices.append(("block", block))
        self.fields["choice"].choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        vetoes = self.proposal.method in BLOCK_VETOES
        if data.get("choice") == "block" and vetoes and not data.get("reason", "").strip():
            self.add_error("reason", _("A block is a reasoned objection: say why."))
        return data

    def ballot(self) -> dict[str, Any]:
        """The reason goes with an objection (disagree or block) only: switching a block to
        agree must not leave the old objection on the ballot."""
        ballot = {"choice": self.cleaned_data["choice"]}
        objection = ballot["choice"] in ("disagree", "block")
        if objection and self.cleaned_data.get("reason", "").strip():
            ballot["reason"] = self.cleaned_data["reason"].strip()
        return ballot

    @staticmethod
    def initial_from(content: dict[str, Any]) -> dict[str, Any]:
        return {"choice": content.get("choice"), "reason": content.get("reason", "")}


class ApprovalBallotForm(BallotForm):
    approve = forms.MultipleChoiceField(
        label=_("The options you approve"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every option you can live with; the most approved wins."),
    )

    def __init__(self, *args: Any, proposal: Proposal, **kwargs: Any):
        super().__init__(*args, proposal=proposal, **kwargs)
        self.fields["approve"].choices = [(option, option) for option in proposal.options]

    def ballot(self) -> dict[str, Any]:
        return {"approve": self.cleaned_data["approve"]}

    @staticmethod
    def initial_from(content: dict[str, Any]) -> dict[str, Any]:
        return {"approve": content.get("approve", [])}


class SingleChoiceBallotForm(BallotForm):
    """One option, or none (an abstention: it counts for the quorum, not for an option)."""

    option = forms.ChoiceField(label=_("Your choice"), widget=forms.RadioSelect, required=False)

    def __init__(self, *args: Any, proposal: Proposal, **kwargs: Any):
        super().__init__(*args, proposal=proposal, **kwargs)
        self.fields["option"].choices = [
            *((option, option) for option in proposal.options),
            (ABSTAIN, _("Abstain — counts for the quorum, not for an option")),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "option" not in self.data:  # nothing ticked: abstaining is a choice of its own
            self.add_error("option", _("Choose an option, or abstain."))
        return data

    def ballot(self) -> dict[str, Any]:
        option = self.cleaned_data["option"]
        return {"option": None if option == ABSTAIN else option}

    @staticmethod
    def initial_from(content: dict[str, Any]) -> dict[str, Any]:
        return {"option": content.get("option") or ABSTAIN}


class ScoreBallotForm(BallotForm):
    """One select per option, 0 to 5; the highest total wins."""

    def __init__(self, *args: Any, proposal: Proposal, **kwargs: Any):
        super().__init__(*args, proposal=proposal, **kwargs)
        choices = [(str(score), str(score)) for score in range(MAX_SCORE + 1)]
        for index, option in enumerate(proposal.options):
            self.fields[f"score_{index}"] = forms.TypedChoiceField(
                label=option, choices=choices, coerce=int, initial="0"
            )

    def ballot(self) -> dict[str, Any]:
        return {
            "scores": {
                option: self.cleaned_data[f"score_{index}"]
                for index, option in enumerate(self.proposal.options)
            }
        }

    def initial_from(self, content: dict[str, Any]) -> dict[str, Any]:
        scores = content.get("scores", {})
        return {
            f"score_{index}": str(scores.get(option, 0))
            for index, option in enumerate(self.proposal.options)
        }


class RankedBallotForm(BallotForm):
    """1st choice, 2nd choice, …: one select each, so that it works by keyboard without scripts."""

    def __init__(self, *args: Any, proposal: Proposal, **kwargs: Any):
        super().__init__(*args, proposal=proposal, **kwargs)
        choices = [("", _("— nobody —")), *((option, option) for option in proposal.options)]
        for index in range(len(proposal.options)):
            self.fields[f"rank_{index}"] = forms.ChoiceField(
                label=_("%(place)s choice") % {"place": ordinal(index + 1)},
                choices=choices,
                required=index == 0,
            )
        self.fields["rank_0"].error_messages["required"] = _("Choose at least your 1st choice.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        seen: set[str] = set()
        for index in range(len(self.proposal.options)):
            option = data.get(f"rank_{index}")
            if option and option in seen:
                self.add_error(
                    f"rank_{index}",
                    _("“%(option)s” is ranked already: each option once.") % {"option": option},
                )
            elif option:
                seen.add(option)
        return data

    def ballot(self) -> dict[str, Any]:
        ranking = [self.cleaned_data.get(f"rank_{i}") for i in range(len(self.proposal.options))]
        return {"ranking": [option for option in ranking if option]}

    @staticmethod
    def initial_from(content: dict[str, Any]) -> dict[str, Any]:
        return {f"rank_{index}": option for index, option in enumerate(content.get("ranking", []))}


def ballot_form_class(proposal: Proposal) -> type[BallotForm]:
    if proposal.is_choice:
        return ChoiceBallotForm
    if proposal.is_ranked:
        return RankedBallotForm
    if proposal.method == Method.APPROVAL:
        return ApprovalBallotForm
    if proposal.method == Method.SINGLE_CHOICE:
        return SingleChoiceBallotForm
    return ScoreBallotForm


def ballot_form(
    proposal: Proposal, data: Any = None, *, current: dict[str, Any] | None = None
) -> BallotForm:
    """The ballot form of the proposal's method, prefilled with the member's current ballot."""
    form_class = ballot_form_class(proposal)
    form = form_class(data, proposal=proposal)
    if current and data is None:
        form.initial = form.initial_from(current)  # type: ignore[attr-defined]
    return form
