"""Exact arithmetic for the 規約's fractions. No floats anywhere (members/RULES.md);
periods are in core.periods."""


def at_least_fraction(count: int, total: int, numerator: int, denominator: int) -> bool:
    """count/total >= numerator/denominator, in integers: 3 * yes >= 2 * n for "2/3 以上"."""
    return denominator * count >= numerator * total


def minimum_needed(total: int, numerator: int, denominator: int) -> int:
    """The smallest count meeting the fraction: ceil(total * numerator / denominator)."""
    return -(-numerator * total // denominator)
