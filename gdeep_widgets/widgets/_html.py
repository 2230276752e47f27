"""Write a FlowViewer as one self-contained HTML page (no network when opened)."""

from __future__ import annotations

import html
import json
import re

__all__ = ["page_html", "STATE_ELEMENT_ID"]

STATE_ELEMENT_ID = "gdeep-flow-viewer-state"
ROOT_ELEMENT_ID = "gdeep-flow-viewer-root"

# Inline scripts and styles only; data: images for the snapshot a viewer keeps
# when it gives its WebGL context back. Anything else is refused by the
# browser, so the page can never reach the network.
_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data: blob:"
)

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="data:,">
<style>
body {{ margin: 0; padding: 16px; background: #fff; color: #1f2328;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }}
</style>
</head>
<body>
<main id="{root_id}"></main>
<script type="application/json" id="{state_id}">{state}</script>
<script>{bundle}</script>
<script>
(function () {{
  var text = document.getElementById("{state_id}").textContent;
  gdeepWidgets.mount(document.getElementById("{root_id}"), JSON.parse(text));
}})();
</script>
</body>
</html>
"""


def _json_for_script(value):
    # JSON allows \\u escapes anywhere in strings, and "<" ">" "&" occur only
    # inside strings, so this keeps "</script>" or "<!--" in a class name from
    # ending the script element early.
    text = json.dumps(value, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _script_for_html(source):
    # "<\/script" is the same string to JS; the HTML parser no longer sees an
    # end tag in it.
    source = re.sub(r"</(script)", r"<\\/\1", source, flags=re.IGNORECASE)
    if "<!--" in source:
        raise ValueError("The viewer bundle contains '<!--', which cannot be inlined.")
    return source


def page_html(payload, title, bundle):
    """Return the page showing ``payload`` with the IIFE ``bundle`` inlined.

    Parameters
    ----------
    payload : dict
        ``{"state": traits, "frames": [{"content", "buffers"}]}``, JSON-ready
        (binary values as ``{"$b64": str}``).
    title : str
        Page title, HTML-escaped here.
    bundle : str
        Source of the standalone bundle (global ``gdeepWidgets``).
    """
    return _PAGE.format(
        csp=_CSP,
        title=html.escape(title),
        root_id=ROOT_ELEMENT_ID,
        state_id=STATE_ELEMENT_ID,
        state=_json_for_script(payload),
        bundle=_script_for_html(bundle),
    )
