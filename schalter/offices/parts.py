"""The parts of Schalter an office switches on: online booking, the walk-in queue, and those that
follow (callbacks, interpreters, knowledge, feedback, figures). Each domain app declares its part
here once, in its AppConfig.ready(); public pages, the staff menu, the API, flyers and e-mails ask
this registry instead of testing a part by hand.

A part's `routes` (view names, e.g. "public:book") answer 404 while the part is off
(`offices.gate.PartGateMiddleware`); its `kept_routes` keep serving work that already exists (a
booked appointment's page, the staff calendar), so switching off loses nothing. An office keeps the
names of the parts it uses in `Office.parts`; `offices.services.office_part_switch` changes them."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise

from schalter.offices.models import Office


@dataclass(frozen=True)
class MenuItem:
    label: Promise
    url_name: str
    capability: str
    # Shown while the part is off too, as long as the part has open work to serve.
    kept: bool = False


@dataclass(frozen=True)
class Part:
    name: str  # stable, in the API: "booking", "queue", ...
    label: Promise
    description: Promise
    # Each returns what is missing for the part to be usable in an office, or "" when nothing is.
    requirements: tuple[Callable[[Office], str], ...] = ()
    routes: frozenset[str] = frozenset()
    kept_routes: frozenset[str] = frozenset()
    menu: tuple[MenuItem, ...] = ()
    # What staff must still finish when the part is off ("3 appointments still booked").
    open_work: Callable[[Office], list[str]] = field(default=lambda office: [])
    # What a client is told on the part's pages while it is off (a template given `office`):
    # a page left open, a bookmark or an old flyer's link leads there.
    off_template: str = ""
    on_by_default: bool = True


_REGISTRY: dict[str, Part] = {}


def register(part: Part) -> None:
    """Called once per part from its app's ready(); registering a name twice is a mistake."""
    if part.name in _REGISTRY and _REGISTRY[part.name] != part:
        raise ValueError(f"part {part.name!r} is registered twice")
    claimed = {
        route
        for other in _REGISTRY.values()
        if other.name != part.name
        for route in other.routes | other.kept_routes
    }
    if overlap := (part.routes | part.kept_routes) & claimed:
        raise ValueError(f"routes of part {part.name!r} belong to another part: {sorted(overlap)}")
    _REGISTRY[part.name] = part


def registered() -> list[Part]:
    return list(_REGISTRY.values())


def part_named(name: str) -> Part | None:
    return _REGISTRY.get(name)


def default_parts() -> list[str]:
    """The parts a new office starts with (the model field's default)."""
    return [part.name for part in _REGISTRY.values() if part.on_by_default]


def part_guarding(view_name: str) -> Part | None:
    """The part whose switch decides whether `view_name` answers (None: always answers)."""
    for part in _REGISTRY.values():
        if view_name in part.routes:
            return part
    return None


def uses(office: Office, name: str) -> bool:
    """Whether `office` has part `name` switched on. The one test of a switch."""
    return name in office.parts


def parts_of(office: Office) -> list[str]:
    """The names of the parts `office` uses, in registry order (as the API lists them)."""
    return [part.name for part in _REGISTRY.values() if part.name in office.parts]


def missing_for(office: Office, part: Part) -> list[str]:
    """What `office` lacks before `part` can be switched on, in the request's language."""
    return [str(problem) for check in part.requirements if (problem := check(office))]
