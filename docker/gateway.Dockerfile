# The gateway (bot/): web chat, Telegram, Matrix, voice. Python 3.11, runtime dependencies only.
# Build from the repository root: docker build -f docker/gateway.Dockerfile -t smilecity/gateway .
FROM python:3.11.11-slim-bookworm

# ffmpeg decodes and encodes voice notes, espeak-ng speaks the answers (Debian's security updates
# are taken at each build, so the packages are not pinned to a version).
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ffmpeg espeak-ng \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements/app-runtime.lock requirements/app-runtime.lock
RUN pip install --no-cache-dir --no-deps -r requirements/app-runtime.lock
COPY dburl.py requestlog.py ./
COPY bot bot
# The Stadtbereiche by name, for subscriptions and announcements by district.
COPY data/districts/stadtbereiche_hro.csv data/districts/stadtbereiche_hro.csv

# The German and English speech models, fetched once at build time; bot.voice.models checks each
# archive against its pinned SHA-256 and installs nothing on a mismatch (the build then fails).
ENV VOSK_MODEL_DIR=/opt/vosk
RUN python -m bot.voice.models download && chmod -R a+rX /opt/vosk

RUN useradd --system --uid 10001 --home-dir /app smile \
    && mkdir -p /app/var /data/matrix-store \
    && chown smile /app/var /data/matrix-store
USER 10001
ENV PYTHONUNBUFFERED=1 GATEWAY_HOST=0.0.0.0 GATEWAY_PORT=8080 MATRIX_STORE_DIR=/data/matrix-store
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8080/healthz', timeout=2)"]
CMD ["python", "-m", "bot"]
