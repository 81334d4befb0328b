"""makemessages without fuzzy matching and without source locations.

gettext's msgmerge marks a new string "fuzzy" with the translation of a similar old one; such
guesses are nearly always wrong for Danish, and a fuzzy entry is not used at run time anyway.
The "#: file:line" comments change whenever a line moves, so every branch touching an app would
conflict in its catalogue; without them a catalogue changes only when its strings do.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching", "--no-location"]
    msguniq_options = [*makemessages.Command.msguniq_options, "--no-location"]
    msgattrib_options = [*makemessages.Command.msgattrib_options, "--no-location"]
    xgettext_options = [*makemessages.Command.xgettext_options, "--no-location"]
