# exercise added by this site (lesson 5.2): entity spans from BIO tags, and entity-level precision, recall and F1
def spans(tags):
    """BIO tags -> set of (type, start, end) entities; end is exclusive. A stray I- starts a new entity."""
    entities, start, kind = set(), None, None
    for i, tag in enumerate(tags + ["O"]):  # the extra "O" closes an entity that runs to the end
        continues = tag.startswith("I-") and kind == tag[2:]
        if start is not None and not continues:
            entities.add((kind, start, i))
            start, kind = None, None
        if tag.startswith("B-") or (tag.startswith("I-") and not continues):
            start, kind = i, tag[2:]
    return entities


def entity_f1(true_tags, pred_tags):
    """An entity counts only if its type and both boundaries are right."""
    true, pred = spans(true_tags), spans(pred_tags)
    correct = len(true & pred)
    precision = correct / len(pred) if pred else 0.0
    recall = correct / len(true) if true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if correct else 0.0
    return precision, recall, f1


# 江泽民 在 北京 会见 ... : one person (3 characters) and one place (2 characters)
true_tags = ["B-PER", "I-PER", "I-PER", "O", "B-LOC", "I-LOC", "O", "O"]
print("true entities:", sorted(spans(true_tags)))
assert spans(true_tags) == {("PER", 0, 3), ("LOC", 4, 6)}

perfect = entity_f1(true_tags, true_tags)
short_name = entity_f1(true_tags, ["B-PER", "I-PER", "O", "O", "B-LOC", "I-LOC", "O", "O"])
wrong_type = entity_f1(true_tags, ["B-ORG", "I-ORG", "I-ORG", "O", "B-LOC", "I-LOC", "O", "O"])
print(f"perfect P/R/F1 {perfect}, one boundary wrong {short_name}, one type wrong {wrong_type}")
assert perfect == (1.0, 1.0, 1.0)
assert short_name == (0.5, 0.5, 0.5)   # 7 of 8 tags right, yet half the entities wrong
assert wrong_type == (0.5, 0.5, 0.5)
assert spans(["I-LOC", "I-LOC", "O"]) == {("LOC", 0, 2)}  # a tagger's stray I- still yields an entity
