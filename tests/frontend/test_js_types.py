"""The JavaScript types of records and sync messages name exactly the fields the API serves.

frontend/static/js/types.js marks each typedef that mirrors an OpenAPI component with a line
"OpenAPI: <Component>"; a field renamed, added or dropped on either side fails here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

TYPES_JS = Path(__file__).resolve().parents[2] / "frontend" / "static" / "js" / "types.js"
# The shapes the app reads or sends; a typedef losing its "OpenAPI:" line must not pass unseen.
MIRRORED = {
    "PainEntry": "PainEntryOutput",
    "MassageSession": "MassageSessionOutput",
    "Mutation": "MutationRequest",
    "PushRequest": "PushRequestRequest",
    "Rejection": "Rejection",
    "PushResponse": "PushResponse",
    "PainEntryChange": "PainEntryChange",
    "MassageSessionChange": "MassageSessionChange",
    "PullResponse": "PullResponse",
    "SyncError": "SyncConflict",
    "ForeignClientError": "ForeignClientError",
}

BLOCK = re.compile(r"/\*\*(.*?)\*/", re.DOTALL)
TYPEDEF = re.compile(r"@typedef\s+\{[^}]*\}\s+(\w+)")
COMPONENT = re.compile(r"OpenAPI:\s*(\w+)")
# "@property {type} name" or "@property {type} [name]" (optional); types may nest braces.
PROPERTY = re.compile(r"@property\s+\{.*\}\s+\[?(\w+)\]?")


def js_typedefs() -> dict[str, tuple[str, dict[str, bool]]]:
    """typedef name -> (OpenAPI component, {field: required})."""
    found = {}
    for block in BLOCK.findall(TYPES_JS.read_text()):
        name, component = TYPEDEF.search(block), COMPONENT.search(block)
        if not (name and component):
            continue
        fields = {}
        for line in block.splitlines():
            match = PROPERTY.search(line)
            if match:
                fields[match.group(1)] = f"[{match.group(1)}]" not in line
        found[name.group(1)] = (component.group(1), fields)
    return found


@pytest.fixture
def components(user_client) -> dict:
    response = user_client.get(
        "/api/schema/", {"format": "json"}, HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert response.status_code == 200
    return json.loads(response.content)["components"]["schemas"]


def test_every_mirrored_shape_has_a_typedef_tied_to_its_component():
    typedefs = js_typedefs()
    assert {name: component for name, (component, _) in typedefs.items()} == MIRRORED


@pytest.mark.parametrize("typedef", sorted(MIRRORED))
def test_typedef_fields_match_the_served_schema(typedef, components):
    component, fields = js_typedefs()[typedef]
    schema = components[component]
    assert set(fields) == set(schema["properties"]), f"{typedef} vs {component}"
    required = {name for name, is_required in fields.items() if is_required}
    assert required == set(schema.get("required", [])), f"{typedef}: required fields vs {component}"
