"""The transfer gate's microdata scanner (SPEC 6.2): ``core.scan_file`` with a ``report.ScanConfig``
gives a ``report.FileReport`` of ``report.Finding``s; ``filetypes`` checks a file's type against
its extension; ``rules`` loads the policy from ``seed_data/transfer_rules.json``."""
