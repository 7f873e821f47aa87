"""URLs of the hours pages, under /c/<slug>/hours/."""

from django.urls import path

from coop.hours.views import entries, import_page, timer, week

urlpatterns = [
    path("", week.my_hours, name="hours"),
    path("cell/", week.save_cell, name="hours-cell"),
    path("week/", week.save_week, name="hours-week"),
    path("add/", week.quick_add, name="hours-add"),
    path("entries/", entries.entries, name="hours-entries"),
    path("entries/<int:entry_id>/edit/", entries.edit_entry, name="hours-entry-edit"),
    path("entries/<int:entry_id>/delete/", entries.delete_entry, name="hours-entry-delete"),
    path("entries/<int:entry_id>/adjust/", entries.adjust_entry, name="hours-entry-adjust"),
    path("import/", import_page.import_page, name="hours-import"),
    path("timer/start/", timer.timer_start, name="hours-timer-start"),
    path("timer/stop/", timer.timer_stop, name="hours-timer-stop"),
    path("timer/discard/", timer.timer_discard, name="hours-timer-discard"),
]
