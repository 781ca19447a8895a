"""Labels of series names and parameter paths, parsed through `sim.core.names`."""

import pytest

from sim.output.i18n import Bilingual, indicator_label, parameter_text


@pytest.mark.parametrize(
    "name, lang, label",
    [
        ("output.total", "en", "Total production value"),
        ("growth.total", "vi", "Tăng trưởng so với năm trước: Tổng giá trị sản xuất"),
        ("share.services", "en", "Share: Services"),
        ("cagr.retail", "en", "Average growth since base year: Retail"),
        ("retail", "vi", "Bán lẻ"),
    ],
)
def test_series_labels(name, lang, label):
    labels = {"retail": Bilingual("Bán lẻ", "Retail")}
    assert indicator_label(name, lang, labels) == label


@pytest.mark.parametrize(
    "path, lang, label",
    [
        ("sectors.services.growth_pct", "en", "Services: growth"),
        ("sectors.services.growth_pct_by_year.2021", "vi", "Dịch vụ: tăng trưởng năm 2021"),
        ("indicators.retail.base", "en", "Retail: base value"),
        ("indicators.investment.elasticity", "en", "investment: elasticity"),
        # (the charts' own copy of this function read "residual_growth_pct: param." here)
        ("structure.residual_growth_pct", "vi", "tăng trưởng phần còn lại"),
        ("structure.residual_growth_pct", "en", "growth of the other block"),
    ],
)
def test_parameter_labels(path, lang, label):
    assert parameter_text(path, lang, {"retail": Bilingual("Bán lẻ", "Retail")}) == label
