"""Shared chart machinery: the style, scenario colours, number formatters, figure frame
(footer, caption strip) and small drawing helpers. Used by every chart module.

Figures are `matplotlib.figure.Figure` objects, never pyplot's: no backend is chosen or changed
(a program that imports the charts keeps its own), and `Figure.savefig` renders each file format
with that format's own canvas (Agg for PNG), whatever the backend.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import matplotlib
import numpy as np
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.text import Annotation
from matplotlib.ticker import Formatter, MaxNLocator, MultipleLocator

from sim.core.plan import NO_PLAN, Plan
from sim.core.targets import Target
from sim.output.i18n import format_number
from sim.output.linebreak import prose_lines, wrap
from sim.output.plan_text import footer_text

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

__all__ = [
    "STYLE",
    "SECTOR_COLOURS",
    "SECTOR_HATCHES",
    "BAND_COLOUR",
    "BAND_ALPHA",
    "MET_COLOUR",
    "MISSED_COLOUR",
    "EXCEEDED_COLOUR",
    "BOTTOM_STRIP_IN",
    "CAPTION_BASELINE_IN",
    "CAPTION_PT",
    "caption_lines",
    "caption_room",
    "scenario_styles",
    "NumberFormatter",
    "YearFormatter",
    "year_axis",
    "new_figure",
    "footer",
    "what_if_line",
    "titled_legend",
    "legend_above",
    "with_style",
    "line",
    "hatched_as_one",
    "separate_labels",
    "table_figure",
    "shade_target",
]

FONT_FOLDER = Path(__file__).resolve().parent / "fonts"
"""DejaVu Sans VN (regular, bold): DejaVu Sans cut down to the letters of Vietnamese, digits and
the signs the charts use (tools/make_chart_fonts.py). A PDF embeds the part of each font its
text uses, and cutting that part out of the whole DejaVu Sans took fontTools 0.1 s each time, a
few times per run; from these, a third of that. A letter outside them is drawn from the whole
DejaVu Sans, which ships with matplotlib and is the style's second font."""

for _font in sorted(FONT_FOLDER.glob("*.ttf")):
    font_manager.fontManager.addfont(_font)

STYLE: dict[RcKeyType, Any] = {
    "font.family": ["DejaVu Sans VN", "DejaVu Sans"],  # every Vietnamese diacritic
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    # Titles sit just above their panel. No chart has tick labels or an axis label on top, so
    # matplotlib's search for them (measuring every tick label of every panel at each drawing,
    # a tenth of the layout's time) would find nothing to clear.
    "axes.titley": 1.0,
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#d9d9d9",
    "grid.linewidth": 0.6,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "lines.linewidth": 1.8,
    "lines.markersize": 5,
    "svg.fonttype": "path",  # glyphs as outlines: diacritics render without the font installed
    "svg.hashsalt": "huongtra-sim",  # the same ids every time (random otherwise): same file
    "pdf.fonttype": 42,  # embed TrueType fonts in PDF
    # Text is measured for the layout as the PDF draws it, without hinting (a chart is drawn
    # only as PDF; its PNG is the page rendered): the same widths, and no autohinter run for
    # every glyph measured.
    "text.hinting": "no_hinting",
    # User text (titles, labels, units, captions) is drawn as written: a `$` never starts
    # mathtext ("FDI $5m to $10m" was italic math; a stray TeX command raised after the whole
    # run). Every Text takes this when it is made, and all of them are made under this style:
    # the plot functions run under `with_style`, saving and the PDF captions under
    # `rc_context(STYLE)` (pack.py). The charts use no math of their own.
    "text.parse_math": False,
}

# Okabe & Ito (2008) colour-blind-safe palette; luminance differs between the first three, and
# line style and marker differ for every scenario, so grayscale print keeps them apart.
_PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
_LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 1)), (0, (8, 2)))
_MARKERS = ("o", "^", "s", "D", "v", "P", "X")
_FIXED = {"baseline": 0, "covid_shock": 1, "optimistic": 2}

SECTOR_COLOURS = {
    "services": "#0072B2",
    "industry": "#E69F00",
    "agriculture": "#009E73",
    "other": "#BBBBBB",
}
SECTOR_HATCHES = {"services": "", "industry": "///", "agriculture": "...", "other": "xx"}
BAND_COLOUR = "#9E9E9E"
BAND_ALPHA = 0.3
MET_COLOUR, MISSED_COLOUR = "#D6E9F8", "#FBE0C8"  # light blue / light orange
EXCEEDED_COLOUR = "#8EC3EA"  # a deeper blue: met, and above the band's upper end

BOTTOM_STRIP_IN = 0.45  # inches kept free under the panels: footer line + PDF caption (2 lines)
FOOTER_BASELINE_IN = 0.05
FOOTER_PT = 7.0
"""The source line's size (6.5 pt printed at 6.2 on a page shrunk to fit A4)."""
CAPTION_BASELINE_IN = 0.2
CAPTION_PT = 7.0
CAPTION_LINES = 2
"""Lines of the PDF page's caption the bottom strip holds; a longer caption gets more room."""
CAPTION_LINE_IN = CAPTION_PT * 1.2 / 72  # matplotlib's line spacing, 1.2


@functools.lru_cache(maxsize=256)
def caption_lines(label: str, width_in: float) -> tuple[str, ...]:
    """The PDF page's caption ("Biểu 9. ..."), wrapped to a figure `width_in` wide (from 1 %
    in to 0.1 in short of the right edge). Wrapped here, by the font's own letter widths, not
    by matplotlib at drawing time, so that the room it needs is known before the figure is laid
    out (`ChartJob.draw` asks first, for the room; the page's caption is then the same lines,
    kept)."""
    room = (width_in * 0.99 - 0.1) * 72 / CAPTION_PT  # in ems
    words = unicodedata.normalize("NFC", label).split()  # (the word list is in NFC)
    return tuple(prose_lines(words, [_width_em(w) for w in words], room, _advance_em(" ")))


def line_chars(label: str, room_in: float, pt: float) -> int:
    """How many characters of `label` a line of `room_in` inches holds in the regular font at
    `pt`: all of them if the label fits, else as many as its own letters' average width allows
    (for `sim.output.linebreak.wrap`, which counts characters)."""
    width_in = _width_em(label) * pt / 72
    if width_in <= room_in:
        return len(label)
    return max(1, int(len(label) * room_in / width_in))


def cell_label(label: str, column_in: float) -> str:
    """A label wrapped to a table's first column `column_in` inches wide (`table_figure`: its
    text size and padding), measured in the font."""
    room = column_in * (1 - 2 * LABEL_CELL_PAD)
    return wrap(label, line_chars(label, room, TABLE_PT))


def _width_em(words: str) -> float:
    """How wide `words` are in the charts' regular font, in ems: the letters' advances, and a
    little over (kerning, rounding)."""
    return sum(_advance_em(c) for c in words) * 1.02


@functools.lru_cache(maxsize=2048)
def _advance_em(char: str) -> float:
    """How far `char` advances the pen in the charts' regular font, in ems (unhinted)."""
    from matplotlib.font_manager import FontProperties, findfont, get_font
    from matplotlib.ft2font import LoadFlags

    font = get_font(findfont(FontProperties(family=STYLE["font.family"])))
    font.set_size(72, 72)  # 72 pt at 72 dpi: 72 pixels an em
    if not font.get_char_index(ord(char)):
        return 1.0  # drawn from the fallback font: an em is wide enough
    glyph = font.load_char(ord(char), flags=LoadFlags.NO_HINTING)
    return float(glyph.linearHoriAdvance) / 65536 / 72


def caption_room(fig: Figure, lines: int) -> None:
    """Keep room under the panels for a caption of `lines` lines: the strip holds
    CAPTION_LINES; the panels move up for more (the fan chart's caption, on its narrow page,
    ran over its year labels). Call before `what_if_line` and before the layout."""
    extra = max(0, lines - CAPTION_LINES) * CAPTION_LINE_IN
    if extra > 0:
        _set_strip(fig, _strip_in(fig) + extra)


def _strip_in(fig: Figure) -> float:
    """Inches kept free under the panels (the layout's rect), BOTTOM_STRIP_IN without one."""
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        return float(engine.get()["rect"][1]) * fig.get_figheight()
    return BOTTOM_STRIP_IN


def _set_strip(fig: Figure, inches: float) -> None:
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        bottom = inches / fig.get_figheight()
        engine.set(rect=(0, bottom, 1, 1 - bottom))


def scenario_styles(names: Sequence[str]) -> dict[str, dict]:
    """name -> {color, linestyle, marker}: bundled scenarios keep theirs; others take the free
    styles in order."""
    styles: dict[str, dict] = {}
    taken = {_FIXED[n] for n in names if n in _FIXED}
    free = [i for i in range(len(_PALETTE)) if i not in taken]
    for k, name in enumerate(names):
        i = _FIXED.get(name)
        if i is None:
            i = free.pop(0) if free else k % len(_PALETTE)  # more scenarios than styles: reuse
        styles[name] = {"color": _PALETTE[i], "linestyle": _LINESTYLES[i], "marker": _MARKERS[i]}
    return styles


class NumberFormatter(Formatter):
    """Tick labels in the language's number format (vi 1.234,5; en 1,234.5).

    decimals None: as few decimals as the tick needs. suffix: appended text (" %").
    A class, not a closure, so that figures can be pickled between processes.
    """

    def __init__(self, lang: str, decimals: int | None = 0, suffix: str = ""):
        self.lang, self.decimals, self.suffix = lang, decimals, suffix

    def __call__(self, value: float, pos: int | None = None) -> str:
        decimals = self.decimals
        if decimals is None:
            decimals = next(
                (d for d in range(3) if abs(value * 10**d - round(value * 10**d)) < 1e-6), 2
            )
        return f"{format_number(value, decimals, self.lang)}{self.suffix}"  # (with "−")


class YearFormatter(Formatter):
    def __call__(self, value: float, pos: int | None = None) -> str:
        return f"{int(round(value))}"


def year_axis(ax: Axes, years: np.ndarray) -> None:
    if len(years) <= 16:
        ax.xaxis.set_major_locator(MultipleLocator(1))
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=12))
    ax.xaxis.set_major_formatter(YearFormatter())
    ax.set_xlim(years[0] - 0.3, years[-1] + 0.3)


def figure_and_axes(ax: Axes | None, width: float, height: float) -> tuple[Figure, Axes]:
    """The figure of `ax` and `ax` itself; without one, a new figure (width x height inches)
    with one panel."""
    if ax is None:
        fig = new_figure(width, height)
        return fig, fig.add_subplot()
    parent = ax.figure
    if not isinstance(parent, Figure):
        raise TypeError("the axes to draw on must belong to a figure, not a subfigure")
    return parent, ax


def new_figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=100)
    # The strip at the bottom holds the footer and, on a PDF page, the numbered caption.
    bottom = BOTTOM_STRIP_IN / height
    fig.set_layout_engine("constrained", rect=(0, bottom, 1, 1 - bottom))
    return fig


def footer(fig: Figure, lang: str, run_date: date, actuals: str = "") -> None:
    """The source line at the foot of a chart (`plan_text.footer_text`; `actuals`: where the
    actual figures it shows come from)."""
    fig.text(
        0.01,
        FOOTER_BASELINE_IN / fig.get_figheight(),
        footer_text(_PLAN.get(), lang, run_date, actuals),
        fontsize=FOOTER_PT,
        color="#555555",
        ha="left",
        va="bottom",
        gid="footer",
    )


WHAT_IF_STRIP_IN = 0.22
"""Inches kept free under the panels of a chart that shows a what-if, for the line naming it."""


def what_if_line(fig: Figure, note: str) -> None:
    """Name the --set values behind a chart (`note`, e.g. "what-if: Optimistic: Services:
    growth = 15") on a line above the footer, in the warning colour, so that no copy of the
    chart passes for the scenarios as filed. Nothing when `note` is "".

    The line sits at the bottom, not the top: a figure's title and its "outside upper" legend
    are placed from the figure's top edge, and a line there would run into them.
    Call before the figure is laid out: the panels are moved up to make room."""
    if not note:
        return
    strip = _strip_in(fig)
    _set_strip(fig, strip + WHAT_IF_STRIP_IN)
    fig.text(
        0.01,
        (strip + 0.03) / fig.get_figheight(),
        note,
        fontsize=7,
        fontweight="bold",
        color="#9C0006",
        ha="left",
        va="bottom",
        wrap=True,
        gid="what_if",
    )


def titled_legend(fig: Figure, ax: Axes, ncol: int, title: str) -> None:
    """The title and one legend of a multi-panel figure, together above the panels.

    (A suptitle and an "outside upper" figure legend overlap under constrained layout, so the
    title is the legend's own title.)"""
    legend_above(fig, *ax.get_legend_handles_labels(), ncol, title)


def legend_above(
    fig: Figure,
    handles: Sequence[Any],
    labels: Sequence[str],
    ncol: int,
    title: str,
    fontsize: float | None = None,
) -> None:
    """The figure's title and a legend of `handles`, together above the panels (as
    `titled_legend`, for entries gathered from several panels: `legend_entries`)."""
    options: dict[str, Any] = {} if fontsize is None else {"fontsize": fontsize}
    fig.legend(
        handles,
        labels,
        loc="outside upper center",
        ncol=ncol,
        title=title,
        title_fontproperties={"weight": "bold", "size": 11},
        **options,
    )


_P = ParamSpec("_P")
_R = TypeVar("_R")


_PLAN: ContextVar[Plan] = ContextVar("chart_plan", default=NO_PLAN)
"""The plan of the results a chart draws, while it draws them: its footer names the plan's
source (set by `with_style` from the chart's arguments)."""


def _plan_of(arguments: Sequence[object]) -> Plan:
    """The plan of the first scenario result among a plot function's arguments (a result, or a
    sequence of them), NO_PLAN when there is none."""
    for argument in arguments:
        first = argument[0] if isinstance(argument, list | tuple) and argument else argument
        plan = getattr(getattr(first, "scenario", None), "plan", None)
        if isinstance(plan, Plan):
            return plan
    return NO_PLAN


def with_style(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Build the figure under the chart style, without touching global matplotlib state, with
    the plan of the results it draws in force for its footer."""

    @functools.wraps(function)  # keeps the module-level name, so jobs can be pickled
    def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        token = _PLAN.set(_plan_of([*args, *kwargs.values()]))
        try:
            with matplotlib.rc_context(STYLE):
                return function(*args, **kwargs)
        finally:
            _PLAN.reset(token)

    return wrapped


def band_bounds(target: Target) -> tuple[float, float]:
    """(low, high) of a target with both ends (a band, or a growth corridor)."""
    if target.low is None or target.high is None:
        raise ValueError(f"target {target.key} has no band: low {target.low}, high {target.high}")
    return target.low, target.high


def shade_target(
    ax: Axes,
    x: Sequence[float] | np.ndarray,
    low: Sequence[float] | np.ndarray | None,
    high: Sequence[float] | np.ndarray | None,
    label: str,
    zorder: float | None = None,
    reach: float | None = None,
) -> None:
    """A target over `x`: shaded between its `low` and `high` paths; a one-sided target (one
    of them None: "≥ 3 %/yr", "≤ 250") as its bound, a dashed line, with the side that meets it
    shaded out to the panel's edge: `reach` past the bound, by default ten times the bound's
    size (give the panel's height where its scale is set by larger values). The shading beyond
    the bound does not widen the panel's scale (only the bound does)."""
    options: dict[str, Any] = {"color": BAND_COLOUR, "alpha": BAND_ALPHA, "linewidth": 0}
    if zorder is not None:
        options["zorder"] = zorder
    if low is not None and high is not None:
        ax.fill_between(x, low, high, label=label, **options)
        return
    bound = np.asarray(low if low is not None else high, dtype=float)
    xs = np.asarray(x, dtype=float)
    if reach is None:
        reach = 10.0 * (float(np.max(np.abs(bound))) + 1.0)  # beyond the scale of most panels
    far = bound + reach if low is not None else bound - reach
    ax.plot(xs, bound, color="#555555", linewidth=1, linestyle=(0, (4, 2)), zorder=zorder)
    vertices = np.concatenate([np.column_stack([xs, bound]), np.column_stack([xs, far])[::-1]])
    ax.add_collection(PolyCollection([vertices], label=label, **options), autolim=False)


def line(ax: Axes, years, values, style: dict, label: str) -> None:
    ax.plot(
        years,
        values,
        label=label,
        color=style["color"],
        linestyle=style["linestyle"],
        marker=style["marker"],
        markevery=1,
    )


def hatched_as_one(bars: Iterable[Patch]) -> None:
    """Draw `bars` (rectangles of `bar`/`barh` calls on one axes), when they are hatched, as one
    patch of many rectangles.

    A PDF fills a hatch pattern shape by shape, and PDFium, which renders the charts' PNG files
    from their pages, draws the pattern's tile again for every shape: 18 dotted bars took 120 ms
    to render, as one shape 14 ms (chart 2's hatched sectors were nine tenths of its PNG). The
    PDF draws the same rectangles with the same fill, white edges and hatch; a renderer may
    start a bar's hatch at another point of the same tile (in the PNG files, the stripes and
    dots of a bar move by a few pixels). The bars stay in their containers (the legend takes
    its key from them, as before) but leave the axes. Bars of differing looks or axes, or a
    single bar, are left as they are. (An axes legend placed "best" would avoid the merged
    bars less well than separate ones; the charts' legends sit above the panels.)"""
    drawn = [bar for bar in bars if bar.axes is not None]
    if len(drawn) < 2 or not drawn[0].get_hatch() or len({_looks(bar) for bar in drawn}) > 1:
        return
    ax = drawn[0].axes
    assert ax is not None
    paths = [bar.get_patch_transform().transform_path(bar.get_path()) for bar in drawn]
    shown = [path for path in paths if np.isfinite(path.vertices).all()]  # (a NaN bar: none)
    one = PathPatch(MplPath.make_compound_path(*shown) if shown else MplPath(np.empty((0, 2))))
    one.update_from(drawn[0])  # fill, edge, hatch, widths, the data's transform
    one.set_label("_nolegend_")
    one.set_zorder(drawn[0].get_zorder())
    for bar in drawn:
        one.sticky_edges.x.extend(bar.sticky_edges.x)  # (the bars' bases: no margin below 0)
        one.sticky_edges.y.extend(bar.sticky_edges.y)
        bar.remove()
    ax.add_patch(one)


def _looks(bar: Patch) -> tuple[Any, ...]:
    """What must be the same for bars to be drawn as one patch."""
    return (
        id(bar.axes),
        bar.get_visible(),
        tuple(bar.get_facecolor()),
        tuple(bar.get_edgecolor()),
        bar.get_hatch(),
        bar.get_linewidth(),
        bar.get_alpha(),
        bar.get_zorder(),
    )


def target_point(ax: Axes, year: int, value: float, label: str, size: float = 14) -> None:
    """A point target (a level to reach in one year, "about 600 billion"): a dark star."""
    ax.plot(
        [year], [value], marker="*", markersize=size, color="#333333", linestyle="none", label=label
    )


LABEL_GAP_LINES = 1.25
"""The least distance between the centres of two labels that `separate_labels` spaces, in
lines of their font (their height and a little air)."""


def separate_labels(ax: Axes, gid: str) -> None:
    """Move the annotations of `ax` whose gid is `gid` (labels at the ends of lines, each
    pointing at its value) apart vertically so that no two overlap ("197,0" was drawn over
    "194,9"), keeping their order and, as far as they can, their heights: each crowded group
    is centred on the mean of its values. Call once the panel's lines are drawn (its y scale is
    known); the labels stay at their x offset."""
    labels = sorted(
        (a for a in ax.texts if isinstance(a, Annotation) and a.get_gid() == gid),
        key=lambda a: a.xy[1],
    )
    if len(labels) < 2:
        return
    low, high = ax.get_ylim()
    fig = ax.get_figure(root=True)
    if fig is None:
        return
    # the panel's height before layout, less what the layout may take for titles and ticks
    height_pt = ax.get_position().height * fig.get_figheight() * 72 * 0.85
    size = max(float(a.get_fontsize()) for a in labels)
    gap = LABEL_GAP_LINES * size * abs(high - low) / height_pt
    values = [float(a.xy[1]) for a in labels]
    groups: list[list[int]] = []  # runs of labels that must share room, bottom to top
    positions: list[float] = []
    for i, value in enumerate(values):
        groups.append([i])
        positions.append(value)
        while len(groups) > 1:
            below, above = groups[-2], groups[-1]
            if positions[above[0]] - positions[below[-1]] >= gap:
                break
            merged = below + above
            centre = float(np.mean([values[k] for k in merged]))
            start = centre - gap * (len(merged) - 1) / 2
            for n, k in enumerate(merged):
                positions[k] = start + n * gap
            groups[-2:] = [merged]
    for label, y in zip(labels, positions, strict=True):
        if y != label.xy[1]:
            x_offset = label.xyann[0] if label.anncoords == "offset points" else 0.0
            label.anncoords = ("offset points", "data")
            label.xyann = (x_offset, y)


TABLE_PT = 7.5
"""The size of a table's text (`table_figure`), points."""
LABEL_CELL_PAD = 0.02
"""The padding of a table's first column (its labels, left-aligned), each side, a fraction of
its width."""


def table_figure(
    ax: Axes,
    cells: list[list[str]],
    header: list[str],
    colours: list[list[str]],
    widths: Sequence[float],
    row_height: float | None = None,
    row_units: Sequence[float] | None = None,
):
    """Draw a table filling `ax`: bold shaded header, grey rules, first column left-aligned.

    row_height: fraction of the axes per body row (the header 1.25 of it); None fills the axes
    evenly. row_units: each body row's height in row_heights (a taller row for a wrapped
    label); None, one each.
    """
    ax.axis("off")
    options = {"bbox": (0, 0, 1, 1)} if row_height is None else {"loc": "upper center"}
    table = ax.table(
        cellText=cells,
        colLabels=header,
        cellColours=colours,
        colWidths=list(widths),
        cellLoc="center",
        **options,
    )
    table.auto_set_font_size(False)
    table.set_fontsize(TABLE_PT)
    for (row, col), cell in table.get_celld().items():
        cell.set_edgecolor("#bbbbbb")
        if row == 0:
            cell.set_text_props(fontweight="bold")
            cell.set_facecolor("#DDE6F0")
        elif col == 0:
            cell.set_text_props(ha="left")
            cell.PAD = LABEL_CELL_PAD
        if row_height is not None:
            units = 1.25 if row == 0 else 1.0 if row_units is None else row_units[row - 1]
            cell.set_height(row_height * units)
    return table


def legend_entries(axes) -> tuple[list, list[str]]:
    """(handles, labels) of all `axes`, each label once, in order of appearance."""
    handles, labels = [], []
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    return handles, labels


CHAR_WIDTH_EM = 0.5
"""The average width of a DejaVu Sans character in running text, in ems (measured: 0.45)."""
LEGEND_ENTRY_IN = 0.7
"""A legend entry's handle and the gaps around it, in inches."""


def legend_columns(labels: Sequence[str], width_in: float, most: int, fontsize: float = 8) -> int:
    """The most columns (up to `most`) in which a figure legend of `labels` fits `width_in`
    inches. Matplotlib fills a legend column by column, each column as wide as its widest
    label; a what-if title ("... (giả định thay đổi)") can make three columns too wide."""
    for n in range(min(most, len(labels)), 1, -1):
        rows = -(-len(labels) // n)
        columns = [labels[c * rows : (c + 1) * rows] for c in range(n)]
        chars = sum(max((len(label) for label in column), default=0) for column in columns)
        if chars * fontsize * CHAR_WIDTH_EM / 72 + n * LEGEND_ENTRY_IN <= width_in:
            return n
    return 1
