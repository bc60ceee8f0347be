"""`readq resolve` end to end: the seed library against a loopback server standing in for both APIs."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from readq.cli import cli
from readq.identity.arxiv import ArxivApi
from readq.identity.hf import HfPapers
from readq.identity.http import Limits
from readq.identity.resolve import Resolver, needs_resolving
from readq.ingest import import_paths
from readq.library import Library
from tests.helpers.fake_api import FakeApi, Fault, hf_item, seed_world

ROOT = Path(__file__).resolve().parent.parent
FAST = Limits(timeout=2, connect_timeout=1, backoff=0.01, retries=2)


@pytest.fixture
def seed_lib(tmp_path: Path, samples: Path) -> Library:
    lib = Library(tmp_path / "lib")
    import_paths(lib, [str(samples)], progress=False)
    return lib


@pytest.fixture
def world(seed_lib: Library):
    api = FakeApi()
    with api:
        truth = seed_world(api, seed_lib.papers())
        yield api, truth


def resolver(lib: Library, api: FakeApi, **kw) -> Resolver:
    return Resolver(lib, HfPapers(api.url, limits=FAST), ArxivApi(api.url + "/api/query", limits=FAST), **kw)


def library_bytes(path: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(path.iterdir()) if p.is_file()}


def test_seed_library_resolves_what_the_server_knows(seed_lib: Library, world) -> None:
    api, truth = world
    papers = seed_lib.papers()
    report = resolver(seed_lib, api).run(needs_resolving(papers))
    after = {p.id: p for p in Library(seed_lib.path).papers()}
    wrong = [pid for pid, p in after.items() if p.arxiv_id and truth.get(pid) != p.arxiv_id]
    assert wrong == []  # decoys rank first in every search, yet none is applied
    assert set(report.resolved) == set(truth)  # every paper the server knows
    assert set(report.not_found) == set(after) - set(truth)  # and nothing for the others
    assert not report.ambiguous and not report.failed
    for pid in truth:
        p = after[pid]
        assert p.authors and "Hidden Person" not in p.authors
        assert p.resolved and p.resolved["source"] in ("hf", "arxiv") and p.resolved["matched_title"]
        assert p.published
    dated = [p for p in papers if any(s.digest_date for s in p.sources)]
    daily_requests = api.count("/api/daily_papers")
    assert daily_requests / len(dated) <= 0.1
    # a rerun has nothing left but the unknown papers
    assert {p.id for p in needs_resolving(after.values())} == set(after) - set(truth)


def test_ambiguous_hits_are_reported_not_applied(tmp_path: Path) -> None:
    from readq.model import Entry, Source

    lib = Library(tmp_path / "lib")
    lib.ingest([Entry(title="Zero", source=Source("d.txt"))])
    with FakeApi() as api:
        api.add(hf_item("2104.12255", "Zero", authors=["A B"]))
        api.add(hf_item("2999.00001", "zero.", authors=["C D"]))
        report = resolver(lib, api).run(lib.papers())
    assert list(report.ambiguous) == [lib.papers()[0].id]
    assert {c.arxiv_id for c in report.ambiguous[lib.papers()[0].id]} == {"2104.12255", "2999.00001"}
    assert Library(lib.path).papers()[0].arxiv_id is None


def test_malformed_answer_fails_that_paper_only(tmp_path: Path) -> None:
    from readq.model import Entry, Source

    lib = Library(tmp_path / "lib")
    lib.ingest([Entry(title="First Paper", source=Source("d.txt")), Entry(title="Second Paper", source=Source("d.txt"))])
    with FakeApi() as api:
        api.add(hf_item("2601.00001", "First Paper", authors=["A B"]))
        api.add(hf_item("2601.00002", "Second Paper", authors=["C D"]))
        api.fault("/api/papers/search", Fault(body=b'[{"paper": {"id"'))
        report = resolver(lib, api).run(lib.papers())
    assert len(report.failed) == 1 and len(report.resolved) == 1
    assert any("malformed" in w for w in report.warnings)


# ---------------------------------------------------------------------------- the command line
def env_for(api_url: str, lib: Path) -> dict[str, str]:
    return {"HF_ENDPOINT": api_url, "READQ_ARXIV_API": api_url + "/api/query", "READQ_ARXIV_INTERVAL": "0",
            "READQ_LIBRARY": str(lib)}


def test_cli_resolve_then_cite_and_link(seed_lib: Library, world) -> None:
    api, truth = world
    runner = CliRunner()
    env = env_for(api.url, seed_lib.path)
    result = runner.invoke(cli, ["resolve", "--all"], env=env)
    assert result.exit_code == 0, result.output
    known, unknown = len(truth), len(seed_lib.papers()) - len(truth)
    assert f"Resolved: {known} resolved, 0 ambiguous, {unknown} not found, 0 failed." in result.output
    pid = next(iter(truth))
    bib = runner.invoke(cli, ["cite", pid, "--format", "bibtex"], env=env).output
    assert f"eprint = {{{truth[pid]}}}" in bib and "author = {Author" in bib and "archivePrefix = {arXiv}" in bib
    assert "primaryClass = {cs.CL}" in bib  # completed from arXiv by ID, 50 papers a request
    assert truth[pid] in runner.invoke(cli, ["link", pid], env=env).output
    again = runner.invoke(cli, ["resolve", "--all"], env=env)
    assert f"Resolved: 0 resolved, 0 ambiguous, {unknown} not found, 0 failed." in again.output


def test_cli_unreachable_fails_in_one_line_and_changes_nothing(seed_lib: Library) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()
    before = library_bytes(seed_lib.path)
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "readq", "resolve", "--all"], capture_output=True, text=True,
                          env={**os.environ, **env_for(url, seed_lib.path)}, timeout=60, cwd=ROOT)
    elapsed = time.monotonic() - start
    assert proc.returncode != 0 and elapsed < 60
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "not reachable" in lines[0] and url.split("//")[1] in lines[0], proc.stderr
    assert library_bytes(seed_lib.path) == before


def test_kill_9_mid_run_loses_nothing_reported_and_redoes_nothing(seed_lib: Library, world) -> None:
    api, truth = world
    api.delay = 0.02  # slow enough to be killed in the middle
    env = {**os.environ, **env_for(api.url, seed_lib.path)}
    proc = subprocess.Popen([sys.executable, "-m", "readq", "resolve", "--all", "-v"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    reported: dict[str, str] = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        pid, kind, arxiv_id = line.rstrip("\n").split("\t")
        if kind == "resolved":
            reported[pid] = arxiv_id
        if len(reported) >= 200:  # past the daily lists, in the middle of the searches
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    after = {p.id: p for p in Library(seed_lib.path).papers()}
    for pid, arxiv_id in reported.items():  # nothing reported is lost
        assert after[pid].arxiv_id == arxiv_id and after[pid].resolved
    first_at = {pid: after[pid].resolved["at"] for pid in reported}
    api.delay = 0
    rerun = CliRunner().invoke(cli, ["resolve", "--all", "--json"], env=env_for(api.url, seed_lib.path))
    report = json.loads(rerun.output)
    assert not set(report["resolved"]) & set(reported)  # nothing done twice
    final = {p.id: p for p in Library(seed_lib.path).papers()}
    assert {pid for pid, p in final.items() if p.arxiv_id} == set(truth)
    assert all(final[pid].resolved["at"] == at for pid, at in first_at.items())
    assert all(final[pid].arxiv_id == truth[pid] for pid in truth)


def test_arxiv_down_after_hf_matched_is_only_a_warning(tmp_path: Path) -> None:
    from readq.model import Entry, Source

    lib = Library(tmp_path / "lib")
    lib.ingest([Entry(title="First Paper", source=Source("d.txt"))])
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    dead = f"http://127.0.0.1:{sock.getsockname()[1]}/api/query"
    sock.close()
    with FakeApi() as api:
        api.add(hf_item("2601.00001", "First Paper", authors=["A B"], published="2026-01-02"))
        r = Resolver(lib, HfPapers(api.url, limits=FAST), ArxivApi(dead, limits=FAST))
        report = r.run(lib.papers())
    assert len(report.resolved) == 1 and any("not added" in w for w in report.warnings)
    paper = Library(lib.path).papers()[0]
    assert paper.arxiv_id == "2601.00001" and "primary_class" not in paper.resolved


def test_arxiv_first_version_date_replaces_the_hf_date_only(tmp_path: Path) -> None:
    from readq.model import Entry, Source

    lib = Library(tmp_path / "lib")
    lib.ingest([Entry(title="First Paper", source=Source("d.txt")),
                Entry(title="Second Paper", published="2025-12-31", source=Source("d.txt"))])
    with FakeApi() as api:
        api.add(hf_item("2601.00001", "First Paper", authors=["A B"], published="2026-01-02"))
        api.add(hf_item("2601.00002", "Second Paper", authors=["C D"], published="2026-01-02"))
        r = resolver(lib, api)
        api.items["2601.00001"]["paper"]["publishedAt"] = "2025-12-30T00:00:00.000Z"  # arXiv's v1 date
        api.items["2601.00002"]["paper"]["publishedAt"] = "2025-12-29T00:00:00.000Z"
        # HF answers the search with the same items: make HF's date differ from arXiv's
        original = api.search
        api.search = lambda q, limit: [  # type: ignore[method-assign]
            {**item, "paper": {**item["paper"], "publishedAt": "2026-01-02T00:00:00.000Z"}} for item in original(q, limit)]
        r.run(lib.papers())
    papers = {p.title: p for p in Library(lib.path).papers()}
    assert papers["First Paper"].published == "2025-12-30"  # HF's date replaced by arXiv's first version
    assert papers["Second Paper"].published == "2025-12-31"  # the digest's date is kept
    assert papers["First Paper"].resolved["primary_class"] == "cs.CL"


def test_known_ids_resolve_by_id_from_recorded_arxiv_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Old-style IDs and a title as odd as "0": looked up by ID (recorded answers), titles checked."""
    from readq.model import Entry, Source
    from tests.helpers.fake_api import FIXTURES

    lib = Library(tmp_path / "lib")
    lib.ingest([
        Entry(title="Frequency of Hot Jupiters and Very Hot Jupiters from the OGLE-III Transit Surveys toward "
                    "the Galactic Bulge and Carina", arxiv_id="astro-ph/0601001", source=Source("d.txt")),
        Entry(title="0", arxiv_id="2104.12255", source=Source("d.txt")),
    ])
    with FakeApi() as api:
        for name, query in [("arxiv_id_list_astro-ph_0601001.xml", "id_list=astro-ph%2F0601001&max_results=1"),
                            ("arxiv_id_list_2104.12255v1_title-is-0.xml", "id_list=2104.12255&max_results=1")]:
            api.recorded[("/api/query", query)] = (200, (FIXTURES / name).read_bytes())
        monkeypatch.setattr("readq.identity.arxiv.BATCH", 1)  # one recorded answer per request
        report = Resolver(lib, HfPapers(api.url, limits=FAST), ArxivApi(api.url + "/api/query", limits=FAST)).run(
            lib.papers())
    papers = {p.arxiv_id: p for p in Library(lib.path).papers()}
    assert papers["2104.12255"].resolved["source"] == "arxiv", report.as_json()
    assert papers["2104.12255"].authors and papers["2104.12255"].resolved["primary_class"] == "cs.CR"
    old = papers["astro-ph/0601001"]  # "toward" / "Toward": case folded, so the titles agree
    assert old.resolved and old.published == "2006-01-02" and old.resolved["primary_class"] == "astro-ph"
