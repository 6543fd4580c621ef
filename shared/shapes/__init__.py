"""The API's request and response shapes, declared once as msgspec Structs.

Each model is the validation of a body (`api/requests.py` decodes into it), the encoding of an
answer, its schema in /openapi.json (`api/openapi.py` generates it) and what the companion
decodes. Adding a field to a model is the only edit a new field needs. This package imports
nothing but `shared.models` and `shared.limits`, so the companion can use it without `api`.
"""
