"""Code every part of cryptowatch shares: config, models, errors, keys, caches, stores."""

#: The one place the version is written; pyproject.toml reads it from here.
__version__ = "0.1.0"
