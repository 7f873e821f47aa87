"""Payroll's writes of a month's money, one module per domain: `money_in` (revenue), `spending`
(expenses and the spending proposal), `policies` (distribution policies), and `money_checks`,
what every entry of a month's money passes. The distribution run, capital, claims and
settlements have their own modules beside this package."""
