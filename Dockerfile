FROM python:3.11-slim

# The bot runs as an unprivileged user; its data (SQLite file, stored attachments) lives in
# /data, readable by that user only.
RUN useradd --create-home --uid 10001 certbot \
    && mkdir /data && chown certbot:certbot /data && chmod 700 /data

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
