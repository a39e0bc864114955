"""Small built-in word lists for people and places.

Built in rather than fetched so that generation needs no network and stays deterministic
for a seed. Every phone number is in the 555-01xx block reserved for fiction and every
e-mail address is on a reserved example domain, so generated data can never reach a person.
"""

FIRST_NAMES = (
    "Aaliyah Aarav Abigail Adrian Aiden Alejandro Alice Amara Amelia Ana Andre Anika Arjun "
    "Aria Asher Ava Benjamin Bianca Caleb Camila Carlos Carmen Charlotte Chloe Daniel Deja "
    "Diego Dmitri Elena Eli Elijah Ella Emeka Emily Emma Ethan Evelyn Farah Felix Fatima "
    "Gabriel Grace Hana Harper Hassan Henry Hiro Imani Isaac Isabella Ivan Jack Jada Jamal "
    "James Jasmine Javier Jayden Jin Joseph Julia Kai Kavya Keanu Kenji Laila Layla Leah "
    "Leo Liam Lila Lucas Luna Malik Maria Mateo Maya Mei Mia Miguel Mila Mohammed Naomi "
    "Nia Noah Nora Oliver Olivia Omar Oscar Priya Quinn Rafael Ravi Riley Rosa Ruby Samuel "
    "Santiago Sara Sebastian Sofia Sophia Tariq Theo Thomas Valentina Victoria Wei William "
    "Xavier Yara Yusuf Zara Zoe"
).split()

# Older generations' names, used for most adults over sixty and for some parents.
OLDER_FIRST_NAMES = (
    "Barbara Betty Carol Dennis Donald Dorothy Frank Gary Gloria Harold Helen Joan Judith "
    "Kenneth Larry Linda Margaret Marilyn Nancy Patricia Richard Ronald Ruth Sandra Shirley "
    "Stephen Walter"
).split()

LAST_NAMES = (
    "Abara Acosta Adams Aguilar Ahmed Alvarez Anderson Baker Banerjee Bennett Brooks Brown "
    "Campbell Castillo Chen Cho Clark Collins Cruz Davis Diaz Dubois Edwards Evans Fernandez "
    "Flores Foster Garcia Gomez Gonzalez Gray Green Gupta Hall Harris Hernandez Hill Hoang "
    "Hughes Ibrahim Jackson James Jenkins Johnson Jones Kaur Kelly Khan Kim King Kowalski "
    "Kumar Lee Lewis Lin Lopez Martin Martinez Mendoza Miller Mitchell Moore Morales Morgan "
    "Murphy Nakamura Nguyen Novak Obi Okafor Olsen Ortiz Park Patel Perez Peterson Phillips "
    "Ramirez Reed Reyes Rivera Roberts Robinson Rodriguez Rogers Ruiz Sanchez Santos Schmidt "
    "Scott Shah Silva Singh Smith Sullivan Suzuki Tanaka Taylor Thomas Thompson Torres Tran "
    "Turner Vasquez Walker Wang Ward Washington White Williams Wilson Wong Wright Wu Yamamoto "
    "Young Zhang"
).split()

STREETS = (
    "Alder Ash Aspen Bay Birch Bodega Cedar Cherry Chestnut College Cypress Dogwood Elm "
    "Fir Fremont Grove Harbor Hazel Hillcrest Juniper Lake Laurel Madrone Magnolia Main "
    "Maple Meadow Mill Mission Oak Orchard Park Pine Poplar Redwood River Sequoia Spruce "
    "Sunset Sycamore Valley Vine Walnut Willow"
).split()

STREET_KINDS = ("St", "Ave", "Rd", "Ln", "Way", "Dr", "Ct", "Blvd", "Pl")

# Fictional towns of a fictional county, each with its own postal code.
TOWNS = (
    ("Alder Springs", "95401"),
    ("Bellhaven", "95403"),
    ("Cedar Flat", "95404"),
    ("Dunmore", "95405"),
    ("East Orchard", "95407"),
    ("Fairbrook", "95409"),
    ("Glenmoor", "95412"),
    ("Harrow Point", "95419"),
    ("Indigo Valley", "95421"),
    ("Juniper Hills", "95425"),
    ("Kestrel Bay", "95430"),
    ("Larkfield", "95436"),
)

EMAIL_DOMAINS = ("example.org", "example.com", "example.net")

# Branch names; the first is always the main library.
BRANCH_NAMES = (
    "Central Library",
    "Alder Springs Branch",
    "Bellhaven Branch",
    "Cedar Flat Branch",
    "Dunmore Branch",
    "East Orchard Branch",
    "Fairbrook Branch",
    "Glenmoor Branch",
    "Harrow Point Branch",
    "Indigo Valley Branch",
    "Juniper Hills Branch",
    "Kestrel Bay Branch",
    "Larkfield Branch",
    "Northgate Branch",
    "Oakmont Branch",
    "Pinecrest Branch",
    "Quarry Road Branch",
    "Riverside Branch",
    "Southpark Branch",
    "Tamarack Branch",
)

ROOM_NAMES = (
    ("Community Room", 60),
    ("Meeting Room A", 20),
    ("Study Room 1", 4),
    ("Study Room 2", 6),
    ("Meeting Room B", 12),
)

CAMERAS = ("Entrance", "Circulation desk", "Children's area", "Computer lab", "Parking lot")

LENDING_LIBRARIES = (
    "Bay Area University Library",
    "State Library",
    "Coastal County Library",
    "Mountain Regional Library",
    "City College Library",
    "Valley Public Library",
)
