"""gunicorn settings for production: `gunicorn -c config/gunicorn.py config.wsgi`.

The access log hides rater links (kerne.core.logging.GunicornLogger); workers and the bind
address come from the environment like every other setting.
"""

import os

bind = os.environ.get("KERNE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("KERNE_WORKERS", "4"))
logger_class = "kerne.core.logging.GunicornLogger"
accesslog = os.environ.get("KERNE_ACCESS_LOG", "-")
