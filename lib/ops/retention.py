"""Which backups to keep: the newest of each of the last 7 days, 4 weeks and 12 months that
have one, as restic's ``--keep-daily 7 --keep-weekly 4 --keep-monthly 12``.

Periods are counted among the backups there are, not back from today: a server that stopped
making backups for a season still keeps its last ones. The newest backup is always kept.
Pure: moments in, moments out (``backup.prune`` deletes the others).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Policy:
    """How many days, ISO weeks and months keep their newest backup."""

    daily: int = 7
    weekly: int = 4
    monthly: int = 12

    @property
    def most(self) -> int:
        """The most backups this policy keeps (fewer when periods share a backup)."""
        return max(1, self.daily + self.weekly + self.monthly)


def _day(moment: datetime) -> Hashable:
    return moment.date()


def _week(moment: datetime) -> Hashable:
    year, week, _ = moment.isocalendar()
    return (year, week)


def _month(moment: datetime) -> Hashable:
    return (moment.year, moment.month)


def _newest_per_period(
    newest_first: list[datetime], period: Callable[[datetime], Hashable], count: int
) -> set[datetime]:
    """The newest moment of each of the ``count`` latest periods that hold one."""
    chosen: dict[Hashable, datetime] = {}
    for moment in newest_first:
        key = period(moment)
        if key in chosen:
            continue
        if len(chosen) == count:
            break
        chosen[key] = moment
    return set(chosen.values())


def kept(moments: Iterable[datetime], policy: Policy = Policy()) -> set[datetime]:
    """The moments (of backups) the policy keeps; the others may be deleted."""
    newest_first = sorted(set(moments), reverse=True)
    keep = set(newest_first[:1])  # whatever the policy, never the last backup there is
    for period, count in ((_day, policy.daily), (_week, policy.weekly), (_month, policy.monthly)):
        keep |= _newest_per_period(newest_first, period, count)
    return keep


def pruned(moments: Iterable[datetime], policy: Policy = Policy()) -> set[datetime]:
    """The moments (of backups) the policy lets go."""
    moments = set(moments)
    return moments - kept(moments, policy)
