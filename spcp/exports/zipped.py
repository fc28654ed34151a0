"""Dates in the Office files we write: no export says more precisely than the minute when it was made.

A workbook's and a Word document's properties get the minute the export was made; their zip entries
(which zip stamps to the second) get one fixed date, so the same tables always give the same bytes
within a minute.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

FIXED = (2020, 1, 1, 0, 0, 0)
CORE = 'docProps/core.xml'
SECONDS = re.compile(rb'(\d{4}-\d\d-\d\dT\d\d:\d\d):\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?(?=<)')


def made_at() -> dt.datetime:
    """Now, in UTC, to the minute (naive, as the Office libraries write it)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, second=0, microsecond=0)


def steady_zip(data: bytes) -> bytes:
    """The same zip with every entry dated ``FIXED``, and the document's own dates (``docProps/core.xml``:
    openpyxl stamps 'modified' with the second it saves) cut to the minute."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, 'w') as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, FIXED)
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
            content = source.read(info)
            if info.filename == CORE:
                content = SECONDS.sub(rb'\1:00\3', content)
            target.writestr(entry, content)
    return out.getvalue()
