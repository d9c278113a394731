# exercise added by this site (lesson 5.2): People's Daily word/tag pairs to character BIO tags
ENTITY = {"nr": "PER", "ns": "LOC", "nt": "ORG"}   # person, place, organization


def to_bio(pairs):
    """Characters and their BIO tags; consecutive nr words (surname, given name) are one person."""
    chars, tags, previous = [], [], None
    for word, pos in pairs:
        kind = ENTITY.get(pos)
        for k, ch in enumerate(word):
            chars.append(ch)
            if kind is None:
                tags.append("O")
            elif k == 0 and not (kind == "PER" and previous == "PER"):
                tags.append("B-" + kind)
            else:
                tags.append("I-" + kind)
        previous = kind
    return "".join(chars), tags


line = "江/nr  泽民/nr  在/p  北京/ns  会见/v  新华社/nt  记者/n"
pairs = [token.rsplit("/", 1) for token in line.split()]
chars, tags = to_bio(pairs)
for ch, tag in zip(chars, tags):
    print(ch, tag)

assert chars == "江泽民在北京会见新华社记者"
assert tags == ["B-PER", "I-PER", "I-PER", "O", "B-LOC", "I-LOC", "O", "O",
                "B-ORG", "I-ORG", "I-ORG", "O", "O"]
# Two people in a row stay two entities: only an nr directly after an nr continues a name.
_, two = to_bio([("江", "nr"), ("泽民", "nr"), ("和", "c"), ("李", "nr"), ("鹏", "nr")])
assert two.count("B-PER") == 2
