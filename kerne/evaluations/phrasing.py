"""How a framework statement reads to a rater (about the leader) and in the self-evaluation.

The framework's own words are kept; only the grammatical person changes, by three rules:
- "Jeg sætter …"  → about: "Mette Hansen sætter …" (min/mine/mit → sin/sine/sit, mig → sig,
  a later "jeg" → "vedkommende"); self: unchanged.
- A statement that starts with a verb ("Etablerer en faglig retning …", Holstebro's form)
  → about: "Mette Hansen etablerer …"; self: "Jeg etablerer …".
- Anything else ("Vi …", a description) is shown as written to everyone.
A framework file may give `about` / `self` wordings where the rules do not fit; `{navn}` in them
is replaced by the leader's name. Pure functions, no database.
"""

from __future__ import annotations

import re

_FIRST_WORD = re.compile(r"^(\S+)(\s.*)?$", re.DOTALL)
# Words that start a sentence without being the leader's verb.
_NOT_VERBS = {
    "vi",
    "jeg",
    "det",
    "der",
    "de",
    "den",
    "en",
    "et",
    "at",
    "som",
    "når",
    "hvis",
    "og",
    "i",
    "på",
    "med",
    "ved",
    "alle",
    "vores",
    "min",
    "mit",
    "mine",
    "her",
    "herigennem",
    "herved",
    "ordentlighed",
    "saglighed",
    "tillid",
}
# Verbs that start a statement without ending in -r ("Kan synliggøre …").
_MODAL_VERBS = {"kan", "vil", "skal", "må"}
_PRONOUNS = [
    (re.compile(r"\bmine\b"), "sine"),
    (re.compile(r"\bmin\b"), "sin"),
    (re.compile(r"\bmit\b"), "sit"),
    (re.compile(r"\bmig selv\b"), "sig selv"),
    (re.compile(r"\bmig\b"), "sig"),
    (re.compile(r"\bjeg\b"), "vedkommende"),
]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def starts_with_verb(text: str) -> bool:
    """Holstebro's statements begin with a verb in the present tense: Etablerer, Har, Er, Tør …"""
    match = _FIRST_WORD.match(text.strip())
    if not match:
        return False
    word = match.group(1).strip(",.:;")
    lower = word.lower()
    return word[:1].isupper() and lower not in _NOT_VERBS and (lower.endswith("r") or lower in _MODAL_VERBS)


def about_leader(text: str, leader_name: str, *, override: str = "") -> str:
    """The statement as raters read it: about the leader, in the third person."""
    if override:
        return override.replace("{navn}", leader_name)
    stripped = text.strip()
    if stripped.startswith("Jeg "):
        rest = stripped[4:]
        for pattern, replacement in _PRONOUNS:
            rest = pattern.sub(replacement, rest)
        return f"{leader_name} {rest}"
    if starts_with_verb(stripped):
        return f"{leader_name} {_lower_first(stripped)}"
    return stripped


def in_first_person(text: str, *, override: str = "") -> str:
    """The statement as the leader reads it in the self-evaluation."""
    if override:
        return override
    stripped = text.strip()
    if starts_with_verb(stripped):
        return f"Jeg {_lower_first(stripped)}"
    return stripped


def minutes_to_answer(question_count: int, comment_fields: int = 0) -> int:
    """Estimated minutes: about 12 seconds a statement, a minute a comment field, a minute to start."""
    seconds = 60 + 12 * question_count + 60 * comment_fields
    return max(1, round(seconds / 60))
