FROM python:3.11-slim

# The bot runs as an unprivileged user; its data (SQLite file, stored attachments) lives in
# /data, readable by that user only.
RUN useradd --create-home --uid 10001 certbot \
    && mkdir /data && chown certbot:certbot /data && chmod 700 /data

# Tesseract reads the passport's machine-readable zone (its MRZ model comes with pip); OpenCV
# (opencv-python) needs libGL and GLib. Without them the bot runs and simply does not read.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr libgl1 libglib2.0-0 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot bot
COPY handlers handlers
COPY storage storage
COPY locales locales
RUN pip install --no-cache-dir -e .

USER certbot
ENV CERTBOT_DATA_DIR=/data PYTHONUNBUFFERED=1
VOLUME /data
CMD ["python", "-m", "bot"]
