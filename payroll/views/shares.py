"""The register of members and shares: the page, its CSV export and each share certificate."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coop.access import membership, treasurer_or_403
from coop.bylaws_buyin import HELP, buyin_terms
from coop.clock import today_in
from coop.errors import DomainError
from coop.forms import refuse_form
from coop.models import Member
from coop.pdf import pdf_response
from payroll import share_register, shares
from payroll.share_models import Subscription
from payroll.views.access import context_for


class SubscribeForm(forms.Form):
    """Enter a member admitted before the bylaws asked a buy-in (the treasurer)."""

    member = forms.ModelChoiceField(queryset=Member.objects.none(), label=gettext_lazy("Member"))

    def __init__(self, *args, cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = (
            Member.objects.current()
            .filter(cooperative=cooperative, joined_on__isnull=False)
            .exclude(pk__in=Subscription.objects.values("member_id"))
            .select_related("user")
        )
        self.fields["member"].label_from_instance = lambda member: member.display_name


def _page(
    request: HttpRequest, viewer: Member, form: SubscribeForm | None = None, status: int = 200
) -> HttpResponse:
    cooperative = viewer.cooperative
    rows = share_register.register_rows(share_register.register_for(viewer))
    return render(
        request,
        "payroll/shares.html",
        context_for(
            viewer,
            "shares",
            rows=rows,
            terms=buyin_terms(cooperative.settings),
            help=HELP,
            form=(form or SubscribeForm(cooperative=cooperative)) if viewer.is_treasurer else None,
        ),
        status=status,
    )


@login_required
def share_register_page(request: HttpRequest, coop_slug: str) -> HttpResponse:
    """Everyone's entries for the treasurer, one's own for a member; the treasurer enters a
    member who has none."""
    if request.method != "POST":
        return _page(request, membership(request, coop_slug, departed_ok=True))
    viewer = treasurer_or_403(request, coop_slug)
    form = SubscribeForm(request.POST, cooperative=viewer.cooperative)
    status = 400
    if form.is_valid():
        try:
            entry = shares.subscribe_member(actor=viewer, member=form.cleaned_data["member"])
        except DomainError as error:
            status = refuse_form(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is entered in the register with %(shares)s share(s).")
                % {"name": entry.member.display_name, "shares": entry.shares},
            )
            return redirect("money-shares", viewer.cooperative.slug)
    return _page(request, viewer, form, status)


@login_required
def share_register_csv(request: HttpRequest, coop_slug: str) -> HttpResponse:
    """The whole register as CSV, for the treasurer; not found for anyone else."""
    viewer = membership(request, coop_slug)
    if not viewer.is_treasurer:
        raise Http404(_("No such page."))
    rows = share_register.register_rows(share_register.register_for(viewer))
    response = HttpResponse(share_register.register_csv(rows), content_type="text/csv")
    filename = f"register-of-members-{viewer.cooperative.slug}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def share_certificate(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    """A member's share certificate (PDF): their own, or anyone's for the treasurer."""
    viewer = membership(request, coop_slug, departed_ok=True)
    entry = share_register.entry_for(viewer, pk)
    row = share_register.register_rows(Subscription.objects.filter(pk=entry.pk))[0]
    content = share_register.certificate_pdf(row, today_in(viewer.cooperative))
    return pdf_response(content, share_register.certificate_filename(row))
