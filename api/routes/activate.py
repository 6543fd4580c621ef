"""GET /activate: where a pairing's `verification_uri` points. Until wearers can sign in and
approve here themselves (the accounts issue), it tells the wearer what to do with the code their
watch shows: read it to the person who runs the service. A plain page, no script, no form."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse

from api.operations import Param, operation, path
from shared.errors import InvalidInput
from shared.pairing.codes import canonical_user_code, display_user_code

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pair your watch · cryptowatch</title>
<style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5}}
code{{font-size:2rem;letter-spacing:.2rem}}</style></head>
<body><h1>Pair your watch</h1>{code}
<p>Read the code your watch shows to the person who runs this service. They approve it for your account
(in the cryptowatch companion: Keys, then <kbd>p</kbd>), and your watch shows prices within seconds.</p>
<p>The code works for 10 minutes; after that, start pairing again on the watch.</p></body></html>
"""


@operation(
    "GET", "Where a watch's pairing code is taken (the verification_uri of RFC 8628)", public=True,
    content={"text/html": str}, params=(Param("user_code", description="the code the watch shows"),),
)
async def activate(request: Request) -> HTMLResponse:
    typed = request.query_params.get("user_code", "")
    try:
        shown = f"<p>Your watch's code: <code>{display_user_code(canonical_user_code(typed))}</code></p>"
    except InvalidInput:  # no code, or not one: the page says what to do all the same
        shown = ""
    return HTMLResponse(PAGE.format(code=shown), headers={"Cache-Control": "no-store"})


routes = [path("/activate", activate)]
