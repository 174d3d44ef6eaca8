"""What the browser's proof-of-work widget sends for a solved challenge (ALTCHA v1), for tests and
the bench's load generator. No Django here: the load generator imports it without settings."""

import base64
import json

import altcha


def solve_for_tests(challenge: dict) -> str:
    """The widget's payload for `challenge` (as `GET /api/v1/challenge` answers it)."""
    solution = altcha.solve_challenge_v1(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxNumber"]
    )
    payload = {
        "algorithm": challenge["algorithm"],
        "challenge": challenge["challenge"],
        "number": solution.number,
        "salt": challenge["salt"],
        "signature": challenge["signature"],
    }
    return base64.b64encode(json.dumps(payload).encode()).decode()
