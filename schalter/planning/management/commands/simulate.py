import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from schalter.planning.erlang import erlang_c
from schalter.planning.scenario import ScenarioError, scenario_load
from schalter.planning.simulator import ENGINES, Scenario, simulate


def steady_state(scenario: Scenario) -> dict[str, float] | None:
    """Erlang C beside the simulation when the scenario is a plain M/M/c queue."""
    constant = all(len(set(w.rates_per_hour)) == 1 for w in scenario.walk_ins)
    times = {scenario.service_times[w.service] for w in scenario.walk_ins}
    if not (scenario.is_plain_fcfs() and constant and len(times) == 1):
        return None
    (service,) = times
    if service.distribution != "exponential":
        return None
    rate = sum(w.rates_per_hour[0] for w in scenario.walk_ins) / 60
    steady = erlang_c(servers=len(scenario.desks), arrival_rate=rate, mean_service=service.mean)
    return {
        "mean_wait_minutes": round(steady.mean_wait, 3),
        "p90_wait_minutes": round(steady.wait_quantile(0.9), 3),
        "probability_of_waiting": round(steady.probability_of_waiting, 6),
        "utilisation": round(steady.utilisation, 6),
    }


class Command(BaseCommand):
    help = (
        "Simulate office days from a scenario file (docs/planning.md) and print waits, "
        "utilisation and served clients with 95 % confidence intervals."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scenario", required=True, help="the scenario, a JSON file")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--engine", choices=ENGINES, help="override the scenario's engine")

    def handle(self, *args, scenario: str, engine: str | None, **options):
        try:
            text = Path(scenario).read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot read {scenario}: {error.strerror}") from None
        try:
            parsed = scenario_load(text)
        except ScenarioError as error:
            raise CommandError("the scenario is not valid:\n" + str(error)) from None
        started = time.perf_counter()
        summary = simulate(parsed, engine=engine)
        result = summary.as_dict()
        result["seconds"] = round(time.perf_counter() - started, 3)
        result["erlang_c"] = steady_state(parsed)
        if options["json"]:
            self.stdout.write(_json_dumps(result))
            return
        self.stdout.write(
            f"{result['replications']} replications ({result['engine']}, {result['seconds']} s)"
        )
        for name in ("mean_wait_minutes", "p90_wait_minutes", "utilisation", "served"):
            low, high = result[f"{name}_ci"]
            self.stdout.write(f"  {name:<18} {result[name]:>10}   95 % CI {low} – {high}")
        if result["erlang_c"]:
            self.stdout.write(f"  Erlang C (steady state): {result['erlang_c']}")


def _json_dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
