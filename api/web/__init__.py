"""The wearer's web pages: plain server-rendered HTML forms, a little CSS, no script."""
