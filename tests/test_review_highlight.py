"""Evidence highlighting from offsets, and the SVG chart shapes."""

from __future__ import annotations

from crawler.items import listing_text
from crawler.review.charts import horizontal_bars, line_chart, nice_max, sparkline, stacked_columns
from crawler.review.highlight import Piece, highlighted, marks, pieces

TITLE = "Water hyacinth <b>Eichhornia crassipes</b>"
DESCRIPTION = "Pond plant.\nEichhornia crassipes & more"


def _taxon(text: str, phrase: str, nth: int = 0) -> dict[str, object]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return {"start": start, "end": start + len(phrase), "text": phrase, "scientific_name": "Eichhornia crassipes",
            "list_name": "EU IAS Union list", "status": "prohibited"}  # fmt: skip


def test_title_and_description_are_cut_at_the_classifiers_offsets() -> None:
    text = listing_text(TITLE, DESCRIPTION)
    taxa = [_taxon(text, "Eichhornia crassipes"), _taxon(text, "Eichhornia crassipes", 1)]
    start = text.index("Pond plant")
    reasons = [{"start": start, "end": start + 10, "text": "Pond plant", "label": "plants_for_planting",
                "weight": 0.7, "source": "rules"}]  # fmt: skip
    title, description = highlighted(TITLE, DESCRIPTION, reasons, taxa)
    assert "".join(p.text for p in title) == TITLE
    assert "".join(p.text for p in description) == DESCRIPTION
    assert [p for p in title if p.kind] == [
        Piece("Eichhornia crassipes", "taxon", "Eichhornia crassipes (EU IAS Union list, prohibited)")
    ]
    assert [(p.text, p.kind) for p in description if p.kind] == [("Pond plant", "reason"),
                                                                  ("Eichhornia crassipes", "taxon")]  # fmt: skip
    # The markup-looking text stays plain text in the pieces; the template escapes every piece.
    assert title[0] == Piece("Water hyacinth <b>")


def test_overlapping_spans_split_and_the_taxon_wins() -> None:
    text = "buy Eichhornia crassipes plants"
    found = marks(text, [{"start": 4, "end": 31, "text": text[4:31], "label": "plants_for_planting", "weight": 1,
                          "source": "model"}], [_taxon(text, "Eichhornia crassipes")])  # fmt: skip
    cut = pieces(text, found)
    assert [(p.text, p.kind) for p in cut] == [("buy ", None), ("Eichhornia crassipes", "taxon"),
                                                (" plants", "reason")]  # fmt: skip
    assert "plants_for_planting (model, weight 1.00)" in cut[1].note


def test_spans_that_do_not_match_the_text_are_left_out() -> None:
    text = "Tulip bulbs"
    bogus = [
        {"start": 0, "end": 5, "text": "Rose!", "label": "x", "weight": 1},  # text changed since the verdict
        {"start": 8, "end": 80, "label": "x", "weight": 1},  # past the end
        {"start": -1, "end": 3, "label": "x", "weight": 1},
        {"start": "0", "end": 3, "label": "x", "weight": 1},
        {"start": 0, "end": 5, "text": "Tulip", "label": "x", "weight": -0.4},  # evidence against: not marked
    ]
    assert marks(text, bogus, []) == []
    assert pieces(text, []) == [Piece("Tulip bulbs")]


def test_nice_axis_maxima() -> None:
    assert [nice_max(v) for v in (0, 1, 3, 7, 12, 180, 1001)] == [1, 1, 5, 10, 20, 200, 2000]


def test_chart_shapes_hold_numbers_and_labels_only() -> None:
    colours = {"seeds": "#000", "<b>x</b>": "#111"}
    chart = stacked_columns("t", ["w1", "w2"], {"seeds": [3, 0], "<b>x</b>": [1, 2]}, colours)
    assert len(chart.rects) == 3 and not chart.empty
    assert {label.text for label in chart.labels} >= {"w1", "w2"}
    tall = max(chart.rects, key=lambda r: r.h)
    assert tall.tip == "w1: seeds 3"
    assert horizontal_bars("t", []).empty
    line = line_chart("t", [("a", 1), ("b", 5)])
    assert line.polyline.count(",") == 2 and len(line.dots) == 2
    assert sparkline("t", [("d", 1.0)]).empty and not sparkline("t", [("d", 1.0), ("e", 2.0)]).empty
