"""The SQLite schema as an ordered list of migrations, versioned with `PRAGMA user_version`.

Migration N (1-based) moves a file from version N-1 to N. Append new migrations, never edit a
released one: a file already at version N has run it and will not run it again.
"""

from __future__ import annotations

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE latest_prices (
            symbol TEXT NOT NULL, currency TEXT NOT NULL, price REAL NOT NULL,
            change_24h REAL, updated_at INTEGER NOT NULL, source TEXT NOT NULL,
            PRIMARY KEY (symbol, currency)
        ) WITHOUT ROWID""",
        """CREATE TABLE price_history (
            symbol TEXT NOT NULL, currency TEXT NOT NULL, price REAL NOT NULL,
            change_24h REAL, updated_at INTEGER NOT NULL, source TEXT NOT NULL,
            PRIMARY KEY (symbol, currency, updated_at)
        ) WITHOUT ROWID""",
        "CREATE INDEX price_history_age ON price_history (updated_at)",
        # One row: the outcome of the latest refresh cycle.
        """CREATE TABLE update_status (
            slot INTEGER PRIMARY KEY CHECK (slot = 1),
            ok INTEGER NOT NULL, source TEXT NOT NULL, started_at INTEGER NOT NULL,
            finished_at INTEGER NOT NULL, symbols_updated INTEGER NOT NULL,
            error TEXT, last_success_at INTEGER
        )""",
        # email_key is the lower-cased email: uniqueness and lookup ignore case.
        """CREATE TABLE users (
            id TEXT PRIMARY KEY, email TEXT NOT NULL, email_key TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL, created_at INTEGER NOT NULL, webhook_secret TEXT
        )""",
        # Keys and alerts outlive their user (revoked, cancelled), so no foreign key to users.
        """CREATE TABLE api_keys (
            id TEXT PRIMARY KEY, prefix TEXT NOT NULL, key_hash TEXT NOT NULL UNIQUE,
            scope TEXT NOT NULL, created_at INTEGER NOT NULL, user_id TEXT, label TEXT,
            rate_limit INTEGER, expires_at INTEGER, revoked_at INTEGER
        )""",
        "CREATE INDEX api_keys_user ON api_keys (user_id, id)",
        # A window's UTC day is the day of window_start, so daily usage is a range scan.
        """CREATE TABLE rate_windows (
            key_id TEXT NOT NULL, window_start INTEGER NOT NULL, count INTEGER NOT NULL,
            lim INTEGER NOT NULL, expires_at INTEGER NOT NULL,
            PRIMARY KEY (key_id, window_start)
        ) WITHOUT ROWID""",
        "CREATE INDEX rate_windows_start ON rate_windows (window_start)",
        "CREATE INDEX rate_windows_expiry ON rate_windows (expires_at)",
        """CREATE TABLE alerts (
            id TEXT PRIMARY KEY, user_id TEXT NOT NULL, symbol TEXT NOT NULL,
            currency TEXT NOT NULL, condition TEXT NOT NULL, target REAL NOT NULL,
            channel TEXT NOT NULL, destination TEXT NOT NULL, created_at INTEGER NOT NULL,
            status TEXT NOT NULL, repeat INTEGER NOT NULL, cooldown_seconds INTEGER NOT NULL,
            last_triggered_at INTEGER, trigger_count INTEGER NOT NULL
        )""",
        "CREATE INDEX alerts_user ON alerts (user_id, id)",
        "CREATE INDEX alerts_status ON alerts (status, id)",
        """CREATE TABLE notifications (
            id TEXT PRIMARY KEY, alert_id TEXT NOT NULL REFERENCES alerts (id),
            user_id TEXT NOT NULL, channel TEXT NOT NULL, destination TEXT NOT NULL,
            subject TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL,
            status TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL,
            last_error TEXT, sent_at INTEGER
        )""",
        "CREATE INDEX notifications_due ON notifications (status, next_attempt_at, id)",
        "CREATE INDEX notifications_alert ON notifications (alert_id, id)",
        # symbols is a JSON array.
        """CREATE TABLE exports (
            id TEXT PRIMARY KEY, file_key TEXT NOT NULL, format TEXT NOT NULL,
            symbols TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
            records INTEGER NOT NULL, size_bytes INTEGER NOT NULL, created_at INTEGER NOT NULL
        )""",
    ),
    ("ALTER TABLE update_status ADD COLUMN error_code TEXT",),
    (
        # One row: the live alert stream's state (`cryptowatch stream`).
        """CREATE TABLE stream_status (
            slot INTEGER PRIMARY KEY CHECK (slot = 1),
            state TEXT NOT NULL, updated_at INTEGER NOT NULL, streams INTEGER NOT NULL,
            connected_at INTEGER, last_message_at INTEGER, reconnects INTEGER NOT NULL,
            messages INTEGER NOT NULL, rejected INTEGER NOT NULL, triggered INTEGER NOT NULL,
            error TEXT
        )""",
    ),
    (
        # Quantities and cost bases as text: exactly the decimal that was written, never a float.
        """CREATE TABLE holdings (
            id TEXT PRIMARY KEY, user_id TEXT NOT NULL, symbol TEXT NOT NULL, kind TEXT NOT NULL,
            quantity TEXT NOT NULL, currency TEXT NOT NULL, created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL, cost_basis TEXT,
            UNIQUE (user_id, kind, symbol)
        )""",
        "CREATE INDEX holdings_kind ON holdings (kind, symbol)",
        "ALTER TABLE latest_prices ADD COLUMN closed INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE price_history ADD COLUMN closed INTEGER NOT NULL DEFAULT 0",
    ),
    # Device pairing (RFC 8628): neither code is stored, only their hashes. A row is read and
    # kept until forget_at (expires_at plus an hour, to answer expired_token to a late poll).
    (
        """CREATE TABLE pairings (
            id TEXT PRIMARY KEY, device_code_hash TEXT NOT NULL UNIQUE,
            user_code_hash TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL, "interval" INTEGER NOT NULL, status TEXT NOT NULL,
            last_polled_at INTEGER, user_id TEXT, label TEXT, key_id TEXT,
            forget_at INTEGER NOT NULL
        )""",
        "CREATE INDEX pairings_forget ON pairings (forget_at)",
        # Attempts no key vouches for (pairing requests per address, user codes tried).
        """CREATE TABLE attempt_windows (
            bucket TEXT NOT NULL, window_start INTEGER NOT NULL, count INTEGER NOT NULL,
            expires_at INTEGER NOT NULL, PRIMARY KEY (bucket, window_start)
        ) WITHOUT ROWID""",
        "CREATE INDEX attempt_windows_expiry ON attempt_windows (expires_at)",
    ),
    # Wearers' accounts (issue 13): sessions and mailed tokens are api_keys rows of their scope.
    (
        "ALTER TABLE users ADD COLUMN password_hash TEXT",
        "ALTER TABLE users ADD COLUMN verified INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE users ADD COLUMN last_login_at INTEGER",
        # Account mail goes through the outbox too, with no alert: the foreign key goes.
        """CREATE TABLE notifications_accounts (
            id TEXT PRIMARY KEY, alert_id TEXT NOT NULL,
            user_id TEXT NOT NULL, channel TEXT NOT NULL, destination TEXT NOT NULL,
            subject TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL,
            status TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL,
            last_error TEXT, sent_at INTEGER
        )""",
        "INSERT INTO notifications_accounts SELECT * FROM notifications",
        "DROP TABLE notifications",
        "ALTER TABLE notifications_accounts RENAME TO notifications",
        "CREATE INDEX notifications_due ON notifications (status, next_attempt_at, id)",
        "CREATE INDEX notifications_alert ON notifications (alert_id, id)",
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)
