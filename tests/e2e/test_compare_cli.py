"""End-to-end: `--compare BASE` writes <out>/compare/ (CSV always, waterfalls with charts)."""

import pandas as pd
import pytest


def test_compare_writes_the_attribution_with_its_exact_header(run, tmp_path):
    code, _, err = run("--no-charts", "--no-history", "--compare", "baseline")
    assert code == 0, err
    folder = tmp_path / "results" / "compare"
    header = (folder / "attribution.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "scenario,base,indicator,year,parameter,contribution"
    table = pd.read_csv(folder / "attribution.csv")
    assert set(table.scenario) == {"covid_shock", "optimistic"}
    assert set(table.base) == {"baseline"}
    levels = {
        name: pd.read_csv(tmp_path / "results" / f"{name}.csv", index_col="year")
        for name in ("baseline", "covid_shock")
    }
    covid = table[(table.scenario == "covid_shock") & (table.indicator == "budget_revenue")]
    gap = (
        levels["covid_shock"].loc[2025, "budget_revenue"]
        - levels["baseline"].loc[2025, "budget_revenue"]
    )
    assert covid.contribution.sum() == pytest.approx(gap, rel=1e-9)
    found = pd.read_csv(folder / "differences.csv")
    assert list(found.columns) == [
        "scenario",
        "base",
        "indicator",
        "base_value",
        "value",
        "difference",
    ]
    assert "target:budget_2025" in set(found.indicator)


def test_a_plain_run_has_no_compare_folder(run, tmp_path):
    assert run("--no-charts", "--no-history", "baseline")[0] == 0
    assert not (tmp_path / "results" / "compare").exists()


def test_unknown_base_is_a_plain_error_and_keeps_earlier_results(run, tmp_path):
    assert run("--no-charts", "--no-history", "baseline")[0] == 0
    before = (tmp_path / "results" / "baseline.csv").read_bytes()
    code, _, err = run("--no-charts", "--no-history", "--compare", "nosuch")
    assert code == 2
    assert "lỗi: --compare nosuch: lần chạy này không có kịch bản đó" in err
    assert "Traceback" not in err
    code, _, err = run("--lang", "en", "--no-charts", "--no-history", "--compare", "nosuch")
    assert code == 2
    assert "error: --compare nosuch: no such scenario" in err and "Traceback" not in err
    assert (tmp_path / "results" / "baseline.csv").read_bytes() == before


def test_a_misspelt_base_or_a_base_alone_is_said(run):
    code, _, err = run("--no-charts", "--no-history", "--compare", "Baseline")
    assert code == 2 and "(có phải ý bạn là 'baseline'?)" in err
    code, _, err = run("--no-charts", "--no-history", "baseline", "--compare", "baseline")
    assert code == 2 and "Traceback" not in err
    assert "lần chạy chỉ có kịch bản gốc, không có kịch bản nào để so sánh với nó" in err


def test_different_years_are_refused_with_a_message(run, tmp_path, scenario_dir):
    text = (scenario_dir / "optimistic.toml").read_text(encoding="utf-8")
    (scenario_dir / "optimistic.toml").write_text("end_year = 2030\n" + text, encoding="utf-8")
    code, _, err = run("--no-charts", "--no-history", "--compare", "baseline")
    assert code == 2
    assert "không so sánh được 'optimistic' với 'baseline'" in err
    assert "năm gốc - năm cuối: baseline 2020-2025, optimistic 2020-2030" in err
    code, _, err = run("--lang", "en", "--no-charts", "--no-history", "--compare", "baseline")
    assert "cannot compare 'optimistic' with 'baseline'" in err
    assert "years: baseline 2020-2025, optimistic 2020-2030" in err


def test_an_own_rate_of_the_other_block_is_refused_without_a_traceback(run, tmp_path):
    assert run("--no-charts", "--no-history", "baseline")[0] == 0
    before = (tmp_path / "results" / "baseline.csv").read_bytes()
    setting = "optimistic:structure.residual_growth_pct=20"
    code, _, err = run("--no-charts", "--no-history", "--compare", "baseline", "--set", setting)
    assert code == 2
    assert "Traceback" not in err
    assert (
        "tăng trưởng phần còn lại: baseline theo tốc độ chung của ba ngành, "
        "optimistic tốc độ riêng 20 %/năm"
    ) in err
    assert (tmp_path / "results" / "baseline.csv").read_bytes() == before


@pytest.mark.slow
def test_waterfalls_are_drawn_in_both_languages(run, tmp_path):
    code, _, err = run(
        "--no-history",
        "--compare",
        "baseline",
        "--formats",
        "png,pdf,svg",
        "baseline",
        "covid_shock",
    )
    assert code == 0, err
    for lang in ("vi", "en"):
        folder = tmp_path / "results" / "compare" / f"charts_{lang}"
        png = folder / "c01_waterfall_covid_shock.png"
        assert png.stat().st_size > 10_000
        assert (folder / "compare_charts.pdf").stat().st_size > 5_000
    english = tmp_path / "results" / "compare" / "charts_en" / "c01_waterfall_covid_shock.svg"
    vietnamese = english.parent.parent / "charts_vi" / "c01_waterfall_covid_shock.svg"
    assert english.read_bytes() != vietnamese.read_bytes()
