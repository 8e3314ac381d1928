# The Rasa runtime image: Rasa 3.6 server and the action server (rasa-sdk 3.6), Python 3.10.
FROM python:3.10-slim-bookworm
WORKDIR /app
COPY requirements/rasa.lock requirements/rasa.lock
RUN pip install --no-cache-dir -r requirements/rasa.lock
COPY config.yml endpoints.yml credentials.yml ./
COPY nlu nlu
COPY actions actions
RUN useradd --system --uid 10001 smile && mkdir -p /app/models && chown smile /app/models
USER smile
ENV PYTHONUNBUFFERED=1 RASA_TELEMETRY_ENABLED=false
# Train at build time so a container starts with its model (the model matches the image's data).
RUN rasa train --config config.yml --domain nlu/domain --data nlu/data --out models
