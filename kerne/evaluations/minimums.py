"""The group minimums, written once (DESIGN.md §7, docs/privacy.md).

A group's answers are shown on their own only from its minimum number of responses; below it they
are pooled or left out. HR chooses the minimums when setting up a round (these are the defaults)
but never below the legal minimum. Organisation figures cover at least `MIN_LEADERS` leaders.
Plain numbers, no imports: models, forms, services, the disclosure decision and the reports all
read them here.
"""

LEGAL_MINIMUM = 3  # the fewest responses any anonymous group may be shown from; HR cannot set less
NAMED_MINIMUM = 1  # self-evaluation and own leader: shown as they are, by name
EMPLOYEES_MINIMUM = 5
PEERS_MINIMUM = 3
PARTNERS_MINIMUM = 3
MIN_LEADERS = 3  # the fewest leaders an organisation figure covers (Round.min_leaders' default)

# The most raters of a group by default (0: no limit).
NAMED_MAX_RATERS = 1
PEERS_MAX_RATERS = 10
EMPLOYEES_MAX_RATERS = 0
PARTNERS_MAX_RATERS = 10
