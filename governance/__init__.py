"""Governance: proposals, votes, delegation, decisions and minutes."""
