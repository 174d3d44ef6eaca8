"""The ceilings. `hello` is the cheapest answer the stack can give; `bare_booking` is the least a
correct booking must do: lock the slot, count, insert, commit, in a table of its own. Both run
behind the same middleware, server and pool as the real API."""

import json

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

SLOT_TABLE = "bench_slot"
BOOKING_TABLE = "bench_booking"


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"hello", content_type="text/plain")


@csrf_exempt
@require_POST
def bare_booking(request: HttpRequest) -> JsonResponse:
    body = json.loads(request.body)
    slot, email = int(body["slot"]), str(body["email"])[:254]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL lock_timeout = '3s'")
        cursor.execute(f"SELECT capacity FROM {SLOT_TABLE} WHERE id = %s FOR UPDATE", [slot])  # noqa: S608
        row = cursor.fetchone()
        if row is None:
            return JsonResponse({"error": "unknown_slot"}, status=404)
        cursor.execute(f"SELECT count(*) FROM {BOOKING_TABLE} WHERE slot_id = %s", [slot])  # noqa: S608
        if cursor.fetchone()[0] >= row[0]:
            return JsonResponse({"error": "slot_taken"}, status=409)
        cursor.execute(
            f"INSERT INTO {BOOKING_TABLE} (slot_id, email) VALUES (%s, %s) RETURNING id",  # noqa: S608
            [slot, email],
        )
        booking_id = cursor.fetchone()[0]
    return JsonResponse({"id": booking_id}, status=201)
