import datetime as dt

import pytest

from boa.scanner.cpr import birth_date, compact_cpr, cpr_mod11, is_valid_cpr, is_valid_cvr, mask

TODAY = dt.date(2025, 6, 1)


@pytest.mark.parametrize(
    ("number", "year"),
    [
        ("010100-0000", 1900), ("311299-3999", 1999),          # 0-3: always 19YY
        ("010136-4000", 2036), ("010137-4000", 1937),          # 4: 20YY up to 36
        ("010136-9000", 2036), ("010137-9000", 1937),          # 9: as 4
        ("010157-5000", 2057), ("010158-5000", 1858),          # 5-8: 20YY up to 57
        ("010100-8000", 2000), ("311299-8000", 1899),
        ("010100-4000", 2000), ("010100-9000", 2000),
    ],
)
def test_century_rule_of_the_seventh_digit(number, year):
    assert birth_date(number).year == year


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("290200-1234", False),  # 1900 is not a leap year
        ("290200-4234", True),   # 2000 is
        ("290296-1234", True),   # 1996
        ("290297-1234", False),  # 1997
        ("290260-5234", True),   # 1860
        ("290259-5234", False),  # 1859
        ("290204-6234", True),   # 2004
        ("290205-6234", False),  # 2005
        ("300290-1234", False),
        ("310490-1234", False),
        ("001090-1234", False),
        ("011390-1234", False),
    ],
)
def test_leap_days_and_impossible_dates(number, valid):
    assert is_valid_cpr(number, TODAY) is valid


def test_birth_date_in_the_future_is_not_a_cpr():
    assert birth_date("010130-4000") == dt.date(2030, 1, 1)
    assert not is_valid_cpr("010130-4000", TODAY)
    assert is_valid_cpr("010124-4000", TODAY)


def test_modulus_11_is_not_required_but_is_recognised():
    assert cpr_mod11("211062-5629")  # an old-style number with a check digit
    assert is_valid_cpr("211062-5629", TODAY)
    exempt = "0101901234"
    assert not cpr_mod11(exempt)
    assert is_valid_cpr(exempt, TODAY)  # issued without modulus 11 since 2007


@pytest.mark.parametrize("shape", ["010190-1234", "0101901234"])
def test_accepted_shapes(shape):
    assert compact_cpr(shape) == "0101901234"


@pytest.mark.parametrize("shape", ["010190 1234", "01-01-90-1234", "010190-123", "01019012345", "0101９01234", ""])
def test_rejected_shapes(shape):
    assert compact_cpr(shape) is None
    assert not is_valid_cpr(shape, TODAY)


def test_cvr():
    assert is_valid_cvr("13585628")
    assert not is_valid_cvr("13585627")  # modulus 11 fails
    assert not is_valid_cvr("1358562")
    assert not is_valid_cvr("135856280")
    leading_zero = next(f"0{n:07d}" for n in range(10_000_000)
                        if sum(w * int(d) for w, d in zip((2, 7, 6, 5, 4, 3, 2, 1), f"0{n:07d}", strict=True)) % 11 == 0)
    assert not is_valid_cvr(leading_zero)


def test_mask_hides_the_serial_part():
    assert mask("0101901234") == "010190-****"
    assert mask("010190-1234") == "010190-****"
    assert mask("13585628") == "13******"
