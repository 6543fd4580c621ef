"""Every route of the admin area, and the watch's own alerts, for the app factory."""

from __future__ import annotations

from api.routes import (
    admin_alerts,
    admin_exports,
    admin_keys,
    admin_notifications,
    admin_pairings,
    admin_stats,
    admin_users,
    watch_alerts,
)

routes = [
    *admin_users.routes,
    *admin_keys.routes,
    *admin_alerts.routes,
    *admin_notifications.routes,
    *admin_exports.routes,
    *admin_stats.routes,
    *admin_pairings.routes,
    *watch_alerts.routes,
]
