# The app runtime image: gateway (bot/) and city data API (cityapi/), Python 3.11.
FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg espeak-ng \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements/app.lock requirements/app.lock
RUN pip install --no-cache-dir -r requirements/app.lock
COPY bot bot
COPY cityapi cityapi
COPY data data
RUN useradd --system --uid 10001 smile && mkdir -p /app/var && chown smile /app/var
USER smile
ENV PYTHONUNBUFFERED=1
# The command is chosen per service in compose.yml (python -m cityapi serve / python -m bot).
