# The city data API (cityapi/). Python 3.11, runtime dependencies only.
# Build from the repository root: docker build -f docker/cityapi.Dockerfile -t smilecity/cityapi .
FROM python:3.11.11-slim-bookworm
WORKDIR /app
COPY requirements/app-runtime.lock requirements/app-runtime.lock
RUN pip install --no-cache-dir --no-deps -r requirements/app-runtime.lock
COPY dburl.py requestlog.py ./
COPY cityapi cityapi
COPY data data
COPY scripts/serve-cityapi.sh scripts/serve-cityapi.sh
RUN useradd --system --uid 10001 --home-dir /app smile \
    && mkdir -p /data/media && chown 10001 /data/media
USER 10001
ENV PYTHONUNBUFFERED=1 CITYAPI_HOST=0.0.0.0 CITYAPI_PORT=8000
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
# Migrates the schema, imports the sample data when CITYAPI_SAMPLE_DATA=true, then serves.
ENTRYPOINT ["/bin/sh", "scripts/serve-cityapi.sh"]
