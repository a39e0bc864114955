"""Desk forms: one field each, sized for a barcode scanner that types and presses Enter."""

from django import forms


class CardLookupForm(forms.Form):
    card_number = forms.CharField(
        label="Card number",
        max_length=32,
        strip=True,
        help_text="Scan the library card or type the number on it.",
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "aria-describedby": "id_card_number_hint",
            }
        ),
    )


class ItemBarcodeForm(forms.Form):
    barcode = forms.CharField(
        label="Item barcode",
        max_length=32,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class CheckInForm(ItemBarcodeForm):
    # Where to come back to after the check-in: the patron page it was made from, if any.
    return_to = forms.UUIDField(required=False, widget=forms.HiddenInput)
