"""Model fields whose values are sealed at rest (see custodian.records.sealing).

`SealedField(owner="ref")` stores text sealed under the data key of the row's owner: the
attribute path from the instance to the owner's UUID ("ref" for a patron, "patron.ref" for
the people linked to one), or "" for the library's own key. A sealed value names its owner,
so a row whose patron link is stripped for statistics (a search, a reference question) must
seal under the library's key, or the sealed text would still say whose it was. The instance keeps the clear value; only the database sees the
sealed text. `kind` says what the clear value is: "text", "email" or "date".

A clear value reaching the database through this column any other way (`.filter(first_name=
...)`, `.update(phone=...)`) raises `SealedLookup`: sealed values cannot be searched, so a
lookup must go through a blind index (Patron.card_index, name_index). Empty text and None are
stored as they are: they say nothing about a person.
"""

import datetime

from django import forms
from django.core import validators
from django.db import models

from custodian.records import sealing


class SealedField(models.TextField):
    description = "Text sealed under its owner's data key"

    def __init__(self, *args, owner: str = "ref", kind: str = "text", **kwargs):
        self.owner = owner
        self.kind = kind
        if kind == "email":
            kwargs.setdefault("validators", [validators.validate_email])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["owner"] = self.owner
        if self.kind != "text":
            kwargs["kind"] = self.kind
        kwargs.pop("validators", None)
        return name, path, args, kwargs

    @property
    def label(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def owner_ref(self, instance):
        """The owner's UUID; the library's own when the row belongs to no patron, or when
        the field is the library's (`owner=""`)."""
        if not self.owner:
            return sealing.LIBRARY_OWNER
        value = instance
        for part in self.owner.split("."):
            value = getattr(value, part, None)
            if value is None:
                return sealing.LIBRARY_OWNER
        return value

    # -- Python side

    def _clear_text(self, value) -> str | None:
        if value is None:
            return None
        if self.kind == "date":
            if isinstance(value, datetime.date):
                return value.isoformat()
            return str(value)
        return str(value)

    def to_python(self, value):
        if self.kind == "date":
            if value in (None, ""):
                return None
            if isinstance(value, datetime.date):
                return value
            return models.DateField().to_python(value)
        return super().to_python(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return None if self.kind == "date" else value
        if not sealing.is_sealed(value):
            return self.to_python(value)  # a row written before sealing (migrated next)
        clear = sealing.open_sealed(value, self.label)
        if clear is None:  # the owner was erased: nothing to show, never an error page
            return None if self.kind == "date" or self.null else ""
        return self.to_python(clear) if self.kind == "date" else clear

    # -- database side

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if isinstance(value, sealing.Sealed):
            return value
        clear = self._clear_text(value)
        if clear is None or clear == "":
            return None if self.kind == "date" or (clear is None and self.null) else ""
        return sealing.seal(self.owner_ref(model_instance), self.label, clear)

    def get_prep_value(self, value):
        if value is None or isinstance(value, sealing.Sealed) or value == "":
            return value
        if hasattr(value, "resolve_expression"):
            return value
        raise sealing.SealedLookup(
            f"{self.label} is sealed: it cannot be searched or written in SQL by its clear "
            "value (use the blind index, or sealing.seal)"
        )

    def get_db_prep_value(self, value, connection, prepared=False):
        return self.get_prep_value(value)

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return "" if value is None else self._clear_text(value)

    def formfield(self, **kwargs):
        if self.kind == "date":
            return forms.DateField(required=not self.blank, label=self.verbose_name.capitalize())
        if self.kind == "email":
            kwargs.setdefault("form_class", forms.EmailField)
        return super().formfield(**kwargs)

    def get_internal_type(self):
        return "TextField"


class BlindIndexField(models.CharField):
    """A keyed hash (HMAC-SHA256, 32 hex) of other fields of the row, set when it is saved.

    `source` names the function in custodian.records.sealing and the fields it takes, e.g.
    ("card_index", "card_number") or ("name_index", "last_name", "first_name")."""

    def __init__(self, *args, source: tuple = (), **kwargs):
        self.source = tuple(source)
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in (("max_length", 32), ("editable", False), ("blank", True)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        if kwargs.get("default") == "":
            kwargs.pop("default")
        return name, path, args, kwargs

    def compute(self, instance) -> str:
        function, *fields = self.source
        values = []
        for field in fields:
            value = getattr(instance, field)
            if isinstance(value, sealing.Sealed):
                # Already sealed by a bulk writer: it must have set the index itself.
                return getattr(instance, self.attname)
            values.append(value or "")
        return getattr(sealing, function)(*values)

    def pre_save(self, model_instance, add):
        value = self.compute(model_instance)
        setattr(model_instance, self.attname, value)
        return value
