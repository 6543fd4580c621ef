"""Screens and modals of the companion, one per module."""
