"""Widgets of the companion, one per module."""
