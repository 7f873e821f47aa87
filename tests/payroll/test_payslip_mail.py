"""The "payslip ready" e-mail: to every member with something to read, never for a share of
0.00; its link on the site's address."""

import datetime

import pytest
from django.core import mail

from coop.models import MemberStatusChange
from coop.models.cooperative import MemberStatus
from coop.services import change_member_status
from payroll import distributing, tasks
from payroll.models import DistributionDocument
from tests.factories import MemberFactory
from tests.payroll.books import SEPTEMBER

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_member_on_leave_gets_a_payslip_of_nil_and_no_mail(
    settings, cooperative, treasurer, books, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://coop.example.org"
    away = MemberFactory(cooperative=cooperative)
    MemberStatusChange.objects.create(
        member=away, status=MemberStatus.ACTIVE, effective_on=datetime.date(2020, 1, 1)
    )
    change_member_status(
        member=away, actor=None, status=MemberStatus.ON_LEAVE, effective_on=SEPTEMBER.replace(day=2)
    )
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    line = run.lines.get(member=away)  # in the month's run (active on its first day), no hours
    assert (line.share, line.cash) == (0, 0)
    with django_capture_on_commit_callbacks(execute=True):
        distributing.approve_distribution(actor=treasurer, distribution=run)
    assert run.documents.filter(kind="payslip", member=away).exists()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        member.user.email for member in books
    )
    link = f"https://coop.example.org/c/{cooperative.slug}/money/distributions/{run.pk}/"
    assert all(link in message.body for message in mail.outbox)
    # Handled: the sweep neither retries it nor mails it later.
    assert DistributionDocument.objects.get(kind="payslip", member=away).notified_at is not None
    assert tasks.sweep_documents() == 0
    assert tasks.generate_payslip(run.pk, away.pk) is False
    assert len(mail.outbox) == 3


def test_the_demo_coop_has_an_iban_of_its_own():
    from django.core.management import call_command
    from schwifty import IBAN

    from coop.models import Cooperative

    call_command("demo", quiet=True)
    cooperative = Cooperative.objects.get(slug="demo")
    assert IBAN(cooperative.iban).validate(validate_bban=True)
    members = set(cooperative.members.exclude(iban="").values_list("iban", flat=True))
    assert members and cooperative.iban not in members
