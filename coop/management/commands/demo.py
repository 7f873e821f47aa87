"""Create (or bring up to date) the demo co-op: members with logins, clients, projects, hours,
and whatever the other apps add (proposals, money) through their `demo` modules."""

import datetime
import importlib
import importlib.util
import random
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from coop import clock, services
from coop.models import Client, Cooperative, Member, Project, TimeEntry, User
from coop.models.cooperative import MemberStatus

DEMO_SLUG = "demo"
DEMO_PASSWORD = "cooperage-demo"  # noqa: S105 -- printed for the newcomer; demo data only

MEMBERS = [
    # email, name, status, roles, rate weight, IBAN (valid test IBANs)
    ("ana@example.coop", "Ana Torres", "active", ["admin", "secretary"], "1.2",
     "AT611904300234573201"),
    ("bruno@example.coop", "Bruno Keller", "active", ["treasurer"], "1.0",
     "DE89370400440532013000"),
    ("chandra@example.coop", "Chandra Nair", "active", [], "1.0", "ES9121000418450200051332"),
    ("dara@example.coop", "Dara O'Neill", "active", [], "1.0", "IE29AIBK93115212345678"),
    ("emeka@example.coop", "Emeka Obi", "active", [], "1.1", "NL91ABNA0417164300"),
    ("fatima@example.coop", "Fátima Rocha", "probationary", [], "1.0", "PT50000201231234567890154"),
    ("gil@example.coop", "Gil Santos", "on_leave", [], "1.0", "BE68539007547034"),
    ("hana@example.coop", "Hana Novák", "applicant", [], "1.0", ""),
]  # fmt: skip

CLIENTS = {
    "Municipality of Rosario": ["Open data portal", "Citizen participation platform"],
    "Food Co-op Network": ["Member ordering app", "Logistics API"],
    "Free Culture Forum": ["Commons map"],
}

DESCRIPTIONS = [
    "Code review",
    "Sprint planning with the client",
    "Bug fixing",
    "Accessibility audit",
    "Deployment and monitoring",
    "Writing documentation",
    "Pairing on the import feature",
]


class Command(BaseCommand):
    help = "Create the demo co-op with 8 members (logins printed), 3 clients, 5 projects and hours."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="do not print the logins")

    def handle(self, *args, **options):
        # The demo's notices (payslips ready, votes open) would flood the terminal: keep them in
        # memory. With a real broker the worker sends them with the configured backend.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            self._load(options)

    @transaction.atomic
    def _load(self, options):
        today = clock.today()
        cooperative = Cooperative.objects.filter(slug=DEMO_SLUG).first()
        if cooperative is None:
            cooperative = services.create_cooperative(
                name="Tejido Digital Co-op",
                slug=DEMO_SLUG,
                currency="EUR",
                time_zone="Europe/Madrid",
                founded_on=today - relativedelta(years=3),
            )
        # The co-op's own day: between midnight in Madrid and midnight UTC the two differ, and
        # an invoice issued "today" in Madrid cannot be paid "yesterday".
        today = clock.today_in(cooperative)
        for email, name, status, roles, weight, iban in MEMBERS:
            self._member(cooperative, email, name, status, roles, Decimal(weight), iban)
        projects = [
            self._project(cooperative, client, name)
            for client, names in CLIENTS.items()
            for name in names
        ]
        self._hours(cooperative, projects, today)
        self._user("ana@example.coop", "Ana Torres")
        extras = self._load_app_demos(cooperative, today)
        if not options["quiet"]:
            self.stdout.write(self.style.SUCCESS(f"Demo co-op “{cooperative.name}” is ready."))
            self.stdout.write(f"Every demo member logs in with the password: {DEMO_PASSWORD}")
            for email, name, status, roles, *_ in MEMBERS:
                extra = f" ({', '.join(roles)})" if roles else ""
                self.stdout.write(f"  {email:24} {name:16} {status}{extra}")
            self.stdout.write("ana@example.coop is also a Django admin superuser (/admin/).")
            for line in extras:
                self.stdout.write(f"  {line}")

    def _load_app_demos(self, cooperative, today):
        """Each app may add to the demo in a `demo` module with `load_demo(cooperative, today)`.

        Discovered through the app registry, so that coop imports neither governance nor payroll.
        """
        lines = []
        for config in apps.get_app_configs():
            if config.name == "coop" or importlib.util.find_spec(f"{config.name}.demo") is None:
                continue
            module = importlib.import_module(f"{config.name}.demo")
            module.load_demo(cooperative, today)
            lines.append(module.summary(cooperative))
        return lines

    def _user(self, email, name):
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name)
        if email == "ana@example.coop" and not user.is_superuser:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        return user

    def _member(self, cooperative, email, name, status, roles, weight, iban):
        self._user(email, name)
        member = Member.objects.filter(cooperative=cooperative, user__email=email).first()
        joined = cooperative.founded_on
        if member is None:
            member = services.add_member(
                cooperative=cooperative,
                actor=None,
                email=email,
                full_name=name,
                status=MemberStatus.ACTIVE if status in ("on_leave",) else status,
                roles=roles,
                rate_weight=weight,
                legal_name=name,
                iban=iban,
                joined_on=joined,
            )
        if member.status != status:
            services.change_member_status(member=member, actor=None, status=status)
        return member

    def _project(self, cooperative, client_name, project_name):
        client = Client.objects.filter(cooperative=cooperative, name=client_name).first()
        if client is None:
            client = services.create_client(cooperative=cooperative, actor=None, name=client_name)
        project = Project.objects.filter(client=client, name=project_name).first()
        if project is None:
            project = services.create_project(
                cooperative=cooperative, actor=None, client=client, name=project_name
            )
        return project

    def _hours(self, cooperative, projects, today):
        """Three months of weekday hours for the working members, reproducible from a seed."""
        if TimeEntry.objects.filter(cooperative=cooperative).exists():
            return
        rng = random.Random(2026)
        workers = Member.objects.filter(
            cooperative=cooperative, status__in=[MemberStatus.ACTIVE, MemberStatus.PROBATIONARY]
        ).order_by("id")
        start = (today - relativedelta(months=2)).replace(day=1)
        entries = []
        day = start
        while day <= today:
            if day.weekday() < 5:
                for member in workers:
                    for _ in range(rng.choice([1, 2, 2, 3])):
                        entries.append(
                            TimeEntry(
                                cooperative=cooperative,
                                member=member,
                                project=rng.choice(projects),
                                date=day,
                                minutes=rng.choice([60, 90, 120, 150, 180, 240]),
                                description=rng.choice(DESCRIPTIONS),
                            )
                        )
            day += datetime.timedelta(days=1)
        TimeEntry.objects.bulk_create(entries)
        from coop.audit import record

        record(
            cooperative,
            None,
            "demo.hours_loaded",
            data={"entries": len(entries)},
            object_type="coop.timeentry",
            object_id="*",
        )
