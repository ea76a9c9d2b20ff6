"""Decide what a file is from its bytes, never from its name."""

from __future__ import annotations

import json

PDF = "pdf"
HTML = "html"
TEXT = "text"
RIKSDAGEN = "riksdagen"
JSON = "json"
EMPTY = "empty"
UNKNOWN = "unknown"

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def sniff(head: bytes) -> str:
    """Return the file kind for the first few kilobytes of a file."""
    if not head.strip(b" \t\r\n\x00"):
        return EMPTY
    # PDF headers may follow a few junk bytes; readers tolerate up to 1 KiB of them.
    if b"%PDF-" in head[:1024]:
        return PDF
    body = head
    for bom in _BOMS:
        if body.startswith(bom):
            body = body[len(bom) :]
            break
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return TEXT  # UTF-16 text; decoded by the text reader
    stripped = body.lstrip()
    lowered = stripped[:512].lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or (
        lowered.startswith(b"<") and b"<html" in lowered
    ):
        return HTML
    if stripped.startswith(b"{") and b'"dokumentstatus"' in stripped[:4096]:
        return RIKSDAGEN
    if stripped.startswith((b"{", b"[")) and _json_like(stripped[:4096]):
        return JSON
    if _looks_binary(body):
        return UNKNOWN
    return TEXT


def _json_like(head: bytes) -> bool:
    """A JSON object or array opening ('{"' or '[{' / '["' / '[1'), not prose in braces."""
    body = head.lstrip(b"{[ \t\r\n")
    return body[:1] in (b'"', b"{", b"[") or body[:1].isdigit() or head.strip() in (b"{}", b"[]")


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if not sample:
        return False
    if b"\x00" in sample:
        # NUL bytes in an otherwise textual file are tolerated when rare.
        if sample.count(b"\x00") > len(sample) // 100:
            return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > len(sample) * 0.05


def is_riksdagen_json(data: bytes) -> bool:
    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(obj, dict) and "dokumentstatus" in obj
