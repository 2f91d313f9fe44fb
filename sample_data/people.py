"""Fictional complainants: names, emails, phone numbers and addresses, drawn vectorised.

Real exports carry personal data, so the sample ones do too: the leak tests need something to
find. Everything here is invented. Phone numbers are in Ofcom's ranges reserved for drama
(07700 900xxx, 01632 960xxx), email domains are the reserved example.* ones, and "NS" is not a
real postcode area.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa

# Accented names are spelt as people spell them, and all fit cp1252, the corporate export's
# encoding: they make sure a reader that assumes UTF-8 notices.
# fmt: off
_FEMALE = (
    "Aisha", "Amelia", "Ann", "Barbara", "Bethany", "Chloé", "Claire", "Deborah", "Emily", "Fatima",
    "Grace", "Hannah", "Helen", "Jasmine", "Joanne", "Karen", "Kirsty", "Leanne", "Linda", "Lucy",
    "Margaret", "Maria", "Nadia", "Olivia", "Priya", "Rachel", "Renée", "Sarah", "Sharon", "Siân",
    "Sophie", "Susan", "Tracey", "Yasmin", "Zoë",
)
_MALE = (
    "Adam", "Ahmed", "Andrew", "Anthony", "Ben", "Carl", "Christopher", "Daniel", "David", "Declan",
    "Gareth", "Gary", "Ian", "Imran", "James", "Jason", "John", "José", "Kevin", "Liam", "Mark",
    "Michael", "Mohammed", "Neil", "Oliver", "Paul", "Peter", "Rajesh", "Richard", "Robert", "Ryan",
    "Seán", "Stephen", "Thomas", "Tomasz",
)
_SURNAMES = (
    "Ahmed", "Ali", "Allen", "Anderson", "Baker", "Begum", "Bell", "Brown", "Chen", "Clarke",
    "Cooper", "Davies", "Edwards", "Evans", "Green", "Hall", "Harris", "Harrison", "Hill", "Hughes",
    "Hussain", "Jackson", "Johnson", "Jones", "Kaur", "Khan", "King", "Kowalski", "Lewis", "Martin",
    "Mensah", "Mitchell", "Moore", "Morgan", "Morris", "Murphy", "Nguyen", "Nowak", "O'Brien",
    "Okafor", "Parker", "Patel", "Roberts", "Robinson", "Scott", "Shah", "Singh", "Smith", "Taylor",
    "Thomas", "Thompson", "Turner", "Walker", "Ward", "Watson", "White", "Williams", "Wilson", "Wood",
    "Wright", "Young",
)
_STREETS = (
    "Station Road", "Church Lane", "Mill Street", "High Street", "Victoria Road", "Park Avenue",
    "The Crescent", "Queens Drive", "Meadow Close", "Orchard Way", "Bridge Street", "School Lane",
    "Elm Grove", "Chapel Row", "Kingsway", "Moorland View", "Castle Street", "Willow Court",
)
# Fictional Northshire towns and the postcode district each one uses.
_TOWNS = (
    ("Northam", "NS1"), ("Kingsbridge", "NS3"), ("Ashby Moor", "NS4"), ("Fernleigh", "NS6"),
    ("Holtby", "NS7"), ("Wexcombe", "NS9"), ("Saltmarsh", "NS12"), ("Lower Brampton", "NS14"),
)
_EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.co.uk")
# Postcode units never use these letters.
_UNIT_LETTERS = tuple("ABDEFGHJLNPQRSTUWXYZ")
# fmt: on


def labels(options, positions: np.ndarray) -> pd.Series:
    """A text column from a short list of options and each row's position in it.

    Built as an Arrow dictionary and decoded in one step: no Python string per row.
    """
    dictionary = pa.array([str(option) for option in options], type=pa.large_string())
    encoded = pa.DictionaryArray.from_arrays(pa.array(np.asarray(positions, dtype=np.int32)), dictionary)
    return pd.Series(pd.array(encoded.cast(pa.large_string()), dtype="str"))


def _ascii(name: str) -> str:
    """'Zoë' -> 'Zoe', "O'Brien" -> 'OBrien': the name as it appears in an email address."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").replace("'", "")


def draw_people(count: int, rng: np.random.Generator) -> pd.DataFrame:
    """`count` invented people: title, names, email, phone, address, town, postcode, female.

    About a fifth have no email and a tenth no phone, as in real case systems. Everything is
    drawn as positions in the short lists above, so a million people cost a few array lookups.
    """
    first_names = _FEMALE + _MALE
    female = rng.random(count) < 0.55
    first = np.where(
        female, rng.integers(len(_FEMALE), size=count), len(_FEMALE) + rng.integers(len(_MALE), size=count)
    )
    surname = rng.integers(len(_SURNAMES), size=count)
    titles = ("Mrs", "Ms", "Miss", "Dr", "Mr", "Dr", "Mx")  # female ones, male ones, then Mx
    title = np.where(
        female,
        rng.choice(4, size=count, p=(0.45, 0.35, 0.17, 0.03)),
        4 + rng.choice(2, size=count, p=(0.96, 0.04)),
    )
    title = np.where(rng.random(count) < 0.01, len(titles) - 1, title)

    number = np.where(rng.random(count) < 0.5, rng.integers(1, 99, size=count), 0)  # 0: no number
    separator = rng.choice(3, size=count)
    email = (
        labels([_ascii(name).lower() for name in first_names], first)
        + labels((".", "_", ""), separator)
        + labels([_ascii(name).lower() for name in _SURNAMES], surname)
        + labels(["", *range(1, 99)], number)
        + "@"
        + labels(_EMAIL_DOMAINS, rng.choice(len(_EMAIL_DOMAINS), size=count))
    )
    email = email.where(rng.random(count) >= 0.2, None)

    mobile = rng.random(count) < 0.7
    phone = labels(("01632 960", "07700 900"), mobile.astype(int)) + labels(
        [f"{n:03d}" for n in range(1000)], rng.integers(0, 1000, count)
    )
    phone = phone.where(rng.random(count) >= 0.1, None)

    town = rng.integers(len(_TOWNS), size=count)
    towns = labels([name for name, _ in _TOWNS], town)
    unit = (
        labels(range(1, 10), rng.integers(1, 10, size=count) - 1)
        + labels(_UNIT_LETTERS, rng.integers(len(_UNIT_LETTERS), size=count))
        + labels(_UNIT_LETTERS, rng.integers(len(_UNIT_LETTERS), size=count))
    )
    house = labels(range(1, 220), rng.integers(1, 220, size=count) - 1)
    address = house + " " + labels(_STREETS, rng.choice(len(_STREETS), size=count)) + ", " + towns
    return pd.DataFrame(
        {
            "title": labels(titles, title),
            "first_name": labels(first_names, first),
            "surname": labels(_SURNAMES, surname),
            "email": email,
            "phone": phone,
            "address": address,
            "town": towns,
            "postcode": labels([district for _, district in _TOWNS], town) + " " + unit,
            "female": female,
        }
    )


def member_names(raised_via: pd.Series, rng: np.random.Generator, people: pd.DataFrame) -> pd.Series:
    """Who brought the complaint for the complainant, by raised-via code; missing for the public.

    MPs and councillors come from small fixed lists, as a county has a handful of each.
    """
    count = len(raised_via)
    # fmt: off
    mps = ("Sarah Whitlock MP", "Daniel Okoro MP", "Helen Marsh MP", "Robert Ainsley MP")
    councillors = tuple(f"Cllr {name}" for name in (
        "Peter Hanson", "Joan Fairley", "Ravi Mistry", "Gwen Tolley", "Alan Birch", "Mary Lomax",
        "Stuart Penn", "Ayesha Karim", "Colin Drury", "Beth Rowntree", "Frank Ellery", "Nina Vasquez",
    ))
    # fmt: on
    advocates = ("Northshire Advocacy Hub", "Carers Voice Northshire", "Age Matters Northshire")
    names = pd.Series(None, index=raised_via.index, dtype="str")
    for code, options in (("mp", mps), ("councillor", councillors), ("advocate", advocates)):
        drawn = labels(options, rng.choice(len(options), size=count)).set_axis(raised_via.index)
        names = names.mask(raised_via.eq(code).to_numpy(), drawn)
    representatives = (people["first_name"] + " " + people["surname"]).set_axis(raised_via.index)
    return names.mask(raised_via.eq("representative").to_numpy(), representatives)
