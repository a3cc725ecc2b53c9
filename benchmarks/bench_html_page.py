"""The HTML timeline page in Chromium: its size, how soon it opens, how fast it searches.

    .venv/bin/python benchmarks/bench_html_page.py --data /work/bench-data --baseline-ref main
    .venv/bin/python benchmarks/bench_html_page.py --n 10000 --runs 3 --query commission

For each size N it reuses bench_table.py's chronicles (``DATA/chronicle-N``, generated with
seed 1 when missing, and the working copy ``DATA/work-N-CHECKOUT``) and writes the page with
``chronicle export --format html`` (timed: wall and user+system CPU seconds, and the peak
memory of its process tree, sampled from /proc). ``--baseline-ref REF``
also writes the page as the code at git revision REF does (its ``src/`` is extracted once to
``DATA/html-baseline-REF/`` and run with the same Python; the page is kept as
``DATA/page-N-REF.html`` and reused unless ``--export-baseline``), and the two pages are
measured in turn, run by run, so they share whatever load there is.

Each run opens the page from file:// in a fresh headless Chromium context (the system's
browser, as the tests use it) and takes:

- **open**: from navigation start to the first frame drawn after the page says it is ready
  (``data-ready``: rows drawn, the search box wired), with the entries drawn then;
- **main thread**: the renderer's busy seconds until then (DevTools' TaskDuration), which
  load from other programs inflates less than the wall clock;
- **search**: for each query, from setting the search box's text to the next frame drawn
  after the page answered, with the count it shows. Both pages must show the same counts.

Figures are medians of --runs; the ratio is this checkout's over the baseline's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.bench_table import ensure_generated, ensure_working_copy  # noqa: E402
from benchmarks.common import (  # noqa: E402
    Run,
    add_size_options,
    measure_as_installed,
    run_tree,
)

measure_as_installed()

PYTHON = sys.executable
CHRONICLE = str(Path(PYTHON).with_name("chronicle"))
TIMEOUT_MS = 600_000

#: Recorded in every document before its own scripts run: the time of the first frame
#: drawn after the page set data-ready, and the entries on screen then.
OPENED = """(() => {
  const tick = () => {
    const root = document.documentElement;
    if (root && root.dataset.ready === 'true') {
      requestAnimationFrame(() => {
        window.__opened = performance.now();
        window.__openedRows = document.querySelectorAll('article.entry').length;
      });
    } else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})()"""

#: Types a query the way an input event delivers it; resolves after the next frame drawn.
SEARCH = """async (query) => {
  const box = document.getElementById('search');
  const frame = () => new Promise(done => requestAnimationFrame(() => done()));
  await frame();
  const started = performance.now();
  box.value = query;
  box.dispatchEvent(new Event('input', { bubbles: true }));
  await frame(); await frame();
  const took = performance.now() - started;
  const status = document.getElementById('status').textContent;
  const rows = document.querySelectorAll('article.entry').length;
  box.value = '';
  box.dispatchEvent(new Event('input', { bubbles: true }));
  return [took, status, rows];
}"""


@dataclass
class Measured:
    label: str
    path: Path
    build: Run | None = None  # the export that wrote the page
    opened: list[float] = field(default_factory=list)
    busy: list[float] = field(default_factory=list)
    rows: int = 0
    searches: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # what the page reported, once each


def export_page(out: Path, env: dict[str, str], cwd: Path, command: list[str]) -> Run:
    run = run_tree([*command, "export", "--format", "html", "-o", str(out)], env=env, cwd=cwd)
    if run.code != 0:
        sys.exit(f"export failed ({run.code}): {' '.join(command)}")
    return run


def baseline_source(data: Path, ref: str) -> Path:
    """The ``src/`` of revision ``ref``, extracted once under DATA."""
    commit = subprocess.run(["git", "rev-parse", "--short", ref], cwd=HERE.parent, check=True,
                            capture_output=True, text=True).stdout.strip()
    folder = data / f"html-baseline-{commit}"
    if not (folder / "src" / "chronicle").is_dir():
        with tempfile.TemporaryDirectory(dir=data) as temporary:
            archive = Path(temporary) / "src.tar"
            subprocess.run(["git", "archive", "-o", str(archive), commit, "src"],
                           cwd=HERE.parent, check=True)
            with tarfile.open(archive) as tar:
                tar.extractall(Path(temporary) / "tree", filter="data")
            shutil.rmtree(folder, ignore_errors=True)
            (Path(temporary) / "tree").rename(folder)
    return folder


def find_browser() -> str:
    for name in (os.environ.get("CHRONICLE_CHROMIUM"), "chromium", "chromium-browser",
                 "google-chrome"):
        found = name and shutil.which(name)
        if found:
            return found
    sys.exit("no chromium binary found (.ci/install-chromium installs Debian's)")


def measure_once(browser: Any, page: Measured, queries: list[str], width: int,
                 height: int) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport={"width": width, "height": height},
                                  device_scale_factor=1)
    context.set_default_timeout(TIMEOUT_MS)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        ("file:", "data:", "about:")) else route.abort())
    context.add_init_script(OPENED)
    tab = context.new_page()
    tab.on("pageerror", lambda error: page.errors.append(str(error))
           if str(error) not in page.errors else None)
    cdp = context.new_cdp_session(tab)
    cdp.send("Performance.enable")
    tab.goto("about:blank")
    before = _task_seconds(cdp)
    tab.goto(page.path.as_uri(), wait_until="commit", timeout=TIMEOUT_MS)
    try:
        tab.wait_for_function("() => window.__opened !== undefined", timeout=TIMEOUT_MS)
    except PlaywrightTimeout:
        # A page that never says it is ready is reported, not waited for again.
        page.opened.append(float("inf"))
        page.busy.append(_task_seconds(cdp) - before)
        context.close()
        return
    page.opened.append(tab.evaluate("window.__opened") / 1000)
    page.busy.append(_task_seconds(cdp) - before)
    page.rows = tab.evaluate("window.__openedRows")
    for query in queries:
        took, status, _ = tab.evaluate(SEARCH, query)
        page.searches.setdefault(query, []).append(took / 1000)
        page.statuses[query] = status
    context.close()


def _task_seconds(cdp: Any) -> float:
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    return next(m["value"] for m in metrics if m["name"] == "TaskDuration")


def seconds(values: list[float]) -> str:
    value = statistics.median(values)
    return f"{value * 1000:.0f} ms" if value < 2 else f"{value:.2f} s"


def bench_size(n: int, args: argparse.Namespace, browser: Any) -> list[str]:
    pristine = ensure_generated(args.data, n)
    work, _ = ensure_working_copy(args.data, n, pristine)
    env = dict(os.environ, CHRONICLE_ROOT=str(work), NO_COLOR="1")
    subprocess.run([CHRONICLE, "list", "--limit", "1"], env=env, cwd=work,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # the catalog, once
    pages = [Measured(HERE.parent.name, args.data / f"page-{n}-{HERE.parent.name}.html")]
    pages[0].build = export_page(pages[0].path, env, work, [CHRONICLE])
    if args.baseline_ref:
        source = baseline_source(args.data, args.baseline_ref)
        base = Measured(args.baseline_ref, args.data / f"page-{n}-{source.name}.html")
        if args.export_baseline or not base.path.exists():
            old_env = dict(env, PYTHONPATH=str(source / "src"))
            base.build = export_page(base.path, old_env, work, [PYTHON, "-m", "chronicle"])
        pages.insert(0, base)
    print(f"n={n:,}: {work}, load {os.getloadavg()[0]:.1f}", flush=True)
    for run in range(args.runs):
        for page in pages:
            if page.opened and page.opened[-1] == float("inf"):
                continue
            measure_once(browser, page, args.query, args.width, args.height)
            if page.opened[-1] == float("inf"):
                print(f"  run {run + 1} {page.label:<14} not ready after {TIMEOUT_MS / 1000:.0f} s "
                      f"(main thread {page.busy[-1]:.2f} s); errors: {page.errors}", flush=True)
                continue
            print(f"  run {run + 1} {page.label:<14} open {page.opened[-1]:.2f} s "
                  f"(main thread {page.busy[-1]:.2f} s), "
                  + ", ".join(f"{q!r} {page.searches[q][-1] * 1000:.0f} ms"
                              for q in args.query), flush=True)
    lines = []
    for page in pages:
        size = page.path.stat().st_size / 1e6
        if not page.searches:
            lines.append(f"| {n // 1000}k | {page.label} | {size:.1f} MB | | never ready "
                         f"(waited {TIMEOUT_MS / 1000:.0f} s; main thread {seconds(page.busy)}; "
                         f"errors: {'; '.join(page.errors) or 'none'}) | |")
            continue
        build = (f"{page.build.seconds:.1f} s wall, "
                 f"{page.build.user_s + page.build.system_s:.1f} s CPU, "
                 f"{page.build.tree_peak_mb:.0f} MB peak" if page.build
                 else "kept from an earlier run")
        total = statistics.median(page.opened) + statistics.median(page.searches[args.query[0]])
        lines.append(
            f"| {n // 1000}k | {page.label} | {size:.1f} MB | {build} | "
            f"{seconds(page.opened)} ({page.rows} rows) | {seconds(page.busy)} | "
            + " | ".join(f"{seconds(page.searches[q])}: {page.statuses[q]}"
                         for q in args.query)
            + f" | {total:.2f} s |")
    if len(pages) == 2 and all(page.searches for page in pages):
        old, new = pages
        for query in args.query:
            if old.statuses[query] != new.statuses[query]:
                lines.append(f"| | **counts differ for {query!r}** | "
                             f"{old.statuses[query]} / {new.statuses[query]} |")

        def ratio(a: list[float], b: list[float]) -> str:
            return f"{statistics.median(b) / statistics.median(a):.2f}x"

        lines.append(
            f"| {n // 1000}k | ratio | "
            f"{new.path.stat().st_size / old.path.stat().st_size:.2f}x | | "
            f"{ratio(old.opened, new.opened)} | {ratio(old.busy, new.busy)} | "
            + " | ".join(ratio(old.searches[q], new.searches[q]) for q in args.query)
            + " | |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_size_options(parser, "where generated chronicles, working copies and pages are kept")
    parser.add_argument("--runs", type=int, default=3, help="page loads of each page")
    parser.add_argument("--query", action="append",
                        help="typed into the search box (repeatable; default: commission, "
                             "Vučić, zzzq)")
    parser.add_argument("--baseline-ref", help="also measure the page as git revision REF "
                                               "writes it")
    parser.add_argument("--export-baseline", action="store_true",
                        help="write the baseline's page again (timing its export in this run)")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=900)
    args = parser.parse_args(argv)
    args.query = args.query or ["commission", "Vučić", "zzzq"]
    args.data.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.1f}", flush=True)
    lines = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=find_browser(),
            args=["--disable-gpu", "--hide-scrollbars", "--disable-component-update"])
        try:
            for n in args.n or [10_000, 100_000]:
                lines += bench_size(n, args, browser)
        finally:
            browser.close()
    print(f"\nload {os.getloadavg()[0]:.1f} at the end; medians of {args.runs} runs; "
          f"{args.width}x{args.height} window\n")
    print("| n | page | size | export | open (rows drawn) | main thread to open | "
          + " | ".join(f"search {q!r}" for q in args.query) + " | open + first search |")
    print("|---" * (7 + len(args.query)) + "|")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
