"""The report in a real browser: Debian's headless Chromium renders it, loads every image, and
fetches nothing from the network.

Skipped only where no ``chromium`` executable can be found (``apt-get install -y chromium``).
The network check reads Chromium's own NetLog (``--log-net-log``): requests the page starts
carry the page's origin as initiator, while Chromium's background requests (which the
``--host-resolver-rules`` flag makes fail anyway) have none. A control page with external
references proves the detector sees page fetches.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image as mpimg
from report_fixtures import SCRIPT, add_llm_tables, make_run, make_sweep

from socium.report import write_report

CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium not found: install Debian's chromium (apt-get install -y chromium)",
)

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]
WIDTH, HEIGHT = 1200, 3000


def chromium(page: Path, tmp: Path, *extra: str) -> subprocess.CompletedProcess:
    """Run headless Chromium on ``page`` with a fresh profile in ``tmp``."""
    profile = tmp / "profile"
    cmd = [
        CHROMIUM,
        *FLAGS,
        f"--user-data-dir={profile}",
        *extra,
        page.resolve().as_uri(),
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


def screenshot(page: Path, tmp: Path) -> np.ndarray:
    png = tmp / "shot.png"
    res = chromium(page, tmp, f"--screenshot={png}", f"--window-size={WIDTH},{HEIGHT}")
    assert png.exists(), f"no screenshot: {res.stderr[-2000:]}"
    return mpimg.imread(png)


def page_requests(page: Path, tmp: Path) -> list[str]:
    """URLs of the requests the page itself started, from Chromium's NetLog."""
    log = tmp / "netlog.json"
    chromium(
        page,
        tmp,
        f"--log-net-log={log}",
        "--net-log-capture-mode=Default",
        "--virtual-time-budget=3000",
        "--dump-dom",
    )
    data = json.loads(log.read_text())
    types = {v: k for k, v in data["constants"]["logEventTypes"].items()}
    urls = []
    for event in data["events"]:
        params = event.get("params") or {}
        if types.get(event["type"]) != "URL_REQUEST_START_JOB" or "url" not in params:
            continue
        if params.get("initiator") == "not an origin":  # the browser's own background requests
            continue
        urls.append(params["url"])
    return urls


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    """A plain run, an LLM run with hostile texts, and a sweep, each with its report."""
    root = tmp_path_factory.mktemp("reports")
    run = make_run(root / "run")
    llm = make_run(root / "llm")
    add_llm_tables(llm, text=SCRIPT + '<img src="http://example.com/x.png">')
    sweep = make_sweep(root / "sweep")
    return {name: write_report(d) for name, d in {"run": run, "llm": llm, "sweep": sweep}.items()}


@pytest.mark.parametrize("name", ["run", "llm", "sweep"])
def test_page_renders_and_is_not_blank(reports, name, tmp_path):
    pixels = screenshot(reports[name], tmp_path)
    assert pixels.shape[:2] == (HEIGHT, WIDTH)
    rgb = (pixels[..., :3].reshape(-1, 3) * 255).round().astype(np.uint32)
    assert rgb.std() > 10  # not one flat colour
    packed = (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]
    assert len(np.unique(packed)) > 50  # plots, text and tables, not a blank page
    non_white = (rgb < 242).any(axis=1).mean()
    assert non_white > 0.03, f"only {non_white:.1%} of the screenshot is not white"


@pytest.mark.parametrize("name", ["run", "llm", "sweep"])
def test_dom_has_every_image_inlined(reports, name, tmp_path):
    page = reports[name]
    res = chromium(page, tmp_path, "--dump-dom", "--virtual-time-budget=3000")
    dom = res.stdout
    assert "<main>" in dom, res.stderr[-2000:]
    images = re.findall(r"<img\b[^>]*>", dom)
    assert images, "no images in the rendered DOM"
    assert len(images) == page.read_text().count("<img ")
    for tag in images:
        assert re.search(r'src="data:image/png;base64,[A-Za-z0-9+/=]{100,}"', tag), tag[:200]
    assert "<script" not in dom  # the hostile texts stay text


def test_every_image_decodes_with_a_nonzero_size_in_chromium(reports, tmp_path):
    """A test copy of the page reports each image's natural size into the DOM."""
    page = reports["llm"].read_text()
    probe = (
        "<script>addEventListener('load',()=>{for(const i of document.images)"
        "{i.setAttribute('data-size',i.naturalWidth+'x'+i.naturalHeight)}"
        "document.body.setAttribute('data-loaded','yes')})</script>"
    )
    page = re.sub(r"<meta http-equiv=\"Content-Security-Policy\"[^>]*>", "", page, count=1)
    copy = tmp_path / "probe.html"
    copy.write_text(page.replace("</body>", probe + "</body>"))
    dom = chromium(copy, tmp_path, "--dump-dom", "--virtual-time-budget=5000").stdout
    assert 'data-loaded="yes"' in dom
    sizes = re.findall(r'data-size="(\d+)x(\d+)"', dom)
    assert len(sizes) == page.count("<img ") > 0
    assert all(int(w) > 100 and int(h) > 100 for w, h in sizes), sizes


@pytest.mark.parametrize("name", ["run", "llm", "sweep"])
def test_nothing_is_fetched_from_the_network(reports, name, tmp_path):
    fetched = [u for u in page_requests(reports[name], tmp_path) if not u.startswith("file:")]
    assert fetched == []


def test_the_network_detector_sees_page_fetches(tmp_path):
    control = tmp_path / "control.html"
    control.write_text(
        '<!DOCTYPE html><html><head><link rel="stylesheet" href="https://cdn.example.org/a.css">'
        "<style>body{background:url(http://img.example.net/b.png)}</style></head>"
        '<body><img src="http://example.com/c.png"></body></html>'
    )
    fetched = page_requests(control, tmp_path)
    assert {"https://cdn.example.org/a.css", "http://example.com/c.png"} <= set(fetched)
