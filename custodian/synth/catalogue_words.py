"""Word lists for the catalogue and the library's services: titles, subjects, programs."""

ADJECTIVES = (
    "Silent Hidden Last Secret Lost Golden Broken Little Wild Quiet Distant Burning Forgotten "
    "Endless Crimson Northern Hollow Midnight Bright Patient Restless Invisible Salt Paper "
    "Glass Iron Summer Winter Electric Gentle"
).split()

NOUNS = (
    "River Garden House Map Orchard Island Sky Kingdom Harbor Letter Clock Forest Bridge "
    "Lighthouse Journey Promise Song Mountain Window Shadow Engine Library Daughter Stranger "
    "Season Fire Storm Field Compass Archive Moon Tide Road Voyage Theory"
).split()

PLACES = (
    "Kestrel Bay, the North, Tomorrow, the Valley, Glass, Ashes, the Orchard, Stars, Salt, "
    "the Harbor, Summer, the Mountain, Paper Towns, the Old City, the Tides"
).split(", ")

# (audience code, call number stem, subject words) for the three collections.
NONFICTION = (
    ("004.16", "computers"),
    ("133.3", "dreams"),
    ("158.1", "self-help"),
    ("306.85", "families"),
    ("333.72", "conservation"),
    ("362.1", "health care"),
    ("394.26", "holidays"),
    ("428.24", "English language"),
    ("509", "history of science"),
    ("523.1", "the universe"),
    ("581.7", "plants"),
    ("599.75", "big cats"),
    ("613.7", "fitness"),
    ("635.9", "gardening"),
    ("641.5", "cooking"),
    ("741.5", "comics"),
    ("796.33", "soccer"),
    ("910.4", "travel"),
    ("940.53", "World War II"),
    ("979.4", "California history"),
)

NONFICTION_TITLE_PATTERNS = (
    "A Short History of {subject}",
    "The Complete Guide to {subject}",
    "{subject}: An Introduction",
    "Understanding {subject}",
    "Everything About {subject}",
    "The Little Book of {subject}",
)

JUVENILE_TITLE_PATTERNS = (
    "The {adj} {noun}",
    "Where Is My {noun}?",
    "Pip and the {adj} {noun}",
    "Goodnight, {noun}",
    "The Very {adj} {noun}",
)

TEEN_TITLE_PATTERNS = (
    "The {adj} {noun}",
    "{noun} of {place}",
    "Daughters of {place}",
    "We Were {adj}",
    "The {noun} Rebellion",
)

ADULT_TITLE_PATTERNS = (
    "The {adj} {noun}",
    "{noun} of {place}",
    "A {noun} in {place}",
    "The {noun} and the {noun2}",
    "{adj} {noun}",
    "After the {noun}",
)

# Magazine titles: the periodicals shelf, for adults and for children.
MAGAZINES = (
    "Kestrel Bay Gardener",
    "Coastal Cooking",
    "The Valley Quarterly",
    "Home Workshop",
    "Trail and Harbor",
    "Modern Birding",
    "Consumer Guide",
    "Northern Science Review",
)
CHILDREN_MAGAZINES = ("Little Explorers", "Pip's Puzzle Time", "Young Naturalist")

# Program series: (title, audience, sessions every N days, capacity).
PROGRAM_SERIES = (
    ("Baby Rhyme Time", "J", 7, 20),
    ("Preschool Storytime", "J", 7, 30),
    ("Lego Club", "J", 14, 16),
    ("Homework Help", "J", 7, 12),
    ("Teen Anime Club", "Y", 14, 15),
    ("Teen Advisory Board", "Y", 28, 12),
    ("SAT Prep Workshop", "Y", 28, 20),
    ("Book Club", "A", 28, 18),
    ("Computer Basics", "A", 14, 10),
    ("English Conversation Circle", "A", 7, 15),
    ("Tax Help", "A", 14, 8),
    ("Author Talk", "A", 42, 80),
    ("Genealogy for Beginners", "A", 28, 12),
)

REFERENCE_QUESTIONS = (
    "How do I find my family's immigration records?",
    "Looking for books about starting a small business.",
    "Where can I get help filling in a benefits application?",
    "Need sources on local water rights for a school report.",
    "How do I renew a passport?",
    "Recommend novels similar to the last book club pick.",
    "What are the library's databases for car repair manuals?",
    "Help finding a tenant rights organization.",
    "How do I print from my phone?",
    "Looking for job postings and resume help.",
    "Need a history of the county courthouse.",
    "Where are the tax forms?",
    "How do I download audiobooks?",
    "Information on learning sign language.",
)

SEARCH_DATABASES = (
    "Catalogue",
    "Catalogue",
    "Catalogue",
    "Academic Search",
    "Newspaper Archive",
    "Consumer Health",
    "Auto Repair Reference",
    "Genealogy Library",
    "Language Learning",
)

ILL_TITLES = (
    ("Regional Water Law in the Twentieth Century", "Harlan Pryce"),
    ("Field Guide to Coastal Lichens", "Mara Ostrowski"),
    ("The Collected Letters of a Lighthouse Keeper", "Edith Thorne"),
    ("Statistical Methods for Small Samples", "R. J. Kettering"),
    ("A Grammar of Old Norse", "Sven Halvorsen"),
    ("Ceramic Glazes from Local Clays", "Ines Barrow"),
    ("Histories of the Valley Railroads", "Dale Mercer"),
    ("Migration Patterns of Pacific Salmon", "Yuki Aramaki"),
)
