"""Payroll: revenue, expenses, distribution policies and the monthly distribution."""
