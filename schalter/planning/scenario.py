"""A scenario file read into `simulator.Scenario`, every mistake found before any work starts
(docs/planning.md has the format). Free of Django like the simulator.

The minimal form of issue 18 stays valid whatever the format grows into:
`{"desks": 2, "open_minutes": 480, "replications": 20, "seed": 1,
  "walk_ins": [{"service": "any", "rate_per_hour": 6.0}],
  "service_times": {"any": {"distribution": "exponential", "mean_minutes": 16}}}`"""

import json
import math
from typing import Any

from schalter.planning.erlang import UnstableQueue
from schalter.planning.simulator import (
    ENGINES,
    Appointments,
    DeskSpec,
    Interpreter,
    Punctuality,
    QueueRule,
    Scenario,
    ServiceTime,
    WalkIns,
)

MAX_REPLICATIONS = 1000
MAX_DESKS = 500
MAX_DAY_MINUTES = 24 * 60
# Clients over all replications: beyond this a run would take minutes and is refused instead.
MAX_CLIENT_DAYS = 20_000_000
DISTRIBUTIONS = ("exponential", "lognormal", "empirical", "fixed")


class ScenarioError(ValueError):
    """Everything wrong with a scenario, one problem a line, each with where it is."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class _Reader:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def keys(self, where: str, raw: Any, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(raw, dict):
            self.fail(where, "must be an object")
            return {}
        for key in sorted(set(raw) - allowed):
            self.fail(f"{where}.{key}" if where else key, "unknown field")
        return raw

    def number(
        self,
        where: str,
        raw: Any,
        *,
        minimum: float = 0.0,
        above: bool = False,
        maximum: float = math.inf,
        required: bool = True,
        default: float = 0.0,
    ) -> float:
        if raw is None:
            if required:
                self.fail(where, "is missing")
            return default
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
            self.fail(where, "must be a number")
            return default
        if raw < minimum or (above and raw == minimum):
            self.fail(where, f"must be {'above' if above else 'at least'} {minimum:g}")
            return default
        if raw > maximum:
            self.fail(where, f"must be at most {maximum:g}")
            return default
        return float(raw)

    def integer(self, where: str, raw: Any, *, minimum: int, maximum: int, default: int) -> int:
        if raw is None:
            return default
        if isinstance(raw, bool) or not isinstance(raw, int):
            self.fail(where, "must be a whole number")
            return default
        if raw < minimum:
            self.fail(where, f"must be at least {minimum}")
            return default
        if raw > maximum:
            self.fail(where, f"must be at most {maximum} (asked for {raw})")
            return default
        return raw

    def share(self, where: str, raw: Any) -> float:
        return self.number(where, raw, maximum=1.0, required=False)


def scenario_load(text: str) -> Scenario:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise ScenarioError([f"not JSON: {error}"]) from None
    return scenario_parse(raw)


def scenario_parse(raw: Any) -> Scenario:
    """The scenario, or ScenarioError listing every problem."""
    r = _Reader()
    top = r.keys(
        "",
        raw,
        {
            "desks",
            "open_minutes",
            "replications",
            "seed",
            "warmup_minutes",
            "walk_ins",
            "appointments",
            "service_times",
            "queue_rule",
            "interpreter",
            "engine",
        },
    )
    if r.problems:
        raise ScenarioError(r.problems)
    close = r.number("open_minutes", top.get("open_minutes"), above=True, maximum=MAX_DAY_MINUTES)
    replications = r.integer(
        "replications", top.get("replications"), minimum=1, maximum=MAX_REPLICATIONS, default=20
    )
    seed = r.integer("seed", top.get("seed"), minimum=0, maximum=2**63, default=1)
    warmup = r.number("warmup_minutes", top.get("warmup_minutes"), required=False)
    if close and warmup >= close:
        r.fail("warmup_minutes", "must be shorter than open_minutes")

    service_times = _service_times(r, top.get("service_times"))
    known = set(service_times)
    desks = _desks(r, top.get("desks"), known, close)
    walk_ins = _walk_ins(r, top.get("walk_ins"), known)
    appointments = _appointments(r, top.get("appointments"), known, close)
    if not walk_ins and not appointments and not r.problems:
        r.fail("walk_ins", "there are neither walk-ins nor appointments to simulate")

    rule_raw = r.keys("queue_rule", top.get("queue_rule") or {}, {"due_now_minutes"})
    rule = QueueRule(
        r.number(
            "queue_rule.due_now_minutes",
            rule_raw.get("due_now_minutes"),
            required=False,
            default=QueueRule.due_now_minutes,
        )
    )
    interp_raw = r.keys("interpreter", top.get("interpreter") or {}, {"share", "time_factor"})
    interpreter = Interpreter(
        r.share("interpreter.share", interp_raw.get("share")),
        r.number(
            "interpreter.time_factor",
            interp_raw.get("time_factor"),
            minimum=1.0,
            maximum=10.0,
            required=False,
            default=Interpreter.time_factor,
        ),
    )
    engine = top.get("engine", "auto")
    if engine not in ENGINES:
        r.fail("engine", f"must be one of {', '.join(ENGINES)}")
        engine = "auto"

    # Demand somebody can serve: every service asked for has a desk.
    asked = {w.service for w in walk_ins} | {a.service for a in appointments}
    for service in sorted(asked):
        if not any(d.services is None or service in d.services for d in desks):
            r.fail("desks", f"no desk serves the service {service!r}")
    if r.problems:
        raise ScenarioError(r.problems)

    scenario = Scenario(
        desks=tuple(desks),
        open_minutes=close,
        service_times=service_times,
        walk_ins=tuple(walk_ins),
        appointments=tuple(appointments),
        replications=replications,
        seed=seed,
        warmup_minutes=warmup,
        rule=rule,
        interpreter=interpreter,
        engine=engine,
    )
    _bounded(scenario)
    return scenario


def _bounded(scenario: Scenario) -> None:
    """Refuse what cannot end or would not end soon: a plain queue at utilisation ≥ 1 (its wait
    only depends on how long the day is), and more clients than a run should take."""
    close = scenario.open_minutes
    expected = sum(
        sum(
            w.rates_per_hour[min(h, len(w.rates_per_hour) - 1)]
            for h in range(math.ceil(close / 60))
        )
        for w in scenario.walk_ins
    ) + sum(len(a.starts) for a in scenario.appointments)
    if expected * scenario.replications > MAX_CLIENT_DAYS:
        raise ScenarioError(
            [
                f"replications: {scenario.replications} replications of about {expected:.0f} "
                f"clients each exceed the bound of {MAX_CLIENT_DAYS:,} simulated clients; "
                "use fewer replications or a shorter day"
            ]
        )
    constant = all(len(set(w.rates_per_hour)) == 1 for w in scenario.walk_ins)
    if scenario.is_plain_fcfs() and constant:
        load = sum(
            w.rates_per_hour[0] / 60 * scenario.service_times[w.service].mean
            for w in scenario.walk_ins
        )
        rho = load / len(scenario.desks)
        if rho >= 1:
            raise ScenarioError([f"desks: {UnstableQueue(rho)}"])


def _service_times(r: _Reader, raw: Any) -> dict[str, ServiceTime]:
    if raw is None:
        r.fail("service_times", "is missing")
        return {}
    if not isinstance(raw, dict) or not raw:
        r.fail("service_times", "must be an object with one entry per service")
        return {}
    result = {}
    for name, spec in raw.items():
        where = f"service_times.{name}"
        spec = r.keys(where, spec, {"distribution", "mean_minutes", "sd_minutes", "values"})
        kind = spec.get("distribution")
        if kind not in DISTRIBUTIONS:
            r.fail(f"{where}.distribution", f"must be one of {', '.join(DISTRIBUTIONS)}")
            continue
        if kind == "empirical":
            values = spec.get("values")
            if not isinstance(values, list) or not values:
                r.fail(f"{where}.values", "must be a list of observed minutes")
                continue
            numbers = [r.number(f"{where}.values", v, above=True) for v in values]
            result[name] = ServiceTime(kind, values=tuple(numbers))
            continue
        mean = r.number(f"{where}.mean_minutes", spec.get("mean_minutes"), above=True)
        sd = 0.0
        if kind == "lognormal":
            sd = r.number(f"{where}.sd_minutes", spec.get("sd_minutes"), above=True)
        result[name] = ServiceTime(kind, mean, sd)
    return result


def _desks(r: _Reader, raw: Any, known: set[str], close: float) -> list[DeskSpec]:
    if raw is None:
        r.fail("desks", "is missing")
        return []
    if isinstance(raw, int) and not isinstance(raw, bool):
        if raw < 1:
            r.fail("desks", "at least one desk is needed")
            return []
        if raw > MAX_DESKS:
            r.fail("desks", f"at most {MAX_DESKS} desks")
            return []
        return [DeskSpec(f"desk {i + 1}") for i in range(raw)]
    if not isinstance(raw, list) or not raw:
        r.fail("desks", "must be a number of desks or a list of desks")
        return []
    if len(raw) > MAX_DESKS:
        r.fail("desks", f"at most {MAX_DESKS} desks")
        return []
    desks = []
    for i, spec in enumerate(raw):
        where = f"desks[{i}]"
        spec = r.keys(where, spec, {"name", "services", "from_minute", "until_minute", "breaks"})
        services = spec.get("services")
        served: frozenset[str] | None = None
        if services is not None:
            if not isinstance(services, list) or not services:
                r.fail(f"{where}.services", "must be a list of services (leave it out for all)")
            else:
                for name in services:
                    if name not in known:
                        r.fail(f"{where}.services", f"unknown service {name!r}")
                served = frozenset(services)
        start = r.number(f"{where}.from_minute", spec.get("from_minute"), required=False)
        end_raw = spec.get("until_minute")
        end = None
        if end_raw is not None:
            end = r.number(f"{where}.until_minute", end_raw, above=True)
            if end <= start:
                r.fail(f"{where}.until_minute", "must come after from_minute")
        breaks = []
        for j, pause in enumerate(spec.get("breaks") or []):
            if not isinstance(pause, list) or len(pause) != 2:
                r.fail(f"{where}.breaks[{j}]", "must be [from_minute, until_minute]")
                continue
            a = r.number(f"{where}.breaks[{j}]", pause[0])
            b = r.number(f"{where}.breaks[{j}]", pause[1])
            if b <= a:
                r.fail(f"{where}.breaks[{j}]", "must end after it starts")
            breaks.append((a, b))
        desks.append(
            DeskSpec(str(spec.get("name") or f"desk {i + 1}"), served, start, end, tuple(breaks))
        )
    return desks


def _walk_ins(r: _Reader, raw: Any, known: set[str]) -> list[WalkIns]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        r.fail("walk_ins", "must be a list")
        return []
    streams = []
    for i, spec in enumerate(raw):
        where = f"walk_ins[{i}]"
        spec = r.keys(where, spec, {"service", "rate_per_hour", "rates_per_hour", "urgent_share"})
        service = spec.get("service")
        if service not in known:
            r.fail(f"{where}.service", f"unknown service {service!r}")
        rates: list[float] = []
        if "rates_per_hour" in spec:
            hourly = spec["rates_per_hour"]
            if not isinstance(hourly, list) or not hourly:
                r.fail(f"{where}.rates_per_hour", "must be a list of rates, one per hour")
            else:
                rates = [r.number(f"{where}.rates_per_hour[{h}]", x) for h, x in enumerate(hourly)]
        else:
            rates = [r.number(f"{where}.rate_per_hour", spec.get("rate_per_hour"))]
        streams.append(
            WalkIns(
                str(service),
                tuple(rates),
                r.share(f"{where}.urgent_share", spec.get("urgent_share")),
            )
        )
    return streams


def _appointments(r: _Reader, raw: Any, known: set[str], close: float) -> list[Appointments]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        r.fail("appointments", "must be a list")
        return []
    blocks = []
    for i, spec in enumerate(raw):
        where = f"appointments[{i}]"
        spec = r.keys(
            where,
            spec,
            {
                "service",
                "starts",
                "from_minute",
                "until_minute",
                "every_minutes",
                "per_slot",
                "no_show",
                "persons",
                "punctuality",
            },
        )
        service = spec.get("service")
        if service not in known:
            r.fail(f"{where}.service", f"unknown service {service!r}")
        starts: list[float] = []
        if "starts" in spec:
            if not isinstance(spec["starts"], list):
                r.fail(f"{where}.starts", "must be a list of minutes after opening")
            else:
                starts = [r.number(f"{where}.starts", s, maximum=close) for s in spec["starts"]]
        else:
            begin = r.number(f"{where}.from_minute", spec.get("from_minute"), required=False)
            until = r.number(
                f"{where}.until_minute",
                spec.get("until_minute"),
                maximum=close,
                required=False,
                default=close,
            )
            every = r.number(f"{where}.every_minutes", spec.get("every_minutes"), above=True)
            per_slot = r.integer(
                f"{where}.per_slot", spec.get("per_slot"), minimum=0, maximum=100, default=1
            )
            if every > 0:
                at = begin
                while at < until:
                    starts.extend([at] * per_slot)
                    at += every
        persons = [(1, 1.0)]
        if spec.get("persons") is not None:
            table = spec["persons"]
            if not isinstance(table, dict) or not table:
                r.fail(f"{where}.persons", 'must be like {"1": 0.8, "2": 0.2}')
            else:
                persons = []
                for count, weight in table.items():
                    if not str(count).isdigit() or not 1 <= int(count) <= 20:
                        r.fail(f"{where}.persons", f"{count!r} is not a number of persons (1-20)")
                        continue
                    persons.append((int(count), r.number(f"{where}.persons.{count}", weight)))
                if persons and sum(w for _, w in persons) <= 0:
                    r.fail(f"{where}.persons", "the weights must not all be zero")
        punct_raw = r.keys(
            f"{where}.punctuality",
            spec.get("punctuality") or {},
            {"mean_minutes", "sd_minutes", "values"},
        )
        punctuality = Punctuality(
            r.number(
                f"{where}.punctuality.mean_minutes",
                punct_raw.get("mean_minutes"),
                minimum=-240,
                required=False,
                default=Punctuality.mean_minutes,
            ),
            r.number(
                f"{where}.punctuality.sd_minutes",
                punct_raw.get("sd_minutes"),
                required=False,
                default=Punctuality.sd_minutes,
            ),
            tuple(
                r.number(f"{where}.punctuality.values", v, minimum=-240)
                for v in punct_raw.get("values") or []
            ),
        )
        blocks.append(
            Appointments(
                str(service),
                tuple(starts),
                r.share(f"{where}.no_show", spec.get("no_show")),
                tuple(persons) or ((1, 1.0),),
                punctuality,
            )
        )
    return blocks
