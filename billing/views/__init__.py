"""The billing pages."""
