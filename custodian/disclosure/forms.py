"""Forms for the disclosure screens. They only shape input; the services decide."""

from django import forms

from custodian.disclosure import vocab
from custodian.disclosure.services import Intake


def _choices(mapping, blank=None):
    items = [(k, v) for k, v in mapping.items() if k]
    return ([("", blank)] + items) if blank else items


class IntakeForm(forms.Form):
    requester_kind = forms.ChoiceField(
        label="Who is asking", choices=_choices(vocab.REQUESTER_KINDS)
    )
    requester_name = forms.CharField(label="Requester's name", required=False, max_length=200)
    requester_organisation = forms.CharField(label="Organisation", required=False, max_length=200)
    financially_responsible = forms.BooleanField(
        label="Signed to accept financial responsibility for the patron", required=False
    )
    officer_name = forms.CharField(label="Officer's name", required=False, max_length=200)
    officer_badge = forms.CharField(label="Badge number", required=False, max_length=64)
    officer_agency = forms.CharField(label="Agency", required=False, max_length=200)
    stated_purpose = forms.CharField(
        label="Purpose of the visit, as stated",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    response_address = forms.CharField(
        label="Send the library's response to",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
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
        max_length=32,
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
    desk_notes = forms.CharField(
        label="Desk notes", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

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
    item = forms.IntegerField(widget=forms.HiddenInput)
    done = forms.BooleanField(required=False)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}))


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
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def valid_value(self):
        v = self.cleaned_data.get("instrument_valid")
        return None if not v else v == "yes"


class WrittenDecisionForm(forms.Form):
    disclose = forms.TypedChoiceField(
        label="Decision",
        choices=[("yes", "Heed the request: disclose"), ("no", "Do not disclose")],
        coerce=lambda v: v == "yes",
    )
    text = forms.CharField(label="Written decision", widget=forms.Textarea(attrs={"rows": 4}))
    basis = forms.CharField(
        label="What information or circumstances supported it",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReleaseForm(forms.Form):
    fields = forms.MultipleChoiceField(
        label="Fields to release", widget=forms.CheckboxSelectMultiple, choices=[]
    )
    handed_to = forms.CharField(label="Handed to (name, badge, agency)", max_length=300)
    date_from = forms.DateField(
        label="Records from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="Records to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fields"].choices = [(f, f"{vocab.FIELDS.get(f, f)} ({f})") for f in allowed]
        self.fields["fields"].initial = list(allowed)


class CostForm(forms.Form):
    description = forms.CharField(label="What the time was spent on", max_length=300)
    staff_minutes = forms.IntegerField(label="Staff minutes", min_value=1)
    hourly_rate = forms.DecimalField(
        label="Hourly rate ($)", required=False, min_value=0, decimal_places=2
    )


class CounselReviewForm(forms.Form):
    counsel_name = forms.CharField(label="Counsel", max_length=200)
    conclusion = forms.CharField(
        label="Counsel's conclusion", widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 2}))
