"""Forms for the disclosure screens. They only shape input; the services decide."""

from django import forms

from custodian.disclosure import vocab
from custodian.disclosure.limits import LIMITS, MAX_HOURLY_RATE_CENTS, MAX_STAFF_MINUTES
from custodian.disclosure.services import Intake


def _text(name: str, label: str, *, required=True, rows=None, **kw) -> forms.CharField:
    """A free-text field with the limit the API has for the same input (limits.LIMITS).

    Over-long input is a form error naming the field and the limit; the Textarea carries
    maxlength too, so a browser stops typing there first.
    """
    limit = LIMITS[name]
    widget = forms.Textarea(attrs={"rows": rows, "maxlength": limit}) if rows else None
    field = forms.CharField(label=label, required=required, max_length=limit, widget=widget, **kw)
    field.error_messages["max_length"] = (
        f"Too long: at most {limit} characters (this has %(show_value)d)."
    )
    return field


def _choices(mapping, blank=None):
    items = [(k, v) for k, v in mapping.items() if k]
    return ([("", blank)] + items) if blank else items


class IntakeForm(forms.Form):
    requester_kind = forms.ChoiceField(
        label="Who is asking", choices=_choices(vocab.REQUESTER_KINDS)
    )
    requester_name = _text("requester_name", "Requester's name", required=False)
    requester_organisation = _text("requester_organisation", "Organisation", required=False)
    financially_responsible = forms.BooleanField(
        label="Signed to accept financial responsibility for the patron", required=False
    )
    officer_name = _text("officer_name", "Officer's name", required=False)
    officer_badge = _text("officer_badge", "Badge number", required=False)
    officer_agency = _text("officer_agency", "Agency", required=False)
    stated_purpose = _text(
        "stated_purpose", "Purpose of the visit, as stated", required=False, rows=2
    )
    response_address = _text(
        "response_address", "Send the library's response to", required=False, rows=2
    )
    channel = forms.ChoiceField(label="How", choices=_choices(vocab.CHANNELS))
    evidence = forms.MultipleChoiceField(
        label="What they showed",
        choices=_choices(vocab.EVIDENCE),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    purpose = forms.ChoiceField(
        label="Purpose",
        choices=[("", vocab.PURPOSES[""])] + _choices(vocab.PURPOSES),
        required=False,
    )
    card_number = forms.CharField(
        label="Patron's card number",
        required=False,
        max_length=LIMITS["card_number"],
        help_text="Used once to find the account through the door; it is not stored with the request.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    patron_age = forms.IntegerField(
        label="Patron's age (if known and relevant)", required=False, min_value=0, max_value=130
    )
    instrument_type = forms.ChoiceField(
        label="Legal document",
        required=False,
        choices=[("", "None")] + _choices(vocab.INSTRUMENT_TYPES),
    )
    instrument_signed_by = forms.ChoiceField(
        label="Signed by", required=False, choices=[("", "—")] + _choices(vocab.SIGNERS)
    )
    instrument_court = forms.ChoiceField(
        label="Court", required=False, choices=[("", "—")] + _choices(vocab.COURTS)
    )
    instrument_scope = forms.MultipleChoiceField(
        label="Records named on the document's face",
        required=False,
        choices=_choices(vocab.FIELDS),
        widget=forms.CheckboxSelectMultiple,
    )
    instrument_date_from = forms.DateField(
        label="Document's date range: from",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    instrument_date_to = forms.DateField(
        label="to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    nondisclosure = forms.BooleanField(
        label="The document forbids telling anyone of it (nondisclosure)", required=False
    )
    scan = forms.FileField(label="Scan of the document (PDF or image, up to 10 MB)", required=False)
    requested = forms.MultipleChoiceField(
        label="What they ask for",
        choices=_choices(vocab.FIELDS),
        widget=forms.CheckboxSelectMultiple,
    )
    desk_notes = _text("desk_notes", "Desk notes", required=False, rows=3)

    def to_intake(self) -> Intake:
        d = self.cleaned_data
        return Intake(
            requester_kind=d["requester_kind"],
            channel=d["channel"],
            requested=list(d["requested"]),
            requester_name=d["requester_name"],
            requester_organisation=d["requester_organisation"],
            financially_responsible=d["financially_responsible"],
            officer_name=d["officer_name"],
            officer_badge=d["officer_badge"],
            officer_agency=d["officer_agency"],
            stated_purpose=d["stated_purpose"],
            response_address=d["response_address"],
            evidence=list(d["evidence"]),
            purpose=d["purpose"] or "",
            card_number=d["card_number"] or "",
            patron_age=d["patron_age"],
            instrument_type=d["instrument_type"] or "",
            instrument_signed_by=d["instrument_signed_by"] or "",
            instrument_court=d["instrument_court"] or "",
            instrument_scope=list(d["instrument_scope"]),
            instrument_date_from=d["instrument_date_from"],
            instrument_date_to=d["instrument_date_to"],
            nondisclosure=d["nondisclosure"],
            desk_notes=d["desk_notes"],
        )


class ChecklistForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    done = forms.BooleanField(required=False)
    note = _text("checklist_note", "Note", required=False, rows=2)


class NoteForm(forms.Form):
    note = _text("note", "Note", rows=3)


TRI = [("", "Not applicable"), ("yes", "Yes"), ("no", "No")]


class ReviewForm(forms.Form):
    instrument_valid = forms.ChoiceField(
        label="Is the document proper (legal review)?", choices=TRI, required=False
    )
    counsel_consulted = forms.BooleanField(label="Legal counsel consulted", required=False)
    board_consulted = forms.BooleanField(label="Library board consulted", required=False)
    emergency_confirmed = forms.BooleanField(
        label="Emergency confirmed: imminent danger to public health or safety", required=False
    )
    notes = _text("review_notes", "Notes", required=False, rows=3)

    def valid_value(self):
        v = self.cleaned_data.get("instrument_valid")
        return None if not v else v == "yes"


class WrittenDecisionForm(forms.Form):
    """The Director's written decision. Nothing is chosen for them: neither the decision nor
    any record. The override part is shown to the Director only (the service refuses others)."""

    disclose = forms.TypedChoiceField(
        label="Decision",
        choices=[("yes", "Heed the request: disclose"), ("no", "Do not disclose")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the library discloses."},
    )
    fields = forms.MultipleChoiceField(
        label="Records the decision discloses",
        required=False,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
    )
    text = _text("decision_text", "Written decision", rows=4)
    basis = _text("decision_basis", "What information or circumstances supported it", rows=3)
    override = forms.BooleanField(
        label="I override the policy engine's answer: this decision gives more than it does",
        required=False,
    )
    override_reason = _text(
        "override_reason", "Why the decision overrides it", required=False, rows=3
    )
    override_counsel = _text("counsel_name", "Counsel who reviewed the override", required=False)
    counsel_reviewed_on = forms.DateField(
        label="Day counsel reviewed it",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, asked=(), engine=(), **kwargs):
        kwargs.pop("director", None)
        super().__init__(*args, **kwargs)
        engine = list(engine)
        self.fields["fields"].choices = [
            (f, vocab.FIELDS.get(f, f) + (" (the policy releases it)" if f in engine else ""))
            for f in asked
        ]
        released = ", ".join(vocab.FIELDS.get(f, f) for f in engine)
        self.fields["fields"].help_text = (
            f"None ticked: what the policy engine's answer releases ({released})."
            if engine
            else "The policy engine's answer releases nothing: disclosing needs the override."
        )

    def override_part(self):
        return [
            self[n]
            for n in ("override", "override_reason", "override_counsel", "counsel_reviewed_on")
        ]

    def decision_part(self):
        return [self[n] for n in ("disclose", "fields", "text", "basis")]


class ReleaseForm(forms.Form):
    fields = forms.MultipleChoiceField(
        label="Fields to release", widget=forms.CheckboxSelectMultiple, choices=[]
    )
    handed_to = _text("handed_to", "Handed to (name, badge, agency)")
    date_from = forms.DateField(
        label="Records from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="Records to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fields"].choices = [(f, vocab.FIELDS.get(f, f)) for f in allowed]
        self.fields["fields"].initial = list(allowed)


class CostForm(forms.Form):
    description = _text("cost_description", "What the time was spent on")
    staff_minutes = forms.IntegerField(
        label="Staff minutes", min_value=1, max_value=MAX_STAFF_MINUTES
    )
    hourly_rate = forms.DecimalField(
        label="Hourly rate ($)",
        required=False,
        min_value=0,
        max_value=MAX_HOURLY_RATE_CENTS // 100,
        decimal_places=2,
    )


class CounselReviewForm(forms.Form):
    counsel_name = _text("counsel_name", "Counsel")
    conclusion = _text("counsel_conclusion", "Counsel's conclusion", rows=3)


class ReasonForm(forms.Form):
    reason = _text("reason", "Reason", rows=2)
