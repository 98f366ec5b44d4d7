"""The baseline: a bare Flask app with one route, served by the same gunicorn as Frontdesk.

    python -m gunicorn 'bench.hello:create_app()'
"""
from flask import Flask


def create_app() -> Flask:
    app = Flask(__name__)

    @app.get("/")
    def hello():
        return "Hello, World!"

    return app
