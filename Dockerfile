FROM python:3.11-slim-bookworm

# Pango for WeasyPrint, the Noto CJK fonts so PDFs print in Japanese, gettext for translations.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk gettext curl \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml requirements.lock README.md ./
RUN pip install --no-cache-dir -c requirements.lock -e .
COPY . .
RUN DEBUG=true python manage.py collectstatic --noinput

RUN useradd --create-home kirin && mkdir -p /data && chown kirin /data
USER kirin
EXPOSE 8000
CMD ["gunicorn", "kirin_pf.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
