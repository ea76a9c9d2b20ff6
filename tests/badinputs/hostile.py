"""Per-file functions that misbehave the way a pathological PDF can, for the batch tests.

They live in a module (not inside a test) so worker processes can import them.
"""

from __future__ import annotations

import ctypes
import os
import re

from nlp_motioner.pipeline import process
from nlp_motioner.record import Document


def stuck_in_c(path: str, **options) -> Document:
    """Files named *stuck* spin in C code (a backtracking regex) that no signal interrupts."""
    if "stuck" in os.path.basename(path):
        re.match(r"(a|aa)+$", "a" * 200 + "b")
    return process(path, **options)


def crash(path: str, **options) -> Document:
    """Files named *crash* kill their process with a segmentation fault, as a C library bug would."""
    if "crash" in os.path.basename(path):
        ctypes.string_at(0)
    return process(path, **options)


def hog(path: str, **options) -> Document:
    """Files named *hog* allocate far more memory than any document needs (a decompression bomb)."""
    if "hog" in os.path.basename(path):
        bytearray(3 * 1024**3)
    return process(path, **options)
