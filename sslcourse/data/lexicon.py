"""The words of the toy language and who can do what with what.

Plain data: read it as the language's dictionary. ``ToyLanguage`` keeps the first
``n`` entries of each noun list for its ``size``.
"""

# noun: plural (animals and people agree with their verb in number)
ANIMALS = {
    "dog": "dogs", "cat": "cats", "cow": "cows", "horse": "horses",
    "bird": "birds", "mouse": "mice", "goat": "goats", "fox": "foxes",
    "pig": "pigs", "duck": "ducks", "rabbit": "rabbits", "sheep": "sheep",
}
PEOPLE = {
    "farmer": "farmers", "chef": "chefs", "doctor": "doctors", "nurse": "nurses",
    "teacher": "teachers", "painter": "painters", "pilot": "pilots", "baker": "bakers",
    "student": "students", "driver": "drivers", "builder": "builders", "tailor": "tailors",
}

# what each eater can eat
FOODS = ["bread", "meat", "fish", "grass", "seeds", "cheese", "soup", "rice",
         "apples", "carrots", "cake", "hay"]
EATS = {
    "dog": ["meat", "bread", "fish"], "cat": ["fish", "meat", "cheese"],
    "cow": ["grass", "hay", "carrots"], "horse": ["hay", "apples", "carrots", "grass"],
    "bird": ["seeds", "bread", "rice"], "mouse": ["cheese", "seeds", "bread", "cake"],
    "goat": ["grass", "hay", "carrots", "apples"], "fox": ["meat", "fish", "apples"],
    "pig": ["apples", "carrots", "bread", "rice"], "duck": ["bread", "seeds", "grass"],
    "rabbit": ["carrots", "grass", "hay"], "sheep": ["grass", "hay"],
    "person": ["bread", "soup", "rice", "fish", "cheese", "cake", "apples", "meat"],
}

# what each job works with
TOOLS = ["knife", "spoon", "pot", "tray", "rope", "shovel", "bucket", "pen", "brush",
         "map", "book", "needle", "hammer", "wheel", "stethoscope"]
USES = {
    "farmer": ["shovel", "rope", "bucket"], "chef": ["knife", "spoon", "pot"],
    "doctor": ["stethoscope", "pen", "book"], "nurse": ["needle", "stethoscope", "bucket"],
    "teacher": ["book", "pen", "map"], "painter": ["brush", "bucket", "rope"],
    "pilot": ["map", "wheel", "pen"], "baker": ["tray", "spoon", "knife"],
    "student": ["book", "pen", "map"], "driver": ["wheel", "map", "rope"],
    "builder": ["hammer", "rope", "bucket"], "tailor": ["needle", "knife", "pen"],
}

# where each kind of subject goes, by topic of the sentence
TOPICS = ["farm", "town", "home"]
PLACES = {
    "animal": {"farm": ["field", "barn", "river", "forest"],
               "town": ["park", "river", "street"],
               "home": ["garden", "kitchen", "house"]},
    "person": {"farm": ["field", "barn", "market"],
               "town": ["school", "hospital", "market", "street", "park"],
               "home": ["kitchen", "garden", "house"]},
}
# which nouns a topic makes likely (the others stay possible, less often)
TOPIC_NOUNS = {
    "farm": {"cow", "horse", "goat", "pig", "sheep", "duck", "farmer", "dog", "fox"},
    "town": {"doctor", "nurse", "teacher", "pilot", "student", "driver", "builder", "bird", "dog"},
    "home": {"cat", "mouse", "dog", "rabbit", "chef", "baker", "painter", "tailor"},
}

# the verbs of each kind of sentence: singular -> plural
VERBS = {
    "eat": {"eats": "eat", "likes": "like", "wants": "want"},
    "go": {"walks": "walk", "runs": "run", "goes": "go"},
    "use": {"uses": "use", "holds": "hold", "needs": "need"},
    "see": {"sees": "see", "watches": "watch", "follows": "follow"},
    "own": {"cleans": "clean", "finds": "find", "loses": "lose"},
}
ADJECTIVES = ["hungry", "tired", "little", "young", "big", "small", "happy", "brown"]
PRONOUNS = ["his", "her"]
# the jobs that the bias knob pairs with "his"; the others it pairs with "her"
HIS_JOBS = {"farmer", "doctor", "pilot", "driver", "builder", "painter"}
