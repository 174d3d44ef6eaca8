"""The visits fixtures (a giessen office, two queues, desks, caseworkers) for the figures."""

from tests.visits.conftest import MONDAY_9, desks, groups, later, now, sessions, walk_in

__all__ = ["MONDAY_9", "desks", "groups", "later", "now", "sessions", "walk_in"]
