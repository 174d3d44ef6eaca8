from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "schalter.catalog"
    label = "catalog"
