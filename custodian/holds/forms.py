"""The holds forms: placing a hold (by hand or from a case) and releasing one."""

from django import forms

from custodian.holds.services import CATEGORY_WORDS


class HoldForm(forms.Form):
    categories = forms.MultipleChoiceField(
        label="Which records",
        choices=list(CATEGORY_WORDS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tick none to hold all of the patron's records.",
    )
    records_from = forms.DateField(
        label="Records dated from",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for no start.",
    )
    records_until = forms.DateField(
        label="Records dated up to",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for no end.",
    )
    reason = forms.CharField(
        label="What asks for the hold",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The instrument: a subpoena, a preservation letter, a court order (and its "
        "number or date).",
    )

    def clean(self):
        data = super().clean()
        low, high = data.get("records_from"), data.get("records_until")
        if low and high and high < low:
            self.add_error("records_until", "The end of the range comes before its start.")
        return data


class HandHoldForm(HoldForm):
    card_number = forms.CharField(
        label="The patron's card number",
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    field_order = ["card_number", "categories", "records_from", "records_until", "reason"]


class ReleaseForm(forms.Form):
    reason = forms.CharField(
        label="Why the hold is released",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
