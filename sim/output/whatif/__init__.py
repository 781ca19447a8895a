"""whatif.html: the projection in the browser, offline, saved back as a scenario file.

One self-contained file that opens by double-click: each scenario's resolved parameters and the
targets are embedded as JSON (`data.page_data`), and a script recomputes the model in plain
JavaScript (`model.js`, the second copy of `sim.core.model`, held to it by
tests/e2e/test_whatif.py) on every change of an input, with the results, scorecard and charts of
`page.js`. The Content-Security-Policy forbids every request: the script and the style are
allowed by their SHA-256 hashes, computed here when the page is written.

Test contract (tools and tests drive the page by these attributes): each input has
`data-param="<the --set key>"` (and `data-year` for a single-year override, whose key is
`...growth_pct_by_year.<year>`); the scenario picker `data-role="scenario"`; each result cell
`data-indicator`, `data-year` and the full-precision `data-value`; each scorecard row
`data-target` and `data-status`; the save button `data-action="save-scenario"`.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from collections.abc import Sequence
from datetime import datetime
from importlib import resources
from pathlib import Path

from sim.output.whatif.data import PAGE_WORDS, page_data
from sim.run import ScenarioResult

__all__ = ["write_whatif", "whatif_html", "PAGE_NAME"]

PAGE_NAME = "whatif.html"


def _asset(name: str) -> str:
    """A file of this package (the script and the style), as text."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def json_for_script(value: object) -> str:
    """`value` as JSON that is safe inside <script type="application/json">: "<", ">" and "&"
    are written as \\u escapes, so no text of a scenario file can end the element."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _sha256(text: str) -> str:
    """The CSP source of an inline element's text: 'sha256-<base64 of its SHA-256>'."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def whatif_html(results: Sequence[ScenarioResult], lang: str, generated: datetime) -> str:
    """The page's text. The script and style are inlined verbatim and allowed by hash."""
    data = page_data(results, lang, generated)
    # One function scope: the model's functions stay private; the page exposes what tests use.
    script = "\n(function () {\n" + _asset("model.js") + "\n" + _asset("page.js") + "\n})();\n"
    style = "\n" + _asset("page.css") + "\n"
    if "</script" in script.lower() or "</style" in style.lower():
        raise ValueError("an inline asset of the what-if page would end its own element")
    csp = (
        f"default-src 'none'; script-src {_sha256(script)}; style-src {_sha256(style)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    first = results[0].scenario
    title = data["words"]["page_title"][lang]  # (the page sets it again, as page.js fills it)
    title = title.replace("{base}", str(first.base_year)).replace("{end}", str(first.end_year))
    needs_js = PAGE_WORDS["needs_js"][0 if lang == "vi" else 1]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{html.escape(lang)}"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            # No request of any kind: only the hashed script and style may run.
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
            f"<title>{html.escape(title)}</title>",
            f"<style>{style}</style></head><body>",
            f'<div id="app"><h1>{html.escape(title)}</h1><noscript><p>'
            f"{html.escape(needs_js)}</p></noscript></div>",
            f'<script type="application/json" id="whatif-data">{json_for_script(data)}</script>',
            f"<script>{script}</script>",
            "</body></html>",
        ]
    )


def write_whatif(
    path: Path, results: Sequence[ScenarioResult], lang: str, generated: datetime
) -> None:
    """Write whatif.html for the scenarios of a run (see the module docstring)."""
    if results:
        path.write_text(whatif_html(results, lang, generated), encoding="utf-8")
