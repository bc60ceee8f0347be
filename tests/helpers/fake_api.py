"""A loopback server standing in for the Hugging Face papers API and the arXiv API.

It answers the endpoints readq uses (`/api/daily_papers`, `/api/papers/search`,
`/api/papers/{id}`, `/api/query`) from a set of known papers kept in the recorded Hugging Face
item shape (`tests/fixtures/api/`), renders arXiv answers as Atom in the recorded format, and can
replay recorded files as they are. Faults are scripted per path: a status with headers (429 +
Retry-After, 500), a delay longer than the client's timeout, a body cut short, an empty arXiv page.
Searches rank near-miss "decoys" first, as real search engines do.

Used by the tests and by `bench/resolve_bench.py`; run it by hand with

    python tests/helpers/fake_api.py --seed-library DIR [--port 8765]

(knows the papers of that library, with decoys and some unknown papers) and point readq at it
with `HF_ENDPOINT=http://127.0.0.1:8765 READQ_ARXIV_API=http://127.0.0.1:8765/api/query`.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit
from xml.sax.saxutils import escape

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "api"
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass
class Fault:
    """One scripted misbehaviour, used once (or `times` times) for a path prefix."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None  # replaces the normal body
    delay: float = 0.0  # seconds before answering (a timeout when longer than the client's)
    cut: bool = False  # announce the full length, send half, close: a truncated response
    times: int = 1


def hf_item(arxiv_id: str, title: str, *, authors: Iterable[str] = (), day: str | None = None,
            published: str = "2026-01-01", upvotes: int = 0, summary: str = "",
            github: str | None = None, hidden: Iterable[str] = ()) -> dict[str, Any]:
    """A Daily Papers item in the recorded shape (`paper` nested, outer copies of title/summary)."""
    names = [{"_id": hashlib.sha1(n.encode()).hexdigest()[:24], "name": n, "hidden": False} for n in authors]
    names += [{"_id": hashlib.sha1(n.encode()).hexdigest()[:24], "name": n, "hidden": True} for n in hidden]
    paper: dict[str, Any] = {
        "id": arxiv_id,
        "authors": names,
        "publishedAt": f"{published}T00:00:00.000Z",
        "title": title,
        "summary": summary,
        "upvotes": upvotes,
        "discussionId": hashlib.sha1(arxiv_id.encode()).hexdigest()[:24],
    }
    if day:
        paper["submittedOnDailyAt"] = f"{day}T00:00:00.000Z"
    if github:
        paper["githubRepo"] = github
    return {"paper": paper, "publishedAt": f"{published}T00:00:00.000Z", "title": title,
            "summary": summary, "thumbnail": "", "numComments": 0, "isAuthorParticipating": False}


def atom_feed(items: Iterable[dict[str, Any]], total: int | None = None) -> bytes:
    """An arXiv API answer (current format) for HF-shaped items."""
    items = list(items)
    entries = []
    for item in items:
        paper = item.get("paper", item)
        authors = "".join(
            f"<author><name>{escape(a['name'])}</name></author>" for a in paper.get("authors", [])
            if not a.get("hidden")
        )
        pid = paper["id"]
        entries.append(
            f"<entry><id>http://arxiv.org/abs/{pid}v1</id><title>{escape(paper['title'])}</title>"
            f"<updated>{paper['publishedAt'][:10]}T00:00:00Z</updated>"
            f"<link href=\"https://arxiv.org/abs/{pid}v1\" rel=\"alternate\" type=\"text/html\"/>"
            f"<summary>{escape(paper.get('summary', ''))}</summary>"
            f"<category term=\"cs.CL\" scheme=\"http://arxiv.org/schemas/atom\"/>"
            f"<published>{paper['publishedAt'][:10]}T00:00:00Z</published>"
            f"<arxiv:primary_category term=\"cs.CL\"/>{authors}</entry>"
        )
    n = len(items) if total is None else total
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">'
        "<id>https://arxiv.org/api/fake</id><title>arXiv Query</title>"
        f"<opensearch:itemsPerPage>{len(items)}</opensearch:itemsPerPage>"
        f"<opensearch:totalResults>{n}</opensearch:totalResults>"
        "<opensearch:startIndex>0</opensearch:startIndex>"
        + "".join(entries) + "</feed>"
    ).encode("utf-8")


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text)}


class FakeApi:
    """The server's state: known papers, decoys, recorded replies, faults and a request log."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}  # arxiv id -> HF item
        self.decoys: set[str] = set()  # ids that rank first in searches
        self.days: dict[str, list[str]] = defaultdict(list)  # day -> ids, in listing order
        self.recorded: dict[tuple[str, str], tuple[int, bytes]] = {}  # (path, query) -> reply
        self.faults: dict[str, list[Fault]] = defaultdict(list)
        self.log: list[tuple[str, dict[str, list[str]]]] = []
        self.headers_seen: list[dict[str, str]] = []
        self.delay = 0.0  # every request waits this long (slow server for kill tests)
        self.page_size: int | None = None  # force daily pagination below the asked limit
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    # ------------------------------------------------------------------ knowledge
    def add(self, item: dict[str, Any], *, day: str | None = None, decoy: bool = False) -> str:
        pid = item["paper"]["id"]
        self.items[pid] = item
        if decoy:
            self.decoys.add(pid)
        listed = day or (item["paper"].get("submittedOnDailyAt") or "")[:10]
        if listed and pid not in self.days[listed]:
            self.days[listed].append(pid)
        return pid

    def add_recorded_daily(self, name: str = "hf_daily_papers_limit30_2026-06-12.json") -> list[str]:
        return [self.add(item) for item in json.loads((FIXTURES / name).read_bytes())]

    def fault(self, path: str, fault: Fault) -> None:
        self.faults[path].append(fault)

    def count(self, path_prefix: str) -> int:
        return sum(1 for path, _ in self.log if path.startswith(path_prefix))

    # ------------------------------------------------------------------ answers
    def answer(self, path: str, query: str) -> tuple[int, dict[str, str], bytes]:
        params = parse_qs(query)
        if (path, query) in self.recorded:
            status, body = self.recorded[(path, query)]
            return status, {}, body
        if path == "/api/daily_papers":
            return self._daily(params, path)
        if path == "/api/papers/search":
            q = params.get("q", [""])[0]
            limit = int(params.get("limit", ["10"])[0])
            return 200, {}, json.dumps(self.search(q, limit)).encode()
        if path.startswith("/api/papers/"):
            item = self.items.get(path.rsplit("/", 1)[1])
            if item is None:
                return 404, {}, b'{"error":"Paper not found"}'
            return 200, {}, json.dumps(item["paper"]).encode()
        if path == "/api/query":
            return 200, {"content-type": "application/atom+xml"}, self._arxiv(params)
        return 404, {}, b'{"error":"not found"}'

    def _daily(self, params: dict[str, list[str]], path: str) -> tuple[int, dict[str, str], bytes]:
        limit = min(int(params.get("limit", ["50"])[0]), self.page_size or 100)
        page = int(params.get("p", ["0"])[0])
        day = params.get("date", [None])[0]
        if day is None:
            days = sorted(d for d, ids in self.days.items() if ids)
            ids = self.days[days[-1]] if days else []
            return 200, {}, json.dumps([self.items[i] for i in ids[:limit]]).encode()
        ids = self.days.get(day, [])
        chunk = ids[page * limit:(page + 1) * limit]
        headers = {}
        if (page + 1) * limit < len(ids):
            nxt = urlencode({**{k: v[0] for k, v in params.items()}, "p": page + 1})
            headers["Link"] = f'<http://127.0.0.1/{path.lstrip("/")}?{nxt}>; rel="next"'
        return 200, headers, json.dumps([self.items[i] for i in chunk]).encode()

    def search(self, q: str, limit: int) -> list[dict[str, Any]]:
        words = _words(q)
        scored = []
        for pid, item in self.items.items():
            shared = len(words & _words(item["paper"]["title"]))
            if shared:
                scored.append((-shared, pid not in self.decoys, pid))
        scored.sort()
        return [self.items[pid] for _, _, pid in scored[:limit]]

    def _arxiv(self, params: dict[str, list[str]]) -> bytes:
        ids = [i for i in params.get("id_list", [""])[0].split(",") if i]
        if ids:
            return atom_feed(self.items[i] for i in ids if i in self.items)
        query = params.get("search_query", [""])[0]
        words = {w.casefold() for w in re.findall(r"ti:([^\s]+)", query)}
        hits = [(pid not in self.decoys, pid) for pid, item in self.items.items()
                if words and words <= _words(item["paper"]["title"])]
        hits.sort()
        limit = int(params.get("max_results", ["10"])[0])
        return atom_feed(self.items[pid] for _, pid in hits[:limit])

    # ------------------------------------------------------------------ serving
    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for prefix, queue in self.faults.items():
                if path.startswith(prefix) and queue:
                    fault = queue[0]
                    fault.times -= 1
                    if fault.times <= 0:
                        queue.pop(0)
                    return fault
        return None

    def start(self, port: int = 0) -> str:
        """Serve on 127.0.0.1 (a free port unless given) in a daemon thread; returns the base URL."""
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body leave at once (no delayed-ACK stalls)
            wbufsize = 1 << 16

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                parts = urlsplit(self.path)
                with api.lock:
                    api.log.append((parts.path, parse_qs(parts.query)))
                    api.headers_seen.append({k.lower(): v for k, v in self.headers.items()})
                if api.delay:
                    time.sleep(api.delay)
                fault = api.take_fault(parts.path)
                if fault and fault.delay:
                    time.sleep(fault.delay)
                status, headers, body = api.answer(parts.path, parts.query)
                if fault:
                    status = fault.status
                    headers = {**headers, **fault.headers}
                    body = fault.body if fault.body is not None else body
                try:
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)))
                    if fault and fault.cut:
                        self.send_header("Connection", "close")
                        self.end_headers()
                        self.wfile.write(body[: len(body) // 2])
                        self.close_connection = True
                        return
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def __enter__(self) -> FakeApi:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"


# ---------------------------------------------------------------------- a world for a library
def fake_id(title: str, salt: str = "") -> str:
    digest = int(hashlib.sha1((salt + title).encode()).hexdigest(), 16)
    return f"26{digest % 12 + 1:02d}.{digest % 100000:05d}"


def decoy_title(title: str) -> str:
    """A different paper with a nearly identical title (what semantic search ranks first)."""
    return title.rstrip() + ("++" if not title.endswith("+") else " 2")


def seed_world(api: FakeApi, papers: Iterable[Any], *, unknown_every: int = 10,
               decoy_every: int = 3) -> dict[str, str]:
    """Teach `api` the given library papers: returns {paper id: true arXiv id} for known ones.

    Every `unknown_every`-th paper stays unknown to the server; every `decoy_every`-th known one
    gets a decoy that ranks first in searches (and sits in its daily list). Papers seen in a dated
    digest are listed on that day.
    """
    from readq.dedup import title_key

    papers = list(papers)
    taken = {title_key(p.title) for p in papers}  # a decoy never copies a real paper's title
    truth: dict[str, str] = {}
    for n, paper in enumerate(papers):
        if unknown_every and n % unknown_every == unknown_every - 1:
            continue
        arxiv_id = paper.arxiv_id or fake_id(paper.title)
        while arxiv_id in api.items:
            arxiv_id = fake_id(paper.title, arxiv_id)
        day = max((s.digest_date for s in paper.sources if s.digest_date), default=None)
        authors = [f"Author{n} One", f"Author{n} Two", f"Writer{n} Three"]
        api.add(hf_item(arxiv_id, paper.title, authors=authors, day=day, upvotes=n % 7,
                        summary=paper.abstract or f"Abstract of {paper.title}",
                        github=f"https://github.com/example/repo{n}" if n % 4 == 0 else None,
                        hidden=["Hidden Person"] if n % 5 == 0 else ()), day=day)
        truth[paper.id] = arxiv_id
        if decoy_every and n % decoy_every == 0 and title_key(decoy_title(paper.title)) not in taken:
            decoy = fake_id(paper.title, "decoy")
            while decoy in api.items:
                decoy = fake_id(paper.title, decoy)
            api.add(hf_item(decoy, decoy_title(paper.title), authors=["Someone Else"], day=day),
                    day=day, decoy=True)
    return truth


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed-library", type=Path, help="know the papers of this readq library")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--unknown-every", type=int, default=10, help="every Nth paper stays unknown (0: none)")
    parser.add_argument("--decoy-every", type=int, default=3, help="every Nth known paper gets a decoy (0: none)")
    args = parser.parse_args()
    api = FakeApi()
    api.add_recorded_daily()
    if args.seed_library:
        from readq.library import Library

        seed_world(api, Library(args.seed_library).papers(), unknown_every=args.unknown_every,
                   decoy_every=args.decoy_every)
    url = api.start(args.port)
    print(f"serving on {url}  (HF_ENDPOINT={url} READQ_ARXIV_API={url}/api/query)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        api.stop()


if __name__ == "__main__":
    main()
