# The action server (actions/, rasa-sdk 3.6) on Rasa's official image: the same Python 3.10 runtime
# and rasa-sdk as Rasa itself; only what actions/ needs on top is added, at the tested versions.
# Build from the repository root: docker build -f docker/actions.Dockerfile -t smilecity/actions .
FROM rasa/rasa:3.6.21
USER 0
WORKDIR /app
COPY requirements/rasa.lock requirements/rasa.lock
RUN pip install --no-cache-dir -c requirements/rasa.lock dateparser holidays
COPY actions actions
USER 1001
ENV PYTHONUNBUFFERED=1 CITYAPI_URL=http://cityapi:8000
EXPOSE 5055
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:5055/health', timeout=2)"]
ENTRYPOINT ["python", "-m", "rasa_sdk", "--actions", "actions", "--port", "5055"]
