"""makemessages without fuzzy matching: a new string is left untranslated, never given a guess.

gettext's msgmerge marks a new string "fuzzy" with the translation of a similar old one; such
guesses are nearly always wrong for Danish, and a fuzzy entry is not used at run time anyway.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
