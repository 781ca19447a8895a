"""Make the charts' fonts: DejaVu Sans and DejaVu Sans Bold cut down to the letters a chart of
this tool can show (Latin with every Vietnamese letter, digits, punctuation, the arrows, signs
and shapes the charts draw), renamed "DejaVu Sans VN" as the fonts' licence asks of a changed
font, into sim/output/charts/fonts/.

    python tools/make_chart_fonts.py

Why: a PDF embeds the part of a font its text uses, and cutting that part out of the whole
DejaVu Sans (6,000 glyphs, tables for Greek, Cyrillic, Arabic...) took fontTools about a tenth
of a second each time, several times per run.
A letter outside them is drawn from the whole DejaVu Sans (the style lists it second), so a
name in another script still shows.

The source is the DejaVu Sans that ships with matplotlib; the fonts are written only when this
script is run (a run of the tool reads them, never makes them).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import matplotlib
from fontTools import subset
from fontTools.ttLib import TTFont

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "sim" / "output" / "charts" / "fonts"
SOURCE = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FAMILY = "DejaVu Sans VN"

FONTS = {"DejaVuSans.ttf": ("DejaVuSansVN.ttf", "Book"), "DejaVuSans-Bold.ttf": ("DejaVuSansVN-Bold.ttf", "Bold")}

RANGES = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x00FF),  # Latin-1 Supplement (à á â ã è é ê ì í ò ó ô õ ù ú ý ± × ° ·)
    (0x0102, 0x0103),  # Ă ă
    (0x0110, 0x0111),  # Đ đ
    (0x0128, 0x0129),  # Ĩ ĩ
    (0x0168, 0x0169),  # Ũ ũ
    (0x01A0, 0x01A1),  # Ơ ơ
    (0x01AF, 0x01B0),  # Ư ư
    (0x0300, 0x0303),  # combining grave, acute, circumflex, tilde (decomposed text)
    (0x0306, 0x0306),  # combining breve
    (0x0309, 0x0309),  # combining hook above
    (0x031B, 0x031B),  # combining horn
    (0x0323, 0x0323),  # combining dot below
    (0x1EA0, 0x1EF9),  # the Vietnamese letters of Latin Extended Additional (ạ ả ấ ... ỹ)
    (0x2002, 0x2027),  # spaces, dashes, quotes, bullets, ellipsis (– — ‘ ’ “ ” • …)
    (0x2030, 0x203A),  # ‰ ′ ″ ‹ ›
    (0x20AB, 0x20AC),  # ₫ €
    (0x2190, 0x2195),  # arrows ← ↑ → ↓ ↔ ↕
    (0x2206, 0x2206),  # ∆
    (0x2211, 0x2212),  # ∑ −
    (0x221A, 0x221A),  # √
    (0x221E, 0x221E),  # ∞
    (0x2248, 0x2248),  # ≈
    (0x2260, 0x2260),  # ≠
    (0x2264, 0x2265),  # ≤ ≥
    (0x25A0, 0x25A1),  # ■ □
    (0x25B2, 0x25B3),  # ▲ △
    (0x25BC, 0x25BD),  # ▼ ▽
    (0x25C6, 0x25C7),  # ◆ ◇
    (0x25CB, 0x25CB),  # ○
    (0x25CF, 0x25CF),  # ●
    (0x2605, 0x2606),  # ★ ☆
    (0x2713, 0x2718),  # ✓ ✔ ✕ ✖ ✗ ✘
)


def unicodes() -> list[int]:
    return [code for low, high in RANGES for code in range(low, high + 1)]


def make(source: Path, target: Path, style: str) -> None:
    options = subset.Options()
    options.layout_features = ["*"]  # kerning and mark placement kept
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]
    font = TTFont(source)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes())
    subsetter.subset(font)
    postscript = FAMILY.replace(" ", "") + ("" if style == "Book" else f"-{style}")
    full = FAMILY if style == "Book" else f"{FAMILY} {style}"
    names = {1: FAMILY, 3: f"{postscript}; subset of {source.name}", 4: full, 6: postscript, 16: FAMILY}
    for record in font["name"].names:
        if record.nameID in names:
            record.string = names[record.nameID]
    font.save(target)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (target, style) in FONTS.items():
        make(SOURCE / name, OUT / target, style)
        print(f"{OUT / target}: {(OUT / target).stat().st_size:,} bytes")
    shutil.copy(SOURCE / "LICENSE_DEJAVU", OUT / "LICENSE_DEJAVU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
