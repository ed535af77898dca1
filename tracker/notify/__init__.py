"""Notifications: domain events become in-app notifications and outbox e-mail, delivered by a worker."""
