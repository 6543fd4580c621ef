"""The reference watch's behaviour: pair when it has no key, then show prices, waking up when
the body says (`n`), backing off when the body says (`retry_after`), and pairing again when its
key is refused. Sleeping and printing are injected, so tests can drive it without waiting."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from shared.qr import qr_text
from watchface.keyfile import KeyFile
from watchface.link import Answer, Link, Unreachable

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code"
SLOW_DOWN_STEP = 5  # RFC 8628 section 3.5
FIRST_RETRY_SECONDS = 1
MAX_RETRY_SECONDS = 60
OTHER_ERROR_SECONDS = 60  # an answer the watch cannot act on: try again in a minute
BUSY = (429, 503)  # answers whose body says retry_after


class Denied(Exception):
    """The pairing was denied: a person said no, so the watch stops asking."""


class Face:
    def __init__(
        self,
        link: Link,
        keyfile: KeyFile,
        symbols: Sequence[str],
        *,
        vs: str = "usd",
        show: Callable[[str], None] = print,
        sleep: Callable[[float], None],
        qr: bool = False,
    ) -> None:
        self.link = link
        self.keyfile = keyfile
        self.path = f"/v1/prices?symbols={','.join(symbols)}&vs={vs}"
        self.show = show
        self.sleep = sleep
        self.qr = qr  # also show the verification URI as a QR code (RFC 8628 section 3.3.1)
        self._retry = FIRST_RETRY_SECONDS

    def run(self) -> int:
        """Forever, unless the pairing is denied (exit status 1)."""
        try:
            while True:
                key = self.keyfile.load(self.link.url) or self.pair()
                self.watch_prices(key)
        except Denied:
            self.show("pairing denied: start the watch again for a new code")
            return 1

    # --- pairing (RFC 8628) --------------------------------------------------------------
    def pair(self) -> str:
        while True:
            started = self.request(lambda: self.link.post_form("/v1/pair", {}))
            if started.status in BUSY:
                self.back_off(started)
                continue
            if started.status != 200:
                self.show(f"cannot pair ({started.error}); trying again in {OTHER_ERROR_SECONDS} s")
                self.sleep(OTHER_ERROR_SECONDS)
                continue
            key = self.await_approval(started.body)
            if key is not None:
                self.keyfile.save(self.link.url, key)
                self.show(f"paired: key {key[:11]}… saved in {self.keyfile.path}")
                return key

    def await_approval(self, started: dict[str, Any]) -> str | None:
        """Poll until a key comes (returned), or the code expires (None: ask for a new one)."""
        code, interval = started["user_code"], int(started.get("interval", 5))
        self.show(
            f"code {code}  open {started['verification_uri_complete']} (or enter it at"
            f" {started['verification_uri']}), or read it to the operator (expires in {started['expires_in']} s)"
        )
        if self.qr:
            self.show(qr_text(str(started["verification_uri_complete"])))
        form = {"grant_type": GRANT_TYPE, "device_code": started["device_code"]}
        while True:
            self.sleep(interval)
            answer = self.request(lambda: self.link.post_form("/v1/pair/token", form))
            if answer.status == 200:
                return str(answer.body["access_token"])
            error = answer.error
            if error == "authorization_pending":
                continue
            if error == "slow_down":  # for this and every later poll
                interval = max(interval + SLOW_DOWN_STEP, answer.seconds("interval", 0))
                self.show(f"slow down: polling every {interval} s")
            elif error == "access_denied":
                raise Denied()
            elif error in ("expired_token", "invalid_grant"):
                self.show(f"code {code} is no longer valid ({error}); asking for a new one")
                return None
            elif answer.status in BUSY:
                self.back_off(answer)
            else:
                self.show(f"pairing error {answer.status} {error}; trying again in {interval} s")

    # --- prices ----------------------------------------------------------------------------
    def watch_prices(self, key: str) -> None:
        """Show prices until the key is refused (then it is forgotten, to pair again)."""
        while True:
            answer = self.request(lambda: self.link.get(self.path, key))
            if answer.status == 200:
                wait = answer.seconds("n", OTHER_ERROR_SECONDS)
                self.show(f"{face_line(answer.body)}  (next in {wait} s)")
                self.sleep(wait)
            elif answer.status in BUSY:
                self.back_off(answer)
            elif answer.status == 401:
                self.show(f"key refused ({answer.error}); pairing again")
                self.keyfile.forget()
                return
            else:
                self.show(f"error {answer.status} {answer.error}: {answer.body.get('message', '')}")
                self.sleep(OTHER_ERROR_SECONDS)

    # --- both ----------------------------------------------------------------------------------
    def back_off(self, answer: Answer) -> None:
        wait = answer.seconds("retry_after", OTHER_ERROR_SECONDS)
        self.show(f"{answer.error}: backing off {wait} s")
        self.sleep(wait)

    def request(self, send: Callable[[], Answer]) -> Answer:
        """`send` until the server answers at all, waiting 1, 2, 4... up to 60 s in between."""
        while True:
            try:
                answer = send()
            except Unreachable as why:
                self.show(f"server unreachable ({why}); retrying in {self._retry} s")
                self.sleep(self._retry)
                self._retry = min(MAX_RETRY_SECONDS, self._retry * 2)
                continue
            self._retry = FIRST_RETRY_SECONDS
            return answer


def face_line(body: dict[str, Any]) -> str:
    """One line of a price body: `BTC 97123.5 -1.23%  ETH 3456.79 +0.85%`, and its flags."""
    parts = []
    for symbol, quote in (body.get("p") or {}).items():
        price, change = quote
        parts.append(f"{symbol} {price}" + ("" if change is None else f" {change:+.2f}%"))
    parts += [f"{symbol} ?" for symbol in body.get("u", [])]
    if body.get("s"):
        parts.append("(stale)")
    if body.get("d"):
        parts.append("(simulated)")
    return "  ".join(parts) or "no prices yet"
