"""Routes of the money pages, under /c/<coop_slug>/money/."""

from django.urls import path

from payroll import views

urlpatterns = [
    path("", views.overview, name="money-overview"),
    path("revenue/", views.record_revenue, name="money-record-revenue"),
    path("revenue/<int:pk>/delete/", views.delete_revenue, name="money-delete-revenue"),
    path("expenses/", views.record_expense, name="money-record-expense"),
    path("expenses/<int:pk>/decide/", views.decide_expense, name="money-decide-expense"),
    path("expenses/<int:pk>/receipt/", views.expense_receipt, name="money-expense-receipt"),
    path("distributions/", views.distribution_list, name="money-distributions"),
    path("distributions/draft/", views.draft_distribution, name="money-draft-distribution"),
    path("distributions/<int:pk>/", views.distribution_detail, name="money-distribution"),
    *[
        path(
            f"distributions/<int:pk>/{action}/",
            views.distribution_action,
            {"action": action},
            name=f"money-distribution-{action}",
        )
        for action in views.ACTIONS
    ],
    path("distributions/<int:pk>/payslip/", views.my_payslip, name="money-my-payslip"),
    path(
        "distributions/<int:pk>/payslips/<int:member_id>/",
        views.member_payslip,
        name="money-member-payslip",
    ),
    path("distributions/<int:pk>/payslips.zip", views.all_payslips, name="money-all-payslips"),
    path(
        "distributions/<int:pk>/files/<str:kind>/",
        views.distribution_file,
        name="money-distribution-file",
    ),
    path("policies/", views.policy_list, name="money-policies"),
    path("me/", views.my_statements, name="money-statements"),
    path("capital/", views.capital_accounts, name="money-capital"),
    path("capital/<int:member_id>/", views.capital_account, name="money-capital-account"),
]
