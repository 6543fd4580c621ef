"""Pairing a watch by a short code: the OAuth 2.0 Device Authorization Grant (RFC 8628).

The watch asks for a code (`start`), shows the user code, and polls with the device code; the
operator (or, later, the wearer) approves the user code; the watch's next poll receives a new
`watch` key owned by the approving user. `docs/watch-clients.md` describes it from the watch's
side."""
