"""Delivering the notification outbox: claim due records, send them by email or webhook,
mark them sent, or retry later with backoff until they are marked failed (never dropped)."""
