"""Paper identity from the network: arXiv IDs, authors, dates and links (no Textual here).

- `http`: paced, capped, retried GETs (`Transport`) and the errors a run reports.
- `hf`: the Hugging Face papers API; `arxiv`: the arXiv query API.
- `record`: `Found`, a paper as a server describes it, and how it updates a library paper.
- `match`: title normalisation and the rule for accepting a hit.
- `resolve`: `readq resolve`; `fetch`: `readq fetch`.

Only `resolve`, `fetch` and the app's resolve action import the network modules, and only when the
user asks; nothing here runs at start-up or import.
"""
