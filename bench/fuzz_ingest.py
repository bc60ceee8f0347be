"""Mutation fuzzing of the digest ingester, outside the test suite.

    python bench/fuzz_ingest.py [--inputs 100000] [--seed 1] [--seconds LIMIT] [--out DIR]

Seeds are the real digests in sample_digests/, the layout samples in tests/data/digests/, the real
captures in tests/data/corpus/ and the capture and hostile fixtures in tests/data/. Each
input is a window of a seed (16 B to 16 KB, sometimes a whole file) put through 0-5 mutations:
byte flips, random bytes, deletions, duplications, splices of other seeds, random unicode,
page furniture, HTML tags, line-ending changes, truncation, re-encoding (UTF-16/Latin-1, BOMs),
and the hostile catalogue: terminal escape sequences (OSC title/clipboard, CSI), bidi overrides,
spreadsheet formulas and `javascript:` links.

Counted as a crash:
- any exception other than `DigestError` escaping `parse_bytes` (the API promise);
- an "internal parser error" warning: `parse_text` swallows parser exceptions so that an import
  survives them; the fuzzer re-runs the layout dispatch unguarded to get the real exception.
- an entry with a control or bidi character in any text field, a title that is a URL, an image or
  still carries link syntax, or a link that is not http(s).
Also reported: inputs slower than --slow seconds, and entries with an empty or unstripped title.
Each distinct crash (exception type + innermost readq frame) is shrunk to a small reproducer,
printed, and saved under --out. Exit status 1 if anything was found.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import random
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from readq.digest import DigestError, parse_bytes
from readq.digest import parse as parse_module
from readq.digest.context import Context
from readq.digest.decode import decode, normalize_newlines
from readq.textclean import clean, has_unsafe, is_web_url

ROOT = Path(__file__).resolve().parent.parent
TODAY = _dt.date(2026, 11, 23)
FURNITURE = [b"new\n", b"Get trending papers in your email inbox!\n", b"Subscribe\n", b"Upvote\n",
             b"\xe2\x80\xa2 8 authors\n", b"Submitted by\n", b"Published on Mar 3\n", b"arXiv Page\n",
             b"# Daily Papers\n", b"<div class=\"paper\">", b"</a>", b"<h3>", b"]: https://x.y/z\n",
             b"* [Title](https://arxiv.org/abs/2401.00001)\n", b"arXiv:2501.01234\n", b"\xef\xbb\xbf",
             b"[\n\n- \xc2\xb7\n\n\t45 authors\n\n](https://huggingface.co/papers/2604.14125)\n",
             b"[1.09k](https://huggingface.co/login?next=%2Fpapers%2F2604.14125)\n", b"[4](https://x.co/p#community)\n",
             b"[![](https://cdn-thumbnails.huggingface.co/p/2604.14125.png)](https://huggingface.co/papers/2604.14125)\n",
             b"### [Title split\n### over two][12]\n", b"```text\n", b"---\ncreated: 2026-04-17\n---\n",
             b"Title: A Paper\nAuthors: A. One, B. Two\nAbstract: We study.\n", b"| Title | Link |\n|---|---|\n",
             b"<details><summary>A Paper</summary>\n", b"</details>\n"]
# The hostile catalogue: what a digest must never get through to a terminal, spreadsheet or link.
HOSTILE = [b"\x1b]0;pwned\x07", b"\x1b]52;c;ZWNobyBoaQ==\x07", b"\x1b]8;;http://x\x1b\\", b"\x1b[2J\x1b[31m",
           b"\xc2\x9b31m", b"\xe2\x80\xae", b"\xe2\x81\xa6", b"\x7f", b"\x08\x08",
           b"=HYPERLINK(\"http://evil\",\"x\")", b"+cmd|' /C calc'!A0", b"@SUM(1+1)",
           b"[click](javascript:alert(1))", b"<a href=\"javascript:alert(1)\">x</a>"]
UNICODE = "é中文ß\u200b\u202e\ufeff\U0001f600\u0301\u00a0\u2028\u2029\x00\x1b\ud7ff\U0010ffff𝔘Ω"


def load_seeds() -> list[bytes]:
    data = ROOT / "tests" / "data"
    paths = sorted((ROOT / "sample_digests").glob("*"))
    for sub in ("digests", "corpus", "captures", "hostile", "pasted"):
        paths += sorted(p for p in (data / sub).glob("*") if p.suffix not in (".json", ".py"))
    return [p.read_bytes() for p in paths if p.is_file()]


def window(rng: random.Random, seed: bytes) -> bytes:
    if rng.random() < 0.01:
        return seed
    size = int(2 ** rng.uniform(4, 14))
    start = rng.randrange(max(1, len(seed) - size))
    if rng.random() < 0.7:  # usually start at a line, like a real file would
        nl = seed.rfind(b"\n", 0, start)
        start = nl + 1
    return seed[start : start + size]


def mutate(rng: random.Random, data: bytes, seeds: list[bytes]) -> bytes:
    buf = bytearray(data)

    def pos() -> int:
        return rng.randint(0, len(buf))

    ops: list[Callable[[], None]] = []

    def flip() -> None:
        if buf:
            i = rng.randrange(len(buf))
            buf[i] ^= 1 << rng.randrange(8)

    def random_bytes() -> None:
        i = pos()
        buf[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))

    def delete() -> None:
        i = pos()
        del buf[i : i + rng.randint(1, 200)]

    def duplicate() -> None:
        i, j = pos(), pos()
        i, j = min(i, j), max(i, j)
        k = pos()
        buf[k:k] = buf[i : min(j, i + 2000)] * rng.randint(1, 3)

    def splice() -> None:
        k = pos()
        buf[k:k] = window(rng, rng.choice(seeds))[: rng.randint(1, 4000)]

    def unicode() -> None:
        k = pos()
        text = "".join(rng.choice(UNICODE) for _ in range(rng.randint(1, 8)))
        buf[k:k] = text.encode("utf-8", "surrogatepass")

    def furniture() -> None:
        k = pos()
        buf[k:k] = rng.choice(FURNITURE)

    def line_endings() -> None:
        new = rng.choice([b"\r\n", b"\r", b"\n\n", b"\x0b", b"\x85".decode("latin-1").encode(), b"\u2028".decode("unicode_escape").encode()])
        buf[:] = bytes(buf).replace(b"\n", new)

    def truncate() -> None:
        del buf[pos() :]

    def hostile() -> None:
        i = pos()
        buf[i:i] = rng.choice(HOSTILE)

    def blank_lines() -> None:
        k = pos()
        buf[k:k] = b"\n" * rng.randint(1, 30) + b" " * rng.randint(0, 10)

    ops = [flip, random_bytes, delete, duplicate, splice, unicode, furniture, line_endings, truncate, blank_lines, hostile]
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 5))):
        rng.choice(ops)()
    out = bytes(buf)
    roll = rng.random()
    if roll < 0.03:
        try:
            out = rng.choice([b"\xff\xfe" + out.decode("utf-8").encode("utf-16-le"),
                              out.decode("utf-8").encode("utf-16"),
                              out.decode("utf-8").encode("latin-1", "replace"),
                              b"\xef\xbb\xbf" + out])
        except UnicodeError:
            pass
    return out


@dataclass
class Finding:
    kind: str
    signature: str
    detail: str
    data: bytes


@dataclass
class Stats:
    tried: int = 0
    entries: int = 0
    digest_errors: int = 0
    crashes: int = 0
    masked: int = 0
    slow: int = 0
    bad_titles: int = 0
    unsafe: int = 0
    bad_links: int = 0
    slowest: float = 0.0
    findings: dict[str, Finding] = field(default_factory=dict)


def signature_of(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "readq" in f.filename]
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    return f"{type(exc).__name__}@{where}"


def unguarded(data: bytes) -> BaseException | None:
    """Re-run the dispatch without parse_text's safety net to get the swallowed exception."""
    try:
        text = clean(normalize_newlines(decode(data)))
        if text.startswith("\ufeff"):
            text = text[1:]
        parse_module._dispatch(text, Context("fuzz.txt", TODAY))
    except DigestError:
        return None
    except Exception as exc:  # noqa: BLE001
        return exc
    return None


def classify(data: bytes) -> tuple[str, str, str] | None:
    """(kind, signature, detail) of what goes wrong with `data`, or None."""
    try:
        result = parse_bytes(data, source="fuzz.txt", today=TODAY)
    except DigestError:
        return None
    except Exception as exc:  # noqa: BLE001
        return "crash", signature_of(exc), "".join(traceback.format_exception(exc, limit=-4))
    if any("internal parser error" in w.message for w in result.warnings):
        exc = unguarded(data)
        sig = signature_of(exc) if exc else "masked@?"
        detail = "".join(traceback.format_exception(exc, limit=-4)) if exc else str(result.warnings)
        return "masked", sig, detail
    for entry in result.entries:
        if not entry.title.strip() or entry.title != entry.title.strip():
            return "bad-title", f"bad-title:{entry.title[:20]!r}", repr(entry.title)
        texts = [entry.title, entry.abstract, entry.org or "", *entry.authors, *entry.links]
        if any(has_unsafe(t) for t in texts):
            return "unsafe-text", "unsafe-text", repr(entry)
        if not all(is_web_url(u) for u in entry.links):
            return "bad-link", "bad-link", repr(entry.links)
        if parse_module.NOT_A_TITLE.search(entry.title):
            return "bad-title", f"url-or-image-title:{entry.title[:20]!r}", repr(entry.title)
    return None


def shrink(data: bytes, signature: str, budget: float = 20.0) -> bytes:
    """Delta-debugging lite: drop chunks while the same signature reproduces."""
    deadline = time.monotonic() + budget
    chunk = max(1, len(data) // 2)
    while chunk >= 1 and time.monotonic() < deadline:
        i, changed = 0, False
        while i < len(data) and time.monotonic() < deadline:
            candidate = data[:i] + data[i + chunk :]
            found = classify(candidate) if candidate else None
            if found and found[1] == signature:
                data, changed = candidate, True
            else:
                i += chunk
        if not changed:
            chunk //= 2
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=None, help="stop early after this long")
    parser.add_argument("--slow", type=float, default=2.0, help="report inputs slower than this")
    parser.add_argument("--out", type=Path, default=Path("/tmp/readq-fuzz"), help="where reproducers go")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    seeds = load_seeds()
    stats = Stats()
    started = time.monotonic()
    for n in range(args.inputs):
        if args.seconds and time.monotonic() - started > args.seconds:
            break
        data = mutate(rng, window(rng, rng.choice(seeds)), seeds)
        stats.tried += 1
        t0 = time.perf_counter()
        try:
            result = parse_bytes(data, source="fuzz.txt", today=TODAY)
            stats.entries += len(result.entries)
        except DigestError:
            stats.digest_errors += 1
        except Exception:  # noqa: BLE001 - classified below
            pass
        elapsed = time.perf_counter() - t0
        stats.slowest = max(stats.slowest, elapsed)
        if elapsed > args.slow:
            stats.slow += 1
            key = f"slow-{len(stats.findings)}"
            stats.findings[key] = Finding("slow", key, f"{elapsed:.2f}s for {len(data)} bytes", data)
        found = classify(data)
        if found:
            kind, sig, detail = found
            stats.crashes += kind == "crash"
            stats.masked += kind == "masked"
            stats.bad_titles += kind == "bad-title"
            stats.unsafe += kind == "unsafe-text"
            stats.bad_links += kind == "bad-link"
            if sig not in stats.findings:
                stats.findings[sig] = Finding(kind, sig, detail, data)
                print(f"[{n}] new {kind}: {sig}", flush=True)
        if (n + 1) % 10_000 == 0:
            print(f"[{time.monotonic() - started:6.0f}s] tried={stats.tried} crashes={stats.crashes} "
                  f"masked={stats.masked} bad_titles={stats.bad_titles} slow={stats.slow}", flush=True)
    print(f"inputs tried: {stats.tried} in {time.monotonic() - started:.0f}s "
          f"(entries parsed {stats.entries}, DigestError refusals {stats.digest_errors}, "
          f"slowest {stats.slowest * 1000:.0f} ms)")
    print(f"crashes (non-DigestError exceptions from parse_bytes): {stats.crashes}")
    print(f"masked parser exceptions (internal parser error warnings): {stats.masked}")
    print(f"entries with an empty, unstripped, URL, image or link-markup title: {stats.bad_titles}; "
          f"slow inputs: {stats.slow}")
    print(f"entries with a control or bidi character in a field: {stats.unsafe}; "
          f"with a non-http(s) link: {stats.bad_links}")
    args.out.mkdir(parents=True, exist_ok=True)
    for i, finding in enumerate(stats.findings.values()):
        small = shrink(finding.data, finding.signature) if finding.kind != "slow" else finding.data
        path = args.out / f"finding-{i}-{finding.kind}.bin"
        path.write_bytes(small)
        print(f"\n== {finding.kind} {finding.signature}: reproducer {path} ({len(small)} bytes)")
        print(f"   parse_bytes({small[:300]!r}, source='x', today=date(2026, 11, 23))")
        print("   " + finding.detail.strip().replace("\n", "\n   ")[-1500:])
    return 1 if stats.findings else 0


if __name__ == "__main__":
    sys.exit(main())
