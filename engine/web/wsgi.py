"""The WSGI application that gunicorn serves (``duty serve``)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engine.web.settings")

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
