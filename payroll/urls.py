"""Routes of the money pages, under /c/<coop_slug>/money/."""

from django.urls import path

from payroll.views import (
    capital,
    capital_runs,
    claims,
    distributions,
    files,
    month,
    patronage,
    policies,
    settlements,
    shares,
)

urlpatterns = [
    path("", month.overview, name="money-overview"),
    path("revenue/", month.record_revenue, name="money-record-revenue"),
    path("revenue/<int:pk>/delete/", month.delete_revenue, name="money-delete-revenue"),
    path("expenses/", month.record_expense, name="money-record-expense"),
    path("expenses/<int:pk>/decide/", month.decide_expense, name="money-decide-expense"),
    path("expenses/<int:pk>/propose/", month.propose_expense, name="money-propose-expense"),
    path("expenses/<int:pk>/receipt/", month.expense_receipt, name="money-expense-receipt"),
    path("claims/", claims.claim_list, name="money-claims"),
    *[
        path(
            f"claims/<int:pk>/{action}/",
            claims.claim_action,
            {"action": action},
            name=f"money-claim-{action}",
        )
        for action in ("approve", "reject", "withdraw", "propose")
    ],
    path("claims/<int:pk>/receipt/", claims.claim_receipt, name="money-claim-receipt"),
    path("distributions/", distributions.distribution_list, name="money-distributions"),
    path("distributions/draft/", distributions.draft_distribution, name="money-draft-distribution"),
    path("distributions/<int:pk>/", distributions.distribution_detail, name="money-distribution"),
    *[
        path(
            f"distributions/<int:pk>/{action}/",
            distributions.distribution_action,
            {"action": action},
            name=f"money-distribution-{action}",
        )
        for action in distributions.ACTIONS
    ],
    path(
        "distributions/<int:pk>/buyin-instalments/",
        distributions.change_buyin_instalment,
        name="money-distribution-buyin",
    ),
    path("distributions/<int:pk>/payslip/", files.my_payslip, name="money-my-payslip"),
    path(
        "distributions/<int:pk>/payslips/<int:member_id>/",
        files.member_payslip,
        name="money-member-payslip",
    ),
    path("distributions/<int:pk>/payslips.zip", files.all_payslips, name="money-all-payslips"),
    path(
        "distributions/<int:pk>/files/<str:kind>/",
        files.distribution_file,
        name="money-distribution-file",
    ),
    path("policies/", policies.policy_list, name="money-policies"),
    path("rules/", policies.payroll_rules, name="money-rules"),
    path("me/", capital.my_statements, name="money-statements"),
    path("capital/", capital.capital_accounts, name="money-capital"),
    path("capital/<int:member_id>/", capital.capital_account, name="money-capital-account"),
    path(
        "capital/<int:member_id>/statements/<int:year>/",
        capital.capital_statement,
        name="money-capital-statement",
    ),
    path(
        "capital/<int:member_id>/statements/<int:year>/pdf/",
        capital.capital_statement_file,
        name="money-capital-statement-file",
    ),
    path("capital/statements/<int:year>/", capital.capital_year, name="money-capital-year"),
    path(
        "capital/<int:member_id>/notices/<int:year>/pdf/",
        patronage.notice_file,
        name="money-allocation-notice",
    ),
    path("capital/statements/<int:year>/1099-patr.csv", patronage.patr_file, name="money-patr"),
    path("capital/consents/", patronage.consent_list, name="money-consents"),
    path(
        "capital/consents/<int:pk>/withdraw/",
        patronage.consent_withdraw,
        name="money-consent-withdraw",
    ),
    path(
        "capital/statements/<int:year>/statements.zip",
        capital.capital_year_file,
        name="money-capital-year-file",
    ),
    path("shares/", shares.share_register_page, name="money-shares"),
    path("shares/register.csv", shares.share_register_csv, name="money-shares-csv"),
    path(
        "shares/<int:pk>/certificate.pdf", shares.share_certificate, name="money-share-certificate"
    ),
    path("capital/interest/", capital_runs.run_interest, name="money-capital-interest"),
    path("capital/losses/", capital_runs.charge_loss, name="money-capital-losses"),
    path("settlements/", settlements.settlement_list, name="money-settlements"),
    path("settlements/draft/", settlements.draft_settlement, name="money-draft-settlement"),
    path("settlements/<int:pk>/", settlements.settlement_detail, name="money-settlement"),
    path("settlements/<int:pk>/pdf/", settlements.settlement_file, name="money-settlement-pdf"),
    *[
        path(
            f"settlements/<int:pk>/{action}/",
            settlements.settlement_action,
            {"action": action},
            name=f"money-settlement-{action}",
        )
        for action in settlements.ACTIONS
    ],
]
