"""The leak rule (this course's check ``splits``: site_hooks/course.py names it in CHECKS): a
snippet's test split must share no example with its training split.

After a snippet ran without error, the runner calls :func:`check` in the snippet's process with the
variables it left at module level, and keeps what it returns with the result
(``result.checks["splits"]``; tests/test_splits.py fails on a leak). It pairs them by
name: ``X_train``/``X_test``, ``train_texts``/``val_texts``, ``train_set``/``test_set``,
``train_loader``/``test_loader`` (the words train and test, val, valid or validation, with the
same remaining name). For each pair it counts the examples of the evaluation split that also
occur, byte for byte, in the training split. Snippets never import this: it is a rule the
harness applies to every snippet, so a split that forgets to deduplicate its corpus is caught
wherever it is written. The runner passes this file's source to the snippet's process, and a
cached result is valid only for the same source (snippet_runner.results.Policy).

What counts as one example: a row of a tensor or array (its first dimension), an item of a list
or tuple (for an ``(input, label)`` pair, the input), an item of a Dataset (its input). Splits of
plain numbers are not compared (labels, a 1-D series), except indices into one dataset
(``train_idx``/``test_idx``, ``*_ids``, ``*_indices``): the same index on both sides is the same example.
"""

from __future__ import annotations

import hashlib
import time

TRAIN = {"train", "training"}
EVAL = {"test", "val", "valid", "validation", "eval", "holdout"}
MAX_ITEMS = 200_000
BUDGET_S = 30.0  # per snippet, for all its pairs: reading a Dataset runs its transforms


INDEX_WORDS = {"idx", "ids", "index", "indices"}


def _is_index(name: str) -> bool:
    return bool(INDEX_WORDS & set(name.lower().split("_")))


def _index_values(value) -> set | None:
    """The values of a 1-D collection of integers (indices), or None."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    if hasattr(value, "tolist") and getattr(value, "ndim", 1) == 1:
        value = value.tolist()
    if isinstance(value, (list, tuple, set, frozenset, range)) and all(isinstance(v, int) for v in value):
        distinct = set(value)
        # Indices into a dataset name each example once; a stream with repeats (token ids) is not one.
        return distinct if len(distinct) == len(value) else None
    return None


def _role(name: str) -> tuple[str, str] | None:
    """("train" | "eval", the rest of the name) for a split's variable name, else None."""
    words = name.lower().split("_")
    roles = [("train" if w in TRAIN else "eval") for w in words if w in TRAIN | EVAL]
    if len(roles) != 1:
        return None
    rest = "_".join(w for w in words if w not in TRAIN | EVAL)
    return roles[0], rest


def _scalar(value) -> bool:
    if isinstance(value, (bool, int, float, complex)):
        return True
    shape = getattr(value, "shape", None)
    return shape is not None and len(tuple(shape)) == 0


def _key(example) -> bytes | None:
    """A digest of one example, or None when it is a plain number (not compared)."""
    if isinstance(example, tuple) and len(example) == 2 and not _scalar(example[0]) and _scalar(example[1]):
        example = example[0]  # (input, label): the input is the example
    if _scalar(example):
        return None
    if hasattr(example, "detach"):  # a torch tensor
        example = example.detach().cpu().contiguous().numpy()
    if hasattr(example, "tobytes") and hasattr(example, "dtype"):  # a numpy array
        return hashlib.blake2b(repr((example.shape, str(example.dtype))).encode() + example.tobytes(),
                               digest_size=16).digest()
    if isinstance(example, (str, bytes)):
        return hashlib.blake2b(example.encode() if isinstance(example, str) else example, digest_size=16).digest()
    if isinstance(example, (list, tuple)):
        parts = [_key(part) or repr(part).encode() for part in example]
        return hashlib.blake2b(b"\0".join(parts), digest_size=16).digest()
    try:
        return hashlib.blake2b(repr(example).encode(), digest_size=16).digest()
    except Exception:  # noqa: BLE001 - an object we cannot describe is not compared
        return None


def _examples(value):
    """The examples of a split, or None when the value is not a split we can read."""
    value = getattr(value, "dataset", value) if type(value).__name__ == "DataLoader" else value
    if isinstance(value, (str, bytes, dict)) or _scalar(value):
        return None
    tensors = getattr(value, "tensors", None)  # TensorDataset: the inputs are its first tensor
    if isinstance(tensors, tuple) and tensors:
        value = tensors[0]
    shape = getattr(value, "shape", None)
    if shape is not None:
        return value if len(tuple(shape)) >= 1 else None
    if isinstance(value, (list, tuple)):
        return value
    if isinstance(value, (set, frozenset)):
        return list(value)
    if hasattr(value, "__getitem__") and hasattr(value, "__len__"):  # a map-style Dataset
        return _DatasetItems(value)
    return None


class _DatasetItems:
    def __init__(self, dataset) -> None:
        self.dataset = dataset

    def __len__(self) -> int:
        return len(self.dataset)

    def __iter__(self):
        for index in range(len(self.dataset)):
            item = self.dataset[index]
            yield item[0] if isinstance(item, tuple) and item else item


NUMBERS = "numbers"  # the split holds plain numbers (labels, a series, indices): not compared


def _keys(examples, deadline: float):
    """The set of example digests, NUMBERS, or None when it was too large or too slow to read."""
    keys = set()
    try:
        for number, example in enumerate(examples):
            if number >= MAX_ITEMS or time.monotonic() > deadline:
                return None
            key = _key(example)
            if key is None:
                return NUMBERS
            keys.add(key)
    except Exception:  # noqa: BLE001 - a dataset that cannot be read here is left unchecked
        return None
    return keys


def check(namespace: dict, budget_s: float = BUDGET_S) -> list[dict]:
    """Every train/evaluation pair in a module's namespace and how many examples they share.

    Returns ``[{"train": name, "test": name, "train_size": n, "test_size": m, "shared": k}]``;
    ``"shared"`` is None for a pair too large or too slow to compare within the budget.
    """
    groups: dict[str, dict[str, list[str]]] = {}
    for name in namespace:
        role = None if name.startswith("__") else _role(name)
        if role:
            groups.setdefault(role[1], {}).setdefault(role[0], []).append(name)
    deadline = time.monotonic() + budget_s
    read: dict[str, object] = {}

    def keys_of(name: str):
        if name not in read:
            examples = _examples(namespace[name])
            read[name] = NUMBERS if examples is None else _keys(examples, deadline)
        return read[name]

    report = []
    for rest, roles in sorted(groups.items()):
        for train_name in sorted(roles.get("train", [])):
            for test_name in sorted(roles.get("eval", [])):
                train, test = keys_of(train_name), keys_of(test_name)
                if train is NUMBERS or test is NUMBERS:
                    if not (_is_index(train_name) and _is_index(test_name)):
                        continue
                    train, test = _index_values(namespace[train_name]), _index_values(namespace[test_name])
                    if train is None or test is None:
                        continue
                shared = None if train is None or test is None else len(train & test)
                report.append({"train": train_name, "test": test_name, "train_size": _size(namespace[train_name]),
                               "test_size": _size(namespace[test_name]), "shared": shared})
    return report


def _size(value) -> int | None:
    value = getattr(value, "dataset", value) if type(value).__name__ == "DataLoader" else value
    try:
        return len(value)
    except TypeError:
        return None
