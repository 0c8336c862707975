FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/app/var
WORKDIR /app

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# Static files are collected at build time and served by whitenoise.
RUN DEBUG=false SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py collectstatic --noinput

RUN useradd --create-home console && mkdir -p /app/var && chown console /app/var
USER console
EXPOSE 8000
CMD ["gunicorn", "dashboard.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--threads", "4"]
