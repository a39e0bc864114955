"""What every refusal must satisfy: a message for the desk that names no patron."""


def assert_desk_safe(error, *patrons):
    message = str(error)
    assert message and message == error.message
    for patron in patrons:
        for secret in (patron.first_name, patron.last_name, patron.card_number):
            assert secret not in message, f"{secret!r} leaked into {message!r}"
