"""The intake at the counter in four short steps: who is asking, how, what they show or
hold, what they want. Each step's form carries only the fields that apply to the kind of
requester chosen in the first step. The forms only shape input; services.intake decides.
"""

from __future__ import annotations

from django import forms

from custodian.disclosure import vocab
from custodian.disclosure.forms import _choices, _text
from custodian.disclosure.limits import LIMITS
from custodian.disclosure.services import Intake

STEPS = ("who", "how", "shows", "wants")
STEP_TITLES = {
    "who": "Who is asking",
    "how": "How they ask",
    "shows": "What they show or hold",
    "wants": "What they want",
}

# Who may show a library card, a PIN or a signed authorisation for the patron.
CARD_HOLDERS = ("patron", "authorized_agent", "guardian")
# Who may come with a legal document (a parent or a patron never needs those fields).
DOCUMENT_HOLDERS = ("law_enforcement", "immigration", "government", "attorney", "public", "media")
# Who may give a reason the policies weigh (library business, overdue recovery, emergency).
PURPOSE_KINDS = tuple(k for k in vocab.REQUESTER_KINDS if k not in ("patron", "authorized_agent"))
# Who may want the answer sent somewhere (a letter, an agency's address).
ANSWER_TO_KINDS = (*vocab.OFFICER_KINDS, "attorney", "media", "public", "vendor")
ORGANISATION_KINDS = ("media", "vendor", "attorney")

_CARD_PROOF = ("library_card", "card_number", "photo_id", "pin")
EVIDENCE_BY_KIND = {
    "patron": _CARD_PROOF,
    "guardian": _CARD_PROOF,
    "authorized_agent": ("written_authorization", *_CARD_PROOF),
    "law_enforcement": ("officer_credentials", "photo_id"),
    "immigration": ("officer_credentials", "photo_id"),
    "government": ("officer_credentials", "photo_id"),
}
OTHER_EVIDENCE = ("photo_id",)

# The 27 fields under the headings people use (one table, shared with the case lists).
GROUPS = vocab.FIELD_GROUPS
GROUP_FIELDS = {key: fields for key, _, fields in GROUPS}
NO_DOCUMENT = "none"


class _FocusFirst:
    """A group of options whose first alone takes `autofocus` (one per page)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if index:
            option["attrs"].pop("autofocus", None)
        return option


class Radios(_FocusFirst, forms.RadioSelect):
    pass


class Boxes(_FocusFirst, forms.CheckboxSelectMultiple):
    pass


def _radios(label, choices, *, required=True, missing="Choose one.") -> forms.ChoiceField:
    field = forms.ChoiceField(label=label, choices=choices, required=required, widget=Radios)
    field.error_messages["required"] = missing
    return field


def _boxes(label, choices) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(label=label, choices=choices, required=False, widget=Boxes)


def _groups_field(label) -> forms.MultipleChoiceField:
    return _boxes(label, [(k, v) for k, v, _ in GROUPS])


def _expand(fields, groups) -> list[str]:
    """Chosen fields plus every field of each whole group chosen, in the vocabulary's order."""
    chosen = set(fields)
    for g in groups:
        chosen.update(GROUP_FIELDS.get(g, ()))
    return [f for f in vocab.FIELDS if f in chosen]


class StepForm(forms.Form):
    """A step whose fields depend on who is asking; `applies` says which fields stay."""

    step = ""
    DOCUMENT_FIELDS: tuple[str, ...] = ()

    def __init__(self, *args, kind: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        for name in list(self.fields):
            if not self.applies(name, kind):
                del self.fields[name]
        for name, field in self.fields.items():
            field.widget.is_group = isinstance(
                field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)
            )
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}_hint"

    @staticmethod
    def applies(name: str, kind: str) -> bool:
        return True

    def mark_errors(self, *, focus=True) -> None:
        """Tie each error to its field for screen readers and put the cursor on the first."""
        first = True
        for name in self.fields:
            if name not in self.errors:
                continue
            attrs = self.fields[name].widget.attrs
            attrs["aria-invalid"] = "true"
            hint = attrs.get("aria-describedby", "")
            attrs["aria-describedby"] = f"{self[name].auto_id}_error {hint}".strip()
            if first and focus:
                attrs["autofocus"] = True
                first = False

    def raw(self) -> dict:
        """What was typed or ticked on this step, kept as entered (lists for checkboxes)."""
        out = {}
        for name, field in self.fields.items():
            if isinstance(field, forms.FileField):
                continue
            if isinstance(field, forms.MultipleChoiceField):
                out[name] = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            elif name in self.data:
                out[name] = self.data.get(name, "")
        return out


class WhoForm(StepForm):
    step = "who"
    requester_kind = _radios(
        "Who is asking?",
        _choices(vocab.REQUESTER_KINDS),
        missing="Choose who is asking.",
    )


class HowForm(StepForm):
    step = "how"
    channel = _radios("How are they asking?", _choices(vocab.CHANNELS), missing="Choose how.")
    officer_name = _text("officer_name", "Officer's name", required=False)
    officer_badge = _text("officer_badge", "Badge number", required=False)
    officer_agency = _text("officer_agency", "Agency", required=False)
    requester_name = _text("requester_name", "Their name", required=False)
    requester_organisation = _text("requester_organisation", "Organisation", required=False)
    stated_purpose = _text(
        "stated_purpose", "What they say it is for, in their words", required=False, rows=2
    )
    purpose = forms.ChoiceField(
        label="Why they are asking, where it matters",
        choices=[("", vocab.PURPOSES[""])] + _choices(vocab.PURPOSES),
        required=False,
    )
    response_address = _text(
        "response_address",
        "Where to send the library's answer, if they ask for one in writing",
        required=False,
        rows=2,
    )

    @staticmethod
    def applies(name, kind):
        officer = kind in vocab.OFFICER_KINDS
        return {
            "officer_name": officer,
            "officer_badge": officer,
            "officer_agency": officer,
            "stated_purpose": officer,
            "requester_name": not officer and kind != "patron",
            "requester_organisation": kind in ORGANISATION_KINDS,
            "purpose": kind in PURPOSE_KINDS,
            "response_address": kind in ANSWER_TO_KINDS,
        }.get(name, True)


class ShowsForm(StepForm):
    step = "shows"
    evidence = _boxes("What they show you", _choices(vocab.EVIDENCE))
    card_number = forms.CharField(
        label="The card number they gave or showed",
        required=False,
        max_length=LIMITS["card_number"],
        help_text="Used once to find the account; it is not kept with the request.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    financially_responsible = forms.BooleanField(
        label="They signed to accept financial responsibility for the child's account",
        required=False,
    )
    patron_age = forms.IntegerField(
        label="The child's age, if you know it",
        help_text="Left empty, the age on the account is used.",
        required=False,
        min_value=0,
        max_value=130,
    )
    instrument_type = _radios(
        "Do they hold a legal document?",
        [(NO_DOCUMENT, "No document")] + _choices(vocab.INSTRUMENT_TYPES),
        missing="Say whether they hold a document: choose “No document” or its type.",
    )
    instrument_signed_by = _radios(
        "Who signed it", [("", "Not said")] + _choices(vocab.SIGNERS), required=False
    )
    instrument_court = _radios(
        "Which court issued it",
        [("", "No court, or not said")] + _choices(vocab.COURTS),
        required=False,
    )
    instrument_scope = _boxes("What its face names", _choices(vocab.FIELDS))
    instrument_scope_groups = _groups_field("Whole groups its face names")
    instrument_date_from = forms.DateField(
        label="Records from (as the document says)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    instrument_date_to = forms.DateField(
        label="Records to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    nondisclosure = forms.BooleanField(
        label="It forbids telling anyone about it (nondisclosure)", required=False
    )

    DOCUMENT_FIELDS = (
        "instrument_signed_by",
        "instrument_court",
        "instrument_scope",
        "instrument_scope_groups",
        "instrument_date_from",
        "instrument_date_to",
        "nondisclosure",
    )

    def __init__(self, *args, kind="", **kwargs):
        super().__init__(*args, kind=kind, **kwargs)
        if "evidence" in self.fields:
            allowed = EVIDENCE_BY_KIND.get(kind, OTHER_EVIDENCE)
            self.fields["evidence"].choices = [(e, vocab.EVIDENCE[e]) for e in allowed]

    @staticmethod
    def applies(name, kind):
        if name in ("card_number",):
            return kind in CARD_HOLDERS
        if name in ("financially_responsible", "patron_age"):
            return kind == "guardian"
        if name == "instrument_type" or name in ShowsForm.DOCUMENT_FIELDS:
            return kind in DOCUMENT_HOLDERS
        return True

    def clean(self):
        d = super().clean()
        if "instrument_type" not in self.fields:
            return d
        d["instrument_scope"] = _expand(
            d.get("instrument_scope") or (), d.get("instrument_scope_groups") or ()
        )
        described = [
            n
            for n in ("instrument_signed_by", "instrument_court", "instrument_scope")
            + ("instrument_date_from", "instrument_date_to", "nondisclosure")
            if d.get(n)
        ]
        if d.get("instrument_type") == NO_DOCUMENT and described:
            self.add_error(
                "instrument_type",
                "You described a document: choose its type, or clear what you filled in.",
            )
        start, end = d.get("instrument_date_from"), d.get("instrument_date_to")
        if start and end and end < start:
            self.add_error("instrument_date_to", "The document's date range ends before it starts.")
        return d


class WantsForm(StepForm):
    step = "wants"
    card_number = forms.CharField(
        label="Card number of the patron it is about, if you have it",
        required=False,
        max_length=LIMITS["card_number"],
        help_text="Used once to find the account; it is not kept with the request.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    requested = _boxes("What they ask for", _choices(vocab.FIELDS))
    requested_groups = _groups_field("Whole groups they ask for")
    scan = forms.FileField(
        label="Scan of the document (PDF or image, up to 10 MB)",
        required=False,
        help_text="If the library's copier made one; you can add it to the case later.",
    )
    desk_notes = _text("desk_notes", "Notes for the director", required=False, rows=3)

    def __init__(self, *args, kind="", has_document=False, **kwargs):
        super().__init__(*args, kind=kind, **kwargs)
        if not has_document:
            self.fields.pop("scan", None)

    @staticmethod
    def applies(name, kind):
        if name == "card_number":
            return kind not in CARD_HOLDERS
        return True

    def clean(self):
        d = super().clean()
        d["requested"] = _expand(d.get("requested") or (), d.get("requested_groups") or ())
        if not d["requested"] and "requested" not in self.errors:
            self.add_error("requested", "Choose at least one thing they ask for, or a whole group.")
        return d


FORMS = {f.step: f for f in (WhoForm, HowForm, ShowsForm, WantsForm)}


def grouped(form: StepForm, name: str, groups_name: str):
    """The checkbox groups of a field for the template: each group with its own options."""
    bound = form[name]
    value = set(bound.value() or ())
    chosen_groups = set(form[groups_name].value() or ())
    labels = dict(form.fields[name].choices)
    out = []
    for key, label, fields in GROUPS:
        out.append(
            {
                "key": key,
                "label": label,
                # Only a group the clerk ticked: one whose lines are all ticked stays as lines,
                # so unticking one of them later is not undone by the group.
                "whole": key in chosen_groups,
                "options": [
                    {"value": f, "label": labels[f], "checked": f in value, "id": f"id_{name}_{f}"}
                    for f in fields
                ],
            }
        )
    return out


def to_intake(cleaned: dict) -> Intake:
    """One Intake from the cleaned answers of all four steps (absent fields: defaults)."""
    d = cleaned
    instrument = d.get("instrument_type") or ""
    if instrument == NO_DOCUMENT:
        instrument = ""
    return Intake(
        requester_kind=d["requester_kind"],
        channel=d["channel"],
        requested=list(d.get("requested") or ()),
        requester_name=d.get("requester_name") or "",
        requester_organisation=d.get("requester_organisation") or "",
        financially_responsible=bool(d.get("financially_responsible")),
        officer_name=d.get("officer_name") or "",
        officer_badge=d.get("officer_badge") or "",
        officer_agency=d.get("officer_agency") or "",
        stated_purpose=d.get("stated_purpose") or "",
        response_address=d.get("response_address") or "",
        evidence=list(d.get("evidence") or ()),
        purpose=d.get("purpose") or "",
        card_number=d.get("card_number") or "",
        patron_age=d.get("patron_age"),
        instrument_type=instrument,
        instrument_signed_by=(d.get("instrument_signed_by") or "") if instrument else "",
        instrument_court=(d.get("instrument_court") or "") if instrument else "",
        instrument_scope=list(d.get("instrument_scope") or ()) if instrument else [],
        instrument_date_from=d.get("instrument_date_from") if instrument else None,
        instrument_date_to=d.get("instrument_date_to") if instrument else None,
        nondisclosure=bool(d.get("nondisclosure")) if instrument else False,
        desk_notes=d.get("desk_notes") or "",
    )
