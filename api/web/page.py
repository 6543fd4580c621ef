"""Rendering a page: one HTML skeleton, escaped values, headers that keep a page and the token
in its address to itself (no framing, no referrer, no caching, no script allowed at all)."""

from __future__ import annotations

from html import escape

from starlette.responses import HTMLResponse

HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


def html_page(title: str, body: str, status: int = 200) -> HTMLResponse:
    """`body` is HTML already: build it with `e()` around every value that is not ours."""
    document = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{e(title)} · cryptowatch</title><link rel="stylesheet" href="/web.css"></head>'
        f"<body><main><h1>{e(title)}</h1>{body}</main></body></html>"
    )
    return HTMLResponse(document, status_code=status, headers=HEADERS)


def e(value: object) -> str:
    return escape(str(value), quote=True)


def message(text: str, kind: str = "notice") -> str:
    return f'<p class="{kind}" role="{"alert" if kind == "error" else "status"}">{e(text)}</p>'


def form(action: str, csrf: str, fields: str, button: str = "", *, buttons: str = "", extra: str = "") -> str:
    """A form posting back with its CSRF token: one `button` labelled so, or `buttons` (from
    `submit`) when the form offers a choice."""
    return (
        f'<form method="post" action="{e(action)}"><input type="hidden" name="csrf" value="{e(csrf)}">'
        f"{fields}{buttons or submit(button)}</form>{extra}"
    )


def submit(label: str, name: str = "", value: str = "", kind: str = "") -> str:
    """A submit button; with `name` and `value`, the form says which one was pressed."""
    chosen = f' name="{e(name)}" value="{e(value)}"' if name else ""
    styled = f' class="{e(kind)}"' if kind else ""
    return f'<button type="submit"{chosen}{styled}>{e(label)}</button>'


def field(name: str, label: str, kind: str = "text", value: str = "", **attrs: str) -> str:
    more = "".join(f' {k.replace("_", "-")}="{e(v)}"' for k, v in attrs.items())
    return (
        f'<label for="{e(name)}">{e(label)}</label>'
        f'<input id="{e(name)}" name="{e(name)}" type="{e(kind)}" value="{e(value)}"{more}>'
    )


def hidden(name: str, value: str) -> str:
    return f'<input type="hidden" name="{e(name)}" value="{e(value)}">'
