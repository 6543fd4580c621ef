"""A reference watch client: what a header-blind watch (Garmin Connect IQ) does, in a terminal.

It pairs by RFC 8628's device flow (shows a code, polls), then polls prices on the body's `n`,
and backs off by the body's `retry_after`, reading only the status and the JSON body of every
answer, as Connect IQ's `makeWebRequest` hands them to an app. It speaks HTTP only: like the
companion, it never imports `api` or the stores. docs/watch-clients.md gives the protocol."""
