"""The rate limits' own cache table (kerne_ratelimit), for databases migrated before it existed.

Closing a round clears it, so no counter keyed by a rater's link outlives the round.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_cache_table")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
