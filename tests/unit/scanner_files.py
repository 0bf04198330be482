"""Builders of small real files for the file-type and scanner tests (all in tmp_path)."""

from __future__ import annotations

import zipfile
from pathlib import Path

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def write(path: Path, data: bytes | str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def csv_text(rows: list[list[object]], delimiter: str = ";") -> str:
    return "".join(delimiter.join(str(c) for c in row) + "\n" for row in rows)


def make_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def make_docx(path: Path, paragraphs: list[str], tables: list[list[list[str]]] = ()) -> Path:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    for rows in tables:
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = str(text)
    document.save(str(path))
    return path


def make_pptx(path: Path, slide_texts: list[str], table: list[list[str]] | None = None) -> Path:
    import pptx
    from pptx.util import Inches

    presentation = pptx.Presentation()
    for text in slide_texts:
        slide = presentation.slides.add_slide(presentation.slide_layouts[5])
        slide.shapes.title.text = text
    if table:
        slide = presentation.slides.add_slide(presentation.slide_layouts[5])
        shape = slide.shapes.add_table(len(table), len(table[0]), Inches(1), Inches(1), Inches(6), Inches(3))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                shape.table.cell(r, c).text = str(text)
    presentation.save(str(path))
    return path


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_bytes(pages: list[list[str]]) -> bytes:
    """A minimal valid PDF (Helvetica text), one list of lines per page, xref computed."""
    n = len(pages)
    font_id = 3 + 2 * n
    objects = ["<< /Type /Catalog /Pages 2 0 R >>",
               "<< /Type /Pages /Kids [" + " ".join(f"{3 + 2 * i} 0 R" for i in range(n)) + f"] /Count {n} >>"]
    for i, lines in enumerate(pages):
        content = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({_pdf_escape(t)}) Tj T*" for t in lines) + " ET"
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i} 0 R "
                       f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>")
        objects.append(f"<< /Length {len(content)} >>\nstream\n{content}\nendstream")
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def make_dataset(path: Path, columns: dict[str, list[object]]) -> Path:
    import pandas as pd
    import pyreadstat

    frame = pd.DataFrame(columns)
    writer = {".dta": pyreadstat.write_dta, ".sav": pyreadstat.write_sav}[path.suffix]
    writer(frame, str(path))
    return path


def make_zip_bomb_xlsx(path: Path, member_bytes: int = 50 << 20) -> Path:
    """A real xlsx with an extra member of zeros that compresses about 1000:1."""
    make_xlsx(path, {"Ark1": [["a", "b"], [1, 2]]})
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        with zf.open("xl/media/padding.bin", "w", force_zip64=True) as fh:
            chunk = b"\x00" * (1 << 20)
            for _ in range(member_bytes // len(chunk)):
                fh.write(chunk)
    return path


def make_declared_huge_xlsx(path: Path, declared: int) -> Path:
    """A real xlsx whose central directory declares a member of ``declared`` bytes."""
    make_xlsx(path, {"Ark1": [["a", "b"], [1, 2]]})
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("xl/media/big.bin", b"x" * 100)
    data = bytearray(path.read_bytes())
    cd = data.rfind(b"PK\x01\x02", 0)
    while cd != -1:
        name_len = int.from_bytes(data[cd + 28: cd + 30], "little")
        name = bytes(data[cd + 46: cd + 46 + name_len])
        if name == b"xl/media/big.bin":
            data[cd + 24: cd + 28] = declared.to_bytes(4, "little")
            break
        cd = data.rfind(b"PK\x01\x02", 0, cd)
    path.write_bytes(bytes(data))
    return path
