"""Build the corpus of broken and hostile inputs into a directory, at test time.

Nothing here is a checked-in binary: every PDF is written object by object (with a correct
or deliberately wrong cross-reference table), and the encrypted ones go through pypdf,
a test-only dependency. Run it by hand to look at the files:

    python tests/badinputs/generate.py /tmp/bad
"""

from __future__ import annotations

import os
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# A short Swedish motion; the body is what a correct read must find.
TITLE = "Motion om fler cykelvägar i Alingsås"
BODY = [
    TITLE,
    "Vi föreslår att kommunfullmäktige beslutar",
    "att uppdra åt tekniska nämnden att bygga ut cykelvägnätet.",
    "Alingsås den 3 mars 2025",
]


@dataclass
class Case:
    """One bad input: its file name and what must happen to it.

    `error` is a fragment of the one-line reason on stderr; None means it must read
    correctly and its text must contain `contains`.
    """

    name: str
    error: str | None = None
    contains: str | None = None
    note: str = ""
    # Reads correctly, but later stages may need longer than a short test --timeout allows.
    slow: bool = False
    # Data, not a document: a directory walk skips it (counted); named, it fails.
    walk_skips: bool = False


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _content(lines: list[str]) -> bytes:
    ops = [b"BT /F1 12 Tf 72 760 Td 16 TL"]
    for line in lines:
        ops.append(_pdf_string(line) + b" Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops)


def _stream(data: bytes, extra: bytes = b"", compress: bool = True) -> bytes:
    if compress:
        data = zlib.compress(data)
        extra = b"/Filter /FlateDecode " + extra
    return (
        b"<< "
        + extra
        + b"/Length "
        + str(len(data)).encode()
        + b" >>\nstream\n"
        + data
        + b"\nendstream"
    )


def assemble(objects: list[bytes], *, root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF file from numbered object bodies (object i+1 = objects[i]) with a correct xref."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for num, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{num} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n".encode()
    out += b"0000000000 65535 f \n"
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R ".encode()
        + trailer_extra
        + f">>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def text_pdf(pages: list[list[str]]) -> bytes:
    """A plain PDF with one text page per entry (objects: catalog, pages, font, then pairs)."""
    n = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode(),
        _FONT,
    ]
    for i, lines in enumerate(pages):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {5 + 2 * i} 0 R >>".encode()
        )
        objects.append(_stream(_content(lines)))
    return assemble(objects)


def image_only_pdf() -> bytes:
    """One page that paints a grey 64x64 image and has no text layer (a scan)."""
    pixels = bytes((x * 4 + y) % 256 for y in range(64) for x in range(64))
    image = _stream(
        pixels,
        b"/Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray /BitsPerComponent 8 ",
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>",
        image,
        _stream(b"q 595 0 0 842 0 0 cm /Im1 Do Q"),
    ]
    return assemble(objects)


def page_tree_bomb(levels: int = 12, fanout: int = 10) -> bytes:
    """A page tree whose nodes list the same child `fanout` times: fanout**levels pages in ~levels objects."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    # Object 2 is the root node; node k (k = 0..levels-1) is object 2 + k; the leaf page follows.
    leaf = 2 + levels
    for k in range(levels):
        child = 2 + k + 1
        count = fanout ** (levels - k)
        kids = " ".join([f"{child} 0 R"] * fanout)
        parent = f"/Parent {2 + k - 1} 0 R " if k else ""
        objects.append(f"<< /Type /Pages {parent}/Kids [{kids}] /Count {count} >>".encode())
    objects.append(
        f"<< /Type /Page /Parent {leaf - 1} 0 R /MediaBox [0 0 595 842] "
        f"/Resources << /Font << /F1 {leaf + 1} 0 R >> >> /Contents {leaf + 2} 0 R >>".encode()
    )
    objects.append(_FONT)
    objects.append(_stream(_content(BODY)))
    return assemble(objects)


def many_pages_pdf(n: int = 5000) -> bytes:
    """A real page count far above --max-pages: n empty pages sharing one content stream."""
    kids = " ".join(f"{5 + i} 0 R" for i in range(n))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode(),
        _FONT,
        _stream(_content(["Sida"])),
    ]
    for _ in range(n):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
        )
    return assemble(objects)


def deep_nesting_pdf(depth: int = 200_000) -> bytes:
    """A readable page whose resources also hold an array nested `depth` levels deep."""
    nested = b"[" * depth + b"]" * depth
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        _FONT,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> /Junk 6 0 R >> /Contents 5 0 R >>",
        _stream(_content(BODY)),
        nested,
    ]
    return assemble(objects)


def broken_xref_pdf() -> bytes:
    """A good PDF whose xref offsets all point to the wrong place (readers must rebuild it)."""
    data = text_pdf([BODY])
    head, _, tail = data.partition(b"xref\n")
    lines = tail.split(b"\n")
    fixed = []
    for line in lines:
        if line.endswith(b" 00000 n "):
            line = b"%010d 00000 n " % (int(line[:10]) + 7)
        fixed.append(line)
    return head + b"xref\n" + b"\n".join(fixed)


def truncated_pdf() -> bytes:
    data = text_pdf([BODY, BODY])
    return data[: len(data) // 3]


def encrypted_pdf(user_password: str, owner_password: str = "ägare-hemlig") -> bytes:
    import io

    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(text_pdf([BODY])))
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


HTML_ERROR_PAGE = """<!DOCTYPE html>
<html lang="sv"><head><title>404 – Sidan kunde inte hittas</title></head>
<body><h1>Sidan kunde inte hittas</h1><p>Dokumentet du söker finns inte längre.</p></body></html>
"""

TEXT = "\n".join(BODY) + "\n"


def cases() -> list[Case]:
    """What must happen to each bad input, without writing anything."""
    return build(None)


def build(dest: str | os.PathLike[str] | None) -> list[Case]:
    """Write every bad input under `dest` and return what must happen to each."""
    write = dest is not None
    root = Path(dest if write else ".")
    if write:
        root.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []

    def put(name: str, data: bytes | Callable[[], bytes], case: Case) -> None:
        if write:
            (root / name).write_bytes(data() if callable(data) else data)
        cases.append(case)

    put("tom.pdf", b"", Case("tom.pdf", error="empty file"))
    put(
        "avklippt.pdf",
        truncated_pdf,
        Case("avklippt.pdf", error="not a readable PDF", note="truncated"),
    )
    put(
        "trasig-xref.pdf",
        broken_xref_pdf,
        Case("trasig-xref.pdf", contains="cykelvägnätet", note="rebuilt"),
    )
    put(
        "krypterad-tomt-losenord.pdf",
        lambda: encrypted_pdf(""),
        Case("krypterad-tomt-losenord.pdf", contains="cykelvägnätet"),
    )
    put(
        "krypterad-losenord.pdf",
        lambda: encrypted_pdf("hemligt"),
        Case("krypterad-losenord.pdf", error="encrypted PDF (password required)"),
    )
    put("skannad.pdf", image_only_pdf, Case("skannad.pdf", error="no text layer (scanned?)"))
    put(
        "sidbomb.pdf",
        page_tree_bomb,
        Case("sidbomb.pdf", error="not a readable PDF", note="10**12 pages in 14 objects"),
    )
    put(
        "manga-sidor.pdf",
        many_pages_pdf,
        Case("manga-sidor.pdf", error="too many pages (5000 > --max-pages"),
    )
    put("djup-nastling.pdf", deep_nesting_pdf, Case("djup-nastling.pdf", contains="cykelvägnätet"))
    put("felsida.pdf", HTML_ERROR_PAGE.encode(), Case("felsida.pdf", error="HTML error page"))
    put("text-som-pdf.pdf", TEXT.encode(), Case("text-som-pdf.pdf", contains="cykelvägnätet"))
    put(
        "skrap.bin",
        bytes((i * 7919 + 13) % 256 for i in range(65536)),
        Case("skrap.bin", error="unknown file format"),
    )
    put(
        "data-som-pdf.pdf",
        b'{"rows": [{"id": 1, "text": "inte ett dokument"}]}',
        Case("data-som-pdf.pdf", error="JSON data, not a document", walk_skips=True),
    )
    put("utf16.txt", TEXT.encode("utf-16"), Case("utf16.txt", contains="cykelvägnätet"))
    put("cp1252.txt", TEXT.encode("cp1252"), Case("cp1252.txt", contains="cykelvägnätet"))
    put(
        "nul-tecken.txt",
        TEXT.replace("\n", "\x00\n", 1).encode(),
        Case("nul-tecken.txt", contains="cykelvägnätet"),
    )
    put(
        "windows-radslut.txt",
        TEXT.replace("\n", "\r\n").encode(),
        Case("windows-radslut.txt", contains="cykelvägnätet"),
    )
    # 50 MB on one line: read it (it is text) without hanging on line-based work.
    put(
        "en-rad-50mb.txt",
        lambda: ("Ordet cykelvägnätet förekommer här. " * 1_450_000)[: 50 * 1024 * 1024].encode(),
        Case("en-rad-50mb.txt", contains="cykelvägnätet", slow=True),
    )
    for odd in ("med mellanslag.txt", "åäö ÅÄÖ.txt", "-ledande-streck.txt", "--help.txt"):
        put(odd, TEXT.encode(), Case(odd, contains="cykelvägnätet"))
    if not write:
        return cases + [
            Case("slinga/inne.txt", contains="cykelvägnätet"),
            Case("ror.pdf", error="not a regular file"),
            Case("dinglar.pdf", error="no such file"),
            Case("last.txt", error="permission denied"),
        ]
    # A directory that contains a link to itself: the walk must visit each file once.
    loop = root / "slinga"
    loop.mkdir(exist_ok=True)
    (loop / "inne.txt").write_text(TEXT, encoding="utf-8")
    link = loop / "tillbaka"
    if not link.is_symlink():
        link.symlink_to("..", target_is_directory=True)
    cases.append(Case("slinga/inne.txt", contains="cykelvägnätet"))
    # A named pipe would block a naive reader for ever; a dangling link names nothing.
    fifo = root / "ror.pdf"
    if not fifo.exists():
        os.mkfifo(fifo)
    cases.append(Case("ror.pdf", error="not a regular file"))
    dangling = root / "dinglar.pdf"
    if not dangling.is_symlink():
        dangling.symlink_to(root / "finns-inte.pdf")
    cases.append(Case("dinglar.pdf", error="no such file"))
    # Unreadable: no read permission (root ignores it, see the tests).
    locked = root / "last.txt"
    locked.write_text(TEXT, encoding="utf-8")
    locked.chmod(0)
    cases.append(Case("last.txt", error="permission denied"))
    return cases


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "badinputs"
    for c in build(out):
        print(
            f"{c.name:32} {'error: ' + c.error if c.error else 'reads, contains ' + repr(c.contains)}"
        )
