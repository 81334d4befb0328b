"""Hjørring's seesaw in the LUS: the report's balance and the leader's own two marks. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from kerne.frameworks.pictures import Area, seesaw

MAX_TILT = 12.0


def tilt_from_means(means: Sequence[float | None]) -> float:
    """The report's rule: right half's mean minus the left half's, eight degrees a point."""
    half = len(means) // 2
    left = [m for m in means[:half] if m is not None]
    right = [m for m in means[len(means) - half :] if m is not None]
    if not left or not right:
        return 0.0
    return max(-MAX_TILT, min(MAX_TILT, (sum(right) / len(right) - sum(left) / len(left)) * 8))


def tilt_from_shares(shares: Sequence[int]) -> float:
    """Per cent on the right half minus the left half: all on one side tilts the full twelve degrees."""
    half = len(shares) // 2
    if not half:
        return 0.0
    difference = sum(shares[len(shares) - half :]) - sum(shares[:half])
    return max(-MAX_TILT, min(MAX_TILT, difference / 100 * MAX_TILT))


def drawing(labels: Sequence[tuple[str, str]], *, title: str, tilt: float, ident: str) -> str:
    return seesaw([Area(label, perspective) for label, perspective in labels], title=title, tilt=tilt, ident=ident)
