"""The Store contract: one behaviour suite that every backend must pass unchanged."""
