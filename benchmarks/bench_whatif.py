"""Time one update of the what-if page in Chromium: the model and the redraw of every number,
the scorecard and the three charts, for the bundled scenarios projected 2020-2030.

    python benchmarks/bench_whatif.py [--updates 300] [--repeat 3]

An update is what one changed input costs: a parameter set, the page's `update()` (model of the
what-if and the redraw of the results, scorecard, charts, changes list and URL fragment), and
the layout that the browser then computes (forced by reading a layout property, so that the
style and layout work is inside the measurement). The target is one frame, 16 ms.

Two baselines are timed in the same rounds, after every 20 updates, so that a figure
taken while other jobs load the machine can be read against them: the model alone (pure
JavaScript) and a full render (the page rebuilt from nothing, as a change of scenario or
language does, with its layout). The machine's load average is printed before and after.
Needs Debian's chromium and playwright (as the browser tests).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sim.output.whatif import write_whatif  # noqa: E402
from sim.run import load_scenarios, run_scenario  # noqa: E402

ROUND_JS = """async (n) => {
  const state = whatif.state, times = [], model = [], render = [];
  const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  for (let i = 0; i < n; i++) {
    state.values["sectors.services.growth_pct"] = 14 + (i % 10) / 5;
    const start = performance.now();
    whatif.update();
    document.body.offsetHeight;  // the layout the change causes
    times.push(performance.now() - start);
    if (i % 20 !== 19) continue;
    // the baselines, every 20 updates, so that they see the same load
    const spec = Object.assign({}, whatif.data.scenarios[0], {params: state.values});
    const begin = performance.now();  // (the clock ticks in 0.1 ms: time 50 runs at once)
    for (let k = 0; k < 50; k++) whatifModel(spec);
    model.push((performance.now() - begin) / 50);
    const again = performance.now();
    whatif.render();
    document.body.offsetHeight;
    render.push(performance.now() - again);
    // Frames before the next update: the new sections learn whether they are in view (those
    // out of it, content-visibility: auto, are not laid out; without a frame none would be).
    await frames();
  }
  return [times, model, render];
}"""


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    results = [run_scenario(s) for s in load_scenarios([], REPO / "scenarios", end_year=2030)]
    with tempfile.TemporaryDirectory() as folder:
        page_path = Path(folder) / "whatif.html"
        write_whatif(page_path, results, "vi", datetime.now())
        size = page_path.stat().st_size
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(page_path.as_uri())
            page.evaluate(ROUND_JS, 50)  # warm up the JIT
            print(f"whatif.html: {size / 1000:.0f} kB, {len(results)} scenarios, 2020-2030")
            print(f"before: {load()}")
            for view, selector in (("top of the page", "h1"), ("projection table", ".results")):
                page.locator(selector).first.scroll_into_view_if_needed()
                rounds = [page.evaluate(ROUND_JS, args.updates) for _ in range(args.repeat)]
                times = [t for r in rounds for t in r[0]]
                model = statistics.median(t for r in rounds for t in r[1])
                render = statistics.median(t for r in rounds for t in r[2])
                update = statistics.median(times)
                print(
                    f"one update, {view} in view (model + redraw + layout): median "
                    f"{update:.2f} ms, 95th percentile {sorted(times)[int(0.95 * len(times))]:.2f}"
                    f" ms ({args.repeat} x {args.updates}); baselines of the same rounds: the "
                    f"model alone {model * 1000:.0f} us (update / model = {update / model:.0f}),"
                    f" a full render {render:.1f} ms (update / render = {update / render:.2f})"
                )
            print(f"after: {load()}")
            browser.close()


if __name__ == "__main__":
    main()
