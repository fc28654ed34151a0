"""The tables as CSV files in one zip: UTF-8 with a byte order mark (so Excel reads Devanagari and
Arabic), one file per table named by its key, headers in the organizer's language.

A text that a spreadsheet could run as a formula (``cells.risky``: it begins with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) gets a leading ``'``, as OWASP recommends for CSV injection: Excel
and LibreOffice then show it as text. That quote is the one change to any value.
"""
from __future__ import annotations

import zipfile
from typing import BinaryIO

import pandas as pd

from .cells import risky
from .tables import DATE, TIME, ExportTables, Table

FORMATS = {DATE: '%Y-%m-%d', TIME: '%Y-%m-%d %H:%M'}
# a fixed moment for every file in the zip: the same tables make the same bytes
ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def render(tables: ExportTables, out: BinaryIO) -> None:
    with zipfile.ZipFile(out, 'w', compression=zipfile.ZIP_DEFLATED) as archive:
        for number, table in enumerate(tables.tables.values(), start=1):
            info = zipfile.ZipInfo(f'{number:02d}-{table.key}.csv', ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text(table).encode('utf-8-sig'))


def text(table: Table) -> str:
    """One table as CSV text (Excel's dialect: commas, quotes where needed, CRLF)."""
    frame = table.frame.copy()
    for column in table.columns:
        values = frame[column.key]
        if column.kind in FORMATS:
            frame[column.key] = values.dt.strftime(FORMATS[column.kind]).astype('string')
        elif pd.api.types.is_string_dtype(values):
            frame[column.key] = values.map(lambda v: f"'{v}" if risky(v) else v, na_action='ignore')
    frame.columns = list(table.headers)
    return frame.to_csv(index=False, lineterminator='\r\n')
