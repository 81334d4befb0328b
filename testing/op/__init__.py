"""A stand-in for Microsoft Entra ID: django-oidc-provider in a Django project of its own.

Run by testing.oidc.Provider as a subprocess (`python -m testing.op.serve PORT DBFILE KEY`). It
issues RS256-signed ID tokens with the claims Entra sends (email, name, preferred_username and the
optional `employeeid`), offers consent, end-session (RP-initiated logout), and can be made to fail
the way a real provider does (a token endpoint answering 500, slowly, or refusing an expired client
secret). Tests configure it over a small JSON API under /_test/ guarded by a random key.
"""

CLIENT_ID = "kerne"
DEFAULT_SECRET = "hemmelig-klientnoegle"
