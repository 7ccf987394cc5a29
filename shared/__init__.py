"""The shared kernel of Audisi: what every service needs, and nothing service-specific.

Layering (leaves first): errors, settings, logging -> db, events -> outbox, inbox, auth, celery ->
http (the FastAPI app factory). Services import from here; nothing here imports a service.
"""
