"""One regex for many words, shaped as a trie (pure).

Each position tries one branch per next letter instead of every word in turn: about five times
faster than a flat alternation of 100 words. Where one word is a prefix of another, the longer
wins ("no one" before "no"). A space in a word matches any run of white space.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeAlias

# A word list as a tree of next letters; "" marks a word's end.
_Trie: TypeAlias = dict[str, "_Trie"]


def trie_pattern(words: Iterable[str]) -> str:
    """The regex (without anchors or flags) that matches any of `words`."""
    tree: _Trie = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: _Trie) -> str:
        branches = [(r"\s+" if char == " " else re.escape(char)) + emit(child)
                    for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        if "" not in node:
            return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{'|'.join(branches)})?"

    return emit(tree)
