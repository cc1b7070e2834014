"""Journal rows and the sync bookkeeping behind them (see shared/design/sync-protocol.md).

Every journal row has an id made on the device, a per-user ``version`` set by
the server on each change, and a ``deleted`` tombstone flag so other devices
learn of deletes. The check constraints repeat the vocabulary so that no code
path (admin, shell, a future bug) can store a value the app cannot show.
"""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from body import vocabulary as vocab

ZONE_CODES = [code for code, _ in vocab.ZONE_CHOICES]
SIDE_CODES = list(vocab.SIDES)
POSTURE_CODES = list(vocab.POSTURES)
PORTION_CODES = list(vocab.PORTIONS)
TOOL_CODES = list(vocab.MASSAGE_TOOLS)


def _known(table: str, **codes: list[str]) -> list[models.CheckConstraint]:
    """The database itself refuses a code the vocabulary does not know (``<table>_<field>_known``)."""
    return [
        models.CheckConstraint(condition=Q(**{f"{field}__in": known}), name=f"{table}_{field}_known")
        for field, known in codes.items()
    ]


def _version_unique(table: str) -> models.UniqueConstraint:
    """Pull reads (user, version > cursor) in version order: this index serves it."""
    return models.UniqueConstraint(fields=["user", "version"], name=f"{table}_user_version_unique")


def _occurred_index(table: str) -> models.Index:
    return models.Index(fields=["user", "occurred_at"], name=f"{table}_user_occurred")


def _score_between(field: str, *, nullable: bool = False) -> Q:
    in_range = Q(**{f"{field}__gte": vocab.INTENSITY_MIN, f"{field}__lte": vocab.INTENSITY_MAX})
    return in_range | Q(**{f"{field}__isnull": True}) if nullable else in_range


class SyncedRecord(models.Model):
    """Fields every synced journal row shares."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    occurred_at = models.DateTimeField(help_text="UTC instant the pain or massage happened.")
    time_zone = models.CharField(max_length=64, help_text="IANA zone of the device when logged.")
    # varchar(2000): PostgreSQL enforces the length itself.
    note = models.CharField(max_length=vocab.NOTE_MAX_LENGTH, blank=True, default="")
    version = models.PositiveBigIntegerField(help_text="Per-user change number; orders pulls.")
    deleted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Name used in the sync protocol ("type" of a mutation or change).
    sync_type: str = ""
    # Domain fields a device may write (everything but id and bookkeeping).
    domain_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    @property
    def local_date(self) -> date:
        """The calendar day where the user was when it happened (00:30 belongs to the new day)."""
        return self.occurred_at.astimezone(zoneinfo.ZoneInfo(self.time_zone)).date()


class PainEntry(SyncedRecord):
    zone = models.CharField(max_length=32, choices=vocab.ZONE_CHOICES)
    side = models.CharField(max_length=8, choices=vocab.SIDE_CHOICES)
    posture = models.CharField(max_length=16, choices=vocab.POSTURE_CHOICES)
    intensity = models.PositiveSmallIntegerField()

    sync_type = "pain_entry"
    domain_fields = ("occurred_at", "time_zone", "zone", "side", "posture", "intensity", "note")

    class Meta:
        verbose_name_plural = "pain entries"
        constraints = [
            models.CheckConstraint(condition=_score_between("intensity"), name="pain_entry_intensity_0_10"),
            *_known("pain_entry", zone=ZONE_CODES, side=SIDE_CODES, posture=POSTURE_CODES),
            _version_unique("pain_entry"),
        ]
        indexes = [_occurred_index("pain_entry")]

    def __str__(self) -> str:
        return f"{self.zone} {self.side} {self.intensity}/10 at {self.occurred_at:%Y-%m-%d %H:%M}Z"


class MassageSession(SyncedRecord):
    portion = models.CharField(max_length=16, choices=vocab.PORTION_CHOICES)
    side = models.CharField(max_length=8, choices=vocab.SIDE_CHOICES)
    tool = models.CharField(max_length=8, choices=vocab.MASSAGE_TOOL_CHOICES)
    minutes = models.PositiveSmallIntegerField()
    pain_before = models.PositiveSmallIntegerField()
    # Filled in later, once the user knows how the massage worked.
    pain_after = models.PositiveSmallIntegerField(null=True, blank=True)

    sync_type = "massage_session"
    domain_fields = (
        "occurred_at",
        "time_zone",
        "portion",
        "side",
        "tool",
        "minutes",
        "pain_before",
        "pain_after",
        "note",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=vocab.MASSAGE_MINUTES_MIN, minutes__lte=vocab.MASSAGE_MINUTES_MAX),
                name="massage_minutes_in_range",
            ),
            models.CheckConstraint(condition=_score_between("pain_before"), name="massage_pain_before_0_10"),
            models.CheckConstraint(
                condition=_score_between("pain_after", nullable=True), name="massage_pain_after_0_10"
            ),
            *_known("massage", portion=PORTION_CODES, side=SIDE_CODES, tool=TOOL_CODES),
            _version_unique("massage"),
        ]
        indexes = [_occurred_index("massage")]

    def __str__(self) -> str:
        return f"{self.portion} {self.side} {self.minutes} min at {self.occurred_at:%Y-%m-%d %H:%M}Z"


class PainDay(models.Model):
    """One local day of a user's pain entries, summed: what the trends read on PostgreSQL.

    Derived data, never written by the app: triggers on the pain entry table recompute a
    day from its entries in the same statement that changes one (``0003_painday``), so
    every write path keeps it, the sync push's bulk insert and the import included. A
    local day is the entry's ``occurred_at`` in its own ``time_zone``, as everywhere else.
    SQLite has no time zones, so there the table stays empty and the trends read entries.
    """

    pk = models.CompositePrimaryKey("user", "day")
    # The primary key's index starts with the user: a second index on it would only slow writes.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    day = models.DateField()
    total = models.PositiveIntegerField(help_text="Sum of the day's intensities.")
    count = models.PositiveIntegerField()
    peak = models.PositiveSmallIntegerField()
    depth = models.PositiveSmallIntegerField(help_text="Deepest zone order with pain above 0, or 0.")

    def __str__(self) -> str:
        return f"{self.day} of {self.user_id}: {self.count} entries"


RECORD_MODELS: dict[str, type[SyncedRecord]] = {
    PainEntry.sync_type: PainEntry,
    MassageSession.sync_type: MassageSession,
}


class SyncState(models.Model):
    """One row per user: the version counter that orders all of the user's changes.

    Every write locks this row (SELECT ... FOR UPDATE), so a user's writes commit
    in version order and a pull of ``version > cursor`` can never skip one.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_version = models.PositiveBigIntegerField(default=0)
    # Tombstones up to this version were purged; older cursors must re-sync from 0.
    purged_through_version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"sync state of {self.user_id}: v{self.last_version}"


class SyncClient(models.Model):
    """One installed app: bound to the first user who pushed with it."""

    client_id = models.UUIDField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Highest mutation id applied (or rejected); anything at or below is a retry.
    last_mutation_id = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now=True)
    # Set when the user revokes this install in Settings: its id is refused from then on, so
    # the install takes a new client_id and sends its outbox again under it (nothing lost).
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"client {self.client_id} of {self.user_id}"


class SyncRejection(models.Model):
    """A mutation the server refused, kept so a retry after a lost response still learns why."""

    client = models.ForeignKey(SyncClient, on_delete=models.CASCADE, related_name="rejections")
    mutation_id = models.PositiveBigIntegerField()
    code = models.CharField(max_length=16)
    errors = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "mutation_id"], name="sync_rejection_once"),
        ]

    def __str__(self) -> str:
        return f"rejected mutation {self.mutation_id} of {self.client_id} ({self.code})"
