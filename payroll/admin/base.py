"""What every payroll admin shares: the acting treasurer, forms and admins that add through a
service, actions that call a service for each row, and the read-only admin.

The acting member is the admin user's membership in the row's co-op; a user who is not that
co-op's treasurer is refused (a staff user who is no member must never act as the system).
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.translation import gettext as _

from coop.errors import DomainError
from coop.models import Cooperative, Member


def treasurer_of(request: HttpRequest, cooperative: Cooperative) -> Member | None:
    """The admin user's membership in the co-op when it holds the treasurer role."""
    return (
        Member.objects.current()
        .filter(cooperative=cooperative, user=request.user, is_treasurer=True)
        .select_related("cooperative", "user")
        .first()
    )


class ServiceAddForm(forms.ModelForm):
    """An add form whose row is created by a service on behalf of the co-op's treasurer."""

    request: HttpRequest

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        cooperative = data.get("cooperative")
        if cooperative is not None:
            self.actor = treasurer_of(self.request, cooperative)
            if self.actor is None:
                self.add_error(
                    "cooperative",
                    _("Only the treasurer of %s may record this.") % cooperative.name,
                )
        return data


class ServiceAdmin(admin.ModelAdmin):
    """Rows are added through `create(request, form)` (a service), never changed or deleted.

    A refusal the form could not foresee (a race: the month was approved meanwhile) comes back
    as a message on the add page; the transaction of the admin view is rolled back.
    """

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request  # a fresh class per call: modelform_factory
        return form

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return super().get_readonly_fields(request, obj)
        return [field.name for field in self.model._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def create(self, request: HttpRequest, form: Any) -> Any:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        created = self.create(request, form)
        obj.pk = created.pk
        obj.__dict__.update({k: v for k, v in created.__dict__.items() if not k.startswith("_")})
        obj._state.adding = False


def act_on_each(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    act: Callable[[Member, Any], Any],
    done: Callable[[int], str],
) -> None:
    """Run a service on each selected row as the user's treasurer membership; report refusals.

    `done(n)` is the success message for n rows, with its plural (`ngettext`) and `%(count)d`."""
    succeeded, refusals = 0, []
    for obj in queryset.select_related("cooperative"):
        actor = treasurer_of(request, obj.cooperative)
        if actor is None:
            refusals.append(
                _("%(row)s: you are not the treasurer of %(coop)s.")
                % {"row": obj, "coop": obj.cooperative.name}
            )
            continue
        try:
            act(actor, obj)
        except DomainError as error:
            refusals.append(f"{obj}: {error.message}")
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, done(succeeded) % {"count": succeeded}, messages.SUCCESS)
    for refusal in refusals:
        modeladmin.message_user(request, refusal, messages.ERROR)
