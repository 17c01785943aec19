"""The baseline for bench/submit.py: a bare Flask app doing the same single INSERT.

No sessions, CSRF, forms, participants or photo processing: read the form, write an uploaded
photo's bytes to a file as they came, INSERT one row, answer 201 in JSON. Served by gunicorn
with the same settings as the app, e.g. (from bench/):

    gunicorn --workers 3 --threads 4 'bare_app:create_app("sqlite:////tmp/x.sqlite", "/tmp/up")'
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, jsonify, request
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, create_engine

metadata = MetaData()
bare_observation = Table(
    "bare_observation",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_key", String(64), unique=True),
    Column("category", String(40)),
    Column("safety", Integer),
    Column("text", Text),
    Column("lat", Float),
    Column("lon", Float),
    Column("photo", String(80)),
    Column("created_at", String(40)),
)


def create_app(database_url: str, upload_dir: str) -> Flask:
    app = Flask(__name__)
    engine = create_engine(database_url, pool_pre_ping=True)
    uploads = Path(upload_dir)
    uploads.mkdir(parents=True, exist_ok=True)

    @app.get("/")
    def ready():
        return "ok"

    @app.post("/submit")
    def submit():
        f = request.form
        name = None
        photo = request.files.get("photos")
        if photo is not None and photo.filename:
            name = f"{uuid.uuid4().hex}.jpg"
            photo.save(uploads / name)
        with engine.begin() as con:
            result = con.execute(
                bare_observation.insert().values(
                    client_key=f.get("client_key"),
                    category=f.get("category"),
                    safety=int(f.get("safety") or 0),
                    text=f.get("text", ""),
                    lat=float(f.get("lat") or 0),
                    lon=float(f.get("lon") or 0),
                    photo=name,
                    created_at=datetime.now(UTC).isoformat(),
                )
            )
        return jsonify(id=result.inserted_primary_key[0]), 201

    return app
