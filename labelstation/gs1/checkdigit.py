"""GS1 check digits: mod-10 for numeric keys and the check character pair for alphanumeric keys.

Every numeric GS1 key (GTIN-8/12/13/14, SSCC, GLN, GSIN, GDTI, GRAI, GSRN, ...) ends in a mod-10
check digit: weights 3, 1, 3, 1 ... from the right (check digit excluded) and the check digit
brings the sum to a multiple of ten. Alphanumeric keys (GMN, MUDI) carry a two-character check
pair (GS1 General Specifications 7.9.5), computed over CSET 82 with prime weights modulo 1021.

>>> check_digit("0950600013435")
'2'
>>> is_valid_check_digit("09506000134352")
True
>>> check_pair("1987654Ad4X4bL5ttr2310c")
'2K'
"""

from __future__ import annotations

from labelstation.errors import GS1Error

CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
CSET32 = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_CSET82_VALUE = {char: index for index, char in enumerate(CSET82)}
_DIGITS = frozenset("0123456789")


def _primes(count: int) -> tuple[int, ...]:
    found: list[int] = []
    candidate = 2
    while len(found) < count:
        if all(candidate % p for p in found if p * p <= candidate):
            found.append(candidate)
        candidate += 1
    return tuple(found)


# 97 primes cover the longest AI value (99 characters minus the pair), as in GS1's reference.
_PRIMES = _primes(97)


def check_digit(digits: str) -> str:
    """Compute the GS1 mod-10 check digit for ``digits`` (the key without its check digit).

    Raises:
        GS1Error: ``digits`` is empty or holds a non-digit.
    """
    if not digits or not _DIGITS.issuperset(digits):
        raise GS1Error(f"check digit: {digits!r} must be one or more digits")
    # Weight 3 on the rightmost digit, then alternating 1, 3, ...
    total = 3 * sum(map(int, digits[::-2])) + sum(map(int, digits[-2::-2]))
    return str(-total % 10)


def is_valid_check_digit(key: str) -> bool:
    """Tell whether the last digit of ``key`` is the GS1 mod-10 check digit of the rest.

    Returns False (never raises) for anything that is not at least two digits, so it can be used
    on raw scanner input.
    """
    if len(key) < 2 or not _DIGITS.issuperset(key):
        return False
    return check_digit(key[:-1]) == key[-1]


def check_pair(data: str) -> str:
    """Compute the two check characters of a GS1 alphanumeric key (GMN, MUDI).

    Raises:
        GS1Error: ``data`` holds a character outside CSET 82 or is longer than 97 characters.
    """
    if len(data) > len(_PRIMES):
        raise GS1Error(f"check pair: {data!r} is longer than {len(_PRIMES)} characters")
    total = 0
    for index, char in enumerate(data):
        value = _CSET82_VALUE.get(char)
        if value is None:
            raise GS1Error(
                f"check pair: character {char!r} at position {index + 1} is not in GS1 CSET 82"
            )
        total += value * _PRIMES[len(data) - 1 - index]
    total %= 1021
    return CSET32[total >> 5] + CSET32[total & 31]


def is_valid_check_pair(key: str) -> bool:
    """Tell whether ``key`` ends in the correct GS1 check character pair (never raises)."""
    if len(key) < 2 or len(key) - 2 > len(_PRIMES):
        return False
    if any(char not in _CSET82_VALUE for char in key[:-2]):
        return False
    return check_pair(key[:-2]) == key[-2:]
