"""Clipboard: every route is optional, nothing raises, the real clipboard is never touched."""

from __future__ import annotations

import base64
import sys

import pyperclip
import pytest

from readq import clipboard
from readq.clipboard import CopyResult, copy, osc52_sequence


class FakePyperclip:
    """Stands in for `pyperclip.copy`: records calls, or fails like a missing xclip."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.copied: list[str] = []

    def __call__(self, text: str) -> None:
        if self.fail:
            raise pyperclip.PyperclipException("could not find a copy/paste mechanism")
        self.copied.append(text)


@pytest.fixture(autouse=True)
def fake_pyperclip(monkeypatch: pytest.MonkeyPatch) -> FakePyperclip:
    """Headless Linux by default (conftest clears DISPLAY), with a fake pyperclip."""
    fake = FakePyperclip()
    monkeypatch.setattr(pyperclip, "copy", fake)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(clipboard.platform, "release", lambda: "6.8.0-generic")
    return fake


@pytest.fixture
def display(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPLAY", ":0")


def test_osc52_sequence_round_trips_unicode() -> None:
    text = "Étude über 中文 — https://huggingface.co/papers/2411.13503"
    seq = osc52_sequence(text)
    assert seq.startswith("\x1b]52;c;") and seq.endswith("\a")
    assert base64.b64decode(seq[len("\x1b]52;c;") : -1]).decode("utf-8") == text


def test_headless_without_terminal_fails_softly(fake_pyperclip: FakePyperclip) -> None:
    result = copy("https://x", what="link")
    assert result == CopyResult(False, (), result.message)
    assert result.message.startswith("Could not copy link: no clipboard available")
    assert fake_pyperclip.copied == []  # no display: pyperclip is not even tried


def test_headless_uses_osc52_only(fake_pyperclip: FakePyperclip) -> None:
    sent: list[str] = []
    result = copy("https://x", osc52=sent.append, what="link")
    assert result == CopyResult(True, ("osc52",), "Copied link (terminal clipboard)")
    assert sent == ["https://x"]
    assert fake_pyperclip.copied == []


@pytest.mark.usefixtures("display")
def test_display_uses_both(fake_pyperclip: FakePyperclip) -> None:
    sent: list[str] = []
    result = copy("@misc{x}", osc52=sent.append, what="citation")
    assert result == CopyResult(
        True, ("system", "osc52"), "Copied citation (system clipboard + terminal)"
    )
    assert fake_pyperclip.copied == ["@misc{x}"] and sent == ["@misc{x}"]


@pytest.mark.usefixtures("display")
def test_display_without_terminal_callback(fake_pyperclip: FakePyperclip) -> None:
    result = copy("t", what="link")
    assert result == CopyResult(True, ("system",), "Copied link (system clipboard)")


@pytest.mark.usefixtures("display")
def test_pyperclip_failure_falls_back_to_osc52(fake_pyperclip: FakePyperclip) -> None:
    fake_pyperclip.fail = True
    sent: list[str] = []
    result = copy("t", osc52=sent.append, what="link")
    assert result == CopyResult(True, ("osc52",), "Copied link (terminal clipboard)")
    assert sent == ["t"]


@pytest.mark.usefixtures("display")
def test_everything_failing_reports_reasons(fake_pyperclip: FakePyperclip) -> None:
    fake_pyperclip.fail = True

    def broken_terminal(text: str) -> None:
        raise OSError("terminal gone")

    result = copy("t", osc52=broken_terminal)
    assert not result.ok and result.methods == ()
    assert "could not find a copy/paste mechanism" in result.message
    assert "terminal gone" in result.message
    assert result.message.startswith("Could not copy text:")


@pytest.mark.usefixtures("display")
def test_any_pyperclip_error_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(text: str) -> None:
        raise RuntimeError("dbus")

    monkeypatch.setattr(pyperclip, "copy", explode)
    assert copy("t") == CopyResult(False, (), "Could not copy text: system clipboard: dbus")


@pytest.mark.parametrize("platform_name", ["darwin", "win32"])
def test_macos_and_windows_have_a_clipboard_without_display(
    platform_name: str, monkeypatch: pytest.MonkeyPatch, fake_pyperclip: FakePyperclip
) -> None:
    monkeypatch.setattr(sys, "platform", platform_name)
    assert copy("t").methods == ("system",)


def test_wsl_has_a_clipboard(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clipboard.platform, "release", lambda: "5.15.153.1-microsoft-standard-WSL2")
    assert clipboard.system_clipboard_available()
