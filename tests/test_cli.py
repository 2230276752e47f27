import re
from html.parser import HTMLParser

import pytest

from gdeep_widgets.cli import main, run_demo


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key in ("src", "href") and value:
                self.urls.append(value)


def test_demo_prints_table_and_summary_and_writes_an_offline_page(tmp_path, capsys):
    out = tmp_path / "tori.html"
    result = run_demo("tori-entangled", out, n_samples=2000, flow_epochs=8)
    printed = capsys.readouterr().out
    assert "| epoch | train_loss | valid_loss | accuracy | time" in printed
    assert len(re.findall(r"^\|\s+\d+ \|", printed, flags=re.M)) == 10
    assert "points sampled          2000" in printed
    assert "points on the boundary" in printed and "max |p - 1/2|" in printed
    assert result["n_boundary"] >= 0.99 * 2000
    assert result["max_distance"] < 0.01
    assert result["n_frames"] == 9
    page = out.read_text()
    parser = _Links()
    parser.feed(page)
    assert all(not re.match(r"^(https?:)?//", url) for url in parser.urls), parser.urls
    assert "http://" not in re.sub(r"<script.*?</script>", "", page, flags=re.S)


def test_demo_circles_has_a_background_heatmap(tmp_path):
    result = run_demo(
        "circles",
        tmp_path / "c.html",
        n_samples=500,
        n_epochs=3,
        flow_epochs=3,
        verbose=False,
    )
    assert result["out"].endswith("c.html")
    assert '"background"' in (tmp_path / "c.html").read_text()


def test_cli_reports_bad_arguments_as_an_error(capsys):
    assert main(["demo", "circles", "--n-samples", "0"]) == 2
    assert "n_samples must be a positive integer; got 0" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["demo", "spirals"])
