"""The terminal summary: the files --rebase-year wrote, a what-if's marked; the compare view's
end-year gaps and their largest contributions, in the run's language and number format."""

import pytest

from sim.cli import main


@pytest.mark.slow
def test_the_terminal_names_the_what_if_file_in_the_runs_language(
    tmp_path, scenario_dir, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    argv = ["--no-charts", "--no-history", "--rebase-year", "2025", "--out", "out"]
    argv += ["--set", "optimistic:sectors.services.growth_pct=15"]
    assert main([*argv, "--lang", "vi"]) == 0
    out = capsys.readouterr().out
    assert "Tệp cho nhiệm kỳ sau (out/rebased/, chép vào thư mục kịch bản để dùng):" in out
    assert (
        "  optimistic_2025_2030.toml: tệp tính lại từ kịch bản giả định thay đổi, không phải "
        "kế hoạch đã lập: Dịch vụ: tăng trưởng = 15 (sectors.services.growth_pct)"
    ) in out
    assert "\n  baseline_2025_2030.toml\n" in out  # as filed: no mark
    assert main([*argv, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert (
        "  optimistic_2025_2030.toml: rebased from a what-if, not the filed plan: "
        "Services: growth = 15 (sectors.services.growth_pct)"
    ) in out
    written = (tmp_path / "out" / "rebased" / "optimistic_2025_2030.toml").read_text("utf-8")
    assert "A what-if, NOT THE FILED PLAN" in written
