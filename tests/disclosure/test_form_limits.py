"""Every free-text input of the screens has a length limit (issue 7, hardening).

The forms share their limits with the JSON API (custodian.disclosure.limits). An over-long
value is a form error naming the limit, and the screen changes nothing.
"""

import inspect

import pytest
from django import forms as django_forms
from django.urls import reverse

from custodian.desk import forms as desk_forms
from custodian.disclosure import forms as disclosure_forms
from custodian.disclosure.limits import LIMITS
from custodian.disclosure.models import Case, CaseEvent, DisclosureRequest
from tests.disclosure.test_views import intake_post


def _text_fields():
    for module in (disclosure_forms, desk_forms):
        for name, form in inspect.getmembers(module, inspect.isclass):
            if issubclass(form, django_forms.Form) and form.__module__ == module.__name__:
                for field_name, field in form.base_fields.items():
                    if type(field) is django_forms.CharField:
                        yield f"{name}.{field_name}", form, field_name, field


TEXT_FIELDS = {key: (form, name, field) for key, form, name, field in _text_fields()}


def test_the_forms_have_the_free_text_fields_we_expect():
    # A new text field without a limit would slip past the test below only if it were not
    # a CharField; make sure the walk finds the ones we know.
    assert {"IntakeForm.desk_notes", "NoteForm.note", "ReasonForm.reason"} <= set(TEXT_FIELDS)
    assert len(TEXT_FIELDS) >= 20


@pytest.mark.parametrize("key", sorted(TEXT_FIELDS))
def test_every_text_field_refuses_one_character_too_many(key):
    form_class, name, field = TEXT_FIELDS[key]
    assert field.max_length, f"{key} has no length limit"
    form = form_class(data={name: "7" * (field.max_length + 1)})
    form.is_valid()
    assert name in form.errors, key
    assert f"at most {field.max_length} characters" in " ".join(form.errors[name])
    if isinstance(field.widget, django_forms.Textarea):  # the browser stops typing there too
        assert str(field.widget.attrs["maxlength"]) == str(field.max_length)


def test_forms_and_api_share_the_limits():
    intake = disclosure_forms.IntakeForm.base_fields
    for name in ("desk_notes", "stated_purpose", "response_address", "requester_name"):
        assert intake[name].max_length == LIMITS[name]
    assert disclosure_forms.NoteForm.base_fields["note"].max_length == LIMITS["note"]


@pytest.mark.django_db
def test_over_long_desk_notes_on_the_intake_screen_change_nothing(client, staff, door):
    client.force_login(staff["desk"])
    resp = intake_post(client, desk_notes="x" * (LIMITS["desk_notes"] + 1))
    assert resp.status_code == 400
    assert f"at most {LIMITS['desk_notes']} characters" in resp.content.decode()
    assert DisclosureRequest.objects.count() == 0


@pytest.mark.django_db
def test_over_long_case_note_is_refused_by_name(client, staff, door):
    client.force_login(staff["desk"])
    intake_post(client)
    case = Case.objects.get()
    client.force_login(staff["director"])
    events = CaseEvent.objects.count()
    resp = client.post(
        reverse("disclosure:note", args=[case.ref]),
        {"note": "x" * (LIMITS["note"] + 1)},
        follow=True,
    )
    page = resp.content.decode()
    assert f"Note: Too long: at most {LIMITS['note']} characters" in page
    assert CaseEvent.objects.count() == events


def test_cost_form_bounds_the_numbers():
    form = disclosure_forms.CostForm(
        data={"description": "copying", "staff_minutes": 10**12, "hourly_rate": "1e12"}
    )
    assert not form.is_valid()
    assert {"staff_minutes", "hourly_rate"} <= set(form.errors)
