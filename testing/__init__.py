"""Real components for the test suite: an SMTP server (aiosmtpd) and an OpenID Connect provider.

Neither is a mock: the SMTP server speaks SMTP on a loopback port and keeps the bytes it received;
the provider is django-oidc-provider, a separate Django project started as a subprocess on a free
loopback port. pytest fixtures for both are in `testing.fixtures` (loaded by the root conftest.py).
"""
