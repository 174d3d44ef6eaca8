from django.apps import AppConfig
from django.conf import settings
from django.utils.module_loading import import_string


class VisitsConfig(AppConfig):
    name = "schalter.visits"

    def ready(self) -> None:
        from schalter.offices import parts, retention
        from schalter.visits.parts import WALK_IN_QUEUE
        from schalter.visits.services import tickets_personal_erase

        parts.register(WALK_IN_QUEUE)

        # Tickets keep a phone number and a note until the day after the visit.
        retention.eraser_register("visits", tickets_personal_erase)
        # The Redis channel layer pulls in redis-py's asyncio client, about 0.4 s of imports:
        # at start-up, rather than in the first call a desk makes after a deploy.
        backend = str(settings.CHANNEL_LAYERS.get("default", {}).get("BACKEND", ""))
        if backend.startswith("channels_redis."):
            import_string(backend)
