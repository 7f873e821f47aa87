"""URLs of the hours pages, under /c/<slug>/hours/."""

from django.urls import path

from coop.hours import views

urlpatterns = [
    path("", views.my_hours, name="hours"),
    path("cell/", views.save_cell, name="hours-cell"),
    path("week/", views.save_week, name="hours-week"),
    path("add/", views.quick_add, name="hours-add"),
    path("entries/", views.entries, name="hours-entries"),
    path("entries/<int:entry_id>/edit/", views.edit_entry, name="hours-entry-edit"),
    path("entries/<int:entry_id>/delete/", views.delete_entry, name="hours-entry-delete"),
    path("entries/<int:entry_id>/adjust/", views.adjust_entry, name="hours-entry-adjust"),
    path("import/", views.import_page, name="hours-import"),
    path("timer/start/", views.timer_start, name="hours-timer-start"),
    path("timer/stop/", views.timer_stop, name="hours-timer-stop"),
    path("timer/discard/", views.timer_discard, name="hours-timer-discard"),
]
