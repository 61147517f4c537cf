"""A big test corpus: N article files made from the sample articles.

Each article mixes lines of the sample corpus, with two actors swapped for others
(as ``extract_throughput.py`` does), and as many sentences made from slots (actors,
roles, acts, topics, places, days, numbers): 78 sample lines alone would make every
article share a fifth of its text with every other, which no real corpus does. It is
dated over a year from 2026-01-01 and
credited to one of 40 outlets; 3% are light rewrites of an earlier article (near-
duplicates) and 1% exact copies. Deterministic for a given N and seed.

    .venv/bin/python bench/big_corpus.py N OUT_DIR [--seed S] [--lines LO HI]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from extract_throughput import SWAPS, sample_sentences  # noqa: E402  (a sibling script, not a package)

START = dt.date(2026, 1, 1)


CITIES = ("Ankara", "Cairo", "Nairobi", "Lagos", "Kyiv", "Delhi", "Tokyo", "Brasilia", "Mexico City", "Islamabad",
          "Beijing", "Moscow", "Doha", "Geneva", "Vienna", "Addis Ababa", "Jakarta", "Manila", "Bogota", "Riyadh")
ROLES = ("Foreign Minister", "Defence Minister", "President", "Prime Minister", "envoy", "army chief", "spokesman")
VERBS = ("met", "called", "condemned", "warned", "praised", "accused", "urged", "thanked", "criticised", "visited")
TOPICS = ("the border crossing", "grain exports", "the prisoner exchange", "the ceasefire line", "gas prices",
          "the refugee corridor", "port access", "the peace talks", "the arms embargo", "fishing rights",
          "the dam project", "airspace closures", "the aid convoy", "election observers", "visa rules")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SOURCES = ("officials said", "a spokesman said", "state media reported", "according to a statement",
           "diplomats told reporters", "the ministry said in a readout")


def made_up(rng: random.Random) -> str:
    """A news sentence from slots (actor, role, act, counterpart, topic, place, day, number, attribution):
    the vocabulary of a corpus grows with its size, as real news does."""
    (a, a_adj), (b, b_adj) = rng.sample(SWAPS, 2)
    return (f"{a_adj} {rng.choice(ROLES)} {rng.choice(VERBS)} {b_adj if rng.random() < .5 else b} officials in "
            f"{rng.choice(CITIES)} on {rng.choice(DAYS)} over {rng.choice(TOPICS)}, {rng.choice(SOURCES)}, "
            f"after {rng.randint(2, 9_999):,} people {rng.choice(('fled', 'were displaced', 'protested', 'were detained'))} "
            f"in {rng.choice(CITIES)} since {rng.randint(1, 28)} {rng.choice(('March', 'April', 'May', 'June'))}.")


def articles(n: int, seed: int = 11, lines: tuple[int, int] = (8, 25)) -> Iterator[tuple[str, str]]:
    """(file name, file text) of ``n`` articles."""
    rng = random.Random(seed)
    pool = sample_sentences()
    bodies: list[str] = []
    for i in range(n):
        roll = rng.random()
        if bodies and roll < 0.01:
            body = rng.choice(bodies)  # an exact copy (another file)
        elif bodies and roll < 0.04:
            words = rng.choice(bodies).split(" ")
            for _ in range(max(1, len(words) // 60)):  # a light rewrite
                words[rng.randrange(len(words))] = rng.choice(("reportedly", "also", "on Monday", "officials said"))
            body = " ".join(words)
        else:
            k = rng.randint(*lines)
            picked = rng.sample(pool, k=min(len(pool), k // 2))
            (a, a_adj), (b, b_adj) = rng.sample(SWAPS, 2)
            picked = [line.replace("Iranian", a_adj).replace("Iran", a).replace("Israeli", b_adj).replace("Israel", b)
                      for line in picked]
            picked += [made_up(rng) for _ in range(k - len(picked))]
            rng.shuffle(picked)
            body = "\n".join(picked)
        if len(bodies) < 2000:
            bodies.append(body)
        day = START + dt.timedelta(days=rng.randrange(365))
        yield (f"{i // 1000:03d}/a{i:06d}.md",
               f"---\ntitle: Generated item {i}\nsource: Outlet {rng.randrange(40)}\npublished: {day.isoformat()}\n"
               f"language: en\n---\n{body}\n")


def write(n: int, out: Path, seed: int = 11, lines: tuple[int, int] = (8, 25)) -> Path:
    for name, text in articles(n, seed, lines):
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--lines", type=int, nargs=2, default=(8, 25))
    args = parser.parse_args()
    write(args.n, args.out, args.seed, tuple(args.lines))
    print(f"{args.n} articles in {args.out}")


if __name__ == "__main__":
    main()
