"""The IT administrator's forms for staff accounts. Validation only: the writes (and their
audit entries) are custodian/accounts/services.py, the same ones `custodian staff` uses."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError

from custodian.accounts.models import Role, StaffUser
from custodian.accounts.selectors import branch_choices

NO_BRANCH = ("", "No branch (library-wide)")


def focus_first_error(form: forms.Form) -> None:
    """Put the cursor in the first field with an error when the page comes back (no script)."""
    for name in form.fields:
        if name in form.errors:
            form.fields[name].widget.attrs["autofocus"] = True
            return


def _branches() -> list[tuple[str, str]]:
    return [NO_BRANCH, *branch_choices()]


class _Passwords(forms.Form):
    """Two password fields; the second must match; Django's validators name the rule."""

    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=" ".join(password_validation.password_validators_help_texts()),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def _account(self) -> StaffUser:
        raise NotImplementedError

    def clean_password2(self):
        first = self.cleaned_data.get("password1")
        second = self.cleaned_data.get("password2")
        if first is not None and first != second:
            raise ValidationError("The two passwords differ. Type the same password twice.")
        return second

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password1")
        if password and "password2" not in self.errors:
            try:
                password_validation.validate_password(password, user=self._account())
            except ValidationError as e:
                self.add_error("password1", e)
        return cleaned


class NewStaffForm(_Passwords):
    username = forms.CharField(
        label="Username",
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text="What they type to sign in: letters, digits and @ . + - _ only.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    role = forms.ChoiceField(label="Role", choices=[("", "Choose a role"), *Role.choices])
    branch = forms.ChoiceField(label="Branch", required=False, choices=())

    field_order = ["username", "role", "branch", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].choices = _branches()

    def clean_username(self):
        username = self.cleaned_data["username"]
        if StaffUser.objects.filter(username=username).exists():
            raise ValidationError("That username is taken. Choose another.")
        return username

    def _account(self) -> StaffUser:
        # The validators compare the password with the username (when it is valid).
        return StaffUser(username=self.cleaned_data.get("username", ""))


class RoleBranchForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)
    branch = forms.ChoiceField(label="Branch", required=False, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].choices = _branches()


class PasswordForm(_Passwords):
    def __init__(self, *args, account: StaffUser, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account

    def _account(self) -> StaffUser:
        return self.account
