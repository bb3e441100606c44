"""Indian mobile numbers: parsed with `phonenumbers`, stored in E.164."""

from functools import lru_cache

import phonenumbers


class InvalidPhone(ValueError):
    pass


def parse_indian_mobile(raw: str) -> str:
    """Return the E.164 form of an Indian mobile number typed any common way."""
    text = (raw or "").strip()
    # phonenumbers reads letters as keypad digits (vanity numbers): a capital O
    # typed for a zero would become a 6, another family's number. Refused.
    if not text or len(text) > 20 or any(ch.isalpha() for ch in text):
        raise InvalidPhone(raw)
    try:
        number = phonenumbers.parse(text, "IN")
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(raw) from exc
    if not phonenumbers.is_valid_number(number) or number.country_code != 91:
        raise InvalidPhone(raw)
    if phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise InvalidPhone(raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=64)
def display_phone(e164: str) -> str:
    """`+919137441392` -> `+91 91374 41392`, the way people read it aloud."""
    try:
        number = phonenumbers.parse(e164, "IN")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
