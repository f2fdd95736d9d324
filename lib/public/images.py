"""The site's raster images, made at publish time with no browser: each chart's PNG, drawn
from its SVG by resvg (``resvg-py``: a wheel with no system library, which shapes Arabic and
orders mixed text right), and the site's own ``favicon.ico`` (Pillow), so that no page asks an
outside host for anything.

Fonts: Noto Sans (Debian's fonts-noto-core) for French and English, DejaVu Sans for Arabic:
resvg falls back from one face to another badly in the middle of a right-to-left line (a
Latin "s" or "<" beside Arabic letters comes out as empty boxes), and DejaVu Sans draws both
scripts itself. Tifinagh (Tamazight) too: resvg gives up its fallback when a line mixes Latin
and Tifinagh runs ("« < 10 »: ⵙⴳ 1 ⴰⵔ 9 ⵉⵎⴷⴷⴰⵏⵏ" comes out as boxes with Noto Sans and Noto
Sans Tifinagh), and DejaVu Sans draws both. Whatever the system has when those are missing.
Without resvg a PNG is simply not made (None) and the site offers SVG and CSV only. Pure.
"""

from __future__ import annotations

import io
import logging
import re
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)
FACES = {  # family -> its regular and bold files
    "Noto Sans": ("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
                  "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),
    "DejaVu Sans": ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
}  # fmt: skip
ARABIC = re.compile(r"[\u0600-\u06ff]")
TIFINAGH = re.compile(r"[\u2d30-\u2d7f]")
ZOOM = 2  # a 720-unit chart becomes a 1440-pixel image
BLUE = (0, 114, 178)


@lru_cache(maxsize=4)
def _faces(family: str) -> tuple[str, ...]:
    return tuple(path for path in FACES[family] if Path(path).exists())


def _font_options(svg: str) -> dict:
    """One family for the whole image: DejaVu Sans where Arabic or Tifinagh is written, else
    Noto Sans; the system's fonts when neither is installed."""
    mixed = ARABIC.search(svg) or TIFINAGH.search(svg)
    families = ("DejaVu Sans",) if mixed else ("Noto Sans", "DejaVu Sans")
    for family in families:
        if _faces(family):
            return {"skip_system_fonts": True, "font_files": list(_faces(family)),
                    "sans_serif_family": family,
                    "style_sheet": f"* {{ font-family: '{family}'; }}"}  # fmt: skip
    return {}


def png(svg: str) -> bytes | None:
    """The chart ``svg`` as a PNG image, or None when resvg is not installed."""
    try:
        import resvg_py
    except ImportError:
        log.warning("resvg-py is not installed: the site's charts have no PNG download")
        return None
    options = {"zoom": ZOOM, "background": "#ffffff", **_font_options(svg)}
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, **options))


def favicon() -> bytes:
    """Idmaj's icon: three rising bars on the site's blue, 16, 32 and 48 pixels."""
    from PIL import Image, ImageDraw

    size = 48
    image = Image.new("RGBA", (size, size), (*BLUE, 255))
    draw = ImageDraw.Draw(image)
    for i, height in enumerate((16, 26, 36)):
        left = 8 + i * 12
        draw.rectangle((left, size - 6 - height, left + 8, size - 6), fill=(255, 255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    return out.getvalue()
