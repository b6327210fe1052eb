"""PynamoDB models of the tables in infra/template.json, bound to a configured endpoint.

Models are built per configuration (table names and endpoint differ between AWS, moto and
LocalStack), so they are created by `build_models` rather than declared once at import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.config import Config


@dataclass(frozen=True)
class TableModels:
    ticket: type[Any]
    audit: type[Any]


def _meta(config: Config, table: str) -> type:
    attrs: dict[str, Any] = {"table_name": table, "region": config.aws.region}
    if config.aws.endpoint_url:
        attrs["host"] = config.aws.endpoint_url
        attrs["aws_access_key_id"] = config.aws.access_key_id
        attrs["aws_secret_access_key"] = config.aws.secret_access_key
    return type("Meta", (), attrs)


def _index_meta(name: str) -> type:
    return type("Meta", (), {"index_name": name, "projection": AllProjection()})


def build_models(config: Config) -> TableModels:
    """PynamoDB model classes for this configuration's tables and endpoint."""

    class TicketsByState(GlobalSecondaryIndex[Any]):
        Meta = _index_meta("by_state")
        state = UnicodeAttribute(hash_key=True)
        state_sort = UnicodeAttribute(range_key=True)

    class TicketsByRequester(GlobalSecondaryIndex[Any]):
        Meta = _index_meta("by_requester")
        requested_by = UnicodeAttribute(hash_key=True)
        created_sort = UnicodeAttribute(range_key=True)

    class TicketsByCreation(GlobalSecondaryIndex[Any]):
        Meta = _index_meta("by_created")
        kind = UnicodeAttribute(hash_key=True)
        created_sort = UnicodeAttribute(range_key=True)

    class TicketsByContent(GlobalSecondaryIndex[Any]):
        Meta = _index_meta("by_content")
        content_key = UnicodeAttribute(hash_key=True)
        created_sort = UnicodeAttribute(range_key=True)

    class TicketModel(Model):
        Meta = _meta(config, config.tickets_table)
        ticket_id = UnicodeAttribute(hash_key=True)
        state = UnicodeAttribute()
        state_sort = UnicodeAttribute()
        requested_by = UnicodeAttribute()
        created_sort = UnicodeAttribute()
        kind = UnicodeAttribute(default="ticket")
        content_key = UnicodeAttribute()
        version = NumberAttribute()
        document = UnicodeAttribute()
        by_content = TicketsByContent()
        by_state = TicketsByState()
        by_requester = TicketsByRequester()
        by_created = TicketsByCreation()

    class AuditByType(GlobalSecondaryIndex[Any]):
        Meta = _index_meta("by_type")
        event_type = UnicodeAttribute(hash_key=True)
        sort = UnicodeAttribute(range_key=True)

    class AuditByTime(GlobalSecondaryIndex[Any]):
        Meta = _index_meta("by_time")
        kind = UnicodeAttribute(hash_key=True)
        sort = UnicodeAttribute(range_key=True)

    class AuditModel(Model):
        Meta = _meta(config, config.audit_table)
        ticket_id = UnicodeAttribute(hash_key=True)
        sort = UnicodeAttribute(range_key=True)
        event_type = UnicodeAttribute()
        kind = UnicodeAttribute(default="audit")
        document = UnicodeAttribute()
        by_type = AuditByType()
        by_time = AuditByTime()

    return TableModels(ticket=TicketModel, audit=AuditModel)
