"""Checking a YAML file's contents with pydantic models, with errors that name the file, line and key.

The models say what a file may hold; `validated()` turns the first thing wrong into the loader's own error
(PackError, ScenarioError, ...) through the file's YamlDoc, which knows on which line every key stands:

    rules/PH001-no-negatives.yml:7: severity: 'urgent' is not one of info, minor, major, critical

A validator that knows which sub-key is wrong (an item of a list, a key of a mapping) raises `Problem(msg,
*keys)`. A field's `description`, or its model's `Config.expected`, says what is expected where a key is
missing or of the wrong kind; a model's `Config.unknown_key` may word the unknown-key message with `{key}`,
`{allowed}` (in the model's order), `{sorted}` and `{parent}` (the mapping holding the key).
"""

from __future__ import annotations

from pydantic import BaseModel, ValidationError
from pydantic.fields import SHAPE_SINGLETON

_KINDS = {"dict": "a mapping", "list": "a list", "str": "text", "integer": "a whole number", "float": "a number",
          "bool": "true or false", "tuple": "a list", "set": "a list", "not_allowed": "a value"}
_ANY = object()


class Problem(ValueError):
    """What a validator found wrong, at `keys` below the value it checked (an item, a key of a mapping)."""

    def __init__(self, msg: str, *keys):
        super().__init__(msg)
        self.keys = keys


def _model_field(model, loc):
    """The pydantic field (and the model holding it) that `loc` ends on, or (model, None)."""
    field = None
    for part in loc:
        fields = {f.alias: f for f in model.__fields__.values()} if _is_model(model) else {}
        if part in fields:
            field, model = fields[part], fields[part].type_
        elif not isinstance(part, int) and not (field is not None and field.shape != SHAPE_SINGLETON):
            return model, None  # a key of a mapping that is not a model's field
    return model, field


def _is_model(t) -> bool:
    return isinstance(t, type) and issubclass(t, BaseModel)


def _value(data, loc):
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return _ANY
    return data


def _message(model, data, err) -> tuple[tuple, str]:
    """(key path, message) of one pydantic error, in the project's words."""
    loc = tuple(p for p in err["loc"] if p != "__root__") + tuple((err.get("ctx") or {}).get("keys", ()))
    kind = err["type"]
    at, field = _model_field(model, loc)
    what = field.field_info.description if field is not None else None
    if kind == "value_error.missing":
        return loc[:-1], f"missing required key '{loc[-1]}'" + (f" ({what})" if what else "")
    if kind == "value_error.extra":
        parent, _ = _model_field(model, loc[:-1])
        allowed = [f.alias for f in parent.__fields__.values()] if _is_model(parent) else []
        wording = getattr(getattr(parent, "__config__", None), "unknown_key", "unknown key; expected {allowed}")
        where = next((p for p in reversed(loc[:-1]) if isinstance(p, str)), "")
        return loc, wording.format(key=loc[-1], allowed=", ".join(allowed), sorted=", ".join(sorted(allowed)),
                                   parent=where)
    if kind.startswith("type_error"):
        value = _value(data, loc)
        expected = (what or getattr(getattr(at, "__config__", None), "expected", None)
                    or _KINDS.get(kind.rsplit(".", 1)[-1], err["msg"]))
        return loc, f"expected {expected}, got {value!r}" if value is not _ANY else f"expected {expected}"
    return loc, err["msg"]


def validated(doc, model, data, keys=()):
    """`data`, found at `keys` in the YAML file `doc`, as a `model`; the first thing wrong becomes the file's
    error naming its line and key. Unknown keys are named first: a misspelt key is also a missing one, and
    the misspelling is the more useful thing to hear about."""
    try:
        return model.parse_obj(data)
    except ValidationError as exc:
        errors = sorted(exc.errors(), key=lambda e: e["type"] != "value_error.extra")
        loc, msg = _message(model, data, errors[0])
        raise doc.error((*keys, *loc), msg) from None


# -- checks the file models share (each raises the ValueError pydantic turns into the file's error) -----------
def nonempty_text(v, choices=()):
    """Non-empty text, one of `choices` when given."""
    if not isinstance(v, str) or not v.strip():
        raise ValueError(f"expected non-empty text, got {v!r}")
    return one_of(v, choices) if choices else v


def one_of(v, choices):
    """`v`, which must be one of `choices`."""
    if v not in choices:
        raise ValueError(f"{v!r} is not one of {', '.join(choices)}")
    return v


def listed(v, expected: str):
    """A non-empty list, or 'expected <expected>'."""
    if not isinstance(v, list) or not v:
        raise ValueError(f"expected {expected}")
    return v


def first_repeat(ids) -> tuple[int, int] | None:
    """(index, index of its first use) of the first id used twice, or None."""
    seen = {}
    for i, key in enumerate(ids):
        if key in seen:
            return i, seen[key]
        seen[key] = i
    return None
