"""The built-in vocabulary of generated Zebra puzzles and how the text wording names people.

`THEMES` are attributes whose value names are all distinct (no value is a word of another
value or of the wording, so every phrase resolves to one person); `SHARED_THEMES` come in
pairs whose value names overlap (`biking` a hobby and a physical activity, `Honda` a car
and a motorbike), as in published sets. There are enough themes for 24 attributes of up
to 10 values each (20 beside the shared pairs); `puzzles.zebra.generate.vocabulary` falls
back to generic names (`attr25`, `v25_1`) only past that.

A phrase names a person by a value (`the person who owns a cat`). A value name shared by
two attributes is told apart only by an attribute's own noun (`the person who does chess
as a hobby`, `the person who rides a Honda motorbike`); without one (`the person who
likes biking`, `the person who drives the Honda`) the phrase is an ambiguous reference,
whatever its verb (see `puzzles.zebra.text`).
"""

from __future__ import annotations

from dataclasses import dataclass

from puzzles.zebra.clues import Either, Entity, entity_readings

CLASSIC = (10, 8)  # the first 10 themes with their first 8 values: the vocabulary
# generated puzzles had first. A puzzle within that size draws from it alone, so a seed
# gives the same puzzles it gave before the vocabulary grew.


@dataclass(frozen=True)
class Theme:
    """One attribute of the built-in vocabulary and how the text wording names its values.

    A phrase is a format string: `{v}` the value, `{an}` its article (`a`, `an`)."""

    attribute: str  # its name, and the noun of its declaration
    verb: str  # "Everyone {verb} a different {attribute}: ..."
    person: str  # the phrase naming the person with value {v}
    values: tuple[str, ...]  # at least 10; no value is a word of another value or of the
    #                          wording, so every phrase resolves
    more: tuple[str, ...] = ()  # other phrases naming that person, used in turn with `person`
    vague: str = ""  # the phrase naming the person with value {v} without this attribute's
    #                  noun (a shared value name: an ambiguous reference), with its own verb

    @property
    def phrases(self) -> tuple[str, ...]:
        return (self.person,) + self.more


THEMES = (
    Theme("name", "has", "{v}",
          ("Alice", "Bob", "Carol", "David", "Emma", "Frank", "Grace", "Henry", "Irene", "Jack")),
    Theme("nationality", "has", "the {v}",
          ("Brit", "Swede", "Dane", "German", "Norwegian", "Spaniard", "Italian", "Japanese",
           "Mexican", "Chinese")),
    Theme("color", "wears", "the person who wears {v}",
          ("red", "green", "blue", "yellow", "white", "purple", "orange", "black", "pink", "gray")),
    Theme("pet", "owns", "the person who owns {an} {v}",
          ("cat", "dog", "fish", "bird", "horse", "rabbit", "hamster", "snake", "iguana", "turtle")),
    Theme("drink", "drinks", "the person who drinks {v}",
          ("tea", "coffee", "milk", "water", "juice", "soda", "cocoa", "lemonade", "smoothie",
           "cider")),
    Theme("instrument", "plays", "the {v} player",
          ("harp", "drums", "flute", "piano", "violin", "guitar", "cello", "trumpet", "saxophone",
           "clarinet")),
    Theme("sport", "plays", "the person who plays {v}",
          ("tennis", "soccer", "golf", "hockey", "rugby", "cricket", "baseball", "volleyball",
           "badminton", "basketball")),
    Theme("food", "eats", "the person who eats {v}",
          ("pizza", "pasta", "sushi", "tacos", "curry", "salad", "soup", "bread", "noodles",
           "burgers")),
    Theme("job", "has", "the {v}",
          ("doctor", "teacher", "pilot", "chef", "lawyer", "farmer", "artist", "nurse", "engineer",
           "dentist")),
    Theme("flower", "grows", "the person who grows {v}",
          ("roses", "tulips", "lilies", "daisies", "orchids", "violets", "peonies", "irises",
           "dahlias", "poppies")),
    # Past CLASSIC: for more than 10 attributes or 8 houses.
    Theme("city", "comes from", "the person from {v}",
          ("Paris", "London", "Rome", "Berlin", "Madrid", "Vienna", "Prague", "Lisbon", "Dublin",
           "Oslo")),
    Theme("fruit", "buys", "the person who buys {v}",
          ("apples", "bananas", "cherries", "grapes", "kiwis", "mangoes", "pears", "plums",
           "lemons", "peaches")),
    Theme("book genre", "reads", "the person who reads {v}",
          ("mysteries", "romance", "poetry", "fantasy", "thrillers", "biographies", "comics",
           "westerns", "horror", "history")),
    Theme("music genre", "listens to", "the person who listens to {v}",
          ("jazz", "rock", "pop", "blues", "reggae", "techno", "folk", "country", "disco", "opera")),
    Theme("collection", "has", "the person who collects {v}",
          ("stamps", "coins", "shells", "stickers", "postcards", "magnets", "badges", "fossils",
           "minerals", "keychains")),
    Theme("dessert", "bakes", "the person who bakes {v}",
          ("cake", "pie", "cookies", "brownies", "muffins", "tarts", "scones", "cupcakes",
           "donuts", "waffles")),
    Theme("language", "speaks", "the person who speaks {v}",
          ("Latin", "Greek", "Hindi", "Arabic", "Russian", "Korean", "Dutch", "Polish", "Turkish",
           "Swahili")),
    Theme("transport", "uses", "the person who travels by {v}",
          ("bus", "train", "tram", "ferry", "subway", "taxi", "bicycle", "scooter", "skateboard",
           "canoe")),
    Theme("breakfast", "has", "the person who has {v} for breakfast",
          ("pancakes", "cereal", "oatmeal", "toast", "eggs", "bagels", "porridge", "yogurt",
           "granola", "croissants")),
    Theme("phone", "uses", "the person who uses {an} {v} phone",
          ("Samsung", "Nokia", "Motorola", "Sony", "Xiaomi", "Huawei", "Oppo", "Pixel", "OnePlus",
           "LG")),
    Theme("tree", "plants", "the person who plants {an} {v}",
          ("oak", "maple", "birch", "pine", "cedar", "willow", "elm", "ash", "beech", "spruce")),
    Theme("item", "carries", "the person who carries {an} {v}",
          ("umbrella", "backpack", "briefcase", "handbag", "wallet", "camera", "notebook",
           "laptop", "compass", "lantern")),
    Theme("star sign", "has", "the person born under {v}",
          ("Aries", "Taurus", "Gemini", "Cancer", "Leo", "Virgo", "Libra", "Scorpio", "Capricorn",
           "Aquarius", "Pisces", "Sagittarius")),
    Theme("birth month", "has", "the person born in {v}",
          ("January", "February", "March", "April", "June", "July", "August", "September",
           "October", "November", "December")),
)
SHARED_THEMES = (
    Theme("hobby", "likes", "the person who has {v} as a hobby",
          ("biking", "skiing", "hiking", "chess", "painting", "gardening", "fishing", "knitting",
           "pottery", "dancing"),
          ("the person who does {v} as a hobby",), "the person who likes {v}"),
    Theme("physical activity", "does", "the person who does {v} as a physical activity",
          ("biking", "skiing", "hiking", "yoga", "running", "swimming", "rowing", "boxing",
           "climbing", "surfing"),
          ("the person who likes {v} as a physical activity",), "the person who does {v}"),
    Theme("car", "drives", "the person who drives {an} {v} car",
          ("Honda", "BMW", "Ford", "Tesla", "Fiat", "Toyota", "Audi", "Kia", "Volvo", "Opel"),
          ("the person who rides in {an} {v} car",), "the person who drives the {v}"),
    Theme("motorbike", "rides", "the person who rides {an} {v} motorbike",
          ("Honda", "BMW", "Ducati", "Vespa", "Yamaha", "Suzuki", "Triumph", "Kawasaki", "Harley",
           "Aprilia"),
          ("the person who drives {an} {v} motorbike",), "the person who rides the {v}"),
)
"""Pairs of themes whose value names overlap (`biking`, `Honda`), for puzzles worded like
published ones. A value is named with its attribute's noun, in turn with its own
declaration's verb and with the other theme's (`the person who does chess as a hobby`,
though hobbies are declared with `likes`), or vaguely with either theme's verb (`the
person who likes biking`, `the person who does biking`): an ambiguous reference, whichever
attribute the generator meant."""
BY_NAME = {t.attribute: t for t in THEMES + SHARED_THEMES}

_AN_WORDS = ("hour", "honest", "honor", "honour", "heir")  # a silent h: `an hour`
_A_WORDS = ("uni", "use", "usu", "uti", "uto", "ura", "uri", "uro", "uku", "eu", "ewe", "one",
            "once")  # a vowel letter read as a consonant: `a unicorn`, `a Ural`, `a OnePlus`
_AN_LETTERS = set("AEFHILMNORSX")  # letters whose names start with a vowel sound: `an LG`


def article(word: str) -> str:
    """`a` or `an` before `word`, by its sound: `an Audi`, `a Honda`, `an hour`, `a unicorn`,
    `an LG`, `a BMW`."""
    if len(word) > 1 and word.isupper():  # an initialism, read letter by letter
        return "an" if word[0] in _AN_LETTERS else "a"
    low = word.lower()
    if low.startswith(_AN_WORDS):
        return "an"
    if low.startswith(_A_WORDS):
        return "a"
    return "an" if low[:1] in set("aeiou") else "a"


def _fill(phrase: str, value: str) -> str:
    return phrase.format(v=value, an=article(value))


def person_phrase(mention: Entity | Either, variant: int = 0) -> str:
    """The phrase naming the person with `mention`: `the person who owns a cat`, `Alice`;
    `the person whose <attribute> is <value>` outside the vocabulary. A theme with several
    phrases uses phrase `variant` (modulo their number). An `Either` of entities sharing
    one value name gets a vague phrase, the one of its `variant`-th attribute (`the
    person who likes biking`, `the person who does biking`)."""
    if isinstance(mention, Either):
        entities = entity_readings(mention)
        themes = [t for a, _ in entities if (t := BY_NAME.get(a)) is not None and t.vague]
        if len(themes) < len(mention.options):  # a house, or an attribute without one
            raise ValueError(f"no vague phrase for {mention}")
        value = entities[0][1]
        vague = list(dict.fromkeys(t.vague for t in themes))
        return _fill(vague[variant % len(vague)], value)
    theme = BY_NAME.get(mention[0])
    if theme is None or mention[1] not in theme.values:
        return f"the person whose {mention[0]} is {mention[1]}"
    return _fill(theme.phrases[variant % len(theme.phrases)], mention[1])


def declaration_verb(attribute: str, values: tuple[str, ...]) -> str:
    """The verb of the attribute's declaration (`owns` in `Everyone owns a different pet`):
    its theme's when every value is the theme's, else `has`."""
    theme = BY_NAME.get(attribute)
    return theme.verb if theme and set(values) <= set(theme.values) else "has"
