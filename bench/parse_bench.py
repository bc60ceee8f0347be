#!/usr/bin/env python
"""Parser equivalence and speed: proof that an optimisation changed no parse result, and by how much.

    python bench/parse_bench.py dump OUT.jsonl [FILE ...]    # every parse result, one JSON line each
    python bench/parse_bench.py compare A.jsonl B.jsonl      # exit 1 and show the first difference
    python bench/parse_bench.py time FILE [--repeat N]       # in-process decode+parse, median seconds
    python bench/parse_bench.py speed --old DIR [--papers 100000] [--rounds 5] [--extra FILE ...]
        # MB/s of the seeds and a synthetic digest, the code in DIR (e.g. `git archive main readq |
        # tar -x -C DIR`) against this checkout, alternating old/new in fresh processes; medians

`dump` covers the seed digests, the format fixtures, any FILEs given (e.g. a 20k synthetic
digest) and a few thousand deterministic *mutants* of the fixtures (lines dropped, doubled,
joined, split; odd Unicode whitespace; metadata-like and furniture lines inserted; CRLF; cuts),
because the fixtures alone rarely reach the parser's edge cases. Run it with the old code and the
new (each on its own PYTHONPATH) and `compare`: identical output is the bar.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import random
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = _dt.date(2026, 6, 1)
CORPUS_DIRS = (ROOT / "sample_digests", ROOT / "tests" / "data" / "digests")
MUTANTS_PER_FILE = 400

# Whitespace that `str.split()`/`str.strip()` know but a naive regex or "\n" split might not.
ODD_SPACE = ["\t", "\xa0", "\u2003", "\u3000", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\u2028", "\u2029", "\r", " "]
INSERTS = [
    "", "·", "•", "-", "|", "—", " • 3 authors", "1 author", "* 12 authors", "Mar 3", "May 28 2024",
    "Dec 13, 2024 13", "Feb 30, 2024 5", "Published on Jan 3", "Submitted: Jan 3, 2025", "12 upvotes",
    "Upvotes: 1,204", "▲ 7 upvotes", "★ 1.2k", "OpenAI OpenAI", "Google", "Subscribe", "Daily Papers",
    "new", "SubscribeA Glued Title", "Mar 12", "2025-03-12", "12 March 2024", "Sept 4th", "Jun 31",
    "Foo 12", "x" * 130, "A Short Title Without Period", "We propose a method. It works well. " * 9,
    "see https://example.com/x. and www.foo.org/bar)", "arXiv:2401.12345v2", "# Heading", "[link](/papers/2401.12345)",
]


def dump_result(name: str, data: bytes) -> dict:
    """Every observable field of one parse (or the error it raised)."""
    from readq.digest import DigestError, parse_bytes

    try:
        result = parse_bytes(data, source=name, today=TODAY)
    except DigestError as exc:
        return {"name": name, "error": f"DigestError: {exc}"}
    except Exception as exc:  # noqa: BLE001 - recorded so a regression shows up as a diff
        return {"name": name, "error": f"{type(exc).__name__}: {exc}"}
    entries = [[getattr(e, f.name) for f in fields(e)] for e in result.entries]
    return {
        "name": name,
        "layout": result.layout,
        "digest_date": result.digest_date,
        "warnings": [str(w) for w in result.warnings],
        "entries": json.loads(json.dumps(entries, default=lambda o: [o.file, o.digest_date])),
    }


def _mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 6)):
        if not lines:
            lines = [""]
        i = rng.randrange(len(lines))
        op = rng.randrange(11)
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[i])
        elif op == 2 and i + 1 < len(lines):
            lines[i : i + 2] = [lines[i] + rng.choice([" ", "", "\t"]) + lines[i + 1]]
        elif op == 3 and len(lines[i]) > 2:
            k = rng.randrange(1, len(lines[i]))
            lines[i : i + 1] = [lines[i][:k], lines[i][k:]]
        elif op == 4:
            s = lines[i]
            k = rng.randrange(len(s) + 1)
            lines[i] = s[:k] + rng.choice(ODD_SPACE) * rng.randint(1, 3) + s[k:]
        elif op == 5:
            lines[i] = rng.choice(ODD_SPACE) + lines[i] + rng.choice(ODD_SPACE)
        elif op in (6, 7):
            lines.insert(i, rng.choice(INSERTS))
        elif op == 8:
            lines[i] = ""
        elif op == 9:
            lines = lines[: max(1, i)]
        else:
            lines[i] = lines[i].upper() if rng.random() < 0.5 else lines[i].strip()
    out = "\n".join(lines)
    if rng.random() < 0.1:
        out = out.replace("\n", "\r\n")
    if rng.random() < 0.05:
        out = "\ufeff" + out
    return out


def corpus(extra: list[str], only: bool = False) -> Iterator[tuple[str, bytes]]:
    if only:  # just the files named (e.g. the seeds and a synthetic digest)
        for name in extra:
            yield name, Path(name).read_bytes()
        return
    files = sorted(p for d in CORPUS_DIRS for p in d.iterdir() if p.is_file())
    for path in files:
        yield str(path.relative_to(ROOT)), path.read_bytes()
    for name in extra:
        yield name, Path(name).read_bytes()
    rng = random.Random(20260601)
    for path in files:
        text = path.read_bytes().decode("utf-8", "replace")
        for k in range(MUTANTS_PER_FILE):
            yield f"{path.name}#m{k}", _mutate(text, rng).encode("utf-8")


def cmd_dump(args: argparse.Namespace) -> None:
    t0 = time.perf_counter()
    count = 0
    with open(args.out, "w", encoding="utf-8") as out:
        for name, data in corpus(args.files, args.only):
            out.write(json.dumps(dump_result(name, data), ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    print(f"{count} parses dumped to {args.out} in {time.perf_counter() - t0:.1f}s")


def cmd_compare(args: argparse.Namespace) -> None:
    with open(args.a, encoding="utf-8") as fa, open(args.b, encoding="utf-8") as fb:
        a, b = fa.readlines(), fb.readlines()
    if len(a) != len(b):
        sys.exit(f"different number of parses: {len(a)} vs {len(b)}")
    bad = [(x, y) for x, y in zip(a, b) if x != y]
    if not bad:
        print(f"identical: {len(a)} parses")
        return
    x, y = (json.loads(s) for s in bad[0])
    print(f"{len(bad)} of {len(a)} parses differ; first: {x['name']}")
    for key in sorted(set(x) | set(y)):
        if x.get(key) != y.get(key):
            xv, yv = x.get(key), y.get(key)
            if isinstance(xv, list) and isinstance(yv, list):
                for i, (p, q) in enumerate(zip(xv, yv)):
                    if p != q:
                        print(f"  {key}[{i}]:\n    A {str(p)[:300]}\n    B {str(q)[:300]}")
                        break
                else:
                    print(f"  {key}: length {len(xv)} vs {len(yv)}")
            else:
                print(f"  {key}: A {str(xv)[:300]}\n  {' ' * len(key)}  B {str(yv)[:300]}")
    sys.exit(1)


def cmd_time(args: argparse.Namespace) -> None:
    from readq.digest import parse_bytes

    data = Path(args.file).read_bytes()
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        result = parse_bytes(data, source=args.file, today=TODAY)
        times.append(time.perf_counter() - t0)
    print(f"{len(result.entries)} entries, {len(result.warnings)} warnings; "
          f"parse median {statistics.median(times):.3f}s (runs: {', '.join(f'{t:.3f}' for t in times)})")


def _synthetic(n: int) -> Path:
    """The `bench/run.py` synthetic digest of `n` papers (hf-daily layout), cached in /tmp."""
    path = Path("/tmp/readq-parse-bench") / f"digest-{n}.txt"
    if not path.exists():
        sys.path.insert(0, str(ROOT))
        from bench.inputs import render_digest
        from bench.synth import make_papers

        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_digest(make_papers(n, seed=0)), encoding="utf-8")
    return path


def cmd_time_many(args: argparse.Namespace) -> None:
    """One process: seconds to parse each file (best of 5 for files under 5 MB), after one
    warm-up parse of the smallest."""
    sys.path.insert(0, args.code)
    import readq

    assert Path(readq.__file__).resolve().is_relative_to(Path(args.code).resolve()), readq.__file__
    from readq.digest import parse_bytes

    blobs = [Path(f).read_bytes() for f in args.files]
    parse_bytes(min(blobs, key=len), source="warm", today=TODAY)
    out = []
    for name, data in zip(args.files, blobs):
        runs = []
        for _ in range(1 if len(data) > 5_000_000 else 5):  # small files: best of 5 (less noise)
            t0 = time.perf_counter()
            parse_bytes(data, source=name, today=TODAY)
            runs.append(time.perf_counter() - t0)
        out.append(min(runs))
    print(json.dumps(out))


def cmd_speed(args: argparse.Namespace) -> None:
    import os
    import subprocess

    seeds = sorted(str(p) for p in (ROOT / "sample_digests").iterdir() if p.is_file())
    synth = str(_synthetic(args.papers))
    groups = {"seeds": seeds, f"synthetic {args.papers // 1000}k": [synth]}
    for extra in args.extra:  # e.g. Markdown captures, each repeated 40 times into one file
        path = Path("/tmp/readq-parse-bench") / f"x40-{Path(extra).name}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(Path(extra).read_bytes() * 40)
        groups[Path(extra).name[:18]] = [str(path)]
    files = [f for members in groups.values() for f in members]
    size = {f: Path(f).stat().st_size / 1e6 for f in files}
    codes = {"old": str(Path(args.old).resolve()), "new": str(ROOT)}
    rates: dict[tuple[str, str], list[float]] = {}
    env = dict(os.environ, PYTHONHASHSEED="0")
    for r in range(args.rounds):
        for label in (("old", "new") if r % 2 == 0 else ("new", "old")):
            got = subprocess.run(
                [sys.executable, __file__, "time-many", codes[label], *files],
                capture_output=True, text=True, env=env, cwd=str(ROOT), check=True,
            )
            seconds = dict(zip(files, json.loads(got.stdout)))
            for group, members in groups.items():
                mb = sum(size[f] for f in members)
                rates.setdefault((label, group), []).append(mb / sum(seconds[f] for f in members))
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    print(f"{'input':<18} {'MB':>7} {'old MB/s':>9} {'new MB/s':>9} {'new/old':>8}   (medians of {args.rounds})")
    for group, members in groups.items():
        old = statistics.median(rates[("old", group)])
        new = statistics.median(rates[("new", group)])
        mb = sum(size[f] for f in members)
        print(f"{group:<18} {mb:7.1f} {old:9.2f} {new:9.2f} {new / old:8.3f}")
    for group in groups:
        for label in ("old", "new"):
            runs = ", ".join(f"{x:.2f}" for x in rates[(label, group)])
            print(f"  {group} {label}: {runs}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out")
    d.add_argument("files", nargs="*")
    d.add_argument("--only", action="store_true", help="dump just FILEs (no fixtures, no mutants)")
    c = sub.add_parser("compare")
    c.add_argument("a")
    c.add_argument("b")
    t = sub.add_parser("time")
    t.add_argument("file")
    t.add_argument("--repeat", type=int, default=3)
    s = sub.add_parser("speed")
    s.add_argument("--old", required=True, help="a folder holding the old `readq` package")
    s.add_argument("--papers", type=int, default=100_000)
    s.add_argument("--rounds", type=int, default=5)
    s.add_argument("--extra", nargs="*", default=[], help="more inputs, each timed as its own row (x40)")
    m = sub.add_parser("time-many")
    m.add_argument("code")
    m.add_argument("files", nargs="+")
    args = ap.parse_args()
    {"dump": cmd_dump, "compare": cmd_compare, "time": cmd_time, "speed": cmd_speed,
     "time-many": cmd_time_many}[args.cmd](args)


if __name__ == "__main__":
    main()
