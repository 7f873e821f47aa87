"""The payroll commands: `simulate_distribution`."""
