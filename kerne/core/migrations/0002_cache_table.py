"""The database cache's table, made by `migrate` so no set-up step can forget it.

`createcachetable` creates the tables of every DatabaseCache in settings.CACHES that are missing,
and does nothing for other cache backends (Redis, memory), so this stays right for any settings.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
