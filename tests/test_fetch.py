"""`readq fetch`: Daily Papers from the API, merged with digests, arriving resolved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from readq.cli import cli
from readq.identity.fetch import FetchRequest
from readq.library import Library
from readq.model import Entry, Source
from tests.helpers.fake_api import FIXTURES, FakeApi


def env_for(api: FakeApi, lib: Path) -> dict[str, str]:
    return {"HF_ENDPOINT": api.url, "READQ_ARXIV_API": api.url + "/api/query", "READQ_LIBRARY": str(lib)}


def test_fetch_recorded_day_then_again(tmp_path: Path) -> None:
    recorded = json.loads((FIXTURES / "hf_daily_papers_limit30_2026-06-12.json").read_bytes())
    with FakeApi() as api:
        api.add_recorded_daily()
        api.page_size = 20  # two pages, joined through Link: rel="next"
        runner = CliRunner()
        first = runner.invoke(cli, ["fetch", "--date", "2026-06-12"], env=env_for(api, tmp_path / "lib"))
        assert first.exit_code == 0, first.output
        assert "30 entries, 30 new papers" in first.output
        papers = Library(tmp_path / "lib").papers()
        assert len(papers) == 30
        assert {p.arxiv_id for p in papers} == {item["paper"]["id"] for item in recorded}
        assert all(p.authors and p.resolved and p.resolved["source"] == "hf" for p in papers)
        assert all(p.sources[0].file == "hf-daily:2026-06-12" for p in papers)
        before = sorted((f.name, f.read_bytes()) for f in (tmp_path / "lib").iterdir() if f.is_file())
        second = runner.invoke(cli, ["fetch", "--date", "2026-06-12"], env=env_for(api, tmp_path / "lib"))
        assert second.exit_code == 0 and "0 new papers" in second.output and "Nothing new" in second.output
        after = sorted((f.name, f.read_bytes()) for f in (tmp_path / "lib").iterdir() if f.is_file())
        assert after == before  # a second fetch adds nothing
        assert api.count("/api/daily_papers") == 4


def test_fetch_merges_with_a_digest_and_defaults_to_latest_day(tmp_path: Path) -> None:
    recorded = json.loads((FIXTURES / "hf_daily_papers_limit30_2026-06-12.json").read_bytes())
    lib = Library(tmp_path / "lib")
    title = recorded[3]["title"]
    lib.ingest([Entry(title=title.upper(), abstract="From a saved page.", upvotes=999,
                      source=Source("saved.txt", "2026-06-12"))])
    with FakeApi() as api:
        api.add_recorded_daily()
        result = CliRunner().invoke(cli, ["fetch"], env=env_for(api, tmp_path / "lib"))
    assert result.exit_code == 0, result.output
    papers = {p.title: p for p in Library(tmp_path / "lib").papers()}
    assert len(papers) == 30
    merged = papers[title.upper()]
    assert merged.arxiv_id == recorded[3]["paper"]["id"] and merged.upvotes == 999
    assert sorted(s.file for s in merged.sources) == ["hf-daily:2026-06-12", "saved.txt"]


def test_fetch_options_are_checked() -> None:
    assert FetchRequest(week="2026-W24").check().week == "2026-W24"
    for bad in (FetchRequest(date="2026-13-01"), FetchRequest(week="2026-24"), FetchRequest(date="2026-06-12", month="2026-06")):
        with pytest.raises(ValueError):
            bad.check()
    result = CliRunner().invoke(cli, ["fetch", "--date", "June 12"])
    assert result.exit_code == 2 and "not like 2026-06-12" in result.output


def test_fetch_unreachable(tmp_path: Path) -> None:
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()
    result = CliRunner().invoke(cli, ["fetch", "--date", "2026-06-12"],
                                env={"HF_ENDPOINT": url, "READQ_LIBRARY": str(tmp_path / "lib")})
    assert result.exit_code == 6 and "not reachable" in result.output
    assert not (tmp_path / "lib").exists()
