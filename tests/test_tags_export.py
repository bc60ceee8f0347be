"""Tags and notes travel through every export format and read back with real parsers."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import bibtexparser
import orjson
import rispy

from readq import export
from readq.cite import latex_unescape
from readq.model import Paper

GOLDEN = Path(__file__).parent / "golden"
NOTE = "Read §3 first: the 100% claim\nneeds the ablation {table 2} & a check."


def tagged() -> list[Paper]:
    papers = [Paper.from_json(d) for d in orjson.loads((GOLDEN / "papers.json").read_bytes())]
    out = [replace(papers[0], tags=("video", "to-cite"), note=NOTE),
           replace(papers[1], tags=("ünïcode_tag",)),
           replace(papers[2], note="one line"),
           papers[3]]
    return out


def test_json_carries_tags_and_note() -> None:
    data = json.loads(export.render(tagged(), "json"))
    assert data[0]["tags"] == ["video", "to-cite"] and data[0]["note"] == NOTE
    assert data[3]["tags"] == [] and data[3]["note"] is None
    assert [Paper.from_json(d) for d in data] == tagged()


def test_bibtex_keywords_and_annote() -> None:
    entries = bibtexparser.parse_string(export.render(tagged(), "bibtex")).entries
    kw = [e.fields_dict["keywords"].value.split(", ") for e in entries]
    assert kw[0][:2] == ["video", "to-cite"] and kw[0][2].startswith("readq:")
    assert latex_unescape(kw[1][0]) == "ünïcode_tag"
    # LaTeX treats a newline as a space; the escaped note reads back word for word
    assert latex_unescape(entries[0].fields_dict["annote"].value) == " ".join(NOTE.split())
    assert entries[2].fields_dict["annote"].value == "one line"
    assert "annote" not in entries[3].fields_dict


def test_ris_kw_and_n1() -> None:
    records = rispy.loads(export.render(tagged(), "ris"))
    assert records[0]["keywords"][:2] == ["video", "to-cite"]
    assert records[0]["notes"][0].startswith("readq status:")
    assert records[0]["notes"][1] == " ".join(NOTE.split())
    assert records[1]["keywords"][0] == "ünïcode_tag"
    assert len(records[3]["notes"]) == 1


def test_csljson_keyword_and_annote() -> None:
    items = json.loads(export.render(tagged(), "csljson"))
    assert items[0]["keyword"].split(", ")[:2] == ["video", "to-cite"]
    assert items[0]["annote"] == NOTE and "annote" not in items[3]


def test_csv_tags_and_note_columns() -> None:
    rows = list(csv.DictReader(io.StringIO(export.render(tagged(), "csv"), newline="")))
    assert rows[0]["tags"] == "video; to-cite" and rows[0]["note"] == NOTE
    assert rows[3]["tags"] == "" and rows[3]["note"] == ""


def test_markdown_tags_and_note_under_item() -> None:
    text = export.render(tagged(), "md")
    assert "tags: video, to\\-cite" in text or "tags: video, to-cite" in text
    assert "  > Read §3 first" in text
    assert "  > needs the ablation" in text
