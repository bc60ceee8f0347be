"""The network layer against a real loopback server, with faults injected on the wire."""

from __future__ import annotations

import socket
import time

import pytest

from readq.identity.arxiv import ArxivApi
from readq.identity.hf import HfPapers
from readq.identity.http import Limits, RateLimited, ResponseError, ServerUnreachable, retry_after
from tests.helpers.fake_api import FIXTURES, FakeApi, Fault, hf_item

FAST = Limits(timeout=0.5, connect_timeout=0.5, backoff=0.01, retries=3)


@pytest.fixture
def api():
    server = FakeApi()
    server.add_recorded_daily()
    with server:
        yield server


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def hf_client(api: FakeApi, limits: Limits = FAST, token: str | None = None) -> HfPapers:
    client = HfPapers(api.url, limits=limits, token=token)
    client.transport.sleep = Sleeps()
    return client


def test_daily_list_of_the_recorded_day(api: FakeApi) -> None:
    listed = list(hf_client(api).daily(date="2026-06-12"))
    assert len(listed) == 30
    first = listed[0]
    assert first.arxiv_id == "2606.00467"
    assert first.authors[:2] == ("Etienne Casanova", "Rafal Kocielnik")
    assert first.upvotes == 0  # a real 0, not None (the typed wrapper's quirk)
    assert sum(1 for f in listed if any("github.com" in u for u in f.links)) == 16
    assert all(f.day == "2026-06-12" for f in listed)


def test_daily_list_follows_next_pages(api: FakeApi) -> None:
    api.page_size = 7
    listed = list(hf_client(api).daily(date="2026-06-12"))
    assert len({f.arxiv_id for f in listed}) == 30
    assert api.count("/api/daily_papers") == 5


def test_429_waits_for_retry_after(api: FakeApi) -> None:
    api.fault("/api/daily_papers", Fault(status=429, headers={"Retry-After": "2"}, body=b"{}"))
    client = hf_client(api)
    assert len(list(client.daily(date="2026-06-12"))) == 30
    assert 2.0 in client.transport.sleep
    assert client.transport.requests == 2


def test_429_longer_than_patience_stops_the_run(api: FakeApi) -> None:
    api.fault("/api/papers/search", Fault(status=429, headers={"Retry-After": "3600"}, body=b"{}"))
    with pytest.raises(RateLimited, match="3600"):
        hf_client(api).search("anything")


def test_500_then_success(api: FakeApi) -> None:
    api.fault("/api/daily_papers", Fault(status=500, body=b"oops"))
    client = hf_client(api)
    assert len(list(client.daily(date="2026-06-12"))) == 30
    assert client.transport.requests == 2


def test_timeout_is_retried(api: FakeApi) -> None:
    api.fault("/api/papers/search", Fault(delay=1.5))
    client = hf_client(api)
    client.transport.answered = True  # a server that has answered before: timeouts are retried
    hits = client.search("On the Limits of LLM Adaptability")
    assert hits and hits[0].arxiv_id == "2606.00467"
    assert client.transport.requests == 2


def test_cut_response_is_retried(api: FakeApi) -> None:
    api.fault("/api/daily_papers", Fault(cut=True))
    client = hf_client(api)
    client.transport.answered = True
    assert len(list(client.daily(date="2026-06-12"))) == 30


def test_truncated_json_is_a_response_error(api: FakeApi) -> None:
    api.fault("/api/papers/search", Fault(body=b'[{"paper": {"id": "2606.0'))
    with pytest.raises(ResponseError, match="malformed JSON"):
        hf_client(api).search("x")


def test_size_cap(api: FakeApi) -> None:
    client = hf_client(api, Limits(max_bytes=1000, timeout=1))
    with pytest.raises(ResponseError, match="over"):
        list(client.daily(date="2026-06-12"))


def test_ratelimit_header_paces_the_next_request(api: FakeApi) -> None:
    api.fault("/api/papers/search", Fault(headers={"RateLimit": '"api";r=0;t=7'}))
    client = hf_client(api)
    client.search("a")
    client.search("b")
    assert any(6 < s <= 7 for s in client.transport.sleep)


def test_window_quota_paces_requests(api: FakeApi) -> None:
    client = hf_client(api, Limits(window_quota=2, window=60, timeout=1))
    for word in ("a", "b", "c"):
        client.search(word)
    assert client.transport.sleep and client.transport.sleep[0] > 50


def test_hf_token_goes_to_hf_only(api: FakeApi) -> None:
    hf_client(api, token="hf_secret").search("x")
    arxiv = ArxivApi(api.url + "/api/query", limits=FAST)
    arxiv.by_ids(["2606.00467"])
    auth = [h.get("authorization") for h in api.headers_seen]
    assert auth == ["Bearer hf_secret", None]


def test_unreachable_server_fails_fast_with_its_name() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    start = time.monotonic()
    with pytest.raises(ServerUnreachable, match=f"127.0.0.1:{port}"):
        HfPapers(f"http://127.0.0.1:{port}", limits=FAST).search("x")
    assert time.monotonic() - start < 5


def test_arxiv_by_ids_batched_and_paced(api: FakeApi) -> None:
    ids = [f"2601.{n:05d}" for n in range(120)]
    for arxiv_id in ids:
        api.add(hf_item(arxiv_id, f"Paper {arxiv_id}", authors=["A B"]))
    arxiv = ArxivApi(api.url + "/api/query", limits=Limits(min_interval=3.0))
    arxiv.transport.sleep = sleeps = Sleeps()
    found = arxiv.by_ids(ids + ["2601.00001v3"])
    assert set(found) == set(ids)
    assert api.count("/api/query") == 3  # 50 IDs per request
    assert len(sleeps) == 2 and all(2.9 < s <= 3.0 for s in sleeps)  # 1 request per 3 s


def test_empty_arxiv_page_is_asked_again(api: FakeApi) -> None:
    api.add(hf_item("2601.00042", "Some Paper", authors=["A B"]))
    empty = (FIXTURES / "arxiv_id_list_0808.05394_not-found.xml").read_bytes()
    api.fault("/api/query", Fault(body=empty))
    found = ArxivApi(api.url + "/api/query", limits=FAST).by_ids(["2601.00042"])
    assert found["2601.00042"].authors == ("A B",)
    assert api.count("/api/query") == 2


def test_recorded_arxiv_answers(api: FakeApi) -> None:
    for name, query in [
        ("arxiv_id_list_1706.03762.xml", "id_list=1706.03762&max_results=1"),
        ("arxiv_id_list_1601.00001_legacy-format-2020.xml", "id_list=1601.00001&max_results=1"),
    ]:
        api.recorded[("/api/query", query)] = (200, (FIXTURES / name).read_bytes())
    arxiv = ArxivApi(api.url + "/api/query", limits=FAST)
    found = arxiv.by_ids(["1706.03762v7"])["1706.03762"]
    assert found.title == "Attention Is All You Need"
    assert found.authors[0] == "Ashish Vaswani" and len(found.authors) == 8
    assert found.published == "2017-06-12" and found.primary_class == "cs.CL"
    legacy = arxiv.by_ids(["1601.00001"])["1601.00001"]
    assert "\n" not in legacy.title and legacy.published == "2015-12-26"


def test_arxiv_error_feed_is_a_response_error(api: FakeApi) -> None:
    body = (FIXTURES / "arxiv_id_list_abc_error-400.xml").read_bytes()
    api.fault("/api/query", Fault(status=400, body=body))
    with pytest.raises(ResponseError, match="400"):
        ArxivApi(api.url + "/api/query", limits=FAST).search_title("anything at all")


def test_retry_after_forms() -> None:
    assert retry_after({"retry-after": "12"}) == 12
    assert retry_after({"ratelimit": '"api";r=0;t=42'}) == 42
    assert retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, now=1445412470.0) == 10
    assert retry_after({}) is None


def test_only_resolve_and_fetch_load_network_clients(tmp_path, samples) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from click.testing import CliRunner; from readq.cli import cli; r = CliRunner(); "
        f"env = {{'READQ_LIBRARY': {str(tmp_path / 'lib')!r}}}; "
        f"r.invoke(cli, ['import', {str(samples)!r}], env=env); r.invoke(cli, ['list'], env=env); "
        "r.invoke(cli, ['export', '--format', 'bibtex'], env=env); "
        "bad = [m for m in ('httpx', 'huggingface_hub', 'readq.identity.http') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_server_refusing_everything_stops_the_run(api: FakeApi) -> None:
    api.fault("/api/papers/search", Fault(status=404, body=b"Not Found", times=100))
    client = hf_client(api)
    for _ in range(4):
        with pytest.raises(ResponseError):
            client.search("x")
    with pytest.raises(ServerUnreachable, match="refused 5 requests in a row"):
        client.search("x")


def test_a_server_answering_html_to_everything_stops_the_run(api: FakeApi) -> None:
    api.fault("/api/papers/search", Fault(body=b"<html>Sign in to this Wi-Fi</html>", times=100))
    client = hf_client(api)
    for _ in range(4):
        with pytest.raises(ResponseError, match="malformed"):
            client.search("x")
    with pytest.raises(ServerUnreachable, match="in a row"):
        client.search("x")
