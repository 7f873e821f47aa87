"""A member's statements and capital account, and everyone's balances for the treasurer."""

import io
import zipfile
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from coop import pdf
from coop.access import membership, treasurer_or_403
from coop.clock import today_in
from coop.durations import format_minutes
from coop.errors import DomainError
from coop.forms import refuse_form
from coop.line_chart import line_chart
from coop.models import Member
from coop.templatetags.money import amount as shown_amount
from payroll import capital, capital_statement_pdf, patronage, selectors
from payroll.capital_statements import (
    annual_statement,
    balance_series,
    statement_file_name,
    statement_years,
    statement_years_of,
)
from payroll.forms import CapitalEntryForm
from payroll.views import capital_runs
from payroll.views.access import context_for


@login_required
def my_statements(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = membership(request, coop_slug, departed_ok=True)
    statements = selectors.member_statements(member)
    return render(
        request,
        "payroll/statements.html",
        context_for(
            member,
            "me",
            statements=statements,
            rows=[(s, format_minutes(s.line.minutes)) for s in statements.statements],
            year_hours=format_minutes(statements.year_minutes),
        ),
    )


def _capital(
    request: HttpRequest,
    member: Member,
    form: CapitalEntryForm | None = None,
    status: int = 200,
    **forms: Any,
) -> HttpResponse:
    cooperative = member.cooperative
    balances = selectors.capital_balances_for(member)
    return render(
        request,
        "payroll/capital.html",
        context_for(
            member,
            "capital",
            balances=balances,
            total=sum((b.balance for b in balances), Decimal(0)),
            years=statement_years_of(cooperative),
            form=form
            or CapitalEntryForm(cooperative=cooperative, initial={"date": today_in(cooperative)}),
            **capital_runs.sections(member, **forms),
        ),
        status=status,
    )


@login_required
def capital_accounts(request: HttpRequest, coop_slug: str) -> HttpResponse:
    if request.method != "POST":  # everyone's balances: the treasurer's read, 404 for others
        return _capital(request, membership(request, coop_slug))
    member = treasurer_or_403(request, coop_slug)
    form = CapitalEntryForm(request.POST, cooperative=member.cooperative)
    status = 400
    if form.is_valid():
        try:
            entry = capital.record_capital_entry(actor=member, **form.cleaned_data)
        except DomainError as error:
            status = refuse_form(form, error)
        else:
            messages.success(
                request,
                _("Recorded the %(kind)s of %(amount)s %(currency)s for %(member)s.")
                % {
                    "kind": entry.get_kind_display(),
                    "amount": shown_amount(entry.amount, member.cooperative.currency),
                    "currency": member.cooperative.currency,
                    "member": entry.member.display_name,
                },
            )
            return redirect("money-capital", member.cooperative.slug)
    return _capital(request, member, form, status)


@login_required
def capital_account(request: HttpRequest, coop_slug: str, member_id: int) -> HttpResponse:
    """One member's capital ledger: the member's own, or anyone's for the treasurer."""
    member = membership(request, coop_slug, departed_ok=True)
    owner, ledger = selectors.capital_ledger_for(member, member_id)
    chart = line_chart(
        f"capital-{owner.pk}",
        _("Capital account of %(name)s over time") % {"name": owner.display_name},
        member.cooperative.currency,
        balance_series(ledger),
    )
    return render(
        request,
        "payroll/capital_account.html",
        context_for(
            member,
            "capital" if member.is_treasurer else "me",
            owner=owner,
            ledger=ledger,
            balance=ledger[-1].balance if ledger else Decimal(0),
            chart=chart,
            years=statement_years(owner) if ledger else [],
        ),
    )


@login_required
def capital_statement(
    request: HttpRequest, coop_slug: str, member_id: int, year: int
) -> HttpResponse:
    """A member's annual statement: the member's own (departed too), or anyone's (treasurer)."""
    member = membership(request, coop_slug, departed_ok=True)
    statement, years = selectors.capital_statement_for(member, member_id, year)
    currency = member.cooperative.currency
    return render(
        request,
        "payroll/capital_statement.html",
        context_for(
            member,
            "capital" if member.is_treasurer else "me",
            statement=statement,
            owner=statement.owner,
            ledger=statement.ledger,
            years=years,
            summary=capital_statement_pdf.summary_rows(statement, currency),
            check=capital_statement_pdf.check_sentence(statement, currency),
            us=patronage.applies(member.cooperative)
            and any(total.kind == "allocation" for total in statement.totals),
        ),
    )


@login_required
def capital_statement_file(
    request: HttpRequest, coop_slug: str, member_id: int, year: int
) -> HttpResponse:
    member = membership(request, coop_slug, departed_ok=True)
    statement, _years = selectors.capital_statement_for(member, member_id, year)
    return pdf.pdf_response(capital_statement_pdf.build(statement), statement_file_name(statement))


@login_required
def capital_year(request: HttpRequest, coop_slug: str, year: int) -> HttpResponse:
    """The treasurer's yearly documents: every member's statement of the year."""
    member = membership(request, coop_slug)
    rows, years = selectors.capital_year_for(member, year)
    return render(
        request,
        "payroll/capital_year.html",
        context_for(
            member,
            "capital",
            year=year,
            rows=rows,
            years=years,
            us=patronage.applies(member.cooperative),
            deadline=patronage.payment_period_ends(year),
        ),
    )


@login_required
def capital_year_file(request: HttpRequest, coop_slug: str, year: int) -> HttpResponse:
    """Every member's statement of the year as PDFs in one ZIP file (treasurer)."""
    member = membership(request, coop_slug)
    rows, _years = selectors.capital_year_for(member, year)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for row in rows:
            statement = annual_statement(row.member, year)
            archive.writestr(statement_file_name(statement), capital_statement_pdf.build(statement))
    buffer.seek(0)
    return FileResponse(
        buffer,
        as_attachment=True,
        filename=f"capital-statements-{member.cooperative.slug}-{year}.zip",
    )
