"""Generate the sample project's placeholder images (the seed pages' photos do not exist).

Scans data/sections/*.md for every image a page refers to (Markdown images,
carousel slides, front-matter covers, video posters) and draws an honest
placeholder for each missing one: a grey card that says it stands in for the
named original. Deterministic: the same names give the same bytes.

Every picture it draws carries the comment ``reportgen:placeholder`` in its
metadata (a JPEG COM segment, a PNG text chunk), which ``reportgen check``
reports and ``reportgen release`` refuses (docs/project-format.md, "Release
gate"). ``--mark`` adds that comment to existing JPEG or PNG files without
re-encoding them: an organization's own stand-in pictures can be marked so.

    python tools/make_placeholders.py [PROJECT]
    python tools/make_placeholders.py --mark FILE...
"""

from __future__ import annotations

import re
import struct
import sys
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo

ROOT = Path(__file__).resolve().parent.parent
FONT = ROOT / "fonts" / "ReportSans-Regular.ttf"
BOLD = ROOT / "fonts" / "ReportSans-Bold.ttf"
REFS = [
    re.compile(r"!\[[^\]]*\]\(([^)\s]+)"),
    re.compile(r"url\(([^)]+)\)"),
    re.compile(r'^cover:\s*"?([^"\n]+)"?', re.M),
]
VIDEO = re.compile(r'<source src="([^"#]+)')
PALETTE = [(214, 222, 230), (222, 216, 204), (210, 224, 214), (226, 214, 218)]
#: The comment that marks a picture as a stand-in (reportgen/check/placeholders.py reads it).
MARKER = "reportgen:placeholder"
COMMENT = f"{MARKER} (a stand-in picture: put the real one in its place before the release)"


def size_for(name: str) -> tuple[int, int]:
    if "cover" in name and "book" not in name:
        return 1800, 600
    if "infographic" in name:
        return 1600, 900
    if "book-cover" in name:
        return 700, 1000
    return 1200, 800


def draw(path: Path, label: str) -> None:
    w, h = size_for(path.name)
    colour = PALETTE[sum(map(ord, label)) % len(PALETTE)]
    img = Image.new("RGB", (w, h), colour)
    d = ImageDraw.Draw(img)
    d.rectangle([12, 12, w - 13, h - 13], outline=(120, 132, 144), width=4)
    d.line([12, 12, w - 13, h - 13], fill=(180, 188, 196), width=2)
    d.line([12, h - 13, w - 13, 12], fill=(180, 188, 196), width=2)
    big = ImageFont.truetype(str(BOLD), max(24, min(h // 14, w // 22)))
    small = ImageFont.truetype(str(FONT), max(16, min(h // 26, w // 40)))
    lines = [("Иллюстрация-заглушка · placeholder", big),
             ("оригинал отсутствует в исходных материалах", small), (label, small)]
    y = h // 2 - sum(f.size + 14 for _, f in lines) // 2
    for text, font in lines:
        tw = d.textlength(text, font=font)
        d.rectangle([(w - tw) / 2 - 10, y - 4, (w + tw) / 2 + 10, y + font.size + 8], fill=colour)
        d.text(((w - tw) / 2, y), text, font=font, fill=(40, 52, 64))
        y += font.size + 14
    path.parent.mkdir(parents=True, exist_ok=True)
    save(img, path)


def save(img: Image.Image, path: Path) -> None:
    """Write ``img`` with the placeholder comment in its metadata."""
    if path.suffix.lower() == ".png":
        info = PngInfo()
        info.add_text("Comment", COMMENT)
        img.save(path, optimize=True, pnginfo=info)
    else:
        img.save(path, quality=60, optimize=True, comment=COMMENT)


def mark(path: Path) -> bool:
    """Add the placeholder comment to a JPEG or PNG file, its pixels' bytes untouched;
    False if it has one already."""
    data = path.read_bytes()
    if MARKER.encode() in data:
        return False
    text = COMMENT.encode("latin-1")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        end = 8 + 8 + struct.unpack(">I", data[8:12])[0] + 4  # after the IHDR chunk
        body = b"tEXt" + b"Comment\0" + text
        chunk = struct.pack(">I", len(body) - 4) + body + struct.pack(">I", zlib.crc32(body))
        path.write_bytes(data[:end] + chunk + data[end:])
    elif data.startswith(b"\xff\xd8"):
        at = 2  # after SOI, and after the JFIF header that must follow it
        if data[2:4] == b"\xff\xe0":
            at = 4 + struct.unpack(">H", data[4:6])[0]
        segment = b"\xff\xfe" + struct.pack(">H", len(text) + 2) + text
        path.write_bytes(data[:at] + segment + data[at:])
    else:
        raise SystemExit(f"{path}: not a JPEG or PNG file")
    return True


def logo(path: Path) -> None:
    img = Image.new("RGB", (400, 400), (255, 255, 255))
    d = ImageDraw.Draw(img)
    d.ellipse([20, 20, 380, 380], outline=(31, 78, 121), width=18)
    d.ellipse([110, 110, 290, 290], fill=(200, 169, 81))
    font = ImageFont.truetype(str(BOLD), 46)
    text = "ЛОГО"
    tw = d.textlength(text, font=font)
    d.text(((400 - tw) / 2, 170), text, font=font, fill=(31, 78, 121))
    save(img, path)


def main(project: Path) -> None:
    wanted: set[Path] = set()
    for md in sorted((project / "sections").glob("*.md")):
        text = md.read_text(encoding="utf-8")
        for rx in REFS:
            for ref in rx.findall(text):
                wanted.add((md.parent / ref.strip().strip("'\"")).resolve())
        for ref in VIDEO.findall(text):
            wanted.add((md.parent / ref).resolve().with_suffix(".jpg"))
    for path in sorted(wanted):
        if not path.exists():
            draw(path, path.relative_to(project.resolve()).as_posix())
            print("made", path.relative_to(project.resolve()))
    if not (project / "assets" / "logo.png").exists():
        logo(project / "assets" / "logo.png")
        print("made assets/logo.png")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--mark"]:
        for name in sys.argv[2:]:
            print("marked" if mark(Path(name)) else "already marked", name)
    else:
        main(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "data"))
