"""Management commands of payroll."""
