# Rasa 3.6 (NLU and dialogue) on Rasa's official image, with the model trained at build time from
# this checkout, so an image always carries the model that matches its training data.
# Build from the repository root: docker build -f docker/rasa.Dockerfile -t smilecity/rasa .
FROM rasa/rasa:3.6.21
WORKDIR /app
USER 0
COPY requirements/rasa.lock requirements/rasa.lock
# the pipeline's own component (nlu/components/closed_vocabulary.py) needs rapidfuzz, at the tested pin
RUN pip install --no-cache-dir -c requirements/rasa.lock rapidfuzz
COPY config.yml credentials.yml ./
COPY nlu/__init__.py nlu/__init__.py
COPY nlu/components nlu/components
COPY nlu/domain nlu/domain
COPY nlu/data nlu/data
COPY scripts/rasa-endpoints.sh scripts/rasa-endpoints.sh
COPY scripts/serve-rasa.sh scripts/serve-rasa.sh
COPY scripts/rasa_server.py scripts/rasa_server.py
RUN PYTHONPATH=/app rasa train --config config.yml --domain nlu/domain --data nlu/data --out models \
        --fixed-model-name smilecity \
    && mkdir -p /app/var && chown -R 1001 /app/var
USER 1001
ENV PYTHONUNBUFFERED=1 RASA_TELEMETRY_ENABLED=false RASA_MODEL=/app/models/smilecity.tar.gz \
    PYTHONPATH=/app
EXPOSE 5005
HEALTHCHECK --interval=10s --timeout=3s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import json, os, urllib.parse as p, urllib.request as u; q = p.urlencode({'token': os.environ.get('RASA_AUTH_TOKEN', '')}); assert json.load(u.urlopen('http://127.0.0.1:5005/status?' + q, timeout=2)).get('model_file')"]
# Writes Rasa's endpoints from the environment (tracker store, lock store, action server), then
# runs the server.
ENTRYPOINT ["/bin/bash", "scripts/serve-rasa.sh"]
