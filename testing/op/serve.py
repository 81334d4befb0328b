"""Start the test provider: `python -m testing.op.serve` with KERNE_TEST_OP_PORT, _DB and _KEY set.

Creates its database, an RSA signing key and Kerne's client, then serves on 127.0.0.1:PORT with
threads (a slow token answer must not block the login page), until it is terminated.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "testing.op.settings")


def main() -> None:
    import django

    django.setup()
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from django.conf import settings
    from django.core.management import call_command
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application
    from oidc_provider.models import RSAKey

    from testing.op.control import _client

    call_command("migrate", verbosity=0, interactive=False)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    RSAKey.objects.create(key=pem)
    _client()
    run("127.0.0.1", settings.PORT, get_wsgi_application(), threading=True)


if __name__ == "__main__":
    main()
