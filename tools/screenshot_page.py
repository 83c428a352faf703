"""Regenerate ``docs/member-page.png``: the HTML member page of the repository's
``registry.toml``, as headless Chromium shows it.

    python tools/screenshot_page.py            # needs chromium (Debian: apt-get install chromium)

Writes the page with ``icor render html`` to a temporary file and lets Chromium take a
screenshot of its top part (counts, chart, map and the start of the directory).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "member-page.png"
WIDTH, HEIGHT = 1000, 1700


def main() -> int:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") \
        or shutil.which("google-chrome")
    if browser is None:
        print("chromium is not installed", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "members.html"
        subprocess.run([sys.executable, "-m", "icor_cli", "-r", str(ROOT / "registry.toml"),
                        "render", "html", "-o", str(page)], check=True)
        subprocess.run([browser, "--headless=new", "--no-sandbox", "--disable-gpu",
                        "--hide-scrollbars", f"--window-size={WIDTH},{HEIGHT}",
                        f"--user-data-dir={Path(tmp) / 'profile'}",
                        f"--screenshot={OUT}", page.as_uri()],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(f"{OUT.relative_to(ROOT)}: {OUT.stat().st_size // 1024} KiB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
