"""Sync: per-device append-only change logs, merged without conflicts, carried by git or a shared folder.

`clock` (hybrid logical clock), `log` (device logs and snapshots), `merge` (the state every
device derives), `replica` (one device's view), `git` (the carrier). See docs/SYNC.md.
"""
