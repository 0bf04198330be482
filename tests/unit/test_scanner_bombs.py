"""Every bomb of the corpus through the real budgeted sandbox (issue 17 items 3 and 5).

Each bomb is scanned by a fresh child of :class:`boa.scanner.sandbox.Pool` with the
settings' budget (``BOA_SCAN_CPU_SECONDS``, ``BOA_SCAN_MEMORY_MB``); it must end as the
verdict it may end as (``unverifiable`` for most, ``clean`` for an embedded clean workbook),
never as a crash, and the child's peak resident memory must stay under 200 MB.
Run with ``-s`` to see the figures of docs/benchmarks.md.
"""

import pytest

from boa.kernel.settings import get_settings
from boa.scanner import sandbox
from boa.transfers.scanning import budget
from tests.scanner_corpus import build_bombs

PEAK_LIMIT_KB = 200 * 1024


@pytest.fixture(scope="module")
def bombs(tmp_path_factory):
    return build_bombs(tmp_path_factory.mktemp("bombs"))


def test_every_bomb_ends_within_its_budget_and_200_mb(bombs):
    settings = get_settings()
    outcomes = []
    for bomb in bombs:
        pool = sandbox.Pool(budget(), 1)  # a fresh child: its peak is this bomb's
        try:
            report, peak_kb = pool.scan_measured(bomb.path, bomb.path.name, settings.transfer_max_file_bytes)
        finally:
            pool.close()
        outcomes.append((bomb.kind, report.verdict, report.reason, peak_kb))
        print(f"{bomb.kind:24} {bomb.path.stat().st_size:>10} B  {report.verdict:13} {report.reason or '':18} "
              f"peak {peak_kb and peak_kb // 1024} MB")
    wrong = [o for o, b in zip(outcomes, bombs, strict=True) if o[1] not in b.verdicts]
    assert wrong == []
    assert all(peak is not None and peak < PEAK_LIMIT_KB for *_, peak in outcomes), outcomes


def test_bytes_inflated_count_against_one_budget_per_file(bombs):
    """300 members each just under the size the ratio check looks at: declared sizes pass,
    the bytes actually inflated do not."""
    from boa.scanner.core import scan_file

    (bomb,) = [b for b in bombs if b.kind == "zip_bomb:many_members"]
    report = scan_file(bomb.path, bomb.path.name)
    assert (report.verdict, report.reason) == ("unverifiable", "scan_budget")
    assert "manual review" in (report.message or "")


def test_a_chart_workbook_inside_a_docx_is_read(tmp_path):
    """A zip inside a zip (one level) is read with the file's budget: a CPR in it is found."""
    from boa.scanner.core import scan_file
    from tests.scanner_corpus import S_NS, _nested_docx, raw_xlsx

    inner = raw_xlsx(tmp_path / "inner.xlsx", [(
        f'<worksheet {S_NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>010190-1234</t></is></c></row>'
        "</sheetData></worksheet>").encode()])
    report = scan_file(_nested_docx(tmp_path / "outer.docx", inner), "outer.docx")
    assert report.verdict == "flagged"
    assert report.findings[0].location["embedded"] == "word/embeddings/Microsoft_Excel_Worksheet1.xlsx"


def test_an_embedded_old_office_object_makes_the_file_unverifiable(tmp_path):
    """An OLE2 object (an .xls inside a docx) cannot be read, as when it is uploaded alone."""
    import zipfile

    from boa.scanner.core import scan_file
    from tests.scanner_corpus import _docx

    path = _docx(tmp_path / "ole.docx")
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("word/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    report = scan_file(path, "ole.docx")
    assert (report.verdict, report.reason) == ("unverifiable", "not_scannable")
