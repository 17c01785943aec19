# fieldapp production image. Build: docker build -t fieldapp .
# Run:   docker run -p 8000:8000 -e DATABASE_URL=postgresql://... -e SECRET_KEY=... \
#          -v fieldapp-uploads:/data/uploads fieldapp
# Behind nginx add -e PROXY_HOPS=1 -e REDIS_URL=redis://...; see docs/deployment.md.
# Photos in a bucket instead of the volume: -e UPLOAD_BUCKET=... (+ AWS_ACCESS_KEY_ID and
#        AWS_SECRET_ACCESS_KEY from your secret store, S3_ENDPOINT_URL for MinIO & co).
# Worker: run a second container from the same image with the same environment (and the same
#        uploads volume) and `flask worker` as its command; it delivers the mail outbox
#        (MAIL_SERVER, MAIL_PORT ...) and processes queued photos (blur, resize).
FROM python:3.11.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    FLASK_APP=fieldapp \
    UPLOAD_DIR=/data/uploads \
    SESSION_COOKIE_SECURE=1

# WeasyPrint (PDF reports) draws text with Pango and subsets fonts with HarfBuzz.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY fieldapp ./fieldapp
COPY templates ./templates
COPY static ./static
COPY migrations ./migrations
COPY babel.cfg ./

RUN pip install '.[s3]' \
    && pybabel compile -d fieldapp/translations \
    && useradd --create-home --uid 10001 fieldapp \
    && mkdir -p /data/uploads /app/instance \
    && chown -R fieldapp:fieldapp /data /app/instance

USER fieldapp
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"

# Workers: 2 × CPU cores + 1 is gunicorn's rule of thumb; 3 suits a 1-core container.
# Migrations run at start so a new image never serves an old schema.
CMD ["sh", "-c", "flask db upgrade && exec gunicorn --workers ${WEB_CONCURRENCY:-3} --threads 4 --bind 0.0.0.0:8000 --access-logfile - 'fieldapp:create_app()'"]
