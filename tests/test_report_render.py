"""Team report charts rendered by headless Chromium, on screen and as printed: drawn as lines,
labels of 11 px or more, nothing clipped. Skipped (with the reason) where no Chromium is
installed: `apt-get install chromium-headless-shell` provides one."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from trainer.report.charts import FONT, WIDTH
from trainer.report.html import team_html
from trainer.report.team import team_stats
from trainer.store import SessionSummary, TurnRow
from trainer.types import DIMENSIONS

CHROMIUM = next(
    (
        found
        for name in ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome")
        if (found := shutil.which(name))
    ),
    None,
)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium here (apt-get install chromium-headless-shell)"
)
LISTENING_BLUE = (0x00, 0x72, 0xB2)


def _report_html() -> str:
    """Two trainees over nine weeks of 2026, with gaps, as the team report renders them."""
    start = datetime(2026, 9, 28, 10, tzinfo=UTC)
    sessions, replies = [], {}
    for week in range(0, 10):
        for who, offset in (("Sam Lee", 0), ("Tom Becker", 20)):
            if who == "Tom Becker" and week % 3 == 1:
                continue  # Tom skipped some weeks: his line must still be a line
            sid = f"{who[:3]}{week}"
            sessions.append(
                SessionSummary(
                    id=sid,
                    trainee=who,
                    scenario_id="retail-laptop-repair",
                    scenario_version=1,
                    scenario_title="The laptop that came back broken",
                    sector="retail",
                    started=start + timedelta(weeks=week, days=week % 2),
                    outcome="resolved",
                )
            )
            replies[sid] = [
                TurnRow(
                    session_id=sid,
                    idx=1,
                    role="employee",
                    text="x",
                    scores={
                        d: min(100, 30 + 6 * week + offset + i * 5)
                        for i, d in enumerate(DIMENSIONS)
                    },
                )
            ]
    return team_html(team_stats(sessions, replies))


def _pixels(png: bytes) -> list[tuple[int, int, int]]:
    """The RGB pixels of an 8-bit RGB or RGBA PNG (what Chromium writes)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    channels = 3
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, _height, depth, colour = struct.unpack(">IIBB", data[:10])
            assert depth == 8 and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    raw, stride = zlib.decompress(idat), width * channels
    out: list[tuple[int, int, int]] = []
    prev = bytearray(stride)
    for row in range(len(raw) // (stride + 1)):
        kind, line = (
            raw[row * (stride + 1)],
            bytearray(raw[row * (stride + 1) + 1 : (row + 1) * (stride + 1)]),
        )
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = prev[i], prev[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out += [tuple(line[i : i + 3]) for i in range(0, stride, channels)]  # type: ignore[misc]
        prev = line
    return out


def _shoot(html: Path, png: Path, width: int) -> list[tuple[int, int, int]]:
    assert CHROMIUM is not None
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         f"--screenshot={png}", f"--window-size={width},3000", html.as_uri()],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return _pixels(png.read_bytes())


def _near(p: tuple[int, int, int], q: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 24 for a, b in zip(p, q, strict=True))


def test_chart_svg_is_readable_by_construction() -> None:
    html = _report_html()
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', html)]
    assert sizes and min(sizes) >= FONT >= 12  # 12 units at >= 580 px wide >= 11 px
    # Week labels keep the year and the last one is anchored inside the chart.
    assert "28 Sep 26" in html and "30 Nov 26" in html
    last = re.findall(r'<text x="([\d.]+)"[^>]*text-anchor="end">30 Nov 26</text>', html)
    assert last and all(float(x) <= WIDTH for x in last)
    # Tom's line steps over the weeks he skipped instead of breaking into dots.
    assert html.count('class="series"') >= 12


@needs_chromium
def test_team_charts_render_as_lines_on_screen_and_in_print(tmp_path: Path) -> None:
    html = _report_html()
    screen = tmp_path / "team.html"
    screen.write_text(html, encoding="utf-8")
    # The print layout, screenshotted: the @media print rules applied on screen.
    printed = tmp_path / "print.html"
    # (A4 is about 794 px wide; its print margins are played by the html padding.)
    as_printed = html.replace("@media print", "@media all").replace(
        "</style>", "html { padding: 0 60px; }</style>"
    )
    printed.write_text(as_printed, encoding="utf-8")
    for page, width in ((screen, 1000), (printed, 794)):
        pixels = _shoot(page, tmp_path / f"{page.stem}.png", width)
        ink = sum(1 for p in pixels if p != (255, 255, 255))
        assert ink > len(pixels) * 0.01, f"{page.name}: blank"
        # Nothing runs off the right edge (an overflowing table or chart would).
        edge = [pixels[i] for i in range(width - 3, len(pixels), width)]
        assert all(p == (255, 255, 255) for p in edge), f"{page.name}: cut at the right edge"
        blue = sum(1 for p in pixels if _near(p, LISTENING_BLUE))
        # Three charts' listening lines (team, Sam, Tom) are hundreds of pixels; dots alone
        # would be a few dozen.
        assert blue > 600, f"{page.name}: {blue} listening-blue pixels"
    pdf = tmp_path / "team.pdf"
    assert CHROMIUM is not None
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", screen.as_uri()],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 1


def test_pixels_decoder_reads_what_it_should(tmp_path: Path) -> None:
    # A 2x1 RGB PNG built by hand: red, then white.
    raw = b"\x00" + bytes([255, 0, 0, 255, 255, 255])
    chunk: Any = lambda kind, data: (  # noqa: E731
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    )
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    assert _pixels(png) == [(255, 0, 0), (255, 255, 255)]
