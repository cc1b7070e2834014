"""Read-only admin: a change made here would skip the version counter and never reach devices."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from journal.models import MassageSession, PainEntry, SyncClient, SyncState


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(PainEntry)
class PainEntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "user", "occurred_at", "zone", "side", "posture", "intensity", "version", "deleted")
    list_filter = ("deleted", "zone", "posture")
    search_fields = ("user__username",)


@admin.register(MassageSession)
class MassageSessionAdmin(ReadOnlyAdmin):
    list_display = ("id", "user", "occurred_at", "portion", "side", "tool", "minutes", "version", "deleted")
    list_filter = ("deleted", "portion", "tool")
    search_fields = ("user__username",)


@admin.register(SyncState)
class SyncStateAdmin(ReadOnlyAdmin):
    list_display = ("user", "last_version", "purged_through_version")


@admin.register(SyncClient)
class SyncClientAdmin(ReadOnlyAdmin):
    list_display = ("client_id", "user", "last_mutation_id", "last_seen_at")
