"""Reading the passport's machine-readable zone (ICAO 9303 TD3) from an upload, locally.

`read_passport` turns the passport copy (photo, image file or PDF scan) into a
`PassportReading`, or None when it cannot; `compare` checks what a member typed against it.
`log_engine_status` is for start-up: it says once when the OCR engine is missing.
"""

from .compare import FIELDS, FieldCheck, Outcome, TypedIdentity, compare, mrz_name
from .fields import FieldReading, FieldStatus, PassportReading
from .reader import engine_available, log_engine_status, read_passport, read_passport_sync

__all__ = [
    "FIELDS",
    "FieldCheck",
    "FieldReading",
    "FieldStatus",
    "Outcome",
    "PassportReading",
    "TypedIdentity",
    "compare",
    "engine_available",
    "log_engine_status",
    "mrz_name",
    "read_passport",
    "read_passport_sync",
]
