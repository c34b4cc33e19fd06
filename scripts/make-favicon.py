"""Rebuild static/root/favicon.ico from static/relais/favicon.svg (Chromium renders it).

Run from the repository root: .venv/bin/python scripts/make-favicon.py
The .ico holds PNG images at 16, 32 and 48 px, which every current browser reads.
"""

from __future__ import annotations

import struct
from pathlib import Path

from playwright.sync_api import sync_playwright

SIZES = (16, 32, 48)


def main() -> None:
    svg = Path("static/relais/favicon.svg").read_text()
    pngs: dict[int, bytes] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        for size in SIZES:
            page = browser.new_page(viewport={"width": size, "height": size})
            sized = svg.replace("<svg ", f'<svg width="{size}" height="{size}" ')
            page.set_content(f'<body style="margin:0;background:transparent">{sized}</body>')
            pngs[size] = page.screenshot(omit_background=True)
        browser.close()
    # ICONDIR, then one ICONDIRENTRY per image, then the PNG data.
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = 6 + 16 * len(pngs)
    entries, data = b"", b""
    for size, png in pngs.items():
        entries += struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(png), offset + len(data))
        data += png
    target = Path("static/root/favicon.ico")
    target.write_bytes(header + entries + data)
    print(f"{target}: {target.stat().st_size} bytes")


if __name__ == "__main__":
    main()
