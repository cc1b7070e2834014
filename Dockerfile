# Production image: the same image runs web (gunicorn), worker and beat.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 MINIMUS_DATA_DIR=/data
WORKDIR /app
# Pango for WeasyPrint (the clinician report PDF).
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN useradd --system --uid 1000 minimus && mkdir -p /data /metrics && chown minimus /data /metrics
# collectstatic needs settings that load; the real secret comes from the environment at run time.
RUN PRODUCTION=1 SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py collectstatic --noinput
USER minimus
EXPOSE 8000
CMD ["gunicorn", "glute_pwa.wsgi:application", "--bind", "0.0.0.0:8000"]
